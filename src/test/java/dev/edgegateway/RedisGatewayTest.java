package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.cache.RedisServerProcess;
import dev.edgegateway.sim.RunningSimulator;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.SimulatorVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Redis tier seen from the outside: shared between gateways, and never able to break a page. */
@ExtendWith(VertxExtension.class)
class RedisGatewayTest {
  private static final String SHARED_REDIS = System.getenv().getOrDefault("EDGE_REDIS_URL", "redis://127.0.0.1:6379");

  private static Future<HttpResponse<Buffer>> recs(TestGateway gw, String shopper) {
    return gw.client.get("/v1/recommendations/k-home")
        .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId(shopper))).send();
  }

  @Test
  void aShopperMovingFromGatewayAToGatewayBCostsOneKlevuSessionCall(Vertx vertxA, VertxTestContext ctx) {
    // two gateways = two Vert.x instances (separate event buses), one Klevu, one Redis
    Vertx vertxB = Vertx.vertx();
    String prefix = "edge:test:" + UUID.randomUUID() + ":";
    // a generous command timeout: this asserts sharing, not latency, on a machine that may be busy
    Map<String, String> env = Map.of("EDGE_REDIS_URL", SHARED_REDIS, "EDGE_REDIS_KEY_PREFIX", prefix,
        "EDGE_REDIS_COMMAND_TIMEOUT_MS", "500");
    List<TestGateway> gateways = new ArrayList<>();
    SimulatorVerticle.start(vertxA, new SimulatorOptions().setPort(0))
        .compose(sim -> TestGateway.attach(vertxA, sim, env).compose(a -> {
          gateways.add(a);
          return TestGateway.attach(vertxB, sim, env);
        }).map(b -> {
          gateways.add(b);
          return sim;
        }))
        .compose(sim -> recs(gateways.get(0), "roaming").compose(onA -> recs(gateways.get(1), "roaming")
            .map(onB -> {
              ctx.verify(() -> {
                assertThat(onA.getHeader("X-Cache")).isEqualTo("miss");
                assertThat(onB.getHeader("X-Cache")).isEqualTo("hit-l2");
                assertThat(onB.bodyAsJsonObject().getBoolean("personalized")).isTrue();
                assertThat(onB.bodyAsJsonObject().getJsonArray("products"))
                    .isEqualTo(onA.bodyAsJsonObject().getJsonArray("products"));
                assertThat(sim.state().count(SimCounter.SESSION)).isEqualTo(1);
                assertThat(sim.state().count(SimCounter.CONFIG)).isEqualTo(1);
                assertThat(sim.state().count(SimCounter.SEARCH)).isEqualTo(1);
              });
              return sim;
            })))
        .compose(sim -> TestGateway.deleteRedisKeys(vertxA, SHARED_REDIS, prefix).compose(v -> Future.all(gateways.stream().map(TestGateway::stop).toList()))
            .compose(v -> sim.close()))
        .eventually(vertxB::close)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void pastTheL1HoldAHotPageIsStillAnsweredInPlaceWhileRedisIsCheckedInTheBackground(Vertx vertx,
      VertxTestContext ctx) {
    String prefix = "edge:test:" + UUID.randomUUID() + ":";
    Map<String, String> env = Map.of("EDGE_REDIS_URL", SHARED_REDIS, "EDGE_REDIS_KEY_PREFIX", prefix,
        "EDGE_REDIS_COMMAND_TIMEOUT_MS", "500", "EDGE_L1_MAX_TTL_MS", "100");
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    AtomicInteger loads = new AtomicInteger();
    TestGateway.start(vertx, env).compose(gw -> recs(gw, "hot").compose(first -> recs(gw, "hot"))
            .compose(second -> {
              // keep loading the page (one at a time) for well over three hold times
              long until = System.currentTimeMillis() + 600;
              Promise<Void> done = Promise.promise();
              loadUntil(gw, until, answers, loads, done);
              return done.future();
            })
            .map(v -> {
              ctx.verify(() -> {
                assertThat(answers).allSatisfy(page -> {
                  assertThat(page.statusCode()).isEqualTo(200);
                  assertThat(page.getHeader("Server-Timing")).as("answered in place, never the long way")
                      .contains("memory;dur=").doesNotContain("recs;dur=");
                });
                var registry = dev.edgegateway.metrics.Metrics.of(gw.vertx);
                assertThat(registry.counter("edge_recs_memo_rechecks_total").count()).isPositive();
                assertThat(registry.counter("edge_cache_l1_revalidations_total", "cache", "segments", "result", "kept")
                    .count()).isPositive();
                assertThat(gw.count(SimCounter.SESSION)).isEqualTo(1);
                assertThat(gw.count(SimCounter.CONFIG)).isEqualTo(1);
                assertThat(gw.count(SimCounter.SEARCH)).isEqualTo(1);
              });
              return gw;
            })
            .compose(started -> TestGateway.deleteRedisKeys(vertx, SHARED_REDIS, prefix).compose(v -> started.stop())))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static void loadUntil(TestGateway gw, long until, List<HttpResponse<Buffer>> answers, AtomicInteger loads,
      Promise<Void> done) {
    if (System.currentTimeMillis() > until) {
      done.complete();
      return;
    }
    recs(gw, "hot").onSuccess(page -> {
      answers.add(page);
      loads.incrementAndGet();
      loadUntil(gw, until, answers, loads, done);
    }).onFailure(done::fail);
  }

  @Test
  void redisKilledMidTrafficGivesNo5xxAndTheGatewayRecovers(Vertx vertx, VertxTestContext ctx) throws Exception {
    RedisServerProcess redis = new RedisServerProcess(RedisServerProcess.freePort());
    redis.start();
    AtomicInteger fiveHundreds = new AtomicInteger();
    TestGateway.start(vertx, Map.of("EDGE_REDIS_URL", redis.url())).compose(gw -> recs(gw, "before")
            .compose(warm -> {
              ctx.verify(() -> assertThat(warm.statusCode()).isEqualTo(200));
              return vertx.executeBlocking(() -> {
                redis.kill();
                return null;
              });
            })
            .compose(killed -> {
              List<Future<HttpResponse<Buffer>>> during = new ArrayList<>();
              for (int i = 0; i < 40; i++) {
                during.add(recs(gw, i % 2 == 0 ? "before" : "during-" + i));
              }
              return Future.all(during).map(all -> {
                during.forEach(f -> {
                  if (f.result().statusCode() >= 500) {
                    fiveHundreds.incrementAndGet();
                  }
                  ctx.verify(() -> assertThat(f.result().bodyAsJsonObject().getJsonArray("products"))
                      .as(f.result().bodyAsString()).isNotEmpty());
                });
                return gw;
              });
            })
            // every pod shares this Redis: losing it must not take them all out of the load balancer
            .compose(v -> Awaits.until(vertx, () -> !redisUp(gw), 15_000))
            .compose(v -> gw.client.get(gw.gateway.opsPort(), "127.0.0.1", "/health/ready").send())
            .compose(ready -> {
              ctx.verify(() -> assertThat(ready.statusCode()).as("ready while Redis is down").isEqualTo(200));
              return vertx.executeBlocking(() -> {
                redis.start();
                return null;
              });
            })
            .compose(v -> Awaits.until(vertx, () -> redisUp(gw), 15_000))
            .compose(v -> recs(gw, "after"))
            .compose(after -> {
              ctx.verify(() -> {
                assertThat(fiveHundreds.get()).isZero();
                assertThat(after.statusCode()).isEqualTo(200);
              });
              return gw.stop();
            }))
        .eventually(() -> vertx.executeBlocking(() -> {
          redis.kill();
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * How long a page waited for its shopper's segments: its own segments phase, or, for a page that joined the
   * same shopper's page while it was being assembled (coalesced), the whole wait for that page, an upper bound.
   */
  static double segmentsWaitMillis(String serverTiming) {
    return serverTiming.contains("coalesced;") ? phaseMillis(serverTiming, "coalesced") : phaseMillis(serverTiming, "segments");
  }

  static double phaseMillis(String serverTiming, String phase) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(phase + ";dur=([0-9.]+)").matcher(serverTiming);
    if (!m.find()) {
      throw new AssertionError("no " + phase + " in Server-Timing: " + serverTiming);
    }
    return Double.parseDouble(m.group(1));
  }

  private static double segmentFlightsInAir(TestGateway gw) {
    return dev.edgegateway.metrics.Metrics.of(gw.vertx).get("edge_singleflight_inflight").tag("flight", "segments").gauge().value();
  }

  private static boolean redisUp(TestGateway gw) {
    return dev.edgegateway.metrics.Metrics.of(gw.vertx).find("edge_redis_up").gauges().stream()
        .anyMatch(g -> g.value() == 1.0);
  }

  @Test
  void aHotShopperWhoseSegmentsExpireCausesExactlyOneRefreshAndNobodyWaitsForIt(Vertx vertx, VertxTestContext ctx) {
    Map<String, String> env = Map.of("EDGE_SEGMENTS_MIN_TTL_S", "1", "EDGE_TTL_JITTER", "0",
        "EDGE_STALE_WHILE_REVALIDATE_S", "60");
    TestGateway.start(vertx, new SimulatorOptions().setPort(0).setSessionTtlSeconds(1), env).compose(gw -> recs(gw, "hot")
        .compose(first -> {
          Promise<Void> expired = Promise.promise();
          vertx.setTimer(1_300, id -> expired.complete()); // let Klevu's 1 s ttl run out
          return expired.future();
        })
        .compose(v -> {
          // the refresh now takes 400 ms upstream: a request that waited for it would show
          gw.sim.state().applyRuntimeConfig(new JsonObject().put("sessionTtlSeconds", 3600)
              .put("visitor", new JsonObject().put("latencyMs", 400)));
          List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            burst.add(recs(gw, "hot"));
          }
          return Future.all(burst).map(all -> {
            ctx.verify(() -> burst.forEach(f -> {
              // stale while the refresh is in the air; fresh once it has landed
              assertThat(f.result().getHeader("X-Cache")).isIn("stale", "hit-l1");
              // measured by the gateway itself: the segments phase did not wait on the 400 ms refresh
              assertThat(segmentsWaitMillis(f.result().getHeader("Server-Timing"))).isLessThan(400.0);
            }));
            return gw;
          });
        })
        .compose(v -> Awaits.until(vertx, () -> gw.count(SimCounter.SESSION) >= 2 && segmentFlightsInAir(gw) == 0, 5_000))
        .compose(v -> recs(gw, "hot"))
        .compose(afterRefresh -> {
          ctx.verify(() -> {
            assertThat(gw.count(SimCounter.SESSION)).as("one session call, then exactly one refresh").isEqualTo(2);
            assertThat(afterRefresh.getHeader("X-Cache")).isEqualTo("hit-l1");
          });
          return gw.stop();
        }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
