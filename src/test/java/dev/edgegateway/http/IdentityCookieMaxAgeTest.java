package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code edge_id} cookie lives as long as the gateway accepts it: {@code EDGE_COOKIE_MAX_AGE_DAYS}. */
@ExtendWith(VertxExtension.class)
class IdentityCookieMaxAgeTest {
  private TestGateway env;

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private void expectMaxAge(Vertx vertx, VertxTestContext ctx, Map<String, String> extraEnv, String maxAge) {
    TestGateway.start(vertx, extraEnv)
        .compose(started -> {
          env = started;
          return env.client.get("/v1/recommendations/k-home").addQueryParam("_kx", TestGateway.exchangeId("max-age"))
              .send();
        })
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          String cookie = response.cookies().stream().filter(c -> c.startsWith("edge_id=")).findFirst().orElseThrow();
          assertThat(cookie).contains("; Max-Age=" + maxAge).contains("HTTPOnly").contains("SameSite=Lax");
          ctx.completeNow();
        })));
  }

  @Test
  void sevenDaysConfiguredIsSevenDaysSent(Vertx vertx, VertxTestContext ctx) {
    expectMaxAge(vertx, ctx, Map.of("EDGE_COOKIE_MAX_AGE_DAYS", "7"), "604800");
  }

  @Test
  void theDefaultIsThirtyDays(Vertx vertx, VertxTestContext ctx) {
    expectMaxAge(vertx, ctx, Map.of(), "2592000");
  }
}
