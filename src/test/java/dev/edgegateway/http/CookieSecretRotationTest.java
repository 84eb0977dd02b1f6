package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.TestGateway;
import dev.edgegateway.identity.SealedCookie;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Finding 7 of issue 15 (no cookie-key rotation) over sockets: a gateway given {@code EDGE_COOKIE_SECRET=new,old}
 * still opens the {@code edge_id} a gateway on {@code old} sealed (the shopper stays identified), and seals new
 * cookies with {@code new} only. Before, the whole value was one secret and every shopper was logged out.
 */
@ExtendWith(VertxExtension.class)
class CookieSecretRotationTest {
  private static final String OLD = "old-cookie-secret-old-cookie-secret";
  private static final String NEW = "new-cookie-secret-new-cookie-secret";
  private TestGateway before;
  private TestGateway after;

  @AfterEach
  void stop(VertxTestContext ctx) {
    Future.join(before == null ? Future.succeededFuture() : before.stop(),
        after == null ? Future.succeededFuture() : after.stop()).onComplete(ctx.succeedingThenComplete());
  }

  private static String edgeId(HttpResponse<Buffer> response) {
    return response.cookies().stream().filter(c -> c.startsWith("edge_id=")).findFirst()
        .map(c -> c.substring("edge_id=".length(), c.indexOf(';'))).orElseThrow();
  }

  private static Future<String> sealFor(TestGateway gateway, String shopper) {
    return gateway.client.get("/v1/recommendations/k-home").addQueryParam("_kx", TestGateway.exchangeId(shopper)).send()
        .map(CookieSecretRotationTest::edgeId);
  }

  private static Future<Boolean> identified(TestGateway gateway, String edgeId) {
    return gateway.client.get("/v1/segments").putHeader("Cookie", "edge_id=" + edgeId).send()
        .map(response -> response.bodyAsJsonObject().getBoolean("identified"));
  }

  @Test
  void theOldSecretStillOpensAfterARotationAndTheNewOneSeals(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, Map.of("EDGE_COOKIE_SECRET", OLD))
        .compose(started -> {
          before = started;
          return sealFor(before, "rotation-old");
        })
        .compose(oldCookie -> TestGateway.start(vertx, Map.of("EDGE_COOKIE_SECRET", NEW + "," + OLD))
            .compose(started -> {
              after = started;
              return Future.all(identified(after, oldCookie), sealFor(after, "rotation-new"));
            }))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<Boolean>resultAt(0)).as("a cookie sealed before the rotation").isTrue();
          String newCookie = all.resultAt(1);
          assertThat(SealedCookie.fromSecret(NEW, SealedCookie.PURPOSE_COOKIE, 86_400).open(newCookie)).isPresent();
          assertThat(SealedCookie.fromSecret(OLD, SealedCookie.PURPOSE_COOKIE, 86_400).open(newCookie)).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void secretsAreSplitOnCommasAndLineBreaks() {
    assertThat(SealedCookie.secrets(" a ,b\nc\r\n,, ")).isEqualTo(List.of("a", "b", "c"));
    assertThat(SealedCookie.secrets("")).isEmpty();
  }
}
