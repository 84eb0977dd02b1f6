package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.TestGateway;
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
 * With {@code EDGE_CORS_ORIGINS} set, the gateway's own pages still work: browsers put {@code Origin} on
 * same-origin POSTs (found by the headless-Chromium check of e2e/: the demo page's impressions got 403).
 */
@ExtendWith(VertxExtension.class)
class CorsSameOriginTest {
  private TestGateway env;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, Map.of("EDGE_CORS_ORIGINS", "https://shop.test"))
        .onComplete(ctx.succeeding(started -> {
          env = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject impression() {
    return new JsonObject().put("type", "impression").put("recsKey", "k-home")
        .put("list", new JsonObject().put("title", "Trending now").put("logic", "TRENDING"))
        .put("items", new JsonArray().add(new JsonObject().put("id", "39814")));
  }

  @Test
  void sameOriginIsTheRequestsOwnHostInEitherScheme() {
    assertThat(SameOriginCors.sameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
    assertThat(SameOriginCors.sameOrigin("https://Edge.Shop.test", "edge.shop.test")).isTrue();
    assertThat(SameOriginCors.sameOrigin("https://shop.test", "edge.shop.test")).isFalse();
    assertThat(SameOriginCors.sameOrigin("http://127.0.0.1:8081", "127.0.0.1:8080")).isFalse();
    assertThat(SameOriginCors.sameOrigin("http://127.0.0.1:8080.evil.test", "127.0.0.1:8080")).isFalse();
    assertThat(SameOriginCors.sameOrigin("null", "127.0.0.1:8080")).isFalse();
    assertThat(SameOriginCors.sameOrigin(null, "127.0.0.1:8080")).isFalse();
    assertThat(SameOriginCors.sameOrigin("http://127.0.0.1:8080", null)).isFalse();
  }

  @Test
  void aPagePostingToItsOwnGatewayIsNotRefused(VertxTestContext ctx) {
    String own = "http://127.0.0.1:" + env.gateway.httpPort();
    env.client.post("/v1/events").putHeader("Origin", own).sendJsonObject(impression())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(202);
          assertThat(response.getHeader("Access-Control-Allow-Origin")).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  void anUnlistedOriginIsStillRefusedAndAListedOneAllowed(VertxTestContext ctx) {
    env.client.post("/v1/events").putHeader("Origin", "https://evil.test").sendJsonObject(impression())
        .compose(refused -> {
          ctx.verify(() -> assertThat(refused.statusCode()).isEqualTo(403));
          return env.client.post("/v1/events").putHeader("Origin", "https://shop.test").sendJsonObject(impression());
        })
        .onComplete(ctx.succeeding(allowed -> ctx.verify(() -> {
          assertThat(allowed.statusCode()).isEqualTo(202);
          assertThat(allowed.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://shop.test");
          ctx.completeNow();
        })));
  }
}
