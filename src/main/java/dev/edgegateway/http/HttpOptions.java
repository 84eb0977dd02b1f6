package dev.edgegateway.http;

import dev.edgegateway.config.GatewayConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What the HTTP front reads from the gateway config (see {@code Settings} for docs and env names). */
public final class HttpOptions {
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

  public final String host;
  public final int port;
  public final int maxBodyBytes;
  public final int maxQueryChars;
  public final long requestTimeoutMs;
  public final long segmentsBudgetMs;
  public final List<String> corsOrigins;
  public final String publicBaseUrl;
  public final String apiKey;
  public final int tlsPort;
  public final String tlsCertPath;
  public final String tlsKeyPath;
  /** Answer fresh pages in place on the event loop (see {@code HttpVerticle.LocalReads}). */
  public final boolean fastPath;
  /** One assembly per shopper and page at a time: the same page asked for meanwhile waits for it. */
  public final boolean coalescePages;
  /** An instance of segments and of recs on every event loop, addressed from the same thread first. */
  public final boolean colocateCapabilities;

  public HttpOptions(JsonObject config) {
    JsonObject http = GatewayConfig.section(config, "http");
    host = http.getString("host", DEFAULT_HOST);
    port = http.getInteger("port", DEFAULT_PORT);
    maxBodyBytes = http.getInteger("maxBodyBytes", DEFAULT_MAX_BODY_BYTES);
    maxQueryChars = http.getInteger("maxQueryChars", DEFAULT_MAX_QUERY_CHARS);
    requestTimeoutMs = http.getLong("requestTimeoutMs", DEFAULT_REQUEST_TIMEOUT_MS);
    segmentsBudgetMs = http.getLong("segmentsBudgetMs", DEFAULT_SEGMENTS_BUDGET_MS);
    List<String> origins = new ArrayList<>();
    Object raw = http.getValue("corsOrigins");
    if (raw instanceof JsonArray array) {
      array.forEach(o -> origins.add(String.valueOf(o).trim()));
    } else if (raw instanceof String s) {
      origins.addAll(List.of(s.split(",")));
    }
    corsOrigins = origins.stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
    String base = http.getString("publicBaseUrl", "");
    publicBaseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    Object key = GatewayConfig.get(config, "klevu.apiKey");
    apiKey = key instanceof String s && !s.isBlank() ? s : DEFAULT_API_KEY;
    JsonObject tls = GatewayConfig.section(config, "http.tls");
    tlsPort = tls.getInteger("port", 0);
    tlsCertPath = tls.getString("certPath", "");
    tlsKeyPath = tls.getString("keyPath", "");
    fastPath = http.getBoolean("fastPath", true);
    coalescePages = http.getBoolean("coalescePages", true);
    colocateCapabilities = http.getBoolean("colocateCapabilities", true);
  }
}
