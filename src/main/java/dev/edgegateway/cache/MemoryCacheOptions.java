package dev.edgegateway.cache;

import io.vertx.core.json.JsonObject;

/**
 * Options of one in-process store: a byte budget and an entry bound. Both act: an entry is charged its estimated
 * heap bytes ({@link Weights}), and never less than {@code maxBytes / maxEntries}, so the store holds at most
 * {@code maxBytes} estimated bytes and at most {@code maxEntries} entries. With {@code maxBytes} 0 only the entry
 * bound acts (no weighing at all).
 */
public final class MemoryCacheOptions {
  public static final long DEFAULT_MAX_ENTRIES = 100_000;
  /**
   * Byte budget of one store built without a configuration (tests, tools). The gateway's caches get their share
   * of {@code cache.memory.maxBytes} instead ({@link CacheFactory}).
   */
  public static final long DEFAULT_MAX_BYTES = 32L << 20;

  private long maxEntries = DEFAULT_MAX_ENTRIES;
  private long maxBytes = DEFAULT_MAX_BYTES;

  public MemoryCacheOptions() {
  }

  /** {@code {"maxEntries": 100000, "maxBytes": 33554432}}; {@code maxBytes} here is this one store's budget. */
  public MemoryCacheOptions(JsonObject json) {
    setMaxEntries(json.getLong("maxEntries", DEFAULT_MAX_ENTRIES));
    setMaxBytes(json.getLong("maxBytes", DEFAULT_MAX_BYTES));
  }

  /** Upper bound on entries; the least recently and frequently used go first (W-TinyLFU). */
  public long getMaxEntries() {
    return maxEntries;
  }

  public MemoryCacheOptions setMaxEntries(long maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.maxEntries = maxEntries;
    return this;
  }

  /** Upper bound on the estimated heap bytes of the entries (W-TinyLFU by weight); 0 = entry bound only. */
  public long getMaxBytes() {
    return maxBytes;
  }

  public MemoryCacheOptions setMaxBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    this.maxBytes = maxBytes;
    return this;
  }

  /** The least an entry is charged, so that the byte budget also keeps the entry bound; 0 without a byte budget. */
  long minEntryBytes() {
    return maxBytes == 0 ? 0 : (maxBytes + maxEntries - 1) / maxEntries;
  }
}
