package dev.edgegateway.cache;

import io.vertx.core.json.JsonObject;

/**
 * Options of the cross-gateway load lease ({@link LoadLease}), the {@code cache.lease} section:
 * <pre>
 * { "enabled": true, "ttlMs": 2000, "waitMs": 300, "pollMs": 15 }
 * </pre>
 * Only a Redis-backed cache has a lease; these options do nothing for a memory-only cache.
 */
public final class LeaseOptions {
  /** On by default: with Redis, a key missing everywhere is loaded by one gateway, not by each. */
  public static final boolean DEFAULT_ENABLED = true;
  /**
   * Lifetime of a lease in Redis. A holder that dies (or loses Redis) frees the key after this; a load that
   * takes longer lets one more gateway take the lease and load too.
   */
  public static final long DEFAULT_TTL_MS = 2_000;
  /** Longest a gateway waits for another gateway's load before it loads itself (the cost of a dead holder). */
  public static final long DEFAULT_WAIT_MS = 300;
  /** Pause between two looks at Redis (the value, then the lease) while waiting. */
  public static final long DEFAULT_POLL_MS = 15;

  private boolean enabled = DEFAULT_ENABLED;
  private long ttlMs = DEFAULT_TTL_MS;
  private long waitMs = DEFAULT_WAIT_MS;
  private long pollMs = DEFAULT_POLL_MS;

  public LeaseOptions() {
  }

  public LeaseOptions(JsonObject json) {
    JsonObject j = json == null ? new JsonObject() : json;
    setEnabled(j.getBoolean("enabled", DEFAULT_ENABLED));
    setTtlMs(j.getLong("ttlMs", DEFAULT_TTL_MS));
    setWaitMs(j.getLong("waitMs", DEFAULT_WAIT_MS));
    setPollMs(j.getLong("pollMs", DEFAULT_POLL_MS));
  }

  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("ttlMs", ttlMs).put("waitMs", waitMs).put("pollMs", pollMs);
  }

  public boolean isEnabled() {
    return enabled;
  }

  public LeaseOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  public long getTtlMs() {
    return ttlMs;
  }

  public LeaseOptions setTtlMs(long ttlMs) {
    if (ttlMs < 1) {
      throw new IllegalArgumentException("lease ttlMs must be positive");
    }
    this.ttlMs = ttlMs;
    return this;
  }

  public long getWaitMs() {
    return waitMs;
  }

  /** 0 = never wait: a gateway that finds the lease taken loads at once (the lease then saves nothing). */
  public LeaseOptions setWaitMs(long waitMs) {
    if (waitMs < 0) {
      throw new IllegalArgumentException("lease waitMs must not be negative");
    }
    this.waitMs = waitMs;
    return this;
  }

  public long getPollMs() {
    return pollMs;
  }

  public LeaseOptions setPollMs(long pollMs) {
    if (pollMs < 1) {
      throw new IllegalArgumentException("lease pollMs must be positive");
    }
    this.pollMs = pollMs;
    return this;
  }

  @Override
  public String toString() {
    return "LeaseOptions" + toJson().encode();
  }
}
