package dev.edgegateway.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import dev.edgegateway.loadtest.LatencyRecorder;
import dev.edgegateway.loadtest.Shoppers;
import dev.edgegateway.loadtest.Zipf;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Open-loop page loads against the gateway: {@code GET /v1/recommendations/{recsKey}} for identified
 * shoppers ({@code __kla_id} cookie), shopper picked by Zipf popularity, at a constant arrival rate.
 * Used by the {@code shoppers} (many shoppers, skewed) and {@code ttl-expiry} (few hot shoppers, warmed
 * first, short segment TTL) scenarios.
 *
 * <p>Latency is taken with {@code System.nanoTime()} around the request, in microseconds, into an
 * HdrHistogram (overall and per wall-clock second), with tallies of status and {@code X-Cache}.
 *
 * <p>Properties: lt.baseUrl, lt.simUrl, lt.recsKey, lt.rate (pages/s), lt.durationS, lt.shoppers,
 * lt.zipf (exponent, 0 = uniform), lt.warm (top-N shoppers loaded once before measuring, 0 = none),
 * lt.pids (distinct product ids on the pages, 0 = none), lt.jitWarmupS (seconds of unrecorded load at the same
 * rate first, on other shoppers and another recsKey, to warm both JITs; 0 = none), lt.runId, lt.out (result JSON).
 *
 * <p>Phases: (wait for lt.readyUrl), mark "start", JIT warm-up, warm-up of the top shoppers, measured load (its
 * first user marks "measure_start"), mark "end" once every user is done.
 */
public class GatewaySimulation extends Simulation {
  private final String baseUrl = Params.loopbackUrl("baseUrl", "http://127.0.0.1:8080");
  private final String simUrl = Params.loopbackUrl("simUrl", "http://127.0.0.1:8099");
  private final String recsKey = Params.str("recsKey", "k-loadtest-home");
  private final double rate = Params.dbl("rate", 300);
  private final int durationS = Params.integer("durationS", 60);
  private final int shopperCount = Params.integer("shoppers", 5000);
  private final double zipfS = Params.dbl("zipf", 1.0);
  private final int warm = Params.integer("warm", 0);
  private final int pids = Params.integer("pids", 0);
  private final int jitWarmupS = Params.integer("jitWarmupS", 0);
  private final String readyUrl = Params.str("readyUrl", "");
  private final String out = Params.str("out", "gateway-sim.json");

  private final String runId = Params.str("runId", Shoppers.newRunId());
  private final Shoppers shoppers = new Shoppers(runId);
  private final Shoppers jitShoppers = new Shoppers(runId + "-jit");
  private final String[] cookies = new String[shopperCount];
  private final Zipf zipf = new Zipf(shopperCount, zipfS);
  private final LatencyRecorder recorder = LatencyRecorder.named("gateway");
  private final Marks marks = new Marks(simUrl);

  private final HttpProtocolBuilder httpProtocol = http
      .baseUrl(baseUrl)
      .acceptHeader("application/json")
      .userAgentHeader("edge-gateway-loadtest")
      .shareConnections()
      .disableCaching()
      .disableFollowRedirect();

  {
    for (int i = 0; i < shopperCount; i++) {
      cookies[i] = shoppers.cookieHeader(i);
    }
  }

  private Map<String, Object> page(int shopper) {
    return page(shopper, recsKey, cookies[shopper]);
  }

  private Map<String, Object> page(int shopper, String key, String cookie) {
    String path = "/v1/recommendations/" + key;
    if (pids > 0) {
      path += "?pid=" + (40000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(pids));
    }
    return Map.of("cookie", cookie, "path", path);
  }

  private ChainBuilder pageLoad(LatencyRecorder into) {
    return io.gatling.javaapi.core.CoreDsl
        .exec(session -> session.set("t0", System.nanoTime()).set("w0", System.currentTimeMillis()))
        .exec(http("recommendations").get("#{path}").header("Cookie", "#{cookie}")
            .check(status().saveAs("st"), header("X-Cache").optional().saveAs("xc"),
                header("X-Edge-Outcome").optional().saveAs("oc")))
        .exec(session -> {
          long lat = System.nanoTime() - session.getLong("t0");
          if (into != null) {
            into.record(session.getLong("w0"), lat, session.contains("st") ? session.getInt("st") : 0,
                session.contains("xc") ? session.getString("xc") : null,
                session.contains("oc") ? session.getString("oc") : null);
          }
          return session;
        });
  }

  {
    Iterator<Map<String, Object>> skewed = Stream.generate(() -> page(zipf.next())).iterator();
    AtomicInteger next = new AtomicInteger();
    Iterator<Map<String, Object>> topN = Stream.generate(() -> page(next.getAndIncrement() % Math.max(1, warm))).iterator();

    ScenarioBuilder measured = scenario("pages").feed(skewed).exec(marks.once("measure_start")).exec(pageLoad(recorder));
    PopulationBuilder load = measured.injectOpen(constantUsersPerSec(rate).during(Duration.ofSeconds(durationS)));
    PopulationBuilder afterJit = warm > 0
        ? scenario("warm-up").feed(topN).exec(marks.once("warm_start")).exec(pageLoad(null))
            .injectOpen(atOnceUsers(warm)).andThen(load)
        : load;
    PopulationBuilder chain;
    if (jitWarmupS > 0) {
      // gentle: at most 100 pages/s over 200 other shoppers (misses first, hits soon), so the warm-up exercises
      // both paths without pushing a cold gateway into overload before the measurement
      Zipf jitZipf = new Zipf(200, 1.0);
      Iterator<Map<String, Object>> jit = Stream.generate(() -> {
        int i = jitZipf.next();
        return page(i, recsKey + "-jit-warmup", jitShoppers.cookieHeader(i));
      }).iterator();
      chain = scenario("jit warm-up").feed(jit).exec(pageLoad(null))
          .injectOpen(constantUsersPerSec(Math.min(rate, 100)).during(Duration.ofSeconds(jitWarmupS)))
          .andThen(afterJit);
    } else {
      chain = afterJit;
    }
    setUp(chain).protocols(httpProtocol).maxDuration(Duration.ofSeconds(jitWarmupS + durationS + 120L));
  }

  @Override
  public void before() {
    Marks.awaitReady(readyUrl, 120);
    marks.mark("start");
  }

  @Override
  public void after() {
    marks.mark("end");
    try {
      double top1 = zipf.massOfTop(Math.max(1, shopperCount / 100));
      LatencyRecorder.writeAll(Path.of(out), new JsonObject()
          .put("simulation", "GatewaySimulation")
          .put("params", Params.all())
          .put("zipf_mass_top_1pct", top1)
          .put("sim_marks", marks.toJson()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
