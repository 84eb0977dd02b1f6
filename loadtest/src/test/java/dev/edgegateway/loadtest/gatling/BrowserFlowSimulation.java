package dev.edgegateway.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import dev.edgegateway.loadtest.LatencyRecorder;
import dev.edgegateway.loadtest.SdkRequests;
import dev.edgegateway.loadtest.Shoppers;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The same page loads two ways, one after the other in one run:
 * <ol>
 *   <li>{@code sdk}: what the Klevu browser SDK does per page, straight at the simulator, sequentially:
 *       {@code POST /public/1.0/{apiKey}/session} (with the shopper's exchange id and the session id it
 *       kept from the previous page), then {@code GET /recommendations/{apiKey}/settings/{recsKey}?sids=..},
 *       then {@code POST} the config's {@code search.payload} to its {@code search.basePath};</li>
 *   <li>{@code gateway}: one {@code GET /v1/recommendations/{recsKey}} per page, after one warm-up page per
 *       shopper.</li>
 * </ol>
 * Page latency = whole sequence, µs HdrHistogram. The simulator's counters are snapshotted between phases:
 * "start", "after_sdk" (first gateway warm-up user), "after_gateway_warm" (first measured gateway user),
 * "after_gateway" (all done).
 *
 * <p>Properties: lt.simUrl, lt.baseUrl (gateway), lt.apiKey, lt.recsKey, lt.rate, lt.durationS,
 * lt.shoppers (hot set, uniform), lt.flows (sdk,gateway), lt.runId, lt.out.
 */
public class BrowserFlowSimulation extends Simulation {
  private final String simUrl = Params.loopbackUrl("simUrl", "http://127.0.0.1:8099");
  private final String baseUrl = Params.loopbackUrl("baseUrl", "http://127.0.0.1:8080");
  private final String apiKey = Params.str("apiKey", "klevu-loadtest");
  private final String recsKey = Params.str("recsKey", "k-loadtest-home");
  private final double rate = Params.dbl("rate", 20);
  private final int durationS = Params.integer("durationS", 10);
  private final int shopperCount = Params.integer("shoppers", 50);
  private final List<String> flows = List.of(Params.str("flows", "sdk,gateway").split(","));
  private final String out = Params.str("out", "browser-flow.json");
  private final String readyUrl = Params.str("readyUrl", "");
  private final int jitWarmupS = Params.integer("jitWarmupS", 0);

  private final String runId = Params.str("runId", Shoppers.newRunId());
  private final Shoppers shoppers = new Shoppers(runId);
  private final Shoppers jitShoppers = new Shoppers(runId + "-jit");
  private final Map<Integer, String> klevuSessionIds = new ConcurrentHashMap<>();
  private final LatencyRecorder sdk = LatencyRecorder.named("sdk");
  private final LatencyRecorder gateway = LatencyRecorder.named("gateway");
  private final Marks marks = new Marks(simUrl);
  private final String simHostPort;

  private final HttpProtocolBuilder httpProtocol = http
      .acceptHeader("application/json")
      .userAgentHeader("edge-gateway-loadtest")
      .shareConnections()
      .disableCaching()
      .disableFollowRedirect();

  {
    URI u = URI.create(simUrl);
    simHostPort = u.getHost() + ":" + u.getPort();
  }

  private Iterator<Map<String, Object>> randomShoppers() {
    return Stream.generate(() -> {
      int i = ThreadLocalRandom.current().nextInt(shopperCount);
      return Map.<String, Object>of("shopper", i, "kx", shoppers.exchangeId(i), "cookie", shoppers.cookieHeader(i));
    }).iterator();
  }

  private Iterator<Map<String, Object>> eachShopperOnce() {
    AtomicInteger next = new AtomicInteger();
    return Stream.generate(() -> {
      int i = next.getAndIncrement() % shopperCount;
      return Map.<String, Object>of("shopper", i, "kx", shoppers.exchangeId(i), "cookie", shoppers.cookieHeader(i));
    }).iterator();
  }

  private String sessionBody(Session s) {
    JsonObject body = new JsonObject().put("apiKey", apiKey);
    String sid = klevuSessionIds.get(s.getInt("shopper"));
    if (sid != null) {
      body.put("sessionId", sid);
    }
    return body.put("sessionInfo", new JsonObject().put("connectorInfo", new JsonArray().add(
        new JsonObject().put("connectorType", "klaviyo").put("exchangeId", s.getString("kx"))))).encode();
  }

  /** The config's search.basePath, but only ever on loopback: anything else is sent to the simulator. */
  private String searchUrl(Session s) {
    String basePath = s.contains("basePath") ? s.getString("basePath") : simHostPort + "/cs/v2/search";
    String hostPort = basePath.contains("/") ? basePath.substring(0, basePath.indexOf('/')) : basePath;
    String path = basePath.contains("/") ? basePath.substring(basePath.indexOf('/')) : "/cs/v2/search";
    if (!(hostPort.startsWith("127.0.0.1") || hostPort.startsWith("localhost"))) {
      hostPort = simHostPort;
    }
    return "http://" + hostPort + path;
  }

  /** The search the SDK sends for the config it got (the simulator takes nothing else). */
  private String searchBody(Session s) {
    JsonObject config;
    try {
      config = new JsonObject(s.getString("config"));
    } catch (RuntimeException e) {
      config = new JsonObject().put("metadata", new JsonObject().put("pageType", "HOME").put("logic", "TRENDING"))
          .put("search", new JsonObject().put("payload", new JsonObject().put("recordQueries", new JsonArray()
              .add(new JsonObject().put("id", "kmcrecommendation").put("typeOfRequest", "RECS_TRENDING")
                  .put("settings", new JsonObject().put("limit", 10)))).encode()));
    }
    return SdkRequests.searchBody(config, apiKey, null).encode();
  }

