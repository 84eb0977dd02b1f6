package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Finding 9 of issue 15 over raw sockets (so that {@code Host} is exactly what the test writes): forwarding headers
 * are believed only from a configured proxy, and the public URL in a rewritten {@code search.basePath} is never a
 * Host the client made up.
 */
@ExtendWith(VertxExtension.class)
class ForwardingHeadersTest {
  private static final String SETTINGS = "/klevu/recommendations/klevu-demo-api-key/settings/k-home";
  private TestGateway env;
  private NetClient wire;

  @BeforeEach
  void wire(Vertx vertx) {
    wire = vertx.createNetClient();
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    wire.close();
    if (env == null) {
      ctx.completeNow();
      return;
    }
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private Future<TestGateway> start(Vertx vertx, Map<String, String> extraEnv) {
    return TestGateway.start(vertx, extraEnv).onSuccess(started -> env = started);
  }

  /** One HTTP/1.1 GET with exactly these header lines; the whole answer as text. */
  private Future<String> get(String path, String... headerLines) {
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    Promise<String> answer = Promise.promise();
    return wire.connect(env.gateway.httpPort(), "127.0.0.1").compose(socket -> {
      StringBuilder received = new StringBuilder();
      socket.handler(bytes -> received.append(bytes.toString()));
      socket.closeHandler(v -> answer.tryComplete(received.toString()));
      return socket.write(request.toString()).compose(v -> answer.future());
    });
  }

  private static String header(String response, String name) {
    for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  private static String basePath(String response) {
    JsonObject config = new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
    return config.getJsonObject("search").getString("basePath");
  }

  private static String identityCookie(String response) {
    for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
      if (line.regionMatches(true, 0, "Set-Cookie: edge_id=", 0, 20)) {
        return line;
      }
    }
    throw new AssertionError("no edge_id cookie in " + response);
  }

  private static String page(String shopper) {
    return "Cookie: __kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId(shopper));
  }

  @Test
  void xForwardedProtoFromAnyoneDoesNotMakeCookiesSecure(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of())
        .compose(started -> get("/v1/recommendations/k-home", "Host: 127.0.0.1", page("proto-a"), "X-Forwarded-Proto: https"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(identityCookie(response)).doesNotContainIgnoringCase("Secure");
          ctx.completeNow();
        })));
  }

  @Test
  void aTrustedProxySaysWhetherTheShopperCameOverHttps(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of("EDGE_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1/32"))
        .compose(started -> Future.all(
            get("/v1/recommendations/k-home", "Host: 127.0.0.1", page("proto-b"), "X-Forwarded-Proto: https"),
            get("/v1/recommendations/k-home", "Host: 127.0.0.1", page("proto-c"), "Forwarded: for=198.51.100.7;proto=https")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(identityCookie(all.resultAt(0))).containsIgnoringCase("Secure");
          assertThat(identityCookie(all.resultAt(1))).containsIgnoringCase("Secure");
          ctx.completeNow();
        })));
  }

  @Test
  void aMadeUpHostNeverBecomesTheSearchBasePath(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of())
        .compose(started -> get(SETTINGS, "Host: evil.example"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response).startsWith("HTTP/1.1 200");
          assertThat(basePath(response)).startsWith("127.0.0.1:" + env.gateway.httpPort() + "/klevu/search/");
          ctx.completeNow();
        })));
  }

  @Test
  void aListedHostIsThePublicUrlAndTheAnswerVariesByHost(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of("EDGE_PUBLIC_HOSTS", "edge-a.shop.test, edge-b.shop.test:8443"))
        .compose(started -> Future.all(get(SETTINGS, "Host: EDGE-B.shop.test:8443"), get(SETTINGS, "Host: evil.example")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          String listed = all.resultAt(0);
          String madeUp = all.resultAt(1);
          assertThat(basePath(listed)).startsWith("edge-b.shop.test:8443/klevu/search/");
          assertThat(header(listed, "Vary")).containsIgnoringCase("Host");
          assertThat(basePath(madeUp)).startsWith("edge-a.shop.test/klevu/search/");
          ctx.completeNow();
        })));
  }
}
