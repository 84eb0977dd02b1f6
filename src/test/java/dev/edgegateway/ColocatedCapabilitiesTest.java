package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * EDGE_HTTP_COLOCATE_CAPABILITIES: segments and recs on every event loop, over real loopback sockets. The
 * instances must still behave as one capability: a burst that reaches them from two HTTP event loops makes one
 * call per key, and every message goes to the instance on its caller's thread.
 */
@ExtendWith(VertxExtension.class)
class ColocatedCapabilitiesTest {
  private TestGateway env;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, new SimulatorOptions().setPort(0), Map.of(
            "EDGE_HTTP_COLOCATE_CAPABILITIES", "true",
            "EDGE_HTTP_INSTANCES", "2",
            // every request goes to the segments and recs verticles itself, from whichever HTTP loop took it
            "EDGE_HTTP_COALESCE_PAGES", "false",
            "EDGE_REQUEST_TIMEOUT_MS", "5000", "EDGE_SEGMENTS_BUDGET_MS", "4000"))
        .onComplete(ctx.succeeding(started -> {
          env = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private double busRequests(String address, String target) {
    Counter counter = Metrics.of(env.vertx).find("edge_bus_requests_total").tags("address", address, "target", target)
        .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aBurstOverSeveralEventLoopsMakesOneCallPerKeyAndStaysOnEachCallersThread(VertxTestContext ctx) {
    env.sim.state().applyRuntimeConfig(new JsonObject().put("upstreams", new JsonObject()
        .put("all", new JsonObject().put("latencyMs", 300))));
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("colocated"));
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(env.client.get("/v1/recommendations/k-home").putHeader("Cookie", cookie).send());
    }
    Future.all(all).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
      for (Future<HttpResponse<Buffer>> f : all) {
        assertThat(f.result().statusCode()).isEqualTo(200);
        assertThat(f.result().bodyAsJsonObject().getBoolean("personalized")).isTrue();
      }
      // the instances share their stores and single-flights
      assertThat(env.count(SimCounter.SESSION)).isEqualTo(1);
      assertThat(env.count(SimCounter.CONFIG)).isEqualTo(1);
      assertThat(env.count(SimCounter.SEARCH)).isEqualTo(1);
      // every event loop has its instance, so no message had to cross to another thread
      // every count in the message: a failure here once read own_loop 0 with no other figure to tell why
      String counts = String.format("segments own_loop=%s any_loop=%s, recs own_loop=%s any_loop=%s",
          busRequests("edge.segments.lookup", "own_loop"), busRequests("edge.segments.lookup", "any_loop"),
          busRequests("edge.recs.fetch", "own_loop"), busRequests("edge.recs.fetch", "any_loop"));
      assertThat(busRequests("edge.segments.lookup", "own_loop")).as(counts).isGreaterThan(0);
      assertThat(busRequests("edge.segments.lookup", "any_loop")).as(counts).isZero();
      assertThat(busRequests("edge.recs.fetch", "any_loop")).as(counts).isZero();
      ctx.completeNow();
    })));
  }
}
