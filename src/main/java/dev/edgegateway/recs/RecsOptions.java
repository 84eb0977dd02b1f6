package dev.edgegateway.recs;

import dev.edgegateway.cache.SingleFlightOptions;
import dev.edgegateway.cache.TtlPolicy;
import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.config.Settings;
import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonObject;

/**
 * What the recs capability reads from the gateway config.
 *
 * @param configUrl Klevu's recommendation config base URL, with a trailing slash
 * @param allowedHosts where searches may go, a missing port being the search scheme's default
 * @param searchScheme {@code http} when configured so, else {@code https}
 * @param searchMaxHosts search hosts learnt from config answers that are remembered (with their breakers)
 */
public record RecsOptions(String configUrl, HostAllowlist allowedHosts, int searchMaxHosts, String searchScheme,
    long configTtlSeconds, long searchTtlSeconds, TtlPolicy ttl, SingleFlightOptions singleFlight, UpstreamOptions configUpstream,
    UpstreamOptions searchUpstream, boolean cacheDisabled, RecentClicksOptions recentClicks) {
  /** Klevu's search sits behind a CDN that refuses larger payloads. */
  public static final int MAX_SEARCH_PAYLOAD_BYTES = 8 * 1024;
  /** Bounds of a configured config or search TTL (Klevu sends none for these). */
  static final long MIN_TTL_S = 1;
  static final long MAX_TTL_S = 7 * 86_400;

  public static RecsOptions from(ConfigReader config) {
    String url = config.httpUrl(Settings.KLEVU_CONFIG_URL);
    boolean http = "http".equals(config.string(Settings.SEARCH_SCHEME));
    HostAllowlist allowlist;
    try {
      allowlist = new HostAllowlist(config.list(Settings.SEARCH_ALLOWED_HOSTS), http ? 80 : 443);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Settings.SEARCH_ALLOWED_HOSTS.env() + ": " + e.getMessage());
    }
    return new RecsOptions(
        url.endsWith("/") ? url : url + "/",
        allowlist,
        config.positiveInt(Settings.SEARCH_MAX_HOSTS),
        http ? "http" : "https",
        config.nonNegativeLong(Settings.CONFIG_TTL_S),
        config.nonNegativeLong(Settings.SEARCH_TTL_S),
        TtlPolicy.from(config, MIN_TTL_S, MAX_TTL_S),
        SingleFlightOptions.from(config),
        UpstreamOptions.forUpstream(config, "config"),
        UpstreamOptions.forUpstream(config, "search"),
        GatewayConfig.CACHE_OFF.equals(config.cacheMode()),
        RecentClicksOptions.from(config));
  }

  public static RecsOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }
}
