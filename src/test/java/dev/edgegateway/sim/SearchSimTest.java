package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SearchSimTest extends SimTestBase {

  static JsonObject query(String id, int limit, String segmentKey) {
    JsonObject settings = new JsonObject().put("typeOfRecords", new JsonArray().add("KLEVU_PRODUCT")).put("limit", limit);
    if (segmentKey != null) {
      settings.put("segmentKey", segmentKey);
    }
    return new JsonObject().put("id", id).put("typeOfRequest", "RECS_TRENDING").put("settings", settings);
  }

  static JsonObject body(JsonObject... queries) {
    JsonArray qs = new JsonArray();
    for (JsonObject q : queries) {
      qs.add(q);
    }
    return new JsonObject().put("context", new JsonObject().put("apiKeys", new JsonArray().add("klevu-123")))
        .put("recordQueries", qs);
  }

  Future<HttpResponse<Buffer>> search(JsonObject body) {
    return post("/cs/v2/search").sendJsonObject(body);
  }

  @Test
  void responseShapeLimitAndRecordFields(VertxTestContext ctx) {
    search(body(query("klevuRECSItemList", 7, null))).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject b = r.bodyAsJsonObject();
      assertThat(b.getJsonObject("meta").getInteger("responseCode")).isEqualTo(200);
      assertThat(b.getJsonObject("meta").getInteger("qTime")).isNotNull();
      JsonArray results = b.getJsonArray("queryResults");
      assertThat(results).hasSize(1);
      JsonObject q = results.getJsonObject(0);
      assertThat(q.getString("id")).isEqualTo("klevuRECSItemList");
      assertThat(q.getJsonObject("meta").getInteger("noOfResults")).isEqualTo(7);
      assertThat(q.getJsonObject("meta").getInteger("totalResultsFound")).isGreaterThanOrEqualTo(7);
      assertThat(q.getJsonObject("meta").getBoolean("isPersonalised")).isFalse();
      JsonArray records = q.getJsonArray("records");
      assertThat(records).hasSize(7);
      for (int i = 0; i < records.size(); i++) {
        JsonObject rec = records.getJsonObject(i);
        assertThat(rec.fieldNames()).contains("id", "itemGroupId", "name", "price", "salePrice", "currency", "url",
            "image", "inStock", "brand");
        rec.forEach(e -> assertThat(e.getValue()).isInstanceOf(String.class));
      }
      assertThat(records.stream().map(o -> ((JsonObject) o).getString("id")).distinct().count()).isEqualTo(7);
      ctx.completeNow();
    })));
  }

  @Test
  void productImagesAreServedByTheSimulatorItself(VertxTestContext ctx) {
    search(body(query("q", 3, null))).compose(r -> {
      String image = res(r).getJsonArray("records").getJsonObject(0).getString("image");
      ctx.verify(() -> assertThat(image).startsWith("http://" + sim.advertisedAddress() + "/__sim/images/").endsWith(".svg"));
      return get(image.substring(image.indexOf("/__sim/"))).send()
          .compose(svg -> get("/__sim/images/99.svg").send().compose(unknown -> get("/__sim/images/banner-k-home-desktop.svg")
              .send().map(banner -> List.of(svg, unknown, banner))));
    }).onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
      assertThat(answers.get(0).statusCode()).isEqualTo(200);
      assertThat(answers.get(0).getHeader("content-type")).isEqualTo("image/svg+xml");
      assertThat(answers.get(0).bodyAsString()).startsWith("<svg").contains("width=\"300\"");
      assertThat(answers.get(1).statusCode()).as("no such product").isEqualTo(404);
      assertThat(answers.get(2).statusCode()).isEqualTo(200);
      ctx.completeNow();
    })));
  }

  @Test
  void segmentMakesItPersonalisedAndChangesRecords(VertxTestContext ctx) {
    Future.all(
        search(body(query("q", 10, null))),
        search(body(query("q", 10, "seg-vip"))),
        search(body(query("q", 10, "seg-vip"))),
        search(body(query("q", 10, "seg-outdoor")))
    ).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      List<JsonObject> rs = List.of(res(all.resultAt(0)), res(all.resultAt(1)), res(all.resultAt(2)), res(all.resultAt(3)));
      assertThat(rs.get(0).getJsonObject("meta").getBoolean("isPersonalised")).isFalse();
      assertThat(rs.get(1).getJsonObject("meta").getBoolean("isPersonalised")).isTrue();
      assertThat(rs.get(1)).isEqualTo(rs.get(2));
      assertThat(rs.get(1).getJsonArray("records")).isNotEqualTo(rs.get(0).getJsonArray("records"));
      assertThat(rs.get(1).getJsonArray("records")).isNotEqualTo(rs.get(3).getJsonArray("records"));
      ctx.completeNow();
    })));
  }

  private static JsonObject res(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonArray("queryResults").getJsonObject(0);
  }

  @Test
  void oneResultPerQuery(VertxTestContext ctx) {
    search(body(query("a", 2, null), query("b", 3, "seg-vip"))).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonArray results = r.bodyAsJsonObject().getJsonArray("queryResults");
      assertThat(results).hasSize(2);
      assertThat(results.getJsonObject(0).getString("id")).isEqualTo("a");
      assertThat(results.getJsonObject(0).getJsonArray("records")).hasSize(2);
      assertThat(results.getJsonObject(1).getString("id")).isEqualTo("b");
      assertThat(results.getJsonObject(1).getJsonArray("records")).hasSize(3);
      ctx.completeNow();
    })));
  }

  @Test
  void configPayloadRoundTrip(VertxTestContext ctx) {
    get("/recommendations/klevu-123/settings/threshold-k?sids=seg-vip").send().compose(cfg -> {
      JsonObject c = cfg.bodyAsJsonObject();
      JsonObject payload = new JsonObject(c.getJsonObject("search").getString("payload"));
      payload.put("context", new JsonObject().put("apiKeys", new JsonArray().add("klevu-123")));
      int threshold = c.getJsonObject("metadata").getInteger("productThreshold");
      return post("/cs/v2/search").sendJsonObject(payload).map(r -> {
        ctx.verify(() -> {
          JsonObject q = res(r);
          assertThat(q.getJsonObject("meta").getBoolean("isPersonalised")).isTrue();
          assertThat(q.getJsonArray("records").size()).isLessThan(threshold);
        });
        return r;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void bodyOver8KbIs413(VertxTestContext ctx) {
    JsonObject big = body(query("q", 5, null));
    big.put("padding", "x".repeat(8 * 1024));
    search(big).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(413);
      ctx.completeNow();
    })));
  }

  @Test
  void bodyOverTheGlobalLimitIs413Too(VertxTestContext ctx) {
    post("/cs/v2/search").sendBuffer(Buffer.buffer("x".repeat(200 * 1024))).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(413);
      ctx.completeNow();
    })));
  }

  @Test
  void junkDuplicateIdsAndMissingApiKeyAre400(VertxTestContext ctx) {
    JsonObject noKey = body(query("q", 5, null));
    noKey.remove("context");
    Future.all(
        post("/cs/v2/search").sendBuffer(Buffer.buffer("not json")),
        search(body(query("dup", 5, null), query("dup", 5, null))),
        search(noKey),
        search(new JsonObject().put("context", new JsonObject().put("apiKeys", new JsonArray().add("k"))))
    ).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (int i = 0; i < 4; i++) {
        assertThat(((HttpResponse<?>) all.resultAt(i)).statusCode()).as("call %d", i).isEqualTo(400);
      }
      ctx.completeNow();
    })));
  }
}
