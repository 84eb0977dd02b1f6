package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.FaultMode;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.Upstream;
import dev.edgegateway.sim.UpstreamFault;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Klevu answering 200 with a body cut off or of the wrong shape is Klevu failing (the faults benchmark's malformed
 * and wrongshape phases): such an answer was cached as any other (for the config's TTL, then served stale while
 * revalidating), so pages stayed degraded after Klevu came back, and it never counted against the breaker. Now it
 * fails its call: nothing is cached, the next page after the fault is whole, and enough of them open the circuit.
 */
@ExtendWith(VertxExtension.class)
class UnreadableUpstreamAnswersTest {
  private static final String PAGE = "/v1/recommendations/kmc.HOME.TRENDING.t";
  private TestGateway env;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, Map.of("EDGE_REQUEST_TIMEOUT_MS", "10000", "EDGE_SEGMENTS_BUDGET_MS", "8000",
        "EDGE_UPSTREAM_TIMEOUT_MS", "8000", "EDGE_BREAKER_MAX_FAILURES", "3", "EDGE_BREAKER_RESET_MS", "60000"))
        .onComplete(ctx.succeeding(started -> {
          env = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  /** An anonymous page's {@code degraded} list. */
  private Future<JsonArray> degraded() {
    return env.client.get(PAGE).send().map(answer -> {
      assertThat(answer.statusCode()).isEqualTo(200);
      return answer.bodyAsJsonObject().getJsonArray("degraded");
    });
  }

  private void faultedThenLifted(Upstream upstream, FaultMode fault, VertxTestContext ctx) {
    env.sim.state().setFault(upstream, UpstreamFault.DEFAULT.withFault(fault));
    degraded().compose(during -> {
      ctx.verify(() -> assertThat(during).as("while Klevu answers garbage").contains("recs"));
      env.sim.state().setFault(upstream, UpstreamFault.DEFAULT);
      return degraded();
    }).onComplete(ctx.succeeding(after -> ctx.verify(() -> {
      // before: the wrong-shaped answer was served from the cache, the page still degraded
      assertThat(after).as("the first page after the fault").isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  void aConfigOfTheWrongShapeIsNotCached(VertxTestContext ctx) {
    faultedThenLifted(Upstream.CONFIG, FaultMode.WRONGSHAPE, ctx);
  }

  @Test
  void aSearchAnswerOfTheWrongShapeIsNotCached(VertxTestContext ctx) {
    faultedThenLifted(Upstream.SEARCH, FaultMode.WRONGSHAPE, ctx);
  }

  @Test
  void cutOffSearchAnswersOpenTheSearchCircuit(VertxTestContext ctx) {
    env.sim.state().setFault(Upstream.SEARCH, UpstreamFault.DEFAULT.withFault(FaultMode.MALFORMED));
    Future<?> chain = Future.succeededFuture();
    for (int i = 0; i < 4; i++) {
      chain = chain.compose(v -> degraded());
    }
    long[] before = new long[1];
    chain.compose(v -> {
      before[0] = env.count(SimCounter.SEARCH);
      return degraded();
    }).onComplete(ctx.succeeding(last -> ctx.verify(() -> {
      assertThat(last).contains("recs");
      // before: every page searched again, the breaker never counting a 200
      assertThat(env.count(SimCounter.SEARCH)).as("searches once the circuit is open").isEqualTo(before[0]);
      ctx.completeNow();
    })));
  }
}
