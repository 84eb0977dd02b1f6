package dev.edgegateway.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately small stand-in for {@code edge-gateway.jar}, with the same command line and HTTP contract,
 * used only to develop and self-test the harness before (or without) the real gateway:
 * <ul>
 *   <li>{@code StandIn simulate --port P}: Klevu + Klaviyo simulator (same paths and control routes);</li>
 *   <li>{@code StandIn} (env {@code EDGE_*}): a gateway doing session -> config -> search with a TTL cache
 *       and single-flight per key ({@code EDGE_CACHE_MODE=off} turns both off).</li>
 * </ul>
 * It is not the gateway and its figures mean nothing about it: run.sh only uses it with {@code --standin}.
 */
public final class StandIn {

  public static void main(String[] args) {
    Args a = new Args(args);
    Vertx vertx = Vertx.vertx();
    if (args.length > 0 && args[0].equals("simulate")) {
      new Sim(vertx, a.intOpt("--port", 8099)).start();
    } else {
      new Gw(vertx).start();
    }
  }

  // ------------------------------------------------------------------ simulator
  static final class Sim {
    final Vertx vertx;
    final int port;
    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    volatile JsonObject config = new JsonObject()
        .put("visitor", new JsonObject().put("latencyMs", 40).put("fault", "none"))
        .put("config", new JsonObject().put("latencyMs", 30))
        .put("search", new JsonObject().put("latencyMs", 60))
        .put("stats", new JsonObject().put("latencyMs", 20))
        .put("klaviyo", new JsonObject().put("latencyMs", 50))
        .put("sessionTtlSeconds", 3600);

    Sim(Vertx vertx, int port) {
      this.vertx = vertx;
      this.port = port;
      for (String k : new String[] {"session", "config", "search", "collect", "events", "profiles"}) {
        counts.put(k, new AtomicLong());
      }
    }

    long latency(String part) {
      JsonObject p = config.getJsonObject(part);
      return p == null ? 0 : p.getLong("latencyMs", 0L);
    }

    void later(String part, Runnable r) {
      long ms = latency(part);
      if (ms <= 0) {
        r.run();
      } else {
        vertx.setTimer(ms, t -> r.run());
      }
    }

