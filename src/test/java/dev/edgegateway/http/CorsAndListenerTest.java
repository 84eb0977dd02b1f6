package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.edgegateway.Awaits;
import dev.edgegateway.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Findings 5 and 12 of issue 15 over loopback: a wildcard CORS configuration, what a refused origin gets and what it
 * costs the logs, client disconnects in the logs, h2c and the demo page on the production port.
 */
@ExtendWith(VertxExtension.class)
class CorsAndListenerTest {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private TestGateway env;
  private NetClient wire;

  @BeforeEach
  void captureLogs(Vertx vertx) {
    logs.start();
    root().addAppender(logs);
    access().addAppender(logs);
    wire = vertx.createNetClient();
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    root().detachAppender(logs);
    access().detachAppender(logs);
    wire.close();
    if (env == null) {
      ctx.completeNow();
      return;
    }
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static Logger access() {
    return (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
  }

  private Future<TestGateway> start(Vertx vertx, Map<String, String> extraEnv) {
    return TestGateway.start(vertx, extraEnv).onSuccess(started -> env = started);
  }

  private List<ILoggingEvent> warningsAndErrors() {
    return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
  }

  @Test
  void aWildcardOrNullCorsOriginStopsTheStartNamingTheVariable(Vertx vertx, VertxTestContext ctx) {
    Future<TestGateway> wildcard = TestGateway.start(vertx, Map.of("EDGE_CORS_ORIGINS", "*"));
    Future<TestGateway> nullOrigin = TestGateway.start(vertx, Map.of("EDGE_CORS_ORIGINS", "https://shop.test,null"));
    Future.join(wildcard, nullOrigin).onComplete(done -> ctx.verify(() -> {
      // a gateway that started anyway is stopped, so that a failing run leaves nothing listening
      for (Future<TestGateway> started : List.of(wildcard, nullOrigin)) {
        if (started.succeeded()) {
          started.result().stop();
        }
      }
      assertThat(wildcard.failed()).as("EDGE_CORS_ORIGINS=* refused").isTrue();
      assertThat(wildcard.cause().getMessage()).contains("EDGE_CORS_ORIGINS").contains("*");
      assertThat(nullOrigin.failed()).as("EDGE_CORS_ORIGINS with null refused").isTrue();
      assertThat(nullOrigin.cause().getMessage()).contains("EDGE_CORS_ORIGINS").contains("null");
      ctx.completeNow();
    }));
  }

  @Test
  void aRefusedOriginGetsAJson403ThatNobodyCachesAndNoErrorLine(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of("EDGE_CORS_ORIGINS", "https://shop.test"))
        .compose(started -> Future.all(
            env.client.get("/v1/recommendations/k-home").putHeader("Origin", "https://evil.test").send(),
            env.client.request(io.vertx.core.http.HttpMethod.OPTIONS, "/v1/events").putHeader("Origin", "null")
                .putHeader("Access-Control-Request-Method", "POST").send()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 2; i++) {
            io.vertx.ext.web.client.HttpResponse<Buffer> refused = all.resultAt(i);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.getHeader("Cache-Control")).contains("no-store");
            assertThat(refused.getHeader("Access-Control-Allow-Origin")).isNull();
            assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("forbidden");
          }
          assertThat(warningsAndErrors()).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void aCorsListStillServesItsOriginsWithCredentials(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of("EDGE_CORS_ORIGINS", "https://shop.test/"))
        .compose(started -> env.client.get("/v1/recommendations/k-home").putHeader("Origin", "https://shop.test").send())
        .onComplete(ctx.succeeding(allowed -> ctx.verify(() -> {
          assertThat(allowed.statusCode()).isEqualTo(200);
          assertThat(allowed.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://shop.test");
          assertThat(allowed.getHeader("Access-Control-Allow-Credentials")).isEqualTo("true");
          ctx.completeNow();
        })));
  }

  /** Writes {@code request}, then closes the socket before the gateway could answer. */
  private Future<Void> hangUp(String request) {
    return wire.connect(env.gateway.httpPort(), "127.0.0.1")
        .compose(socket -> socket.write(request).compose(v -> socket.close()));
  }

  @Test
  void aClientThatHangsUpIsADebugLineNotAnError(Vertx vertx, VertxTestContext ctx) {
    Logger hangUps = (Logger) LoggerFactory.getLogger(ClientHangUps.class.getName());
    Level before = hangUps.getLevel();
    hangUps.setLevel(Level.DEBUG);
    start(vertx, Map.of())
        // half a body, then gone
        .compose(started -> hangUp("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: 500\r\n\r\n{\"type\":\"impression\","))
        .compose(v -> Awaits.until(vertx, () -> logs.list.stream()
            .anyMatch(e -> e.getLevel() == Level.DEBUG && e.getLoggerName().equals(hangUps.getName())), 5_000))
        .onComplete(done -> ctx.verify(() -> {
          hangUps.setLevel(before);
          assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR)
              .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
          assertThat(done.succeeded()).as("the hang-up was seen, at debug").isTrue();
          ctx.completeNow();
        }));
  }

  @Test
  void aRequestLineTooLongForTheDecoderIsAnsweredLikeAnyError(Vertx vertx, VertxTestContext ctx) {
    Promise<String> answer = Promise.promise();
    start(vertx, Map.of())
        .compose(started -> wire.connect(env.gateway.httpPort(), "127.0.0.1"))
        .compose(socket -> {
          StringBuilder received = new StringBuilder();
          socket.handler(bytes -> received.append(bytes.toString()));
          socket.closeHandler(v -> answer.tryComplete(received.toString()));
          return socket.write("GET /v1/recommendations/k-home?pid=" + "9".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
              .compose(v -> answer.future());
        })
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response).matches("(?s)HTTP/1\\.[01] 414 .*");
          assertThat(response).containsIgnoringCase("cache-control: private, no-store");
          assertThat(response).contains("\"error\":\"bad_request\"");
          ctx.completeNow();
        })));
  }

  /** The HTTP/2 connection preface, as a client with prior knowledge of h2c sends it. */
  private Future<String> h2cPreface() {
    Promise<String> answer = Promise.promise();
    return wire.connect(env.gateway.httpPort(), "127.0.0.1").compose(socket -> {
      Buffer received = Buffer.buffer();
      socket.handler(bytes -> {
        received.appendBuffer(bytes);
        if (received.length() >= 9) {
          answer.tryComplete(describe(received));
        }
      });
      socket.closeHandler(v -> answer.tryComplete(describe(received)));
      return socket.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").compose(v -> answer.future())
          .eventually(socket::close);
    });
  }

  /** "h2" for an HTTP/2 SETTINGS frame, else the first line of what came back. */
  private static String describe(Buffer received) {
    if (received.length() >= 9 && received.getByte(3) == 0x04) {
      return "h2";
    }
    String text = received.toString();
    int eol = text.indexOf("\r\n");
    return eol < 0 ? text : text.substring(0, eol);
  }

  @Test
  void theProductionPortSpeaksNoH2cAndServesNoDemoPageUnlessAsked(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of())
        .compose(started -> Future.all(h2cPreface(), env.client.get("/demo/").send()))
        .compose(off -> {
          ctx.verify(() -> {
            assertThat((String) off.resultAt(0)).isNotEqualTo("h2");
            assertThat(off.<io.vertx.ext.web.client.HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(404);
          });
          return env.stop().compose(v -> start(vertx, Map.of("EDGE_HTTP_H2C", "true", "EDGE_DEMO_PAGE", "true")));
        })
        .compose(started -> Future.all(h2cPreface(), env.client.get("/demo/").send()))
        .onComplete(ctx.succeeding(on -> ctx.verify(() -> {
          assertThat((String) on.resultAt(0)).isEqualTo("h2");
          assertThat(on.<io.vertx.ext.web.client.HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }
}
