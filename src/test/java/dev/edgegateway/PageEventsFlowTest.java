package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.SimCounter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A page renders a banner, reports the impression and a click; Klevu receives both with the shopper's session. */
@ExtendWith(VertxExtension.class)
class PageEventsFlowTest {
  private TestGateway env;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, Map.of()).onComplete(ctx.succeeding(started -> {
      env = started;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void impressionAndClickReachKlevuWithTheShoppersSession(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("events-shopper"));
    env.client.get("/v1/recommendations/k-home").putHeader("Cookie", cookie).send().compose(page -> {
      JsonObject banner = page.bodyAsJsonObject();
      JsonArray products = banner.getJsonArray("products");
      JsonArray items = new JsonArray();
      for (int i = 0; i < products.size(); i++) {
        JsonObject p = products.getJsonObject(i);
        items.add(new JsonObject().put("id", p.getString("id")).put("index", i + 1).put("name", p.getString("name"))
            .put("price", p.getString("price")).put("currency", p.getString("currency")));
      }
      JsonObject body = new JsonObject().put("events", new JsonArray()
          .add(new JsonObject().put("type", "impression").put("recsKey", "k-home").put("list", banner.getJsonObject("analytics"))
              .put("items", items))
          .add(new JsonObject().put("type", "click").put("recsKey", "k-home").put("list", banner.getJsonObject("analytics"))
              .put("items", new JsonArray().add(items.getJsonObject(0)))));
      return env.client.post("/v1/events").putHeader("Cookie", cookie).sendJsonObject(body);
    }).compose(accepted -> {
      ctx.verify(() -> {
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.bodyAsJsonObject().getInteger("accepted")).isEqualTo(2);
      });
      return Awaits.until(env.vertx, () -> env.count(SimCounter.EVENTS) >= 2, 5_000);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      List<JsonObject> received = env.sim.state().events();
      assertThat(received).extracting(e -> e.getString("event")).containsExactlyInAnyOrder("view_recs_list", "select_recs_list");
      String sessionId = received.get(0).getJsonObject("user_profile").getString("sessionId");
      assertThat(sessionId).isNotBlank();
      assertThat(env.sim.state().exchangeIdOf(sessionId)).isEqualTo(TestGateway.exchangeId("events-shopper"));
      JsonObject click = received.stream().filter(e -> "select_recs_list".equals(e.getString("event"))).findFirst().orElseThrow();
      assertThat(click.getJsonObject("event_data").getJsonArray("items")).hasSize(1);
      // the SDK's shape: the Klevu API key, string prices
      assertThat(click.getString("event_apikey")).isEqualTo("klevu-demo-api-key");
      assertThat(click.getJsonObject("event_data").getJsonArray("items").getJsonObject(0).getValue("price"))
          .isInstanceOf(String.class);
      ctx.completeNow();
    })));
  }
}
