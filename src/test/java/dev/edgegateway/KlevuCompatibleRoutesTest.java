package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The routes @klevu/core reaches when only its base URLs point at the gateway. */
@ExtendWith(VertxExtension.class)
class KlevuCompatibleRoutesTest {
  private static final String API_KEY = "klevu-164270249063714699";
  private TestGateway env;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, Map.of("EDGE_PUBLIC_BASE_URL", "https://edge.shop.test",
            "EDGE_CORS_ORIGINS", "https://shop.test", "EDGE_KLEVU_API_KEYS", API_KEY + ",klevu-demo-api-key"))
        .onComplete(ctx.succeeding(started -> {
          env = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject sessionBody(String sessionId, String exchangeId) {
    JsonArray connectors = new JsonArray();
    if (exchangeId != null) {
      connectors.add(new JsonObject().put("connectorType", "klaviyo").put("exchangeId", exchangeId));
    }
    JsonObject body = new JsonObject().put("apiKey", API_KEY)
        .put("sessionInfo", new JsonObject().put("connectorInfo", connectors));
    if (sessionId != null) {
      body.put("sessionId", sessionId);
    }
    return body;
  }

  @Test
  void sessionWithExchangeIdReturnsSegmentsAndIsDeduplicated(VertxTestContext ctx) {
    String exchangeId = TestGateway.exchangeId("sdk-shopper");
    List<Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(env.client.post("/klevu/visitor/public/1.0/" + API_KEY + "/session")
          .sendJsonObject(sessionBody(null, exchangeId)));
    }
    Future.all(calls).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      JsonObject first = calls.get(0).result().bodyAsJsonObject();
      assertThat(first.getString("apikey")).isEqualTo(API_KEY);
      assertThat(first.getString("sessionId")).isNotBlank();
      assertThat(first.getJsonObject("segmentInfo").getJsonArray("segments")).isNotEmpty();
      assertThat(first.getJsonObject("segmentInfo").getInteger("ttl")).isPositive();
      assertThat(env.count(SimCounter.SESSION)).isEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  void sessionAcceptsLowerCaseApikeyAndKeepsAnAnonymousSession(VertxTestContext ctx) {
    JsonObject body = new JsonObject().put("apikey", API_KEY);
    env.client.post("/klevu/visitor/public/1.0/" + API_KEY + "/session").sendJsonObject(body)
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonObject answer = response.bodyAsJsonObject();
          assertThat(answer.getString("sessionId")).isNotBlank();
          assertThat(answer.getJsonObject("segmentInfo").getJsonArray("segments")).isEmpty();
          assertThat(answer.getJsonObject("segmentInfo").getInteger("ttl")).isGreaterThan(0);
          ctx.completeNow();
        })));
  }

  @Test
  void anAnonymousVisitorsSessionIsSingleFlightedAndReusedForItsTtl(VertxTestContext ctx) {
    // a Klaviyo cookie without an exchange id: anonymous, recognisable by its client id
    String visitor = "__kla_id=" + TestGateway.klaCookie(null);
    String route = "/klevu/visitor/public/1.0/" + API_KEY + "/session";
    // every call is in the air before Klevu answers the first
    env.sim.state().applyRuntimeConfig(new JsonObject().put("upstreams", new JsonObject()
        .put("visitor", new JsonObject().put("latencyMs", 300))));
    List<Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(env.client.post(route).putHeader("Cookie", visitor).sendJsonObject(sessionBody(null, null)));
    }
    Future.all(calls).compose(all -> {
      ctx.verify(() -> {
        java.util.Set<String> sessions = new java.util.HashSet<>();
        for (var call : calls) {
          assertThat(call.result().statusCode()).isEqualTo(200);
          sessions.add(call.result().bodyAsJsonObject().getString("sessionId"));
          assertThat(call.result().bodyAsJsonObject().getJsonObject("segmentInfo").getJsonArray("segments")).isEmpty();
        }
        assertThat(sessions).as("one session for the visitor").hasSize(1).doesNotContainNull();
        assertThat(env.count(SimCounter.SESSION)).isEqualTo(1);
      });
      String first = calls.get(0).result().bodyAsJsonObject().getString("sessionId");
      // later, within the TTL: the same visitor gets the same session; one holding edge_ks keeps its own
      return env.client.post(route).putHeader("Cookie", visitor).sendJsonObject(sessionBody(null, null))
          .compose(again -> env.client.post(route).putHeader("Cookie", "edge_ks=" + first)
              .sendJsonObject(sessionBody(null, null)).map(held -> List.of(first, again, held)));
    }).onComplete(ctx.succeeding(later -> ctx.verify(() -> {
      String first = (String) later.get(0);
      for (Object answer : later.subList(1, 3)) {
        var response = (io.vertx.ext.web.client.HttpResponse<?>) answer;
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getString("sessionId")).isEqualTo(first);
      }
      assertThat(env.count(SimCounter.SESSION)).as("the session is reused for its TTL").isEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  void settingsRewriteBasePathAndTheRewrittenSearchWorksThroughTheGateway(VertxTestContext ctx) {
    // the SDK's own query grammar: a leading '&', unencoded ';' and spaces
    String uri = "/klevu/recommendations/" + API_KEY
        + "/settings/kmc.CATEGORY.NEWEST_ARRIVALS.1?&cp=Women;Shoes%20and%20bags&pid=&gpid=&sids=seg-b,seg-a,seg-b";
    env.client.get(uri).putHeader("Content-Type", "application/json").send().compose(settings -> {
      ctx.verify(() -> assertThat(settings.statusCode()).isEqualTo(200));
      JsonObject config = settings.bodyAsJsonObject();
      String basePath = config.getJsonObject("search").getString("basePath");
      ctx.verify(() -> {
        assertThat(basePath).startsWith("edge.shop.test/klevu/search/" + env.sim.advertisedAddress() + "/cs/v2/search");
        assertThat(config.getJsonObject("metadata").getString("segmentKey")).isEqualTo("seg-a");
      });
      String path = basePath.substring("edge.shop.test".length());
      JsonObject payload = new JsonObject(config.getJsonObject("search").getString("payload"))
          .put("context", new JsonObject().put("apiKeys", new JsonArray().add(API_KEY)));
      return env.client.post(path).sendJsonObject(payload).compose(first -> env.client.post(path).sendJsonObject(payload)
          .map(second -> List.of(first, second)));
    }).onComplete(ctx.succeeding(searches -> ctx.verify(() -> {
      assertThat(searches.get(0).statusCode()).isEqualTo(200);
      assertThat(searches.get(0).bodyAsJsonObject().getJsonArray("queryResults")).isNotEmpty();
      assertThat(searches.get(1).getHeader("X-Cache")).isEqualTo("hit-l1");
      assertThat(env.count(SimCounter.SEARCH)).isEqualTo(1);
      // passed on to Klevu in the SDK's grammar: empty values left out, raw ';' and ',', segments sorted
      assertThat(env.sim.state().requestsJson(Upstream.CONFIG, 0, 10).getJsonObject(0).getString("query"))
          .isEqualTo("&cp=Women;Shoes%20and%20bags&sids=seg-a,seg-b");
      ctx.completeNow();
    })));
  }

  /** Finding 6 of the hostile-traffic review: the routes relayed for any store's key. */
  @Test
  void aKeyTheGatewayDoesNotServeIsRefusedWithoutAnUpstreamCall(VertxTestContext ctx) {
    String foreign = "klevu-someone-elses-key";
    JsonObject searchPayload = new JsonObject()
        .put("context", new JsonObject().put("apiKeys", new JsonArray().add(API_KEY).add(foreign)))
        .put("recordQueries", new JsonArray().add(new JsonObject().put("id", "q").put("typeOfRequest", "SEARCH")));
    Future.all(List.of(
            env.client.post("/klevu/visitor/public/1.0/another-tenant/session").sendJsonObject(sessionBody(null, null)),
            env.client.get("/klevu/recommendations/" + foreign + "/settings/k-home").send(),
            env.client.post("/klevu/search/" + env.sim.advertisedAddress() + "/cs/v2/search").sendJsonObject(searchPayload),
            env.client.post("/klevu/search/" + env.sim.advertisedAddress() + "/cs/v2/search")
                .sendJsonObject(searchPayload.copy().put("context", new JsonObject()))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> refused = all.resultAt(i);
            assertThat(refused.statusCode()).as("call %d: %s", i, refused.bodyAsString()).isEqualTo(403);
            assertThat(refused.bodyAsJsonObject().getString("reason")).isEqualTo("api_key_not_served");
          }
          assertThat(env.count(SimCounter.SESSION) + env.count(SimCounter.CONFIG) + env.count(SimCounter.SEARCH))
              .as("no call reached Klevu").isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void corsPreflightFromAConfiguredStorefrontIsAnswered(VertxTestContext ctx) {
    env.client.request(io.vertx.core.http.HttpMethod.OPTIONS, "/klevu/recommendations/" + API_KEY + "/settings/k-home")
        .putHeader("Origin", "https://shop.test")
        .putHeader("Access-Control-Request-Method", "GET")
        .putHeader("Access-Control-Request-Headers", "content-type")
        .send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isBetween(200, 204);
          assertThat(response.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://shop.test");
          ctx.completeNow();
        })));
  }

  @Test
  void collectForwardsTheSdksEventsToKlevu(VertxTestContext ctx) {
    // what @klevu/core 5.2 posts for a banner view, with the gateway's own Klevu API key
    JsonObject view = new JsonObject().put("event", "view_recs_list").put("event_version", "1.0.0")
        .put("event_apikey", "klevu-demo-api-key")
        .put("user_profile", new JsonObject().put("sessionId", "615e65c3-bc3b-4bec-9259-d368115b07ad"))
        .put("event_data", new JsonObject().put("list_id", "k-home").put("list_logic", "TRENDING")
            .put("list_name", "Trending now").put("action", null).put("spot_id", "spot-1").put("spot_name", "Home 1")
            .put("items", new JsonArray().add(new JsonObject().put("index", 1).put("item_id", "39814")
                .put("item_group_id", "39814").put("item_name", "unknown").put("item_variant_id", "39814")
                .put("price", "0"))));
    JsonObject otherKey = view.copy().put("event_apikey", "k-home");
    env.client.post("/klevu/analytics/collect").sendJson(new JsonArray().add(otherKey))
        .compose(refused -> {
          ctx.verify(() -> assertThat(refused.statusCode()).as("another key: not relayed").isEqualTo(400));
          return env.client.post("/klevu/analytics/collect").sendJson(new JsonArray().add(view));
        })
        .compose(response -> {
          ctx.verify(() -> assertThat(response.statusCode()).isEqualTo(200));
          return Awaits.until(env.vertx, () -> env.count(SimCounter.EVENTS) >= 1, 5_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // passed on exactly as the SDK sent it; the strict simulator took it
          assertThat(env.sim.state().events()).containsExactly(view);
          ctx.completeNow();
        })));
  }
}
