package dev.edgegateway.cache;

import io.vertx.core.json.JsonObject;

/** Options of the in-process store. */
public final class MemoryCacheOptions {
  public static final long DEFAULT_MAX_ENTRIES = 100_000;

  private long maxEntries = DEFAULT_MAX_ENTRIES;

  public MemoryCacheOptions() {
  }

  public MemoryCacheOptions(JsonObject json) {
    maxEntries = json.getLong("maxEntries", DEFAULT_MAX_ENTRIES);
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
}
