package dev.edgegateway.segments;

import dev.edgegateway.cache.SingleFlightOptions;
import dev.edgegateway.cache.TtlPolicy;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonObject;

/** What the segments capability reads from the gateway config. */
public final class SegmentsOptions {
  public static final String DEFAULT_VISITOR_URL = "https://visitor.service.ksearchnet.com/public/1.0";
  public static final long DEFAULT_MIN_TTL_S = 30;
  public static final long DEFAULT_MAX_TTL_S = 86_400;

  public final String visitorUrl;
  public final TtlPolicy ttl;
  public final SingleFlightOptions singleFlight;
  public final UpstreamOptions upstream;
  public final boolean cacheDisabled;

  public SegmentsOptions(JsonObject config) {
    String url = String.valueOf(GatewayConfig.get(config, "klevu.visitorUrl"));
    this.visitorUrl = url == null || url.isBlank() || "null".equals(url) ? DEFAULT_VISITOR_URL : stripSlash(url);
    JsonObject cache = GatewayConfig.section(config, "cache");
    JsonObject seg = GatewayConfig.section(config, "cache.segments");
    this.ttl = TtlPolicy.fromCacheConfig(cache,
        seg.getLong("minTtlSeconds", DEFAULT_MIN_TTL_S), seg.getLong("maxTtlSeconds", DEFAULT_MAX_TTL_S));
    this.singleFlight = new SingleFlightOptions(GatewayConfig.section(config, "cache.singleFlight"));
    this.upstream = new UpstreamOptions(GatewayConfig.upstream(config, "visitor"));
    this.cacheDisabled = GatewayConfig.CACHE_OFF.equals(GatewayConfig.cacheMode(config));
  }

  static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