  private static int worst(Session s, String... keys) {
    int worst = 200;
    for (String k : keys) {
      int st = s.contains(k) ? s.getInt(k) : 0;
      if (st == 0 || st >= 400) {
        return st;
      }
    }
    return worst;
  }

  private ChainBuilder sdkPage() {
    return exec(s -> s.set("t0", System.nanoTime()).set("w0", System.currentTimeMillis()))
        .exec(http("sdk session").post(simUrl + "/public/1.0/" + apiKey + "/session")
            .header("Content-Type", "application/json").body(StringBody(this::sessionBody))
            .check(status().saveAs("st1"), jsonPath("$.sessionId").optional().saveAs("sid"),
                jsonPath("$.segmentInfo.segments[*]").findAll().optional().saveAs("segs")))
        .exec(s -> {
          if (s.contains("sid")) {
            klevuSessionIds.put(s.getInt("shopper"), s.getString("sid"));
          }
          List<Object> segs = s.contains("segs") ? s.getList("segs") : List.of();
          return s.set("sids", String.join(",", segs.stream().map(String::valueOf).toList()));
        })
        .exec(s -> s.set("configQuery", SdkRequests.configQuery(null, s.getString("sids"))))
        .exec(http("sdk config").get(simUrl + "/recommendations/" + apiKey + "/settings/" + recsKey + "#{configQuery}")
            .header("Content-Type", "application/json")
            .check(status().saveAs("st2"), jsonPath("$.search.basePath").optional().saveAs("basePath"),
                bodyString().saveAs("config")))
        .exec(s -> s.set("searchUrl", searchUrl(s)).set("searchBody", searchBody(s)))
        .exec(http("sdk search").post("#{searchUrl}").header("Content-Type", "application/json")
            .body(StringBody("#{searchBody}")).check(status().saveAs("st3")))
        .exec(s -> {
          sdk.record(s.getLong("w0"), System.nanoTime() - s.getLong("t0"), worst(s, "st1", "st2", "st3"), null);
          return s;
        });
  }

  private ChainBuilder gatewayPage(LatencyRecorder into) {
    return gatewayPage(into, recsKey);
  }

  private ChainBuilder gatewayPage(LatencyRecorder into, String key) {
    return exec(s -> s.set("t0", System.nanoTime()).set("w0", System.currentTimeMillis()))
        .exec(http("gateway recommendations").get(baseUrl + "/v1/recommendations/" + key).header("Cookie", "#{cookie}")
            .check(status().saveAs("st"), header("X-Cache").optional().saveAs("xc"),
                header("X-Edge-Outcome").optional().saveAs("oc")))
        .exec(s -> {
          if (into != null) {
            into.record(s.getLong("w0"), System.nanoTime() - s.getLong("t0"), s.contains("st") ? s.getInt("st") : 0,
                s.contains("xc") ? s.getString("xc") : null, s.contains("oc") ? s.getString("oc") : null);
          }
          return s;
        });
  }

  {
    Duration d = Duration.ofSeconds(durationS);
    // built bottom-up: andThen(children) hangs the children under that population's root
    PopulationBuilder measured = scenario("gateway pages").feed(randomShoppers())
        .exec(marks.once("after_gateway_warm")).exec(gatewayPage(gateway))
        .injectOpen(constantUsersPerSec(rate).during(d));
    PopulationBuilder gw = scenario("gateway warm-up").feed(eachShopperOnce())
        .exec(marks.once("after_sdk")).exec(gatewayPage(null))
        .injectOpen(atOnceUsers(shopperCount))
        .andThen(measured);
    if (jitWarmupS > 0) {
      // warm the gateway's JIT first, on other shoppers and another recsKey, at the same rate
      Iterator<Map<String, Object>> jit = Stream.generate(() -> {
        int i = ThreadLocalRandom.current().nextInt(200);
        return Map.<String, Object>of("shopper", i, "kx", jitShoppers.exchangeId(i), "cookie", jitShoppers.cookieHeader(i));
      }).iterator();
      gw = scenario("gateway jit warm-up").feed(jit).exec(marks.once("after_sdk"))
          .exec(gatewayPage(null, recsKey + "-jit-warmup"))
          .injectOpen(constantUsersPerSec(Math.min(Math.max(rate, 50), 100)).during(Duration.ofSeconds(jitWarmupS)))
          .andThen(gw);
    }
    PopulationBuilder chain;
    if (flows.contains("sdk")) {
      PopulationBuilder sdkPhase = scenario("sdk pages").feed(randomShoppers()).exec(sdkPage())
          .injectOpen(constantUsersPerSec(rate).during(d));
      chain = flows.contains("gateway") ? sdkPhase.andThen(gw) : sdkPhase;
    } else {
      chain = gw;
    }
    setUp(chain).protocols(httpProtocol).maxDuration(Duration.ofSeconds(2L * durationS + 120L));
  }

  @Override
  public void before() {
    Marks.awaitReady(readyUrl, 120);
    marks.mark("start");
  }

  @Override
  public void after() {
    marks.mark(flows.contains("gateway") ? "after_gateway" : "after_sdk");
    try {
      LatencyRecorder.writeAll(Path.of(out), new JsonObject()
          .put("simulation", "BrowserFlowSimulation")
          .put("params", Params.all())
          .put("sim_marks", marks.toJson()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
