package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Finding 11 of issue 15 over sockets, against {@code POST /v1/identify}: correctly signed tokens whose claims have
 * the wrong type answer 400 (an {@code exp} string answered 500), an unknown {@code crit} header is refused, and so
 * is a token that stays valid longer than {@code EDGE_CUSTOMER_TOKEN_MAX_LIFETIME_S}.
 */
@ExtendWith(VertxExtension.class)
class CustomerTokenClaimsTest {
  private static final String SECRET = "claims-token-secret";
  private TestGateway env;

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  /** An HS256 token over exactly this header and payload, signed with the gateway's secret. */
  private static String signed(JsonObject header, JsonObject payload) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  private static JsonObject hs256() {
    return new JsonObject().put("alg", "HS256").put("typ", "JWT");
  }

  private static JsonObject customer(int id, Object exp) {
    return new JsonObject().put("customer", new JsonObject().put("id", id).put("email", "claims" + id + "@example.com"))
        .put("exp", exp);
  }

  private Future<Integer> identify(String token) {
    return env.client.post("/v1/identify").putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonObject().put("customerToken", token).toBuffer())
        .map(response -> response.statusCode());
  }

  @Test
  void wrongTypesUnknownCritAndEndlessTokensAreRefusedNeverA500(Vertx vertx, VertxTestContext ctx) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    List<String> tokens = List.of(
        signed(hs256(), customer(1, String.valueOf(now + 600))), // exp as a string
        signed(hs256(), customer(2, now + 600).put("nbf", "yesterday")),
        signed(hs256(), customer(3, now + 600).put("iat", new JsonObject())),
        signed(hs256(), customer(4, now + 600).put("aud", 42)),
        signed(hs256(), customer(5, now + 600).put("iss", List.of("a"))),
        signed(hs256().put("crit", List.of("b64")).put("b64", false), customer(6, now + 600)),
        signed(hs256(), customer(7, now + 10L * 365 * 86_400)), // ten years
        signed(hs256(), customer(8, now + 7_200)), // past the configured hour
        signed(hs256(), customer(9, now + 600))); // fine
    TestGateway.start(vertx, Map.of("EDGE_CUSTOMER_TOKEN_SECRET", SECRET, "EDGE_CUSTOMER_TOKEN_MAX_LIFETIME_S", "3600"))
        .compose(started -> {
          env = started;
          return Future.all(tokens.stream().map(this::identify).toList());
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<Integer>list()).containsExactly(400, 400, 400, 400, 400, 401, 401, 401, 200);
          ctx.completeNow();
        })));
  }
}
