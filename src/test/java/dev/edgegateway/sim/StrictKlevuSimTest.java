package dev.edgegateway.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The simulated Klevu answers 400 to every shape the gateway used to send and @klevu/core never sends (issue 17's
 * capture of main), and 200 to the SDK's own shapes: over real sockets, one request per shape.
 */
class StrictKlevuSimTest extends SimTestBase {

  private static JsonObject sdkEvent() {
    return AnalyticsSimTest.event("view_recs_list", "615e65c3-bc3b-4bec-9259-d368115b07ad");
  }

  private static JsonObject eventWith(Consumer<JsonObject> change) {
    JsonObject e = sdkEvent();
    change.accept(e);
    return e;
  }

  private static JsonObject item(JsonObject event) {
    return event.getJsonObject("event_data").getJsonArray("items").getJsonObject(0);
  }

  /** The view_recs_list the gateway's /v1/events built before: recsKey as api key, session_id, numbers, extras. */
  private static JsonObject oldGatewayEvent() {
    return new JsonObject("""
        {"event":"view_recs_list","event_version":"1.0.0","event_apikey":"k-home-1",
         "user_profile":{"session_id":"615e65c3-bc3b-4bec-9259-d368115b07ad"},
         "event_data":{"tags":{"recsPageType":"home"},"list_id":"k-home-1","list_name":"Trending now",
           "list_logic":"TRENDING","items":[{"index":1,"item_id":"10001","item_name":"Lorem","price":9.99,
           "item_variant":"10001","quantity":1}]}}""");
  }

  private Future<Integer> collect(JsonObject event) {
    return post("/analytics/collect").sendJson(new JsonArray().add(event)).map(HttpResponse::statusCode);
  }

  @Test
  void theCollectorRefusesEachEventShapeTheGatewayUsedToSend(VertxTestContext ctx) {
    Map<String, JsonObject> wrong = new LinkedHashMap<>();
    wrong.put("recsKey as event_apikey", eventWith(e -> e.put("event_apikey", "k-home-1")));
    wrong.put("user_profile.session_id", eventWith(e -> e.put("user_profile", new JsonObject().put("session_id", "s"))));
    wrong.put("numeric price", eventWith(e -> item(e).put("price", 9.99)));
    wrong.put("item_variant", eventWith(e -> item(e).put("item_variant", "10001").remove("item_variant_id")));
    wrong.put("no item_group_id", eventWith(e -> item(e).remove("item_group_id")));
    wrong.put("quantity", eventWith(e -> item(e).put("quantity", 1)));
    wrong.put("tags.recsPageType", eventWith(e -> e.getJsonObject("event_data")
        .put("tags", new JsonObject().put("recsPageType", "home"))));
    wrong.put("no list_logic", eventWith(e -> e.getJsonObject("event_data").remove("list_logic")));
    wrong.put("the whole old event", oldGatewayEvent());
    List<Future<Integer>> answers = new ArrayList<>();
    wrong.values().forEach(e -> answers.add(collect(e)));
    Future.join(answers).compose(all -> collect(sdkEvent()).map(sdk -> {
      ctx.verify(() -> {
        int i = 0;
        for (String shape : wrong.keySet()) {
          assertThat(answers.get(i++).result()).as(shape).isEqualTo(400);
        }
        assertThat(sdk).as("the SDK's own event").isEqualTo(200);
      });
      return sdk;
    })).compose(v -> stats()).onComplete(ctx.succeeding(s -> ctx.verify(() -> {
      assertThat(s.getLong("events")).as("only the SDK's event was taken").isEqualTo(1);
      assertThat(sim.state().events()).containsExactly(sdkEvent());
      ctx.completeNow();
    })));
  }

  @Test
  void aLoadTestMayTurnTheShapeChecksOffToRunAnOlderGatewayBuild(VertxTestContext ctx) {
    setConfig(new JsonObject().put("strictShapes", false))
        .compose(r -> collect(oldGatewayEvent()))
        .compose(old -> setConfig(new JsonObject().put("strictShapes", true))
            .compose(r -> collect(oldGatewayEvent())).map(strict -> List.of(old, strict)))
        .onComplete(ctx.succeeding(codes -> ctx.verify(() -> {
          assertThat(codes).as("the old event with checks off, then on").containsExactly(200, 400);
          ctx.completeNow();
        })));
  }

  private static JsonObject search(String typeOfRequest, JsonObject settings) {
    return new JsonObject().put("context", new JsonObject().put("apiKeys", new JsonArray().add("klevu-123")))
        .put("recordQueries", new JsonArray().add(new JsonObject().put("id", "kmcrecommendation")
            .put("typeOfRequest", typeOfRequest).put("settings", settings)));
  }

