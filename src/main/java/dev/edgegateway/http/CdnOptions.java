package dev.edgegateway.http;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * What a CDN is told about the answers it may keep, from the gateway's own cache settings (see {@link Settings}):
 * a shared answer is fresh at the CDN no longer than at the gateway, and stale there on the gateway's terms.
 *
 * @param shareable false: every answer is {@code private, no-store}
 * @param configTtlSeconds a config's freshness ({@code cache.config.ttlSeconds})
 * @param searchTtlSeconds a search's freshness ({@code cache.search.ttlSeconds})
 */
public record CdnOptions(boolean shareable, int configTtlSeconds, int searchTtlSeconds, int staleWhileRevalidateSeconds,
    int staleIfErrorSeconds) {

  public static CdnOptions from(ConfigReader config) {
    return new CdnOptions(
        config.bool(Settings.CDN_SHAREABLE),
        config.nonNegativeInt(Settings.CONFIG_TTL_S),
        config.nonNegativeInt(Settings.SEARCH_TTL_S),
        config.nonNegativeInt(Settings.STALE_WHILE_REVALIDATE_S),
        config.nonNegativeInt(Settings.STALE_IF_ERROR_S));
  }

  public static CdnOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }

  /** A banner is built from a config and a search: fresh as long as the shorter-lived of the two. */
  public int bannerMaxAgeSeconds() {
    return Math.min(configTtlSeconds, searchTtlSeconds);
  }
}
