package dev.edgegateway.recs;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;

/**
 * Bounds of a shopper's last clicked list ({@link RecentClicks}).
 *
 * @param maxProducts product ids kept (the SDK keeps 20 and searches with the latest 10)
 * @param maxBytes encoded bytes of one shopper's list
 * @param ttlSeconds how long a list is kept after the shopper's latest click
 */
public record RecentClicksOptions(int maxProducts, int maxBytes, long ttlSeconds) {

  public RecentClicksOptions {
    if (maxProducts < 1 || maxBytes < 64 || ttlSeconds < 1) {
      throw new IllegalArgumentException("recent clicks: maxProducts >= 1, maxBytes >= 64 and ttl >= 1 s");
    }
  }

  public static RecentClicksOptions from(ConfigReader config) {
    return new RecentClicksOptions(
        config.positiveInt(Settings.RECENT_CLICKS_MAX),
        config.intBetween(Settings.RECENT_CLICKS_MAX_BYTES, 64, 65_536),
        config.positiveLong(Settings.RECENT_CLICKS_TTL_DAYS) * 86_400);
  }
}
