package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class VisitorSimTest extends SimTestBase {

  static final String API_KEY = "klevu-164270249063714699";
  static final String KX = "IDXL0vH3jMssE2B-AEqyLjyYhwK_yXcN4NuQxPBqgNE=.UsRnv6";

  Future<HttpResponse<Buffer>> session(JsonObject body) {
    return post("/public/1.0/" + API_KEY + "/session").sendJsonObject(body);
  }

  static JsonObject withExchange(JsonObject body, String kx) {
    return body.put("sessionInfo", new JsonObject().put("connectorInfo", new JsonArray()
        .add(new JsonObject().put("connectorType", "klaviyo").put("exchangeId", kx))));
  }

  @Test
  void newAnonymousSessionHasNoSegments(VertxTestContext ctx) {
    session(new JsonObject().put("apiKey", API_KEY)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject b = r.bodyAsJsonObject();
      assertThat(b.fieldNames()).containsExactlyInAnyOrder("apikey", "sessionId", "segmentInfo");
      assertThat(b.getString("apikey")).isEqualTo(API_KEY);
      assertThat(UUID.fromString(b.getString("sessionId")).version()).isEqualTo(4);
      assertThat(b.getJsonObject("segmentInfo").getJsonArray("segments")).isEmpty();
      assertThat(b.getJsonObject("segmentInfo").getInteger("ttl")).isEqualTo(3600);
      ctx.completeNow();
    })));
  }

  @Test
  void lowerCaseApikeyIsAcceptedToo(VertxTestContext ctx) {
    session(new JsonObject().put("apikey", "klevu-lower")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getString("apikey")).isEqualTo("klevu-lower");
      ctx.completeNow();
    })));
  }

  @Test
  void exchangeIdGivesDeterministicSegmentsRememberedBySession(VertxTestContext ctx) {
    session(withExchange(new JsonObject().put("apiKey", API_KEY), KX)).compose(first -> {
      JsonObject b = first.bodyAsJsonObject();
      String sid = b.getString("sessionId");
      JsonArray segs = b.getJsonObject("segmentInfo").getJsonArray("segments");
      ctx.verify(() -> {
        assertThat(segs.size()).isBetween(1, 3);
        assertThat(segs.getList()).allSatisfy(s -> assertThat((String) s).startsWith("seg-")).doesNotHaveDuplicates();
      });
      // same exchange id in a brand new session: same segments
      return session(withExchange(new JsonObject().put("apiKey", API_KEY), KX))
          .compose(second -> {
            ctx.verify(() -> assertThat(second.bodyAsJsonObject().getJsonObject("segmentInfo").getJsonArray("segments"))
                .isEqualTo(segs));
            // refresh of the first session without connectorInfo: still identified
            return session(new JsonObject().put("apiKey", API_KEY).put("sessionId", sid)
                .put("sessionInfo", new JsonObject().put("connectorInfo", new JsonArray())));
          })
          .map(third -> {
            ctx.verify(() -> {
              assertThat(third.bodyAsJsonObject().getString("sessionId")).isEqualTo(sid);
              assertThat(third.bodyAsJsonObject().getJsonObject("segmentInfo").getJsonArray("segments")).isEqualTo(segs);
            });
            return third;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void pushingExchangeIdIntoExistingAnonymousSession(VertxTestContext ctx) {
    session(new JsonObject().put("apiKey", API_KEY)).compose(anon -> {
      String sid = anon.bodyAsJsonObject().getString("sessionId");
      return session(withExchange(new JsonObject().put("apiKey", API_KEY).put("sessionId", sid), KX)).map(r -> {
        ctx.verify(() -> {
          assertThat(r.bodyAsJsonObject().getString("sessionId")).isEqualTo(sid);
          assertThat(r.bodyAsJsonObject().getJsonObject("segmentInfo").getJsonArray("segments")).isNotEmpty();
          assertThat(sim.state().exchangeIdOf(sid)).isEqualTo(KX);
        });
        return r;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unknownSessionIdIsAcceptedAsIs(VertxTestContext ctx) {
    String sid = "615e65c3-bc3b-4bec-9259-d368115b07ad";
    session(new JsonObject().put("apiKey", API_KEY).put("sessionId", sid)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getString("sessionId")).isEqualTo(sid);
      ctx.completeNow();
    })));
  }

  @Test
  void differentExchangeIdsSpreadOverSegments(VertxTestContext ctx) {
    java.util.List<Future<HttpResponse<Buffer>>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(session(withExchange(new JsonObject().put("apiKey", API_KEY), "shopper" + i + ".AbC123")));
    }
    Future.all(calls).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      java.util.Set<Object> seen = new java.util.HashSet<>();
      for (Future<HttpResponse<Buffer>> f : calls) {
        JsonArray segs = f.result().bodyAsJsonObject().getJsonObject("segmentInfo").getJsonArray("segments");
        assertThat(segs.size()).isBetween(1, 3);
        seen.addAll(segs.getList());
      }
      assertThat(seen.size()).isGreaterThanOrEqualTo(5);
      ctx.completeNow();
    })));
  }

  @Test
  void malformedJsonIs400(VertxTestContext ctx) {
    post("/public/1.0/" + API_KEY + "/session").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"apiKey\": ")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(400);
          ctx.completeNow();
        })));
  }

  @Test
  void ttlChangesAtRunTime(VertxTestContext ctx) {
    setConfig(new JsonObject().put("sessionTtlSeconds", 173))
        .compose(r -> session(new JsonObject().put("apiKey", API_KEY)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.bodyAsJsonObject().getJsonObject("segmentInfo").getInteger("ttl")).isEqualTo(173);
          ctx.completeNow();
        })));
  }
}