    void start() {
      vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> handle(req, body))).listen(port, "127.0.0.1")
          .onSuccess(s -> System.out.println("stand-in simulator on 127.0.0.1:" + port))
          .onFailure(e -> {
            e.printStackTrace();
            System.exit(1);
          });
    }

    void handle(HttpServerRequest req, Buffer body) {
      String p = req.path();
      if (p.equals("/__sim/stats")) {
        JsonObject o = new JsonObject();
        counts.forEach((k, v) -> o.put(k, v.get()));
        json(req, 200, o);
      } else if (p.equals("/__sim/reset")) {
        counts.values().forEach(v -> v.set(0));
        json(req, 200, new JsonObject().put("reset", true));
      } else if (p.equals("/__sim/config")) {
        if (req.method() == HttpMethod.PUT) {
          config = config.copy().mergeIn(body.toJsonObject(), true);
        }
        json(req, 200, config);
      } else if (p.startsWith("/public/1.0/") && p.endsWith("/session")) {
        counts.get("session").incrementAndGet();
        JsonObject in = body.length() == 0 ? new JsonObject() : body.toJsonObject();
        String apiKey = p.substring("/public/1.0/".length(), p.length() - "/session".length());
        String sid = in.getString("sessionId", UUID.randomUUID().toString());
        JsonArray conn = in.getJsonObject("sessionInfo", new JsonObject()).getJsonArray("connectorInfo", new JsonArray());
        JsonArray segs = new JsonArray();
        if (!conn.isEmpty()) {
          int h = Math.abs(conn.getJsonObject(0).getString("exchangeId", "").hashCode());
          segs.add("seg-" + (h % 5)).add("seg-" + (5 + h % 3));
        }
        later("visitor", () -> json(req, 200, new JsonObject().put("apikey", apiKey).put("sessionId", sid)
            .put("segmentInfo", new JsonObject().put("segments", segs).put("ttl", config.getInteger("sessionTtlSeconds", 3600)))));
      } else if (p.startsWith("/recommendations/") && p.contains("/settings/")) {
        counts.get("config").incrementAndGet();
        String recsKey = p.substring(p.lastIndexOf('/') + 1);
        String payload = new JsonObject().put("recordQueries", new JsonArray().add(new JsonObject()
            .put("id", "klevuRECSItemList").put("typeOfRequest", "RECS_TRENDING")
            .put("settings", new JsonObject().put("typeOfRecords", new JsonArray().add("KLEVU_PRODUCT")).put("limit", 10)))).encode();
        later("config", () -> json(req, 200, new JsonObject()
            .put("metadata", new JsonObject().put("title", "Trending now").put("recsKey", recsKey).put("pageType", "HOME")
                .put("logic", "TRENDING").put("maxProducts", 10).put("productThreshold", 1).put("enabled", true)
                .put("spotKey", "spot-1").put("spotName", "Home spot 1").put("segmentKey", "seg-0").put("segmentName", "Just browsing"))
            .put("search", new JsonObject().put("basePath", "127.0.0.1:" + port + "/cs/v2/search").put("payload", payload))));
      } else if (p.equals("/cs/v2/search")) {
        counts.get("search").incrementAndGet();
        JsonArray recs = new JsonArray();
        for (int i = 0; i < 10; i++) {
          recs.add(new JsonObject().put("id", "" + (39814 + i)).put("itemGroupId", "" + (67466 + i)).put("name", "Product " + i)
              .put("price", "25.00").put("salePrice", "25.00").put("currency", "USD").put("url", "https://shop.example/p/" + i)
              .put("image", "https://shop.example/i/" + i + ".jpg").put("inStock", "yes").put("brand", "47"));
        }
        later("search", () -> json(req, 200, new JsonObject().put("meta", new JsonObject().put("qTime", 3).put("responseCode", 200))
            .put("queryResults", new JsonArray().add(new JsonObject().put("id", "klevuRECSItemList")
                .put("meta", new JsonObject().put("totalResultsFound", 42).put("noOfResults", 10).put("isPersonalised", false))
                .put("records", recs)))));
      } else if (p.equals("/analytics/collect")) {
        counts.get("collect").incrementAndGet();
        try {
          counts.get("events").addAndGet(body.toJsonArray().size());
        } catch (RuntimeException ignored) {
          // not an array
        }
        later("stats", () -> json(req, 200, new JsonObject()));
      } else if (p.equals("/api/profiles")) {
        counts.get("profiles").incrementAndGet();
        later("klaviyo", () -> json(req, 200, new JsonObject().put("data", new JsonArray())));
      } else {
        json(req, 404, new JsonObject().put("error", "not found"));
      }
    }
  }

  static void json(HttpServerRequest req, int status, Object body) {
    req.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  // ------------------------------------------------------------------ gateway stand-in
  static final class Gw {
    record Entry(Object value, long expiresAtMs) { }

    final Vertx vertx;
    final boolean cacheOn;
    final Map<String, Entry> cache = new ConcurrentHashMap<>();
    final Map<String, Future<Object>> flights = new ConcurrentHashMap<>();
    final HttpClient client;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final String apiKey = env("EDGE_KLEVU_API_KEY", "klevu-demo-api-key");
    final String visitorUrl = env("EDGE_KLEVU_VISITOR_URL", "http://127.0.0.1:8099/public/1.0");
    final String configUrl = env("EDGE_KLEVU_CONFIG_URL", "http://127.0.0.1:8099/recommendations/");

    Gw(Vertx vertx) {
      this.vertx = vertx;
      this.cacheOn = !"off".equalsIgnoreCase(env("EDGE_CACHE_MODE", "memory"));
      this.client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(64));
    }

    static String env(String k, String d) {
      String v = System.getenv(k);
      return v == null || v.isBlank() ? d : v;
    }

    void start() {
      int port = Integer.parseInt(env("EDGE_HTTP_PORT", "8080"));
      int ops = Integer.parseInt(env("EDGE_OPS_PORT", "9090"));
      vertx.createHttpServer().requestHandler(this::api).listen(port, "127.0.0.1")
          .compose(s -> vertx.createHttpServer().requestHandler(this::ops).listen(ops, "127.0.0.1"))
          .onSuccess(s -> System.out.println("stand-in gateway on 127.0.0.1:" + port + " ops " + ops + " cache=" + cacheOn))
          .onFailure(e -> {
            e.printStackTrace();
            System.exit(1);
          });
    }

    void ops(HttpServerRequest req) {
      switch (req.path()) {
        case "/health/live", "/health/ready" -> json(req, 200, new JsonObject().put("status", "UP"));
        case "/metrics" -> req.response().putHeader("content-type", "text/plain; version=0.0.4")
            .end("# stand-in\nedge_standin_requests_total " + requests.get() + "\n"
                + "edge_cache_lookups_total{cache=\"page\",status=\"hit\"} " + hits.get() + "\n"
                + "edge_cache_lookups_total{cache=\"page\",status=\"miss\"} " + misses.get() + "\n");
        default -> json(req, 404, new JsonObject());
      }
    }

    void api(HttpServerRequest req) {
      if (!req.path().startsWith("/v1/recommendations/")) {
        json(req, 404, new JsonObject().put("error", "not found"));
        return;
      }
      requests.incrementAndGet();
      String recsKey = req.path().substring("/v1/recommendations/".length());
      String kx = req.getParam("_kx");
      if (kx == null && req.getCookie("__kla_id") != null) {
        try {
          kx = new JsonObject(new String(Base64.getDecoder().decode(req.getCookie("__kla_id").getValue()), StandardCharsets.UTF_8))
              .getString("$exchange_id");
        } catch (RuntimeException ignored) {
          kx = null;
        }
      }
      String shopper = kx;
      long t0 = System.nanoTime();
      boolean[] allHit = {true};
      Future<JsonObject> session = shopper == null
          ? Future.succeededFuture(new JsonObject().put("segmentInfo", new JsonObject().put("segments", new JsonArray())))
          : cached("session:" + shopper, allHit, () -> post(visitorUrl + "/" + apiKey + "/session", new JsonObject().put("apiKey", apiKey)
              .put("sessionInfo", new JsonObject().put("connectorInfo", new JsonArray().add(new JsonObject()
                  .put("connectorType", "klaviyo").put("exchangeId", shopper))))),
              o -> 1000L * o.getJsonObject("segmentInfo", new JsonObject()).getLong("ttl", 60L));
      session.compose(s -> {
        JsonArray segs = s.getJsonObject("segmentInfo", new JsonObject()).getJsonArray("segments", new JsonArray());
        String sids = String.join(",", segs.stream().map(String::valueOf).toList());
        return cached("config:" + recsKey + ":" + sids, allHit,
            () -> get(configUrl + apiKey + "/settings/" + recsKey + SdkRequests.configQuery(null, sids)), o -> 300_000L)
            .compose(cfg -> {
              JsonObject search = cfg.getJsonObject("search");
              JsonObject payload = SdkRequests.searchBody(cfg, apiKey, null);
              return cached("search:" + recsKey + ":" + sids, allHit, () -> post("http://" + search.getString("basePath"), payload), o -> 60_000L)
                  .map(res -> new JsonObject().put("recsKey", recsKey).put("personalized", !segs.isEmpty())
                      .put("segments", segs).put("metadata", cfg.getJsonObject("metadata"))
                      .put("products", res.getJsonArray("queryResults").getJsonObject(0).getJsonArray("records")));
            });
      }).onComplete(ar -> {
        (allHit[0] ? hits : misses).incrementAndGet();
        if (ar.succeeded()) {
          req.response().putHeader("content-type", "application/json").putHeader("cache-control", "private, no-store")
              .putHeader("x-cache", allHit[0] ? "HIT" : "MISS")
              .putHeader("server-timing", "total;dur=" + (System.nanoTime() - t0) / 1e6)
              .end(ar.result().encode());
        } else {
          json(req, 200, new JsonObject().put("products", new JsonArray()).put("personalized", false).put("degraded", ar.cause().toString()));
        }
      });
    }

    @SuppressWarnings("unchecked")
    Future<JsonObject> cached(String key, boolean[] allHit, java.util.function.Supplier<Future<JsonObject>> load,
        java.util.function.Function<JsonObject, Long> ttlMs) {
      if (!cacheOn) {
        allHit[0] = false;
        return load.get();
      }
      Entry e = cache.get(key);
      if (e != null && e.expiresAtMs() > System.currentTimeMillis()) {
        return Future.succeededFuture((JsonObject) e.value());
      }
      allHit[0] = false;
      Promise<Object> mine = Promise.promise();
      Future<Object> existing = flights.putIfAbsent(key, mine.future());
      if (existing != null) {
        return existing.map(o -> (JsonObject) o);
      }
      load.get().onComplete(ar -> {
        if (ar.succeeded()) {
          cache.put(key, new Entry(ar.result(), System.currentTimeMillis() + ttlMs.apply(ar.result())));
        }
        flights.remove(key);
        mine.handle(ar.map(o -> (Object) o));
      });
      return mine.future().map(o -> (JsonObject) o);
    }

    Future<JsonObject> get(String url) {
      return call(HttpMethod.GET, url, null);
    }

    Future<JsonObject> post(String url, JsonObject body) {
      return call(HttpMethod.POST, url, body);
    }

    Future<JsonObject> call(HttpMethod method, String url, JsonObject body) {
      URI u = URI.create(url);
      RequestOptions o = new RequestOptions().setMethod(method).setHost(u.getHost()).setPort(u.getPort())
          .setURI(u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
      return client.request(o).compose(r -> {
        r.putHeader("content-type", "application/json");
        return body == null ? r.send() : r.send(body.toBuffer());
      }).compose(HttpClientResponse::body).map(Buffer::toJsonObject);
    }
  }
}
