package dev.edgegateway;

import dev.edgegateway.sim.RunningSimulator;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A gateway wired to the in-process simulator instead of the real Klevu and Klaviyo, and made-up shoppers'
 * cookies for it: shared by {@code --demo}, the warm-up and the tests.
 */
final class DemoWiring {
  /** A made-up identified shopper for the demo's copy-paste curl. */
  static final String DEMO_EXCHANGE_ID = "IDXL0vH3jMssE2B-AEqyLjyYhwK_yXcN4NuQxPBqgNE=.UsRnv6";
  static final String DEMO_RECS_KEY = "k-demo-home";

  private DemoWiring() {
  }

  /** Points every upstream at the in-process simulator, unless the user already set a value. */
  static void demoEnvironment(Map<String, String> env, RunningSimulator sim) {
    String base = sim.baseUrl();
    env.putIfAbsent("EDGE_KLEVU_API_KEY", "klevu-demo-api-key");
    env.put("EDGE_KLEVU_VISITOR_URL", base + "/public/1.0");
    env.put("EDGE_KLEVU_CONFIG_URL", base + "/recommendations/");
    env.put("EDGE_KLEVU_STATS_URL", base + "/analytics/collect");
    env.put("EDGE_KLAVIYO_URL", base);
    env.putIfAbsent("EDGE_KLAVIYO_PRIVATE_KEY", "pk_demo_not_a_secret");
    env.put("EDGE_SEARCH_ALLOWED_HOSTS", sim.advertisedAddress());
    env.put("EDGE_SEARCH_SCHEME", "http");
    env.putIfAbsent("EDGE_CUSTOMER_TOKEN_SECRET", "demo-customer-token-secret");
  }

  /** The demo's wiring with the API and ops ports on loopback, picked by the system: for gateways nobody browses. */
  static Map<String, String> loopbackEnvironment(RunningSimulator sim) {
    Map<String, String> env = new HashMap<>();
    demoEnvironment(env, sim);
    env.put("EDGE_HTTP_HOST", "127.0.0.1");
    env.put("EDGE_HTTP_PORT", "0");
    env.put("EDGE_OPS_HOST", "127.0.0.1");
    env.put("EDGE_OPS_PORT", "0");
    // synthetic traffic from one address (warm-up rounds, test bursts) is no abuse: no per-client limit
    env.put("EDGE_RATE_LIMIT_PER_S", "0");
    return env;
  }

  /** The demo shopper's {@code __kla_id}. */
  static String demoCookie() {
    return klaviyoCookie("ZGVtby1jbGllbnQ=", DEMO_EXCHANGE_ID);
  }

  /** A klaviyo.js {@code __kla_id} value (base64 of its JSON) for a made-up shopper; {@code cid} may be null. */
  static String klaviyoCookie(String cid, String exchangeId) {
    JsonObject json = new JsonObject();
    if (cid != null) {
      json.put("cid", cid);
    }
    String encoded = json.put("$exchange_id", exchangeId).encode();
    return Base64.getEncoder().encodeToString(encoded.getBytes(StandardCharsets.UTF_8));
  }
}
