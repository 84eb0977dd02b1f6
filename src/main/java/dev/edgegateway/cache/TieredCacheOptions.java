package dev.edgegateway.cache;

import io.vertx.core.json.JsonObject;

/** Options of a {@link TieredCache}. */
public final class TieredCacheOptions {
  /**
   * Longest an entry is answered from L1 before L2 is read again, so an update or removal made by another
   * gateway becomes visible here within this bound; 0 lets L1 hold an entry until its keepUntil.
   */
  public static final long DEFAULT_L1_MAX_TTL_MS = 10_000;
  /** Entries whose L1 hold time is tracked; should match L1's maxEntries (an untracked entry is re-read from L2). */
  public static final long DEFAULT_L1_TRACKED_ENTRIES = MemoryCacheOptions.DEFAULT_MAX_ENTRIES;

  private long l1MaxTtlMs = DEFAULT_L1_MAX_TTL_MS;
  private long l1TrackedEntries = DEFAULT_L1_TRACKED_ENTRIES;

  public TieredCacheOptions() {
  }

  public TieredCacheOptions(JsonObject json) {
    setL1MaxTtlMs(json.getLong("l1MaxTtlMs", DEFAULT_L1_MAX_TTL_MS));
    setL1TrackedEntries(json.getLong("l1TrackedEntries", DEFAULT_L1_TRACKED_ENTRIES));
  }

  /** Cap on L1's hold time, ms; 0 for none. */
  public long getL1MaxTtlMs() {
    return l1MaxTtlMs;
  }

  public TieredCacheOptions setL1MaxTtlMs(long l1MaxTtlMs) {
    if (l1MaxTtlMs < 0) {
      throw new IllegalArgumentException("l1MaxTtlMs must not be negative");
    }
    this.l1MaxTtlMs = l1MaxTtlMs;
    return this;
  }

  /** Bound on the hold-time index (only used with an l1MaxTtlMs). */
  public long getL1TrackedEntries() {
    return l1TrackedEntries;
  }

  public TieredCacheOptions setL1TrackedEntries(long l1TrackedEntries) {
    if (l1TrackedEntries < 1) {
      throw new IllegalArgumentException("l1TrackedEntries must be positive");
    }
    this.l1TrackedEntries = l1TrackedEntries;
    return this;
  }
}
