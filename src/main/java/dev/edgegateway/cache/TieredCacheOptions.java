package dev.edgegateway.cache;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;

/**
 * Options of a {@link TieredCache}.
 *
 * @param l1MaxTtlMs longest an entry is answered from L1 before L2 is read again, so an update or removal made by
 *     another gateway becomes visible here within this bound; 0 lets L1 hold an entry until its keepUntil
 * @param l1TrackedEntries entries whose L1 hold time is tracked; should match L1's maxEntries (an untracked entry
 *     is re-read from L2)
 */
public record TieredCacheOptions(long l1MaxTtlMs, long l1TrackedEntries) {

  public TieredCacheOptions {
    if (l1MaxTtlMs < 0) {
      throw new IllegalArgumentException("l1MaxTtlMs must not be negative");
    }
    if (l1TrackedEntries < 1) {
      throw new IllegalArgumentException("l1TrackedEntries must be positive");
    }
  }

  /** Cache {@code name}'s: {@code cache.caches.<name>.l1MaxTtlMs}, else {@code cache.l1MaxTtlMs}. */
  public static TieredCacheOptions from(ConfigReader config, String name) {
    Long own = config.optionalNonNegativeLong("cache.caches." + name + ".l1MaxTtlMs");
    return new TieredCacheOptions(own != null ? own : config.nonNegativeLong(Settings.L1_MAX_TTL_MS),
        MemoryCacheOptions.from(config, name).maxEntries());
  }

  public static TieredCacheOptions defaults() {
    return from(ConfigReader.defaults(), "");
  }

  public TieredCacheOptions withL1MaxTtlMs(long l1MaxTtlMs) {
    return new TieredCacheOptions(l1MaxTtlMs, l1TrackedEntries);
  }
}
