package dev.edgegateway.segments;

import dev.edgegateway.cache.SingleFlightOptions;
import dev.edgegateway.cache.TtlPolicy;
import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.config.Settings;
import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonObject;

/**
 * What the segments capability reads from the gateway config.
 *
 * @param visitorUrl Klevu's visitor service base URL, without a trailing slash
 */
public record SegmentsOptions(String visitorUrl, TtlPolicy ttl, SingleFlightOptions singleFlight,
    UpstreamOptions upstream, boolean cacheDisabled) {

  public static SegmentsOptions from(ConfigReader config) {
    String url = config.httpUrl(Settings.KLEVU_VISITOR_URL);
    return new SegmentsOptions(
        url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
        TtlPolicy.from(config, config.nonNegativeLong(Settings.SEGMENTS_MIN_TTL_S),
            config.nonNegativeLong(Settings.SEGMENTS_MAX_TTL_S)),
        SingleFlightOptions.from(config),
        UpstreamOptions.forUpstream(config, "visitor"),
        GatewayConfig.CACHE_OFF.equals(config.cacheMode()));
  }

  public static SegmentsOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }
}
