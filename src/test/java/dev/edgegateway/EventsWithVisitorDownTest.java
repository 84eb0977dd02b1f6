package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.FaultMode;
import dev.edgegateway.sim.Upstream;
import dev.edgegateway.sim.UpstreamFault;
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
 * An identified shopper's first event (no session cookie yet) makes its Klevu session; with the visitor service
 * hanging, that lookup used to take the whole request deadline and the events then had no time left to be queued:
 * 504 (the faults benchmark, visitor hang and slow). The lookup now has the segments budget, as a page's has.
 */
@ExtendWith(VertxExtension.class)
class EventsWithVisitorDownTest {
  private TestGateway env;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, Map.of("EDGE_REQUEST_TIMEOUT_MS", "1500", "EDGE_SEGMENTS_BUDGET_MS", "300"))
        .onComplete(ctx.succeeding(started -> {
          env = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void eventsAreAcceptedWhileTheVisitorServiceHangs(VertxTestContext ctx) {
    env.sim.state().setFault(Upstream.VISITOR, UpstreamFault.DEFAULT.withFault(FaultMode.HANG));
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("events-visitor-hangs"));
    JsonObject list = new JsonObject().put("recsKey", "k-home").put("title", "Trending").put("logic", "TRENDING")
        .put("pageType", "HOME");
    JsonObject body = new JsonObject().put("events", new JsonArray().add(new JsonObject().put("type", "impression")
        .put("recsKey", "k-home").put("list", list).put("items", new JsonArray().add(new JsonObject()
            .put("id", "39800").put("index", 1).put("name", "Sock").put("price", "10.00").put("currency", "USD")))));
    env.client.post("/v1/events").putHeader("Cookie", cookie).sendJsonObject(body)
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          // before: 504 once the lookup had used the whole deadline
          assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(202);
          assertThat(answer.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
          ctx.completeNow();
        })));
  }
}
