package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.cache.RedisServerProcess;
import dev.edgegateway.identity.ShopperHash;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.RunningSimulator;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.SimulatorVerticle;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several gateways (one Vert.x instance each) on one Redis and one slow Klevu, hit by a burst of first page
 * loads of ONE new identified shopper. Each gateway single-flights only itself, so without the Redis lease
 * every gateway calls Klevu once (a cross-gateway stampede); with it, one gateway calls and the others read
 * its result from Redis.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossGatewayStampedeTest {
  private static final Logger LOG = LoggerFactory.getLogger(CrossGatewayStampedeTest.class);
  private static final String SHARED_REDIS = System.getenv().getOrDefault("EDGE_REDIS_URL", "redis://127.0.0.1:6379");
  private static final int BURST = 60;
  private static final int UPSTREAM_LATENCY_MS = 300;
  /**
   * Budgets with room for a busy 2-core machine: a waiter's wait (up to WAIT_MS) plus its own load must fit
   * in the segments budget, and three slow upstream phases in the request deadline.
   */
  private static final long WAIT_MS = 600;
  private static final long SEGMENTS_BUDGET_MS = 1_400;
  private static final long REQUEST_TIMEOUT_MS = 3_000;

  /** What a burst cost Klevu (calls made during the burst only) and what the shoppers got. */
  record Burst(long sessions, long configs, long searches, List<HttpResponse<Buffer>> responses, List<TestGateway> gateways,
      Map<String, Double> leaseBefore) {
    /** {@code edge_cache_lease_total{cache,result}} summed over the gateways, counted during the burst only. */
    double lease(String cache, String result) {
      return leaseTotal(gateways, cache, result) - leaseBefore.getOrDefault(cache + "/" + result, 0.0);
    }

    void assertAllPersonalised() {
      assertThat(responses).hasSize(BURST).allSatisfy(r -> {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getBoolean("personalized")).as(r.bodyAsString()).isTrue();
        assertThat(r.bodyAsJsonObject().getJsonArray("products")).isNotEmpty();
      });
    }
  }

  private static final List<String> LEASE_RESULTS = List.of("acquired", "waited_hit", "waited_fallback", "unavailable");

  static double leaseTotal(List<TestGateway> gateways, String cache, String result) {
    return gateways.stream().mapToDouble(gw -> Metrics.of(gw.vertx)
        .counter("edge_cache_lease_total", "cache", cache, "result", result).count()).sum();
  }

  private static Map<String, Double> leaseSnapshot(List<TestGateway> gateways) {
    Map<String, Double> snapshot = new HashMap<>();
    for (String cache : List.of("segments", "config", "search")) {
      LEASE_RESULTS.forEach(result -> snapshot.put(cache + "/" + result, leaseTotal(gateways, cache, result)));
    }
    return snapshot;
  }

  private static Future<HttpResponse<Buffer>> recs(TestGateway gw, String shopper) {
    return gw.client.get("/v1/recommendations/k-home")
        .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId(shopper))).send();
  }

  private static Map<String, String> env(String redisUrl, String prefix, boolean lease) {
    Map<String, String> env = new HashMap<>();
    env.put("EDGE_REDIS_URL", redisUrl);
    env.put("EDGE_REDIS_KEY_PREFIX", prefix);
    // generous: these tests count upstream calls on a 2-core machine that may be busy, not Redis latency
    env.put("EDGE_REDIS_COMMAND_TIMEOUT_MS", "500");
    env.put("EDGE_CACHE_LEASE_ENABLED", Boolean.toString(lease));
    env.put("EDGE_CACHE_LEASE_WAIT_MS", Long.toString(WAIT_MS));
    env.put("EDGE_SEGMENTS_BUDGET_MS", Long.toString(SEGMENTS_BUDGET_MS));
    env.put("EDGE_REQUEST_TIMEOUT_MS", Long.toString(REQUEST_TIMEOUT_MS));
    return env;
  }

  /**
   * Starts {@code count} gateways (the first in {@code first}, the others in Vert.x instances of their own)
   * in front of one simulator with {@value #UPSTREAM_LATENCY_MS} ms on visitor, config and search, runs
   * {@code beforeBurst}, fires {@value #BURST} concurrent page loads of {@code shopper} spread round-robin,
   * hands the result to {@code check}, then stops everything and deletes the keys under {@code prefix}.
   */
  private static Future<Void> withBurst(Vertx first, int count, Map<String, String> env, String shopper,
      Function<List<TestGateway>, Future<Void>> beforeBurst, Function<Burst, Future<Void>> check) {
    List<Vertx> extra = new ArrayList<>();
    List<TestGateway> gateways = new ArrayList<>();
    Map<SimCounter, Long> baseline = new java.util.EnumMap<>(SimCounter.class);
    Map<String, Double> leaseBefore = new HashMap<>();
    Future<RunningSimulator> started = SimulatorVerticle.start(first, new SimulatorOptions().setPort(0));
    return started.compose(sim -> {
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < count; i++) {
        Vertx vertx = i == 0 ? first : Vertx.vertx();
        if (i > 0) {
          extra.add(vertx);
        }
        chain = chain.compose(v -> TestGateway.attach(vertx, sim, env).map(gw -> {
          gateways.add(gw);
          return null;
        }));
      }
      // warm every gateway (JIT, upstream and Redis connections) with an anonymous page: a steady-state
      // gateway, not a cold one, is what a burst meets; the anonymous page shares no key with the burst
      return chain.compose(v -> Future.all(gateways.stream().map(gw -> gw.client.get("/v1/recommendations/k-home").send()).toList()))
          .compose(v -> {
        baseline.put(SimCounter.SESSION, sim.state().count(SimCounter.SESSION));
        baseline.put(SimCounter.CONFIG, sim.state().count(SimCounter.CONFIG));
        baseline.put(SimCounter.SEARCH, sim.state().count(SimCounter.SEARCH));
        leaseBefore.putAll(leaseSnapshot(gateways));
        JsonObject slow = new JsonObject().put("latencyMs", UPSTREAM_LATENCY_MS);
        sim.state().applyRuntimeConfig(new JsonObject().put("visitor", slow).put("config", slow).put("search", slow));
        return beforeBurst.apply(gateways);
      }).compose(v -> {
        List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
          burst.add(recs(gateways.get(i % count), shopper));
        }
        return Future.all(burst).map(all -> new Burst(
            sim.state().count(SimCounter.SESSION) - baseline.get(SimCounter.SESSION),
            sim.state().count(SimCounter.CONFIG) - baseline.get(SimCounter.CONFIG),
            sim.state().count(SimCounter.SEARCH) - baseline.get(SimCounter.SEARCH),
            burst.stream().map(Future::result).toList(), List.copyOf(gateways), leaseBefore));
      }).compose(burst -> {
        LOG.info("stampede figures: gateways={} burst={} lease={} -> session={} config={} search={}; lease results "
                + "segments acquired={} waited_hit={} waited_fallback={} unavailable={}",
            count, BURST, env.get("EDGE_CACHE_LEASE_ENABLED"), burst.sessions(), burst.configs(), burst.searches(),
            burst.lease("segments", "acquired"), burst.lease("segments", "waited_hit"),
            burst.lease("segments", "waited_fallback"), burst.lease("segments", "unavailable"));
        return check.apply(burst);
      }).eventually(() -> Future.all(gateways.stream().map(TestGateway::stop).toList())
          .eventually(sim::close));
    }).eventually(() -> Future.all(extra.stream().map(Vertx::close).toList()))
        .eventually(() -> env.get("EDGE_REDIS_URL").equals(SHARED_REDIS)
            ? TestGateway.deleteRedisKeys(first, SHARED_REDIS, env.get("EDGE_REDIS_KEY_PREFIX"))
            : Future.succeededFuture());
  }

  /**
   * Runs assertions and turns a failure into a failed future, so the burst's clean-up (gateways stopped,
   * Redis keys deleted) still runs before the test context reports it.
   */
  private static Future<Void> verified(Runnable assertions) {
    try {
      assertions.run();
      return Future.succeededFuture();
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  private static String prefix() {
    return "edge:test:" + UUID.randomUUID() + ":";
  }

  private static String shopper() {
    return "stampede-" + UUID.randomUUID();
  }

  // --- measurement: no lease -------------------------------------------------------------------------

  @Test
  void withoutTheLeaseTwoGatewaysCallKlevuOnceEach(Vertx vertx, VertxTestContext ctx) {
    withBurst(vertx, 2, env(SHARED_REDIS, prefix(), false), shopper(), gws -> Future.succeededFuture(), burst -> {
      return verified(() -> {
        burst.assertAllPersonalised();
        // each process single-flights only itself: up to one session call per gateway (fewer only when a
        // gateway's first request comes in after another gateway has stored the session), never one per request
        assertThat(burst.sessions()).isEqualTo(2);
        assertThat(burst.configs()).isBetween(1L, 2L);
        assertThat(burst.lease("segments", "acquired") + burst.lease("segments", "unavailable")).isZero();
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void withoutTheLeaseThreeGatewaysCallKlevuOnceEach(Vertx vertx, VertxTestContext ctx) {
    withBurst(vertx, 3, env(SHARED_REDIS, prefix(), false), shopper(), gws -> Future.succeededFuture(), burst -> {
      return verified(() -> {
        burst.assertAllPersonalised();
        // more than one: the stampede is there (typically 3, see the logged figures)
        assertThat(burst.sessions()).isBetween(2L, 3L);
        assertThat(burst.configs()).isBetween(1L, 3L);
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  // --- with the lease --------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} gateways")
  @ValueSource(ints = {2, 3})
  void withTheLeaseTheGatewaysTogetherMakeOneSessionAndOneConfigCall(int gateways, Vertx vertx, VertxTestContext ctx) {
    withBurst(vertx, gateways, env(SHARED_REDIS, prefix(), true), shopper(), gws -> Future.succeededFuture(), burst -> {
      return verified(() -> {
        burst.assertAllPersonalised();
        assertThat(burst.sessions()).isEqualTo(1);
        assertThat(burst.configs()).isEqualTo(1);
        assertThat(burst.searches()).isEqualTo(1);
        assertThat(burst.lease("segments", "acquired")).isEqualTo(1);
        // the others waited for the value, or (if their first request came in late) found it in Redis
        assertThat(burst.lease("segments", "waited_hit")).isBetween(0.0, gateways - 1.0);
        assertThat(burst.lease("segments", "waited_fallback")).isZero();
        assertThat(burst.lease("config", "acquired")).isEqualTo(1);
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  /** A holder that never writes (a gateway that died holding the lease) costs the others one bounded wait. */
  @Test
  void aLeaseHolderThatNeverWritesCostsTheOthersAtMostTheWait(Vertx vertx, VertxTestContext ctx) {
    String prefix = prefix();
    String shopper = shopper();
    Redis client = Redis.createClient(vertx, SHARED_REDIS);
    withBurst(vertx, 2, env(SHARED_REDIS, prefix, true), shopper, gws -> {
      // the segments key as SegmentVerticle builds it, its lease in the same cluster slot; leased by hand, 30 s
      String apiKey = (String) dev.edgegateway.config.GatewayConfig.get(gws.get(0).config, "klevu.apiKey");
      String key = "seg:" + apiKey + ":" + ShopperHash.defaultInstance().exchangeId(TestGateway.exchangeId(shopper));
      return client.send(Request.cmd(Command.SET).arg(dev.edgegateway.cache.RedisSlots.companion(prefix + "lease:", prefix + key)).arg("foreign-token")
          .arg("NX").arg("PX").arg(30_000)).mapEmpty();
    }, burst -> {
      return verified(() -> {
        burst.assertAllPersonalised();
        // nobody got the lease: each gateway waited once, then loaded itself
        assertThat(burst.lease("segments", "acquired")).isZero();
        assertThat(burst.lease("segments", "waited_fallback")).isEqualTo(2);
        assertThat(burst.sessions()).isEqualTo(2);
        for (TestGateway gw : burst.gateways()) {
          Timer waited = Metrics.of(gw.vertx).get("edge_cache_lease_wait_seconds").tag("cache", "segments").timer();
          // the warm-up page waited for nothing (no foreign lease on its keys), so this is the burst's wait:
          // waitMs, or half of what the segments budget had left if that is less, plus at most one look
          assertThat(waited.count()).isEqualTo(1);
          assertThat(waited.max(TimeUnit.MILLISECONDS)).isBetween(WAIT_MS / 2.0, WAIT_MS + 250.0);
        }
        burst.responses().forEach(r -> {
          String timing = r.getHeader("Server-Timing");
          if (timing.contains("coalesced;")) {
            // joined its gateway's page for this shopper: waited for that whole page (segments, config, search)
            assertThat(RedisGatewayTest.phaseMillis(timing, "coalesced")).isLessThan(WAIT_MS + 3 * UPSTREAM_LATENCY_MS + 400.0);
          } else {
            assertThat(RedisGatewayTest.phaseMillis(timing, "segments")).isLessThan(WAIT_MS + UPSTREAM_LATENCY_MS + 400.0);
          }
        });
      });
    }).eventually(() -> {
      client.close();
      return Future.succeededFuture();
    }).onComplete(ctx.succeedingThenComplete());
  }

  /** Redis down: no lease at all (fail open), every page still answers. */
  @Test
  void redisDownMeansNoLeaseAndEveryPageStillAnswers(Vertx vertx, VertxTestContext ctx) throws Exception {
    RedisServerProcess redis = new RedisServerProcess(RedisServerProcess.freePort());
    redis.start();
    withBurst(vertx, 2, env(redis.url(), prefix(), true), shopper(), gws -> vertx.executeBlocking(() -> {
      redis.kill();
      return null;
    }), burst -> {
      return verified(() -> {
        burst.assertAllPersonalised();
        assertThat(burst.lease("segments", "acquired")).isZero();
        assertThat(burst.lease("segments", "waited_hit") + burst.lease("segments", "waited_fallback")).isZero();
        assertThat(burst.lease("segments", "unavailable")).isEqualTo(2);
        assertThat(burst.sessions()).isEqualTo(2);
      });
    }).eventually(() -> vertx.executeBlocking(() -> {
      redis.kill();
      return null;
    })).onComplete(ctx.succeedingThenComplete());
  }
}
