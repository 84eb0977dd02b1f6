package dev.edgegateway.events;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonObject;

/**
 * Knobs of the analytics outbox and its sender: the {@code events} settings, {@code klevu.statsUrl} and the
 * {@code stats} upstream (see {@link Settings} for each).
 *
 * @param outboxCapacity events the outbox holds (queued plus being sent); past it {@code enqueue} fails with
 *     OVERLOADED (503 + Retry-After) for the whole body
 * @param maxAttempts POSTs of one batch before it is dead-lettered (counted, logged without payload); a 4xx answer
 *     dead-letters at once
 * @param retryBackoffMs first wait after a failed POST; doubled per attempt of the batch (with jitter), up to
 *     {@code retryBackoffMaxMs}, which also caps the upstream's {@code Retry-After} that the sender honours
 * @param shutdownDrainMs on undeploy, how long the sender keeps delivering; 0 = do not wait, just log what remains
 * @param fullRetryAfterSeconds {@code Retry-After} given when the outbox is full (raised to the sender's backoff when
 *     it is backing off)
 * @param maxEventBytes largest encoded event accepted; a larger one is refused alone, its neighbours accepted
 * @param outboxMaxBytes encoded bytes the outbox holds, a bound next to {@code outboxCapacity}
 * @param batchMaxBytes largest POST body to the collector (an event larger than it goes alone)
 * @param claimIdleMs with Redis, how long an unsettled event of a (dead) gateway waits before another claims it
 * @param consumer with Redis, this gateway's consumer name; empty = host name and process id
 * @param appendTimeoutMs with Redis, bound on each outbox command (the append above all), apart from the cache's
 *     fail-fast command timeout
 */
public record EventsOptions(int outboxCapacity, int batchSize, long flushIntervalMs, int maxAttempts,
    long retryBackoffMs, long retryBackoffMaxMs, int maxInFlightBatches, long shutdownDrainMs,
    long fullRetryAfterSeconds, String statsUrl, UpstreamOptions stats, int maxEventBytes, long outboxMaxBytes,
    int batchMaxBytes, long claimIdleMs, String consumer, long appendTimeoutMs) {

  public static EventsOptions from(ConfigReader config) {
    return new EventsOptions(
        config.positiveInt(Settings.OUTBOX_CAPACITY),
        config.positiveInt(Settings.EVENTS_BATCH_SIZE),
        config.positiveLong(Settings.EVENTS_FLUSH_MS),
        config.positiveInt(Settings.EVENTS_MAX_ATTEMPTS),
        config.positiveLong(Settings.EVENTS_RETRY_BACKOFF_MS),
        config.positiveLong(Settings.EVENTS_RETRY_BACKOFF_MAX_MS),
        config.positiveInt(Settings.EVENTS_IN_FLIGHT),
        config.nonNegativeLong(Settings.EVENTS_DRAIN_MS),
        config.positiveLong(Settings.EVENTS_FULL_RETRY_AFTER_S),
        config.httpUrl(Settings.KLEVU_STATS_URL),
        UpstreamOptions.forUpstream(config, "stats"),
        config.positiveInt(Settings.EVENTS_MAX_EVENT_BYTES),
        config.positiveLong(Settings.EVENTS_OUTBOX_MAX_BYTES),
        config.positiveInt(Settings.EVENTS_BATCH_MAX_BYTES),
        config.positiveLong(Settings.EVENTS_CLAIM_IDLE_MS),
        config.string(Settings.EVENTS_CONSUMER),
        config.positiveLong(Settings.EVENTS_APPEND_TIMEOUT_MS));
  }

  /** From the gateway's whole config (or part of it, over the defaults). */
  public static EventsOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }
}
