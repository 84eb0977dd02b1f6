package dev.edgegateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.Awaits;
import dev.edgegateway.TestGateway;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.FaultMode;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 15 finding 3 over sockets: the outbox, its batches and each event are bounded in bytes. */
@ExtendWith(VertxExtension.class)
class OutboxBytesTest {
  private static final String API_KEY = "klevu-demo-api-key";
  private TestGateway env;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (env == null ? Future.<Void>succeededFuture() : env.stop()).onComplete(ctx.succeedingThenComplete());
  }

  /** A view_recs_list event as @klevu/core sends it, of about {@code bytes} encoded bytes (long item names). */
  static JsonObject event(String list, int bytes) {
    JsonArray items = new JsonArray();
    JsonObject e = new JsonObject().put("event", "view_recs_list").put("event_version", "1.0.0")
        .put("event_apikey", API_KEY).put("user_profile", new JsonObject().put("sessionId", "s-" + list))
        .put("event_data", new JsonObject().put("list_id", list).put("list_name", "Home").put("list_logic", "TRENDING")
            .put("items", items));
    // items of about 1.1 KB (name and brand at the 512-character cap), the last one padded to the size asked for
    for (int index = 1; index <= 100 && e.toBuffer().length() < bytes; index++) {
      int missing = bytes - e.toBuffer().length();
      JsonObject item = new JsonObject().put("index", index).put("item_id", "p" + index)
          .put("item_group_id", "g" + index).put("item_variant_id", "p" + index).put("price", "25.00");
      int overhead = item.put("item_name", "").put("item_brand", "").toBuffer().length() + 1;
      int text = Math.max(2, missing - overhead);
      item.put("item_name", "n".repeat(Math.min(512, (text + 1) / 2))).put("item_brand", "b".repeat(Math.min(512, text / 2)));
      items.add(item);
    }
    return e;
  }

  private Future<HttpResponse<Buffer>> collect(JsonArray events) {
    return env.client.post("/klevu/analytics/collect").putHeader("Content-Type", "application/json")
        .sendBuffer(events.toBuffer());
  }

  private double metric(String name, String... tags) {
    var search = Metrics.of(env.vertx).get(name);
    if (tags.length > 0) {
      search = search.tags(tags);
    }
    return name.endsWith("_total") ? search.counter().count() : search.gauge().value();
  }

  @Test
  void sixtyKilobyteEventsStopAtTheOutboxByteBound(Vertx vertx, VertxTestContext ctx) {
    // nothing leaves: the collector is down, so every accepted event stays in the outbox
    SimulatorOptions sim = new SimulatorOptions().setPort(0).setFault(Upstream.STATS, FaultMode.DOWN);
    long bound = 1_000_000;
    TestGateway.start(vertx, sim, Map.of("EDGE_EVENTS_OUTBOX_MAX_BYTES", Long.toString(bound),
            "EDGE_EVENTS_MAX_EVENT_BYTES", "65536", "EDGE_EVENTS_RETRY_BACKOFF_MS", "60000"))
        .compose(started -> {
          env = started;
          List<Integer> statuses = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < 151; i++) {
            String list = "big-" + i;
            chain = chain.compose(v -> collect(new JsonArray().add(event(list, 60_000))))
                .map(answer -> {
                  statuses.add(answer.statusCode());
                  return null;
                });
          }
          return chain.map(statuses);
        })
        .onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
          long accepted = statuses.stream().filter(s -> s == 200).count();
          assertThat(event("x", 60_000).toBuffer().length()).isBetween(59_000, 61_000);
          assertThat(accepted).isBetween(1L, bound / 59_000);
          assertThat(statuses.stream().filter(s -> s == 503).count()).isEqualTo(151 - accepted);
          assertThat(metric("edge_outbox_bytes")).isLessThanOrEqualTo(bound).isGreaterThan(0);
          assertThat(metric("edge_events_total", "result", "rejected_full")).isEqualTo(151 - accepted);
          ctx.completeNow();
        })));
  }

  @Test
  void oneEventTheCollectorRefusesAsTooLargeCostsOnlyItself(Vertx vertx, VertxTestContext ctx) {
    // the gateway takes the big event (its own caps are raised), the simulator's collector refuses any body over
    // 64 KiB with 413, and one batch carries all 18 events
    TestGateway.start(vertx, Map.of("EDGE_HTTP_MAX_BODY_BYTES", "400000", "EDGE_EVENTS_MAX_EVENT_BYTES", "200000",
            "EDGE_EVENTS_BATCH_MAX_BYTES", "1000000", "EDGE_EVENTS_FLUSH_MS", "50"))
        .compose(started -> {
          env = started;
          JsonArray events = new JsonArray();
          for (int i = 0; i < 18; i++) {
            events.add(i == 7 ? event("oversized", 100_000) : event("real-" + i, 300));
          }
          return collect(events);
        })
        .compose(answer -> {
          ctx.verify(() -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.bodyAsJsonObject().getInteger("accepted")).isEqualTo(18);
          });
          return Awaits.until(env.vertx, () -> metric("edge_events_total", "result", "dead_too_large") >= 1
              && env.count(SimCounter.EVENTS) >= 17, 10_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(env.count(SimCounter.EVENTS)).isEqualTo(17);
          assertThat(env.sim.state().events()).extracting(e -> e.getJsonObject("event_data").getString("list_id"))
              .doesNotContain("oversized").hasSize(17);
          assertThat(metric("edge_events_total", "result", "dead")).isEqualTo(1);
          assertThat(metric("edge_events_batches_total", "result", "split")).isGreaterThanOrEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void anEventOverTheSizeCapIsRefusedAloneAndTheRestAccepted(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, Map.of("EDGE_EVENTS_MAX_EVENT_BYTES", "10000"))
        .compose(started -> {
          env = started;
          return collect(new JsonArray().add(event("a", 300)).add(event("too-big", 20_000)).add(event("b", 300)));
        })
        .compose(answer -> {
          ctx.verify(() -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonObject body = answer.bodyAsJsonObject();
            assertThat(body.getInteger("accepted")).isEqualTo(2);
            assertThat(body.getJsonArray("rejected")).hasSize(1);
            assertThat(body.getJsonArray("rejected").getJsonObject(0).getInteger("index")).isEqualTo(1);
            assertThat(body.getJsonArray("rejected").getJsonObject(0).getString("error"))
                .isEqualTo("payload_too_large");
          });
          return collect(new JsonArray().add(event("alone", 20_000)));
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertThat(answer.statusCode()).isEqualTo(413);
          assertThat(answer.bodyAsJsonObject().getString("error")).isNotBlank();
          assertThat(answer.bodyAsJsonObject().getString("requestId")).isNotBlank();
          assertThat(metric("edge_events_total", "result", "rejected_size")).isEqualTo(2);
          ctx.completeNow();
        })));
  }
}
