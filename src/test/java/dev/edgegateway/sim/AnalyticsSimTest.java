package dev.edgegateway.sim;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnalyticsSimTest extends SimTestBase {

  /** An event as @klevu/core 5.2 sends it (KlevuEvents.recommendationView / recommendationClick). */
  static JsonObject event(String name, String session) {
    return new JsonObject().put("event", name).put("event_version", "1.0.0").put("event_apikey", "klevu-123")
        .put("user_profile", new JsonObject().put("sessionId", session))
        .put("event_data", new JsonObject().put("list_id", "k-1").put("list_logic", "TRENDING")
            .put("list_name", "Trending now").put("action", null).put("spot_id", "spot-1").put("spot_name", "Home 1")
            .put("items", new JsonArray().add(new JsonObject().put("index", 1).put("item_id", "39814")
                .put("item_group_id", "67466").put("item_name", "Lorem ipsum").put("item_variant_id", "39814")
                .put("price", "25.00").put("currency", "USD").put("item_brand", "47"))));
  }

  @Test
  void countsRequestsAndEventsAndStoresThem(VertxTestContext ctx) {
    JsonArray two = new JsonArray().add(event("view_recs_list", "s1")).add(event("select_recs_list", "s1"));
    JsonArray one = new JsonArray().add(event("view_recs_list", "s2"));
    post("/analytics/collect").sendJson(two)
        .compose(r -> {
          ctx.verify(() -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body() == null ? 0 : r.body().length()).isZero();
          });
          return post("/analytics/collect").sendJson(one);
        })
        .compose(r -> stats())
        .compose(s -> {
          ctx.verify(() -> {
            assertThat(s.getLong("collect")).isEqualTo(2);
            assertThat(s.getLong("events")).isEqualTo(3);
          });
          return get("/__sim/events").send();
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          JsonArray events = r.bodyAsJsonArray();
          assertThat(events).hasSize(3);
          assertThat(events.getJsonObject(0).getString("event")).isEqualTo("view_recs_list");
          assertThat(events.getJsonObject(2).getJsonObject("user_profile").getString("sessionId")).isEqualTo("s2");
          assertThat(sim.state().events()).hasSize(3);
          ctx.completeNow();
        })));
  }

  @Test
  void sendBeaconMultipartJunkIs400AndStillCounted(VertxTestContext ctx) {
    MultipartForm form = MultipartForm.create().attribute("0", "[object Object]");
    post("/analytics/collect").sendMultipartForm(form)
        .compose(r -> {
          ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(400));
          return post("/analytics/collect").sendForm(MultiMap.caseInsensitiveMultiMap().add("0", "[object Object]"));
        })
        .compose(r -> {
          ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(400));
          return post("/analytics/collect").putHeader("content-type", "text/plain").sendBuffer(Buffer.buffer("0=[object Object]"));
        })
        .compose(r -> {
          ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(400));
          return post("/analytics/collect").sendJsonObject(event("view_recs_list", "s1")); // object, not array
        })
        .compose(r -> {
          ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(400));
          return stats();
        })
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s.getLong("collect")).isEqualTo(4);
          assertThat(s.getLong("events")).isZero();
          assertThat(s.getLong("rejected")).isEqualTo(4);
          ctx.completeNow();
        })));
  }

  @Test
  void storedEventsAreBounded(VertxTestContext ctx) {
    // 1500 events in posts of 100 (each post within the simulator's body limit)
    io.vertx.core.Future<?> posted = io.vertx.core.Future.succeededFuture();
    for (int p = 0; p < 15; p++) {
      JsonArray hundred = new JsonArray();
      for (int i = p * 100; i < p * 100 + 100; i++) {
        JsonObject e = event("view_recs_list", "s");
        e.getJsonObject("event_data").put("list_id", "k-" + i);
        hundred.add(e);
      }
      posted = posted.compose(r -> post("/analytics/collect").sendJson(hundred));
    }
    posted.compose(r -> get("/__sim/events").send())
        .compose(r -> {
          ctx.verify(() -> {
            JsonArray events = r.bodyAsJsonArray();
            assertThat(events).hasSize(SimulatorOptions.DEFAULT_MAX_STORED_EVENTS);
            assertThat(listId(events.getJsonObject(0))).isEqualTo("k-500");
            assertThat(listId(events.getJsonObject(999))).isEqualTo("k-1499");
          });
          return get("/__sim/events?limit=2").send();
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.bodyAsJsonArray()).hasSize(2);
          assertThat(listId(r.bodyAsJsonArray().getJsonObject(1))).isEqualTo("k-1499");
          ctx.completeNow();
        })));
  }

  private static String listId(JsonObject event) {
    return event.getJsonObject("event_data").getString("list_id");
  }
}
