package dev.edgegateway.events;

import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonObject;

/**
 * Knobs of the analytics outbox and its sender, read from the gateway's whole config:
 * section {@code events}, plus {@code klevu.statsUrl} and {@code upstream.stats}.
 *
 * <pre>{@code
 * events:
 *   outboxCapacity: 100000      # edge_events_total{result=rejected_full} counts what it turns away
 *   batchSize: 50
 *   flushIntervalMs: 250
 *   maxAttempts: 8              # edge_events_total{result=dead}
 *   retryBackoffMs: 500
 *   retryBackoffMaxMs: 30000
 *   maxInFlightBatches: 4
 *   shutdownDrainMs: 5000
 *   fullRetryAfterSeconds: 1
 * klevu:
 *   statsUrl: https://stats.ksearchnet.com/analytics/collect
 * upstream:
 *   stats: { timeoutMs: 1500, ... }   # UpstreamOptions
 * }</pre>
 */
public final class EventsOptions {
  /**
   * Events the outbox holds (queued plus being sent). Past it {@code enqueue} fails with OVERLOADED (503 +
   * Retry-After) for the whole body; metric {@code edge_events_total{result=rejected_full}}, depth in
   * {@code edge_outbox_depth}.
   */
  public static final int DEFAULT_OUTBOX_CAPACITY = 100_000;
  /** Most events per POST to the stats endpoint (one JSON array). */
  public static final int DEFAULT_BATCH_SIZE = 50;
  /** A partial batch waits at most this long; a full batch goes at once. */
  public static final long DEFAULT_FLUSH_INTERVAL_MS = 250;
  /**
   * POSTs of one batch before it is dead-lettered: counted in {@code edge_events_total{result=dead}} and
   * {@code edge_events_batches_total{result=dead}}, logged without payload. A 4xx answer dead-letters at once.
   */
  public static final int DEFAULT_MAX_ATTEMPTS = 8;
  /** First wait after a failed POST; doubled per attempt of the batch (with jitter), up to the cap. */
  public static final long DEFAULT_RETRY_BACKOFF_MS = 500;
  /** Cap of the retry backoff, and of the upstream's {@code Retry-After} that the sender honours. */
  public static final long DEFAULT_RETRY_BACKOFF_MAX_MS = 30_000;
  /** POSTs in the air at once. */
  public static final int DEFAULT_MAX_IN_FLIGHT_BATCHES = 4;
  /** On undeploy, how long the sender keeps delivering before it gives up and logs what remains. */
  public static final long DEFAULT_SHUTDOWN_DRAIN_MS = 5_000;
  /** {@code Retry-After} given when the outbox is full (raised to the sender's backoff when it is backing off). */
  public static final long DEFAULT_FULL_RETRY_AFTER_SECONDS = 1;
  /** Klevu's analytics collector. */
  public static final String DEFAULT_STATS_URL = "https://stats.ksearchnet.com/analytics/collect";

  private int outboxCapacity = DEFAULT_OUTBOX_CAPACITY;
  private int batchSize = DEFAULT_BATCH_SIZE;
  private long flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private long retryBackoffMs = DEFAULT_RETRY_BACKOFF_MS;
  private long retryBackoffMaxMs = DEFAULT_RETRY_BACKOFF_MAX_MS;
  private int maxInFlightBatches = DEFAULT_MAX_IN_FLIGHT_BATCHES;
  private long shutdownDrainMs = DEFAULT_SHUTDOWN_DRAIN_MS;
  private long fullRetryAfterSeconds = DEFAULT_FULL_RETRY_AFTER_SECONDS;
  private String statsUrl = DEFAULT_STATS_URL;
  private UpstreamOptions stats = new UpstreamOptions();

  public EventsOptions() {
  }

