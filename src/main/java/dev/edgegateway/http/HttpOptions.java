package dev.edgegateway.http;

import dev.edgegateway.config.GatewayConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What the HTTP front reads from the gateway config (see {@code Settings} for docs and env names). */
public record HttpOptions(String host, int port, int maxBodyBytes, int maxQueryChars, long requestTimeoutMs,
    long segmentsBudgetMs, List<String> corsOrigins, String publicBaseUrl, String apiKey, int tlsPort, String tlsCertPath,
    String tlsKeyPath, boolean fastPath, boolean coalescePages, boolean colocateCapabilities) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_BODY_BYTES = 65_536;
  public static final int DEFAULT_MAX_QUERY_CHARS = 4_096;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 1_500;
  public static final long DEFAULT_SEGMENTS_BUDGET_MS = 600;
  public static final String DEFAULT_API_KEY = "klevu-demo-api-key";
  /** Lifetime of the cookie holding an anonymous shopper's Klevu session id. */
  public static final int SESSION_COOKIE_MAX_AGE_S = 24 * 3600;
  public static final int IDENTITY_COOKIE_MAX_AGE_S = 30 * 24 * 3600;

  public static HttpOptions from(JsonObject config) {
    JsonObject http = GatewayConfig.section(config, "http");
    var host = http.getString("host", DEFAULT_HOST);
    var port = http.getInteger("port", DEFAULT_PORT);
    var maxBodyBytes = http.getInteger("maxBodyBytes", DEFAULT_MAX_BODY_BYTES);
    var maxQueryChars = http.getInteger("maxQueryChars", DEFAULT_MAX_QUERY_CHARS);
    var requestTimeoutMs = http.getLong("requestTimeoutMs", DEFAULT_REQUEST_TIMEOUT_MS);
    var segmentsBudgetMs = http.getLong("segmentsBudgetMs", DEFAULT_SEGMENTS_BUDGET_MS);
    List<String> origins = new ArrayList<>();
    Object raw = http.getValue("corsOrigins");
    if (raw instanceof JsonArray array) {
      array.forEach(o -> origins.add(String.valueOf(o).trim()));
    } else if (raw instanceof String s) {
      origins.addAll(List.of(s.split(",")));
    }
    var corsOrigins = origins.stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
    String base = http.getString("publicBaseUrl", "");
    var publicBaseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    Object key = GatewayConfig.get(config, "klevu.apiKey");
    var apiKey = key instanceof String s && !s.isBlank() ? s : DEFAULT_API_KEY;
    JsonObject tls = GatewayConfig.section(config, "http.tls");
    var tlsPort = tls.getInteger("port", 0);
    var tlsCertPath = tls.getString("certPath", "");
    var tlsKeyPath = tls.getString("keyPath", "");
    var fastPath = http.getBoolean("fastPath", true);
    var coalescePages = http.getBoolean("coalescePages", true);
    var colocateCapabilities = http.getBoolean("colocateCapabilities", true);
    return new HttpOptions(host, port, maxBodyBytes, maxQueryChars, requestTimeoutMs, segmentsBudgetMs, corsOrigins,
        publicBaseUrl, apiKey, tlsPort, tlsCertPath, tlsKeyPath, fastPath, coalescePages, colocateCapabilities);
  }
}
