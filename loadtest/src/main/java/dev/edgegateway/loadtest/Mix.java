package dev.edgegateway.loadtest;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What {@link SteadyLoad} sends in the faults scenario besides an identified shopper's page: so that every
 * upstream is on the path of some request. Anonymous pages (no cookie: the shared unsegmented banner), pages over
 * several recsKeys and products (config and search lookups), {@code POST /v1/events} (Klevu analytics, through the
 * outbox) and {@code POST /v1/identify} with a fresh customer's HS256 token (Klaviyo). Deterministic in the request
 * index, so two runs send the same sequence.
 */
record Mix(double anonShare, String recsKeysCsv, int pids, int eventsEvery, int identifyEvery, String tokenSecret,
    boolean rungs, String runId) {

  record Request(HttpMethod method, String path, String cookie, String body, boolean post) {
  }

  boolean active() {
    return anonShare > 0 || !recsKeysCsv.isEmpty() || pids > 0 || posts() || rungs;
  }

  boolean posts() {
    return eventsEvery > 0 || identifyEvery > 0 && !tokenSecret.isEmpty();
  }

  JsonObject describe() {
    return new JsonObject().put("anon_share", anonShare).put("recs_keys", recsKeysCsv).put("pids", pids)
        .put("events_every", eventsEvery).put("identify_every", identifyEvery).put("rungs", rungs);
  }

  Request next(long i, String defaultPath, String cookie) {
    if (identifyEvery > 0 && !tokenSecret.isEmpty() && i % identifyEvery == identifyEvery - 1) {
      return new Request(HttpMethod.POST, "/v1/identify", cookie,
          new JsonObject().put("customerToken", token(i)).encode(), true);
    }
    String path = defaultPath;
    String[] keys = recsKeysCsv.isEmpty() ? new String[0] : recsKeysCsv.split(",");
    String recsKey = keys.length == 0 ? null : keys[(int) (mixHash(i, 1) % keys.length)];
    if (eventsEvery > 0 && i % eventsEvery == eventsEvery / 2) {
      String key = recsKey == null ? "k-loadtest-home" : recsKey;
      JsonObject list = new JsonObject().put("recsKey", key).put("title", "Load test banner").put("logic", "TRENDING")
          .put("pageType", "HOME");
      JsonObject event = new JsonObject().put("type", "impression").put("recsKey", key).put("list", list)
          .put("items", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "39800").put("index", 1)
              .put("name", "Load test product").put("price", "10.00").put("salePrice", "9.00").put("currency", "USD")));
      return new Request(HttpMethod.POST, "/v1/events", cookie,
          new JsonObject().put("events", new io.vertx.core.json.JsonArray().add(event)).encode(), true);
    }
    if (recsKey != null) {
      path = "/v1/recommendations/" + recsKey + (pids > 0 ? "?pid=" + (39800 + mixHash(i, 2) % pids) : "");
    }
    boolean anon = anonShare > 0 && (mixHash(i, 3) % 10_000) < anonShare * 10_000;
    return new Request(HttpMethod.GET, path, anon ? null : cookie, null, false);
  }

  /** A customer token as a storefront signs it: HS256, a new customer per identify, valid for an hour. */
  String token(long i) {
    long now = System.currentTimeMillis() / 1000;
    String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    String id = runId.replaceAll("[^A-Za-z0-9]", "") + "-" + i;
    String payload = b64(new JsonObject().put("sub", "lt-" + id).put("email", "lt-" + id + "@loadtest.example")
        .put("iat", now).put("exp", now + 3600).encode());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(tokenSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] sig = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static long mixHash(long i, long salt) {
    long z = i * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) & Long.MAX_VALUE;
  }
}
