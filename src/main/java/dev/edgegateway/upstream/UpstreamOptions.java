package dev.edgegateway.upstream;

import io.vertx.core.json.JsonObject;

/** How the gateway talks to one upstream (Klevu visitor, config, search, stats; Klaviyo). */
public final class UpstreamOptions {
  /** Longest a single attempt may take; the request's own deadline caps it further. */
  public static final long DEFAULT_TIMEOUT_MS = 1_500;
  /** Attempts after the first, for 5xx, 429, 503, 504, connection errors and timeouts with budget left. */
  public static final int DEFAULT_MAX_RETRIES = 1;
  /** First backoff; doubled per attempt, with jitter, unless the upstream sent {@code Retry-After}. */
  public static final long DEFAULT_RETRY_BACKOFF_MS = 50;
  /** A {@code Retry-After} longer than this is not waited for: the call fails instead. */
  public static final long DEFAULT_MAX_RETRY_AFTER_MS = 2_000;
  /** Consecutive failures (within the rolling window) that open the breaker. */
  public static final int DEFAULT_BREAKER_MAX_FAILURES = 10;
  /** How long an open breaker stays open before one trial call is let through. */
  public static final long DEFAULT_BREAKER_RESET_MS = 5_000;
  /** Window in which failures are counted towards opening the breaker. */
  public static final long DEFAULT_BREAKER_WINDOW_MS = 10_000;
  /** Connections to the upstream per event loop; requests past it queue. */
  public static final int DEFAULT_MAX_POOL_SIZE = 64;
  /** Requests that may queue for a connection; past it a call fails at once with OVERLOADED. */
  public static final int DEFAULT_MAX_WAIT_QUEUE = 2_048;
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 1_000;

  private long timeoutMs = DEFAULT_TIMEOUT_MS;
  private int maxRetries = DEFAULT_MAX_RETRIES;
  private long retryBackoffMs = DEFAULT_RETRY_BACKOFF_MS;
  private long maxRetryAfterMs = DEFAULT_MAX_RETRY_AFTER_MS;
  private int breakerMaxFailures = DEFAULT_BREAKER_MAX_FAILURES;
  private long breakerResetMs = DEFAULT_BREAKER_RESET_MS;
  private long breakerWindowMs = DEFAULT_BREAKER_WINDOW_MS;
  private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
  private int maxWaitQueue = DEFAULT_MAX_WAIT_QUEUE;
  private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;

  public UpstreamOptions() {
  }

  public UpstreamOptions(JsonObject json) {
    timeoutMs = json.getLong("timeoutMs", DEFAULT_TIMEOUT_MS);
    maxRetries = json.getInteger("maxRetries", DEFAULT_MAX_RETRIES);
    retryBackoffMs = json.getLong("retryBackoffMs", DEFAULT_RETRY_BACKOFF_MS);
    maxRetryAfterMs = json.getLong("maxRetryAfterMs", DEFAULT_MAX_RETRY_AFTER_MS);
    breakerMaxFailures = json.getInteger("breakerMaxFailures", DEFAULT_BREAKER_MAX_FAILURES);
    breakerResetMs = json.getLong("breakerResetMs", DEFAULT_BREAKER_RESET_MS);
    breakerWindowMs = json.getLong("breakerWindowMs", DEFAULT_BREAKER_WINDOW_MS);
    maxPoolSize = json.getInteger("maxPoolSize", DEFAULT_MAX_POOL_SIZE);
    maxWaitQueue = json.getInteger("maxWaitQueue", DEFAULT_MAX_WAIT_QUEUE);
    connectTimeoutMs = json.getInteger("connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT_MS);
  }

  public long getTimeoutMs() { return timeoutMs; }
  public UpstreamOptions setTimeoutMs(long v) { timeoutMs = v; return this; }
  public int getMaxRetries() { return maxRetries; }
  public UpstreamOptions setMaxRetries(int v) { maxRetries = v; return this; }
  public long getRetryBackoffMs() { return retryBackoffMs; }
  public UpstreamOptions setRetryBackoffMs(long v) { retryBackoffMs = v; return this; }
  public long getMaxRetryAfterMs() { return maxRetryAfterMs; }
  public UpstreamOptions setMaxRetryAfterMs(long v) { maxRetryAfterMs = v; return this; }
  public int getBreakerMaxFailures() { return breakerMaxFailures; }
  public UpstreamOptions setBreakerMaxFailures(int v) { breakerMaxFailures = v; return this; }
  public long getBreakerResetMs() { return breakerResetMs; }
  public UpstreamOptions setBreakerResetMs(long v) { breakerResetMs = v; return this; }
  public long getBreakerWindowMs() { return breakerWindowMs; }
  public UpstreamOptions setBreakerWindowMs(long v) { breakerWindowMs = v; return this; }
  public int getMaxPoolSize() { return maxPoolSize; }
  public UpstreamOptions setMaxPoolSize(int v) { maxPoolSize = v; return this; }
  public int getMaxWaitQueue() { return maxWaitQueue; }
  public UpstreamOptions setMaxWaitQueue(int v) { maxWaitQueue = v; return this; }
  public int getConnectTimeoutMs() { return connectTimeoutMs; }
  public UpstreamOptions setConnectTimeoutMs(int v) { connectTimeoutMs = v; return this; }
}
