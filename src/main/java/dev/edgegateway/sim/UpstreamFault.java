package dev.edgegateway.sim;

import io.vertx.core.json.JsonObject;

/**
 * Immutable latency/fault settings of one upstream.
 *
 * <p>JSON: {@code {"latencyMs":0,"jitterMs":0,"fault":"none","slowMs":5000,"retryAfterSeconds":1}}.
 *
 * @param latencyMs added delay before every answer (timer based, never blocking)
 * @param jitterMs extra uniformly random delay in {@code [0, jitterMs]} added to {@code latencyMs}
 * @param fault injected failure
 * @param slowMs extra delay when {@code fault} is {@link FaultMode#SLOW}
 * @param retryAfterSeconds {@code Retry-After} value sent with 429 (throttle) and 503 (flaky)
 */
public record UpstreamFault(long latencyMs, long jitterMs, FaultMode fault, long slowMs, int retryAfterSeconds) {

  public static final long DEFAULT_LATENCY_MS = 0;
  public static final long DEFAULT_JITTER_MS = 0;
  public static final FaultMode DEFAULT_FAULT = FaultMode.NONE;
  public static final long DEFAULT_SLOW_MS = 5000;
  public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

  /** No latency, no fault. */
  public static final UpstreamFault DEFAULT =
      new UpstreamFault(DEFAULT_LATENCY_MS, DEFAULT_JITTER_MS, DEFAULT_FAULT, DEFAULT_SLOW_MS, DEFAULT_RETRY_AFTER_SECONDS);

  public UpstreamFault {
    if (latencyMs < 0 || jitterMs < 0 || slowMs < 0) {
      throw new IllegalArgumentException("latencyMs, jitterMs and slowMs must be >= 0");
    }
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retryAfterSeconds must be >= 0");
    }
    if (fault == null) {
      throw new IllegalArgumentException("fault must not be null");
    }
  }

  public UpstreamFault withLatencyMs(long v) {
    return new UpstreamFault(v, jitterMs, fault, slowMs, retryAfterSeconds);
  }

  public UpstreamFault withJitterMs(long v) {
    return new UpstreamFault(latencyMs, v, fault, slowMs, retryAfterSeconds);
  }

  public UpstreamFault withFault(FaultMode v) {
    return new UpstreamFault(latencyMs, jitterMs, v, slowMs, retryAfterSeconds);
  }

  public UpstreamFault withSlowMs(long v) {
    return new UpstreamFault(latencyMs, jitterMs, fault, v, retryAfterSeconds);
  }

  public UpstreamFault withRetryAfterSeconds(int v) {
    return new UpstreamFault(latencyMs, jitterMs, fault, slowMs, v);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("latencyMs", latencyMs)
        .put("jitterMs", jitterMs)
        .put("fault", fault.key())
        .put("slowMs", slowMs)
        .put("retryAfterSeconds", retryAfterSeconds);
  }

  /**
   * Returns these settings with the fields present in {@code json} replaced; absent fields are kept.
   * Throws {@link IllegalArgumentException} on unknown keys or wrong types.
   */
  public UpstreamFault merge(JsonObject json) {
    UpstreamFault r = this;
    for (String k : json.fieldNames()) {
      Object v = json.getValue(k);
      switch (k) {
        case "latencyMs" -> r = r.withLatencyMs(asLong(k, v));
        case "jitterMs" -> r = r.withJitterMs(asLong(k, v));
        case "slowMs" -> r = r.withSlowMs(asLong(k, v));
        case "retryAfterSeconds" -> r = r.withRetryAfterSeconds((int) asLong(k, v));
        case "fault" -> {
          if (!(v instanceof String s)) {
            throw new IllegalArgumentException("fault must be a string");
          }
          r = r.withFault(FaultMode.fromKey(s));
        }
        default -> throw new IllegalArgumentException("unknown upstream setting '" + k + "'");
      }
    }
    return r;
  }

  public static UpstreamFault fromJson(JsonObject json) {
    return DEFAULT.merge(json);
  }

  private static long asLong(String key, Object v) {
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw new IllegalArgumentException(key + " must be an integer");
  }
}
