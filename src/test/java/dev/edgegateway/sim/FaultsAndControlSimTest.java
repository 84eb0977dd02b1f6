package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultsAndControlSimTest extends SimTestBase {

  static final String CONFIG_URI = "/recommendations/klevu-1/settings/k-1";

  Future<HttpResponse<Buffer>> session() {
    return post("/public/1.0/klevu-1/session").sendJsonObject(new JsonObject().put("apiKey", "klevu-1"));
  }

  @Test
  void statsShapeAndReset(VertxTestContext ctx) {
    session().compose(r -> get(CONFIG_URI).send()).compose(r -> stats()).compose(s -> {
      ctx.verify(() -> {
        assertThat(s.fieldNames()).contains("session", "config", "search", "collect", "events", "profiles");
        assertThat(s.getLong("session")).isEqualTo(1);
        assertThat(s.getLong("config")).isEqualTo(1);
        assertThat(s.getLong("search")).isZero();
        assertThat(s.getLong("collect")).isZero();
        assertThat(s.getLong("events")).isZero();
        assertThat(s.getLong("profiles")).isZero();
        assertThat(sim.state().count(SimCounter.SESSION)).isEqualTo(1);
        assertThat(s.getJsonObject("inFlightMax").getLong("visitor")).isEqualTo(1);
        assertThat(s.getJsonObject("inFlight").getLong("visitor")).isZero();
      });
      return post("/__sim/reset").send();
    }).compose(r -> stats()).onComplete(ctx.succeeding(s -> ctx.verify(() -> {
      for (String k : List.of("session", "config", "search", "collect", "events", "profiles")) {
        assertThat(s.getLong(k)).as(k).isZero();
      }
      ctx.completeNow();
    })));
  }

  @Test
  void healthAndConfigReadBack(VertxTestContext ctx) {
    get("/__sim/health").send().compose(h -> {
      ctx.verify(() -> assertThat(h.bodyAsJsonObject().getString("status")).isEqualTo("UP"));
      return get("/__sim/config").send();
    }).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonObject c = r.bodyAsJsonObject();
      assertThat(c.getInteger("sessionTtlSeconds")).isEqualTo(3600);
      assertThat(c.getJsonObject("upstreams").fieldNames())
          .containsExactlyInAnyOrder("visitor", "config", "search", "stats", "klaviyo");
      assertThat(c.getJsonObject("upstreams").getJsonObject("search").getString("fault")).isEqualTo("none");
      ctx.completeNow();
    })));
  }

  @Test
  void invalidConfigIs400AndChangesNothing(VertxTestContext ctx) {
    setConfig(new JsonObject().put("upstreams", new JsonObject()
            .put("search", new JsonObject().put("fault", "error"))
            .put("nope", new JsonObject().put("fault", "error"))))
        .compose(r -> {
          ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(400));
          return setConfig(new JsonObject().put("config", new JsonObject().put("fault", "explode")));
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(400);
          assertThat(sim.state().fault(Upstream.SEARCH).fault()).isEqualTo(FaultMode.NONE);
          ctx.completeNow();
        })));
  }

  @Test
  void errorFaultAnswers500AndIsCounted(VertxTestContext ctx) {
    setConfig(new JsonObject().put("upstreams", new JsonObject().put("visitor", new JsonObject().put("fault", "error"))))
        .compose(c -> {
          ctx.verify(() -> assertThat(c.bodyAsJsonObject().getJsonObject("upstreams").getJsonObject("visitor")
              .getString("fault")).isEqualTo("error"));
          return session();
        })
        .compose(r -> {
          ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(500));
          return get(CONFIG_URI).send(); // other upstreams unaffected
        })
        .compose(r -> {
          ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(200));
          return stats();
        })
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s.getLong("session")).isEqualTo(1);
          assertThat(s.getLong("faulted")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void flakyAlternates503WithRetryAfter(VertxTestContext ctx) {
    List<Integer> statuses = new ArrayList<>();
    List<String> retryAfter = new ArrayList<>();
    Future<?> chain = setConfig(new JsonObject().put("search", new JsonObject().put("fault", "flaky")));
    for (int i = 0; i < 4; i++) {
      chain = chain.compose(x -> post("/cs/v2/search").sendJsonObject(SearchSimTest.body(SearchSimTest.query("q", 3, null)))
          .map(r -> {
            statuses.add(r.statusCode());
            retryAfter.add(r.getHeader("Retry-After"));
            return r;
          }));
    }
    chain.onComplete(ctx.succeeding(x -> ctx.verify(() -> {
      assertThat(statuses).containsExactly(503, 200, 503, 200);
      assertThat(retryAfter).containsExactly("1", null, "1", null);
      ctx.completeNow();
    })));
  }

  /** Gateway tests rely on this: a call held under a fault keeps its answer when the upstream is healed meanwhile. */
  @Test
  void aHeldRequestKeepsTheSettingsItArrivedUnder(VertxTestContext ctx) {
    setConfig(new JsonObject().put("visitor", new JsonObject().put("fault", "error").put("latencyMs", 1000)))
        .compose(c -> {
          Future<HttpResponse<Buffer>> held = session();
          return dev.edgegateway.Awaits.until(vertx, () -> sim.state().count(SimCounter.SESSION) == 1, 5_000, 2)
              .compose(counted -> setConfig(new JsonObject().put("visitor",
                  new JsonObject().put("fault", "none").put("latencyMs", 0))))
              .compose(healed -> session())
              .compose(after -> held.map(h -> List.of(h.statusCode(), after.statusCode())));
        })
        .onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
          assertThat(statuses).as("held call, then a call after the heal").containsExactly(500, 200);
          assertThat(sim.state().count(SimCounter.SESSION)).isEqualTo(2);
          assertThat(sim.state().count(SimCounter.FAULTED)).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void downClosesTheConnectionWithoutAnswer(VertxTestContext ctx) {
    setConfig(new JsonObject().put("config", new JsonObject().put("fault", "down")))
        .compose(c -> get(CONFIG_URI).send())
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).hasMessageContaining("closed");
          assertThat(sim.state().count(SimCounter.CONFIG)).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void latencyIsObservedAndDoesNotBlockOtherUpstreams(VertxTestContext ctx) {
    setConfig(new JsonObject().put("config", new JsonObject().put("latencyMs", 300))).compose(c -> {
      long t0 = System.nanoTime();
      Future<Long> slow = get(CONFIG_URI).send().map(r -> {
        assertThat(r.statusCode()).isEqualTo(200);
        return (System.nanoTime() - t0) / 1_000_000;
      });
      Future<Long> fast = session().map(r -> (System.nanoTime() - t0) / 1_000_000);
      return Future.all(slow, fast);
    }).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      long slowMs = all.resultAt(0);
      long fastMs = all.resultAt(1);
      assertThat(slowMs).isGreaterThanOrEqualTo(300);
      assertThat(fastMs).isLessThan(slowMs);
      ctx.completeNow();
    })));
  }

  @Test
  void slowFaultAddsSlowMsAndInFlightIsTracked(VertxTestContext ctx) {
    setConfig(new JsonObject().put("visitor", new JsonObject().put("fault", "slow").put("slowMs", 250)))
        .compose(c -> {
          long t0 = System.nanoTime();
          Future<HttpResponse<Buffer>> a = session();
          Future<HttpResponse<Buffer>> b = session();
          return Future.all(a, b).map(x -> (System.nanoTime() - t0) / 1_000_000);
        })
        .compose(ms -> {
          ctx.verify(() -> assertThat(ms).isGreaterThanOrEqualTo(250));
          return stats();
        })
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s.getJsonObject("inFlightMax").getLong("visitor")).isEqualTo(2);
          assertThat(s.getJsonObject("inFlight").getLong("visitor")).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void clientGivingUpDuringLatencyDoesNotLeakInFlight(VertxTestContext ctx) {
    setConfig(new JsonObject().put("config", new JsonObject().put("latencyMs", 400)))
        .compose(c -> get(CONFIG_URI).timeout(100).send())
        .onComplete(ctx.failing(err -> {
          // poll (not sleep) until the server saw the abandoned request through
          long deadline = System.currentTimeMillis() + 5000;
          vertx.setPeriodic(50, id -> {
            if (sim.state().inFlight(Upstream.CONFIG) == 0) {
              vertx.cancelTimer(id);
              ctx.verify(() -> assertThat(sim.state().inFlightMax(Upstream.CONFIG)).isEqualTo(1));
              ctx.completeNow();
            } else if (System.currentTimeMillis() > deadline) {
              vertx.cancelTimer(id);
              ctx.failNow("in-flight never returned to 0");
            }
          });
        }));
  }

  @Test
  void throttleOnKlevuUpstream(VertxTestContext ctx) {
    setConfig(new JsonObject().put("stats", new JsonObject().put("fault", "throttle")))
        .compose(c -> post("/analytics/collect").sendJson(new io.vertx.core.json.JsonArray()))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(429);
          assertThat(r.getHeader("Retry-After")).isEqualTo("1");
          ctx.completeNow();
        })));
  }

  @Test
  void refuseResetsTheConnectionWithoutAnswer(VertxTestContext ctx) {
    setConfig(new JsonObject().put("visitor", new JsonObject().put("fault", "refuse")))
        .compose(c -> session())
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          // a reset, not an HTTP answer: Vert.x reports the connection as closed (the cause names the reset)
          assertThat(err).isInstanceOfAny(io.vertx.core.http.HttpClosedException.class, java.io.IOException.class);
          assertThat(sim.state().count(SimCounter.SESSION)).isEqualTo(1);
          assertThat(sim.state().count(SimCounter.FAULTED)).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void hangNeverAnswersAndFreesOnClientGiveUp(VertxTestContext ctx) {
    setConfig(new JsonObject().put("search", new JsonObject().put("fault", "hang")))
        .compose(c -> post("/cs/v2/search").timeout(300)
            .sendJsonObject(SearchSimTest.body(SearchSimTest.query("q", 3, null))))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(java.util.concurrent.TimeoutException.class);
          assertThat(sim.state().count(SimCounter.FAULTED)).isEqualTo(1);
          dev.edgegateway.Awaits.until(vertx, () -> sim.state().inFlight(Upstream.SEARCH) == 0, 5_000, 10)
              .onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void malformedIs200WithABodyThatIsNotJson(VertxTestContext ctx) {
    setConfig(new JsonObject().put("config", new JsonObject().put("fault", "malformed")))
        .compose(c -> get(CONFIG_URI).send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.getHeader("content-type")).startsWith("application/json");
          assertThatThrownBy(() -> io.vertx.core.json.Json.decodeValue(r.body()))
              .isInstanceOf(io.vertx.core.json.DecodeException.class);
          assertThat(sim.state().count(SimCounter.FAULTED)).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void wrongShapeIs200JsonWithoutTheAnswersFields(VertxTestContext ctx) {
    setConfig(new JsonObject().put("visitor", new JsonObject().put("fault", "wrongshape"))
            .put("klaviyo", new JsonObject().put("fault", "wrongshape")))
        .compose(c -> session().compose(s -> get("/api/profiles?filter=equals(email,%22a@b.example%22)").send()
            .map(k -> List.of(s, k))))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          JsonObject visitor = rs.get(0).bodyAsJsonObject();
          assertThat(rs.get(0).statusCode()).isEqualTo(200);
          assertThat(visitor.containsKey("sessionId")).isFalse();
          assertThat(visitor.containsKey("ttl")).isFalse();
          assertThat(rs.get(1).statusCode()).isEqualTo(200);
          assertThat(rs.get(1).getHeader("content-type")).isEqualTo("application/vnd.api+json");
          assertThat(rs.get(1).bodyAsJsonObject().getValue("data")).isNotInstanceOf(io.vertx.core.json.JsonArray.class);
          assertThat(sim.state().count(SimCounter.FAULTED)).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  void unknownFaultNamesTheNewOnes() {
    assertThatThrownBy(() -> FaultMode.fromKey("explode")).hasMessageContaining("refuse, hang, malformed, wrongshape");
    assertThat(FaultMode.fromKey("WrongShape")).isEqualTo(FaultMode.WRONGSHAPE);
  }

  @Test
  void unknownPathIs404Json(VertxTestContext ctx) {
    get("/nope").send().onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.bodyAsJsonObject().getInteger("status")).isEqualTo(404);
      ctx.completeNow();
    })));
  }
}
