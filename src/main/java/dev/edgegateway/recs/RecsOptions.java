package dev.edgegateway.recs;

import dev.edgegateway.cache.SingleFlightOptions;
import dev.edgegateway.cache.TtlPolicy;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What the recs capability reads from the gateway config. */
public final class RecsOptions {
  public static final String DEFAULT_CONFIG_URL = "https://config-cdn.ksearchnet.com/recommendations/";
  public static final List<String> DEFAULT_ALLOWED_HOSTS = List.of("*.ksearchnet.com");
  public static final String DEFAULT_SEARCH_SCHEME = "https";
  public static final long DEFAULT_CONFIG_TTL_S = 300;
  public static final long DEFAULT_SEARCH_TTL_S = 60;
  /** Klevu's search sits behind a CDN that refuses larger payloads. */
  public static final int MAX_SEARCH_PAYLOAD_BYTES = 8 * 1024;

  public final String configUrl;
  public final HostAllowlist allowedHosts;
  public final String searchScheme;
  public final long configTtlSeconds;
  public final long searchTtlSeconds;
  public final TtlPolicy ttl;
  public final SingleFlightOptions singleFlight;
  public final UpstreamOptions configUpstream;
  public final UpstreamOptions searchUpstream;
  public final boolean cacheDisabled;

  public RecsOptions(JsonObject config) {
    Object url = GatewayConfig.get(config, "klevu.configUrl");
    String base = url instanceof String s && !s.isBlank() ? s : DEFAULT_CONFIG_URL;
    this.configUrl = base.endsWith("/") ? base : base + "/";
    Object hosts = GatewayConfig.get(config, "klevu.searchAllowedHosts");
    List<String> allowed = new ArrayList<>();
    if (hosts instanceof JsonArray array) {
      array.forEach(h -> allowed.add(String.valueOf(h)));
    } else if (hosts instanceof String s) {
      allowed.addAll(List.of(s.split(",")));
    } else {
      allowed.addAll(DEFAULT_ALLOWED_HOSTS);
    }
    this.allowedHosts = new HostAllowlist(allowed);
    Object scheme = GatewayConfig.get(config, "klevu.searchScheme");
    this.searchScheme = "http".equals(scheme) ? "http" : DEFAULT_SEARCH_SCHEME;
    JsonObject cache = GatewayConfig.section(config, "cache");
    this.configTtlSeconds = GatewayConfig.section(config, "cache.config").getLong("ttlSeconds", DEFAULT_CONFIG_TTL_S);
    this.searchTtlSeconds = GatewayConfig.section(config, "cache.search").getLong("ttlSeconds", DEFAULT_SEARCH_TTL_S);
    this.ttl = TtlPolicy.fromCacheConfig(cache, 1, 7 * 86_400);
    this.singleFlight = new SingleFlightOptions(GatewayConfig.section(config, "cache.singleFlight"));
    this.configUpstream = new UpstreamOptions(GatewayConfig.upstream(config, "config"));
    this.searchUpstream = new UpstreamOptions(GatewayConfig.upstream(config, "search"));
    this.cacheDisabled = GatewayConfig.CACHE_OFF.equals(GatewayConfig.cacheMode(config));
  }
}