  private static JsonObject base() {
    return new JsonObject().put("typeOfRecords", new JsonArray().add("KLEVU_PRODUCT")).put("limit", 5);
  }

  private static JsonArray products(String... ids) {
    JsonArray records = new JsonArray();
    for (String id : ids) {
      records.add(new JsonObject().put("id", id));
    }
    return new JsonArray().add(new JsonObject().put("typeOfRecord", "KLEVU_PRODUCT").put("records", records));
  }

  @Test
  void theSearchRefusesEachPayloadTheGatewayUsedToSend(VertxTestContext ctx) {
    Map<String, JsonObject> wrong = new LinkedHashMap<>();
    wrong.put("an empty context on a home page", search("RECS_TRENDING", base().put("context", new JsonObject())));
    wrong.put("visually similar with recentObjects", search("RECS_VISUALLY_SIMILAR",
        base().put("context", new JsonObject().put("recentObjects", products("10001")))));
    wrong.put("recently viewed without the last clicks", search("RECS_RECENTLY_VIEWED", base()));
    wrong.put("trending personalised without personalisation", search("RECS_TRENDING_PERSONALIZED", base()));
    wrong.put("also viewed without the product", search("RECS_OTHER_ALSO_VIEWED", base()));
    wrong.put("a numeric record id", search("RECS_SIMILAR", base().put("context", new JsonObject()
        .put("recentObjects", new JsonArray().add(new JsonObject().put("typeOfRecord", "KLEVU_PRODUCT")
            .put("records", new JsonArray().add(new JsonObject().put("id", 10001))))))));
    wrong.put("a config payload field kept at top level", search("RECS_TRENDING", base()).put("analytics", true));

    Map<String, JsonObject> sdk = new LinkedHashMap<>();
    sdk.put("home trending", search("RECS_TRENDING", base()));
    sdk.put("recently viewed", search("RECS_RECENTLY_VIEWED", base().put("customANDQuery", "id:(10002 OR 10001)")
        .put("topIds", new JsonArray().add(new JsonObject().put("key", "id").put("value", "10002"))
            .add(new JsonObject().put("key", "id").put("value", "10001")))));
    sdk.put("visually similar", search("RECS_VISUALLY_SIMILAR", base().put("currentProductId", "10001")
        .put("itemGroupId", "60000")
        .put("excludeIds", new JsonArray().add(new JsonObject().put("key", "itemGroupId").put("value", "60000")))
        .put("context", new JsonObject().put("sourceObjects", new JsonArray().add(new JsonObject()
            .put("typeOfRecord", "KLEVU_PRODUCT").put("records", new JsonArray()
                .add(new JsonObject().put("id", "10001")).add(new JsonObject().put("itemGroupId", "60000"))))))));
    sdk.put("trending personalised", search("RECS_TRENDING_PERSONALIZED", base()
        .put("personalisation", new JsonObject().put("enablePersonalisation", true))
        .put("context", new JsonObject().put("recentObjects", products("10002")))));
    sdk.put("checkout with an empty cart", search("RECS_BOUGHT_TOGETHER", base().put("cartProductIds", new JsonArray())
        .put("context", new JsonObject().put("recentObjects", products()))));

    List<Future<HttpResponse<Buffer>>> wrongAnswers = new ArrayList<>();
    wrong.values().forEach(b -> wrongAnswers.add(post("/cs/v2/search").sendJsonObject(b)));
    List<Future<HttpResponse<Buffer>>> sdkAnswers = new ArrayList<>();
    sdk.values().forEach(b -> sdkAnswers.add(post("/cs/v2/search").sendJsonObject(b)));
    Future.join(Future.join(wrongAnswers), Future.join(sdkAnswers)).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      int i = 0;
      for (String shape : wrong.keySet()) {
        HttpResponse<Buffer> answer = wrongAnswers.get(i++).result();
        assertThat(answer.statusCode()).as(shape).isEqualTo(400);
        assertThat(answer.bodyAsJsonObject().getString("message")).as(shape).startsWith("not a search @klevu/core sends");
      }
      i = 0;
      for (String shape : sdk.keySet()) {
        assertThat(sdkAnswers.get(i++).result().statusCode()).as(shape).isEqualTo(200);
      }
      // recently viewed answers the last clicked products, in click order
      JsonArray viewed = sdkAnswers.get(1).result().bodyAsJsonObject().getJsonArray("queryResults").getJsonObject(0)
          .getJsonArray("records");
      assertThat(viewed.stream().map(r -> ((JsonObject) r).getString("id"))).containsExactly("10002", "10001");
      ctx.completeNow();
    })));
  }

  @Test
  void theConfigCdnTakesOnlyTheSdksQueryGrammar(VertxTestContext ctx) {
    String path = "/recommendations/klevu-123/settings/k-home";
    Map<String, Integer> expected = new LinkedHashMap<>();
    // what the gateway used to send: encoded separators, no leading '&', a bare '?'
    expected.put(path + "?cp=Women%27s%20Shoes%3BRunning&sids=seg-a%2Cseg-b", 400);
    expected.put(path + "?&cp=Women%27s%20Shoes%3BRunning&sids=seg-a", 400);
    expected.put(path + "?&cp=Shoes&sids=seg-a%2Cseg-b", 400);
    expected.put(path + "?pid=10001&gpid=60000", 400);
    expected.put(path + "?", 400);
    expected.put(path + "?&pid=10001&cp=Shoes", 400);
    expected.put(path + "?&sids=seg-a", 400);
    expected.put(path + "?&pid=10001&color=red", 400);
    // what kmcRecommendation builds (fetch escapes the space and the quote only)
    expected.put(path + "?&cp=Women%27s%20Shoes;Running&sids=seg-a,seg-b", 200);
    expected.put(path + "?&pid=10001&gpid=60000", 200);
    expected.put(path + "?sids=seg-a,seg-b", 200);
    expected.put(path, 200);
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    expected.keySet().forEach(uri -> answers.add(get(uri).send()));
    Future.join(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      int i = 0;
      for (Map.Entry<String, Integer> e : expected.entrySet()) {
        assertThat(answers.get(i++).result().statusCode()).as(e.getKey()).isEqualTo(e.getValue());
      }
      ctx.completeNow();
    })));
  }

  @Test
  void itRecordsWhatArrivedForATestToCompare(VertxTestContext ctx) {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    get("/recommendations/klevu-123/settings/kmc.CATEGORY.TRENDING.1?&cp=Shoes;Running&sids=seg-a")
        .putHeader("traceparent", traceparent).send()
        .compose(r -> post("/cs/v2/search").putHeader("traceparent", traceparent).sendJsonObject(
            search("RECS_TRENDING", base().put("query", new JsonObject().put("categoryPath", "Shoes;Running")))))
        .compose(r -> get("/__sim/requests").send())
        .compose(r -> {
          ctx.verify(() -> {
            JsonArray seen = r.bodyAsJsonArray();
            assertThat(seen).hasSize(2);
            JsonObject config = seen.getJsonObject(0);
            assertThat(config.getString("upstream")).isEqualTo("config");
            assertThat(config.getString("query")).isEqualTo("&cp=Shoes;Running&sids=seg-a");
            assertThat(config.getString("traceId")).isEqualTo("0af7651916cd43dd8448eb211c80319c");
            assertThat(config.getInteger("status")).isEqualTo(200);
            JsonObject search = seen.getJsonObject(1);
            assertThat(search.getJsonObject("body").getJsonArray("recordQueries").getJsonObject(0)
                .getJsonObject("settings").getJsonObject("query").getString("categoryPath")).isEqualTo("Shoes;Running");
            assertThat(search.getLong("seq")).isGreaterThan(config.getLong("seq"));
          });
          long after = r.bodyAsJsonArray().getJsonObject(0).getLong("seq");
          return get("/__sim/requests?upstream=search&after=" + after).send();
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.bodyAsJsonArray()).hasSize(1);
          assertThat(r.bodyAsJsonArray().getJsonObject(0).getString("upstream")).isEqualTo("search");
          ctx.completeNow();
        })));
  }

  @Test
  void aFixedPageTypeAndLogicComeFromTheRecsKey(VertxTestContext ctx) {
    get("/recommendations/klevu-123/settings/kmc.CHECKOUT.BOUGHT_TOGETHER.x").send()
        .compose(r -> {
          ctx.verify(() -> {
            JsonObject metadata = r.bodyAsJsonObject().getJsonObject("metadata");
            assertThat(metadata.getString("pageType")).isEqualTo("CHECKOUT");
            assertThat(metadata.getString("logic")).isEqualTo("BOUGHT_TOGETHER");
          });
          return get("/recommendations/klevu-123/settings/static-kmc.HOME.TRENDING.x").send();
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          JsonObject config = r.bodyAsJsonObject();
          assertThat(config.getJsonObject("metadata").getString("action")).isEqualTo("STATIC_CONTENT");
          assertThat(config.getJsonObject("metadata").getString("logic")).isEqualTo("TRENDING");
          assertThat(config.getJsonArray("staticContent").getJsonObject(0).getJsonArray("image")).hasSize(2);
          ctx.completeNow();
        })));
  }
}