  /** Reads the gateway's whole config; absent sections and keys keep their defaults. */
  public EventsOptions(JsonObject config) {
    JsonObject events = section(config, "events");
    setOutboxCapacity(events.getInteger("outboxCapacity", DEFAULT_OUTBOX_CAPACITY));
    setBatchSize(events.getInteger("batchSize", DEFAULT_BATCH_SIZE));
    setFlushIntervalMs(events.getLong("flushIntervalMs", DEFAULT_FLUSH_INTERVAL_MS));
    setMaxAttempts(events.getInteger("maxAttempts", DEFAULT_MAX_ATTEMPTS));
    setRetryBackoffMs(events.getLong("retryBackoffMs", DEFAULT_RETRY_BACKOFF_MS));
    setRetryBackoffMaxMs(events.getLong("retryBackoffMaxMs", DEFAULT_RETRY_BACKOFF_MAX_MS));
    setMaxInFlightBatches(events.getInteger("maxInFlightBatches", DEFAULT_MAX_IN_FLIGHT_BATCHES));
    setShutdownDrainMs(events.getLong("shutdownDrainMs", DEFAULT_SHUTDOWN_DRAIN_MS));
    setFullRetryAfterSeconds(events.getLong("fullRetryAfterSeconds", DEFAULT_FULL_RETRY_AFTER_SECONDS));
    setStatsUrl(section(config, "klevu").getString("statsUrl", DEFAULT_STATS_URL));
    setStats(new UpstreamOptions(section(section(config, "upstream"), "stats")));
  }

  private static JsonObject section(JsonObject parent, String key) {
    JsonObject value = parent == null ? null : parent.getJsonObject(key);
    return value == null ? new JsonObject() : value;
  }

  private static long positive(long value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException("events." + name + " must be positive");
    }
    return value;
  }

  public int getOutboxCapacity() { return outboxCapacity; }
  public EventsOptions setOutboxCapacity(int v) { outboxCapacity = (int) positive(v, "outboxCapacity"); return this; }

  public int getBatchSize() { return batchSize; }
  public EventsOptions setBatchSize(int v) { batchSize = (int) positive(v, "batchSize"); return this; }

  public long getFlushIntervalMs() { return flushIntervalMs; }
  public EventsOptions setFlushIntervalMs(long v) { flushIntervalMs = positive(v, "flushIntervalMs"); return this; }

  public int getMaxAttempts() { return maxAttempts; }
  public EventsOptions setMaxAttempts(int v) { maxAttempts = (int) positive(v, "maxAttempts"); return this; }

  public long getRetryBackoffMs() { return retryBackoffMs; }
  public EventsOptions setRetryBackoffMs(long v) { retryBackoffMs = positive(v, "retryBackoffMs"); return this; }

  public long getRetryBackoffMaxMs() { return retryBackoffMaxMs; }
  public EventsOptions setRetryBackoffMaxMs(long v) { retryBackoffMaxMs = positive(v, "retryBackoffMaxMs"); return this; }

  public int getMaxInFlightBatches() { return maxInFlightBatches; }
  public EventsOptions setMaxInFlightBatches(int v) {
    maxInFlightBatches = (int) positive(v, "maxInFlightBatches");
    return this;
  }

  /** 0 means: do not wait for delivery on undeploy, just log what remains. */
  public long getShutdownDrainMs() { return shutdownDrainMs; }
  public EventsOptions setShutdownDrainMs(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("events.shutdownDrainMs must not be negative");
    }
    shutdownDrainMs = v;
    return this;
  }

  public long getFullRetryAfterSeconds() { return fullRetryAfterSeconds; }
  public EventsOptions setFullRetryAfterSeconds(long v) {
    fullRetryAfterSeconds = positive(v, "fullRetryAfterSeconds");
    return this;
  }

  public String getStatsUrl() { return statsUrl; }
  public EventsOptions setStatsUrl(String v) {
    if (v == null || !(v.startsWith("https://") || v.startsWith("http://"))) {
      throw new IllegalArgumentException("klevu.statsUrl must be an absolute http(s) URL");
    }
    statsUrl = v;
    return this;
  }

  public UpstreamOptions getStats() { return stats; }
  public EventsOptions setStats(UpstreamOptions v) {
    if (v == null) {
      throw new IllegalArgumentException("upstream.stats must not be null");
    }
    stats = v;
    return this;
  }
}
