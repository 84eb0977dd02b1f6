package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Finding 2 of issue 15, as it was reproduced: a page on another site makes the victim's browser post the attacker's
 * customer token to {@code /v1/identify} as {@code text/plain} (no preflight), with the victim's {@code __kla_id};
 * the attacker then identifies without cookies and is handed the victim's identity. And {@code ?_kx=} on identify
 * linked a customer to any exchange id. Raw headers over loopback, as a browser would send them.
 */
@ExtendWith(VertxExtension.class)
class CrossSiteIdentifyTest {
  private static final String TOKEN_SECRET = "cross-site-token-secret";
  private TestGateway env;

  /** A gateway with identify on; {@code corsOrigins} empty as in the finding (nothing checked Origin then). */
  private Future<TestGateway> start(Vertx vertx, String corsOrigins) {
    return TestGateway.start(vertx, Map.of("EDGE_CUSTOMER_TOKEN_SECRET", TOKEN_SECRET, "EDGE_CORS_ORIGINS", corsOrigins))
        .onSuccess(started -> env = started);
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (env == null) {
      ctx.completeNow();
      return;
    }
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private String token(long customerId) {
    JWTAuth signer = JWTAuth.create(env.vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TOKEN_SECRET)));
    return signer.generateToken(new JsonObject().put("customer", new JsonObject().put("id", customerId)
        .put("email", "customer" + customerId + "@example.com")), new JWTOptions().setExpiresInSeconds(600));
  }

  private static Buffer body(String token) {
    return new JsonObject().put("customerToken", token).toBuffer();
  }

  /** The sealed {@code edge_id} an answer set, or null. */
  private static String edgeId(HttpResponse<Buffer> response) {
    for (String cookie : response.cookies()) {
      if (cookie.startsWith("edge_id=")) {
        return cookie.substring("edge_id=".length(), cookie.indexOf(';'));
      }
    }
    return null;
  }

  /** The attacker, later, on its own device: no cookies, its own token. What does it get? */
  private Future<List<Object>> attackerIdentifiesWithoutCookies(String attackerToken) {
    return env.client.post("/v1/identify").putHeader("Content-Type", "application/json").sendBuffer(body(attackerToken))
        .compose(identified -> {
          String edgeId = edgeId(identified);
          if (edgeId == null) {
            return Future.succeededFuture(List.<Object>of(identified.bodyAsJsonObject(), false));
          }
          return env.client.get("/v1/segments").putHeader("Cookie", "edge_id=" + edgeId).send()
              .map(segments -> List.<Object>of(identified.bodyAsJsonObject(),
                  segments.bodyAsJsonObject().getBoolean("identified")));
        });
  }

  @Test
  void aCrossSiteTextPlainIdentifyCannotHandTheVictimsIdentityToTheAttacker(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "").onComplete(ctx.succeeding(started -> csrfThenTakeover(ctx)));
  }

  private void csrfThenTakeover(VertxTestContext ctx) {
    String victim = TestGateway.exchangeId("csrf-victim");
    String attackerToken = token(4242);
    HttpRequest<Buffer> forged = env.client.post("/v1/identify")
        .putHeader("Origin", "https://evil.example")
        .putHeader("Sec-Fetch-Site", "cross-site")
        .putHeader("Content-Type", "text/plain;charset=UTF-8")
        .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(victim));
    forged.sendBuffer(body(attackerToken))
        .compose(csrf -> {
          ctx.verify(() -> {
            assertThat(csrf.statusCode()).isEqualTo(403);
            assertThat(csrf.getHeader("Cache-Control")).contains("no-store");
            assertThat(csrf.bodyAsJsonObject().getString("error")).isEqualTo("forbidden");
            assertThat(edgeId(csrf)).isNull();
          });
          return attackerIdentifiesWithoutCookies(attackerToken);
        })
        .onComplete(ctx.succeeding(attacker -> ctx.verify(() -> {
          assertThat(((JsonObject) attacker.get(0)).getBoolean("linked")).isFalse();
          assertThat(attacker.get(1)).as("the attacker's shopper is identified as the victim").isEqualTo(false);
          ctx.completeNow();
        })));
  }

  @Test
  void identifyFromAnotherSiteIsRefusedWithoutAnOriginToo(Vertx vertx, VertxTestContext ctx) {
    String victim = TestGateway.exchangeId("fetch-metadata-victim");
    start(vertx, "").compose(started -> env.client.post("/v1/identify")
        .putHeader("Sec-Fetch-Site", "cross-site")
        .putHeader("Content-Type", "application/json")
        .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(victim))
        .sendBuffer(body(token(4243))))
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertThat(refused.statusCode()).isEqualTo(403);
          assertThat(edgeId(refused)).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  void identifyTakesNoExchangeIdFromItsQueryString(Vertx vertx, VertxTestContext ctx) {
    String anyone = TestGateway.exchangeId("query-victim");
    start(vertx, "").compose(started -> env.client.post("/v1/identify?_kx=" + anyone)
            .putHeader("Content-Type", "application/json").sendBuffer(body(token(4244))))
        .compose(linked -> {
          ctx.verify(() -> {
            assertThat(linked.statusCode()).isEqualTo(200);
            assertThat(linked.bodyAsJsonObject().getBoolean("linked")).isFalse();
            assertThat(edgeId(linked)).isNull();
          });
          return attackerIdentifiesWithoutCookies(token(4244));
        })
        .compose(attacker -> {
          ctx.verify(() -> {
            assertThat(((JsonObject) attacker.get(0)).getBoolean("linked")).isFalse();
            assertThat(attacker.get(1)).isEqualTo(false);
          });
          // and Klaviyo was never told (with the store's key) that the attacker's email is that exchange id
          return env.client.getAbs(env.sim.baseUrl() + "/api/profiles")
              .addQueryParam("filter", "equals(_kx,\"" + anyone + "\")")
              .putHeader("Authorization", "Klaviyo-API-Key pk_demo_not_a_secret").putHeader("revision", "2026-07-15")
              .send();
        })
        .onComplete(ctx.succeeding(klaviyo -> ctx.verify(() -> {
          assertThat(klaviyo.bodyAsString()).doesNotContain("customer4244@example.com");
          ctx.completeNow();
        })));
  }

  @Test
  void theShopsOwnPagesStillIdentify(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "https://shop.test").onComplete(ctx.succeeding(started -> ownPages(ctx)));
  }

  private void ownPages(VertxTestContext ctx) {
    String shopper = TestGateway.exchangeId("own-page-shopper");
    String cookie = "__kla_id=" + TestGateway.klaCookie(shopper);
    String own = "http://127.0.0.1:" + env.gateway.httpPort();
    Future<HttpResponse<Buffer>> sameOrigin = env.client.post("/v1/identify").putHeader("Origin", own)
        .putHeader("Sec-Fetch-Site", "same-origin").putHeader("Content-Type", "application/json")
        .putHeader("Cookie", cookie).sendBuffer(body(token(4245)));
    Future<HttpResponse<Buffer>> listed = env.client.post("/v1/identify").putHeader("Origin", "https://shop.test")
        .putHeader("Sec-Fetch-Site", "cross-site").putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cookie", cookie).sendBuffer(body(token(4246)));
    Future.all(sameOrigin, listed).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertThat(sameOrigin.result().statusCode()).isEqualTo(200);
      assertThat(sameOrigin.result().bodyAsJsonObject().getBoolean("linked")).isTrue();
      assertThat(listed.result().statusCode()).isEqualTo(200);
      assertThat(listed.result().bodyAsJsonObject().getBoolean("linked")).isTrue();
      assertThat(listed.result().getHeader("Access-Control-Allow-Origin")).isEqualTo("https://shop.test");
      ctx.completeNow();
    })));
  }

  @Test
  void stateChangingRoutesTakeJsonOnly(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "").onComplete(ctx.succeeding(started -> jsonOnly(ctx)));
  }

  private void jsonOnly(VertxTestContext ctx) {
    String impression = "{\"type\":\"impression\",\"recsKey\":\"k-home\",\"items\":[{\"id\":\"39814\"}]}";
    Future<HttpResponse<Buffer>> identify = env.client.post("/v1/identify").putHeader("Content-Type", "text/plain")
        .sendBuffer(body(token(4247)));
    Future<HttpResponse<Buffer>> events = env.client.post("/v1/events")
        .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer(impression));
    Future<HttpResponse<Buffer>> collect = env.client.post("/klevu/analytics/collect")
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("[" + impression + "]"));
    Future<HttpResponse<Buffer>> untyped = env.client.post("/v1/events").sendBuffer(Buffer.buffer(impression));
    Future.all(identify, events, collect, untyped).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (Future<HttpResponse<Buffer>> answer : List.of(identify, events, collect, untyped)) {
        assertThat(answer.result().statusCode()).isEqualTo(415);
        assertThat(answer.result().bodyAsJsonObject().getString("error")).isEqualTo("unsupported_media_type");
        assertThat(answer.result().getHeader("Cache-Control")).contains("no-store");
      }
      ctx.completeNow();
    })));
  }
}
