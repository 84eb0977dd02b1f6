package dev.edgegateway.http;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the HTTP front and the ops port read from the gateway config (see {@link Settings} for docs and env names).
 *
 * @param instances HttpVerticle instances; 0 = one per core
 * @param corsOrigins exact origins, checked ({@code *} and {@code null} stop the start)
 * @param publicHosts hosts the gateway's public URL may name, lower-cased
 * @param trustedProxies addresses or CIDR ranges of the proxies whose forwarding headers are believed
 * @param rateLimitPerSecond per-client requests a second to the routes that cost an upstream call; 0 = no limit
 */
public record HttpOptions(String host, int port, int maxBodyBytes, int maxQueryChars, long requestTimeoutMs,
    long segmentsBudgetMs, List<String> corsOrigins, String publicBaseUrl, String apiKey, int tlsPort, String tlsCertPath,
    String tlsKeyPath, boolean fastPath, boolean coalescePages, boolean colocateCapabilities, int instances,
    String opsHost, int opsPort, List<String> publicHosts, List<String> trustedProxies, int rateLimitPerSecond,
    int rateLimitBurst, boolean h2c, boolean demoPage) {
  public static HttpOptions from(ConfigReader config) {
    String base = config.string(Settings.PUBLIC_BASE_URL);
    return new HttpOptions(
        config.string(Settings.HTTP_HOST),
        config.intBetween(Settings.HTTP_PORT, 0, 65_535),
        config.positiveInt(Settings.HTTP_MAX_BODY_BYTES),
        config.positiveInt(Settings.HTTP_MAX_QUERY_CHARS),
        config.positiveLong(Settings.REQUEST_TIMEOUT_MS),
        config.nonNegativeLong(Settings.SEGMENTS_BUDGET_MS),
        SameOriginCors.origins(config.list(Settings.CORS_ORIGINS)),
        base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
        config.stringOrDefault(Settings.KLEVU_API_KEY),
        config.intBetween(Settings.TLS_PORT, 0, 65_535),
        config.string(Settings.TLS_CERT_PATH),
        config.string(Settings.TLS_KEY_PATH),
        config.bool(Settings.HTTP_FAST_PATH),
        config.bool(Settings.HTTP_COALESCE_PAGES),
        config.bool(Settings.HTTP_COLOCATE_CAPABILITIES),
        config.nonNegativeInt(Settings.HTTP_INSTANCES),
        config.string(Settings.OPS_HOST),
        config.intBetween(Settings.OPS_PORT, 0, 65_535),
        PublicAuthority.hosts(config.list(Settings.PUBLIC_HOSTS)),
        checkedProxies(config.list(Settings.TRUSTED_PROXIES)),
        config.nonNegativeInt(Settings.RATE_LIMIT_PER_S),
        config.positiveInt(Settings.RATE_LIMIT_BURST),
        config.bool(Settings.HTTP_H2C),
        config.bool(Settings.DEMO_PAGE));
  }

  private static List<String> checkedProxies(List<String> entries) {
    TrustedProxies.parse(entries);
    return entries;
  }

  /** The proxies of {@link #trustedProxies()}, parsed. */
  TrustedProxies proxies() {
    return TrustedProxies.parse(trustedProxies);
  }

  public static HttpOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }
}
