package dev.edgegateway.cache;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import java.util.Map;

/**
 * Options of one in-process store: a byte budget and an entry bound. Both act: an entry is charged its estimated
 * heap bytes ({@link Weights}), and never less than {@code maxBytes / maxEntries}, so the store holds at most
 * {@code maxBytes} estimated bytes and at most {@code maxEntries} entries. With {@code maxBytes} 0 only the entry
 * bound acts (no weighing at all).
 *
 * @param maxEntries upper bound on entries; the least recently and frequently used go first (W-TinyLFU)
 * @param maxBytes upper bound on the estimated heap bytes of the entries (W-TinyLFU by weight); 0 = entry bound only
 */
public record MemoryCacheOptions(long maxEntries, long maxBytes) {
  /**
   * Percent of {@code memory.maxBytes} each cache gets, from what its entries weigh and how many a storefront keeps
   * hot: one page context needs a config, a search and a banner, and search answers weigh most; sessions are one
   * per shopper and decide whether a page takes the fast path, so they get the next largest share; customer links
   * are short strings. A cache not listed (tests, tools) gets {@link #OTHER_SHARE_PERCENT}.
   */
  public static final Map<String, Integer> BYTE_SHARES =
      Map.of("segments", 30, "links", 5, "config", 10, "search", 40, "banners", 15);
  static final int OTHER_SHARE_PERCENT = 10;

  public MemoryCacheOptions {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
  }

  /**
   * The store of cache {@code name}: {@code cache.caches.<name>} overrides, else {@code cache.memory.maxEntries} and
   * the cache's share of {@code cache.memory.maxBytes} ({@link #BYTE_SHARES}).
   */
  public static MemoryCacheOptions from(ConfigReader config, String name) {
    Long ownEntries = config.optionalNonNegativeLong("cache.caches." + name + ".maxEntries");
    Long ownBytes = config.optionalNonNegativeLong("cache.caches." + name + ".maxBytes");
    long share = BYTE_SHARES.getOrDefault(name, OTHER_SHARE_PERCENT);
    return new MemoryCacheOptions(
        ownEntries != null ? ownEntries : config.positiveLong(Settings.CACHE_MAX_ENTRIES),
        ownBytes != null ? ownBytes : config.nonNegativeLong(Settings.CACHE_MEMORY_MAX_BYTES) / 100 * share);
  }

  /** A store bounded like a cache without a listed share under the default settings (tests, tools). */
  public static MemoryCacheOptions defaults() {
    return from(ConfigReader.defaults(), "");
  }

  /** The least an entry is charged, so that the byte budget also keeps the entry bound; 0 without a byte budget. */
  long minEntryBytes() {
    return maxBytes == 0 ? 0 : (maxBytes + maxEntries - 1) / maxEntries;
  }
}
