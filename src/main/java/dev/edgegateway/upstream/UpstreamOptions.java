package dev.edgegateway.upstream;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * How the gateway talks to one upstream (Klevu visitor, config, search, stats; Klaviyo): {@code upstream.defaults}
 * overlaid with {@code upstream.<name>}, the same merge for every upstream (see {@link Settings} for each knob).
 *
 * @param maxPoolSize connections to the upstream in total, shared out between the clients of its
 *     {@link UpstreamClient.Guard} (one per event loop that calls it), not per event loop
 * @param maxWaitQueue calls that may queue for a connection, shared out like the pool; negative = unbounded
 * @param maxResponseBytes largest answer body read; a larger one is cut off while it streams in
 */
public record UpstreamOptions(long timeoutMs, int maxRetries, long retryBackoffMs, long maxRetryAfterMs,
    int breakerMaxFailures, long breakerResetMs, long breakerWindowMs, int maxPoolSize, int maxWaitQueue,
    int connectTimeoutMs, int maxResponseBytes) {

  /** The options of upstream {@code name}. */
  public static UpstreamOptions forUpstream(ConfigReader config, String name) {
    ConfigReader reader = config.forUpstream(name);
    return new UpstreamOptions(
        reader.positiveLong(Settings.UPSTREAM_TIMEOUT_MS),
        reader.nonNegativeInt(Settings.UPSTREAM_MAX_RETRIES),
        reader.nonNegativeLong(Settings.UPSTREAM_RETRY_BACKOFF_MS),
        reader.nonNegativeLong(Settings.UPSTREAM_MAX_RETRY_AFTER_MS),
        reader.positiveInt(Settings.BREAKER_MAX_FAILURES),
        reader.positiveLong(Settings.BREAKER_RESET_MS),
        reader.positiveLong(Settings.BREAKER_WINDOW_MS),
        reader.positiveInt(Settings.UPSTREAM_POOL_SIZE),
        reader.intValue(Settings.UPSTREAM_MAX_WAIT_QUEUE),
        reader.positiveInt(Settings.UPSTREAM_CONNECT_TIMEOUT_MS),
        reader.positiveInt(Settings.UPSTREAM_MAX_RESPONSE_BYTES));
  }

  /** The options of upstream {@code name} in {@code config} (the whole tree, or part of it over the defaults). */
  public static UpstreamOptions forUpstream(JsonObject config, String name) {
    return forUpstream(ConfigReader.of(config), name);
  }
}
