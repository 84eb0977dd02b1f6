package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.edgegateway.TestGateway;
import dev.edgegateway.logs.FieldsConverter;
import dev.edgegateway.logs.JsonLineEncoder;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Request ids, trace context and the access line, over real loopback sockets: the gateway in front of the
 * simulator, which keeps the {@code traceparent} each upstream last received ({@code GET /__sim/headers}).
 */
@ExtendWith(VertxExtension.class)
class AccessLogTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

  /** The access lines, and a future per request id for the line of that request. */
  private static final class CapturedLines extends AppenderBase<ILoggingEvent> {
    final List<ILoggingEvent> events = new ArrayList<>();
    final Map<String, Promise<ILoggingEvent>> byRequestId = new ConcurrentHashMap<>();

    @Override
    protected synchronized void append(ILoggingEvent event) {
      events.add(event);
      for (Object argument : event.getArgumentArray()) {
        if (argument instanceof AccessLine line) {
          waiter(line.requestId()).tryComplete(event);
        }
      }
    }

    Promise<ILoggingEvent> waiter(String requestId) {
      return byRequestId.computeIfAbsent(requestId, k -> Promise.promise());
    }

    Future<ILoggingEvent> line(String requestId) {
      return waiter(requestId).future();
    }

    synchronized boolean hasLineFor(String requestId) {
      return events.stream().flatMap(e -> List.of(e.getArgumentArray()).stream())
          .anyMatch(a -> a instanceof AccessLine line && line.requestId().equals(requestId));
    }
  }

  private final Logger accessLogger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
  private final CapturedLines captured = new CapturedLines();
  private final List<TestGateway> started = new ArrayList<>();
  private Level levelBefore;
  private boolean additiveBefore;

  @BeforeEach
  void capture() {
    levelBefore = accessLogger.getLevel();
    additiveBefore = accessLogger.isAdditive();
    captured.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    captured.start();
    accessLogger.addAppender(captured);
    accessLogger.setLevel(Level.INFO);
    accessLogger.setAdditive(false);
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    accessLogger.detachAppender(captured);
    accessLogger.setLevel(levelBefore);
    accessLogger.setAdditive(additiveBefore);
    Future.all(started.stream().map(TestGateway::stop).toList()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<TestGateway> gateway(Vertx vertx, Map<String, String> env) {
    return TestGateway.start(vertx, env).map(gateway -> {
      started.add(gateway);
      return gateway;
    });
  }

  private static HttpRequest<Buffer> page(TestGateway env, String exchangeId) {
    HttpRequest<Buffer> request = env.client.get("/v1/recommendations/k-home");
    if (exchangeId != null) {
      request.putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(exchangeId));
    }
    return request;
  }

  private static Future<JsonObject> simHeaders(TestGateway env) {
    return env.client.getAbs(env.sim.baseUrl() + "/__sim/headers").send()
        .map(response -> response.bodyAsJsonObject().getJsonObject("traceparent"));
  }

  private static JsonObject json(ILoggingEvent event) {
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.start();
    return new JsonObject(new String(encoder.encode(event), StandardCharsets.UTF_8));
  }

  @Test
  void aSaneRequestIdIsEchoedAnyOtherIsReplaced(Vertx vertx, VertxTestContext ctx) {
    String tooLong = "a".repeat(RequestIds.MAX_ID_CHARS + 1);
    gateway(vertx, Map.of()).compose(env -> Future.all(
            env.client.get("/no/such/route").putHeader("X-Request-Id", "Abc-123.x_Y").send(),
            env.client.get("/no/such/route").send(),
            env.client.get("/no/such/route").putHeader("X-Request-Id", "bad id\"}").send(),
            env.client.get("/no/such/route").putHeader("X-Request-Id", tooLong).send(),
            page(env, null).putHeader("X-Request-Id", "page-1").send()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> echoed = all.resultAt(0);
          assertThat(echoed.statusCode()).isEqualTo(404);
          assertThat(echoed.getHeader("X-Request-Id")).isEqualTo("Abc-123.x_Y");
          assertThat(echoed.bodyAsJsonObject().getString("requestId")).isEqualTo("Abc-123.x_Y");
          for (int i = 1; i <= 3; i++) {
            HttpResponse<Buffer> made = all.resultAt(i);
            assertThat(made.getHeader("X-Request-Id")).matches("[0-9a-f]{16}");
            assertThat(made.bodyAsJsonObject().getString("requestId")).isEqualTo(made.getHeader("X-Request-Id"));
          }
          HttpResponse<Buffer> page = all.resultAt(4);
          assertThat(page.statusCode()).isEqualTo(200);
          assertThat(page.getHeader("X-Request-Id")).isEqualTo("page-1");
          ctx.completeNow();
        })));
  }

  @Test
  void aValidTraceparentReachesEveryUpstreamCallAsItsOwnSpan(Vertx vertx, VertxTestContext ctx) {
    tracedPageReachesTheUpstreams(vertx, ctx, Map.of());
  }

  @Test
  void theTraceCrossesTheBusToCapabilitiesOnOtherThreads(Vertx vertx, VertxTestContext ctx) {
    tracedPageReachesTheUpstreams(vertx, ctx, Map.of("EDGE_HTTP_COLOCATE_CAPABILITIES", "false"));
  }

  private void tracedPageReachesTheUpstreams(Vertx vertx, VertxTestContext ctx, Map<String, String> extraEnv) {
    String exchangeId = TestGateway.exchangeId("traced");
    gateway(vertx, extraEnv).compose(env -> page(env, exchangeId)
            .putHeader("traceparent", TRACEPARENT).putHeader("tracestate", "vendor=kept")
            .putHeader("X-Request-Id", "traced-1").send()
            .compose(response -> {
              assertThat(response.statusCode()).isEqualTo(200);
              return Future.all(simHeaders(env), captured.line("traced-1"));
            }))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject upstreams = all.resultAt(0);
          List<String> parents = new ArrayList<>();
          for (String upstream : List.of("visitor", "config", "search")) {
            String seen = upstreams.getString(upstream);
            assertThat(seen).as(upstream).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01");
            parents.add(seen.substring(36, 52));
          }
          assertThat(parents).doesNotContain(PARENT_ID).doesNotHaveDuplicates();
          assertThat(json(all.resultAt(1)).getString("traceId")).isEqualTo(TRACE_ID);
          ctx.completeNow();
        })));
  }

  @Test
  void anInvalidTraceparentIsReplacedByANewTrace(Vertx vertx, VertxTestContext ctx) {
    String zeros = "00-" + "0".repeat(32) + "-" + PARENT_ID + "-01";
    gateway(vertx, Map.of()).compose(env -> page(env, TestGateway.exchangeId("untraced"))
            .putHeader("traceparent", zeros).putHeader("X-Request-Id", "untraced-1").send()
            .compose(response -> Future.all(simHeaders(env), captured.line("untraced-1"))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          String seen = ((JsonObject) all.resultAt(0)).getString("visitor");
          assertThat(seen).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00").doesNotContain("0".repeat(32));
          assertThat(json(all.resultAt(1)).getString("traceId")).isEqualTo(seen.substring(3, 35));
          ctx.completeNow();
        })));
  }

  @Test
  void theAccessLineIsJsonWithTheRequestsFieldsAndNoShopperIdInClear(Vertx vertx, VertxTestContext ctx) {
    String exchangeId = TestGateway.exchangeId("logged");
    String ident = exchangeId.substring(0, exchangeId.indexOf('.'));
    gateway(vertx, Map.of()).compose(env -> page(env, exchangeId).putHeader("X-Request-Id", "cold-1")
            .putHeader("traceparent", TRACEPARENT).send()
            // the same shopper again, in a trace of its own
            .compose(cold -> page(env, exchangeId).putHeader("X-Request-Id", "warm-1").send())
            .compose(warm -> Future.all(captured.line("cold-1"), captured.line("warm-1"))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 2; i++) {
            ILoggingEvent event = all.resultAt(i);
            String line = new String(new JsonLineEncoder().encode(event), StandardCharsets.UTF_8);
            assertThat(line).endsWith("}\n").doesNotContain(exchangeId).doesNotContain(ident);
            assertThat(event.getFormattedMessage() + new FieldsConverter().convert(event))
                .contains("route=recommendations").doesNotContain(ident);
            JsonObject json = new JsonObject(line);
            assertThat(json.getString("loggerName")).isEqualTo("edge.access");
            assertThat(json.getString("level")).isEqualTo("INFO");
            assertThat(json.getString("message")).isEqualTo("access");
            assertThat(json.getString("route")).isEqualTo("recommendations");
            assertThat(json.getString("method")).isEqualTo("GET");
            assertThat(json.getInteger("status")).isEqualTo(200);
            assertThat(json.getString("outcome")).isEqualTo("ok");
            assertThat(json.getString("serverTiming")).contains("identity;dur=", "total;dur=");
            assertThat(json.getDouble("durationMs")).isGreaterThanOrEqualTo(0.0);
            assertThat(json.getString("traceId")).matches("[0-9a-f]{32}");
            assertThat(json.getString("shopperHash")).matches("[A-Za-z0-9_-]{8,}");
          }
          JsonObject cold = json(all.resultAt(0));
          JsonObject warm = json(all.resultAt(1));
          assertThat(cold.getString("requestId")).isEqualTo("cold-1");
          assertThat(cold.getString("traceId")).isEqualTo(TRACE_ID);
          assertThat(cold.getString("cache")).isEqualTo("miss");
          assertThat(warm.getString("requestId")).isEqualTo("warm-1");
          assertThat(warm.getString("traceId")).isNotEqualTo(TRACE_ID);
          assertThat(warm.getString("shopperHash")).isEqualTo(cold.getString("shopperHash"));
          ctx.completeNow();
        })));
  }

  @Test
  void sampledOutSuccessesLeaveErrorsLogged(Vertx vertx, VertxTestContext ctx) {
    gateway(vertx, Map.of("EDGE_ACCESS_LOG_SAMPLE", "0")).compose(env -> page(env, null)
            .putHeader("X-Request-Id", "sampled-out").send()
            .compose(ok -> env.client.get("/no/such/route").putHeader("X-Request-Id", "error-1").send())
            .compose(error -> captured.line("error-1"))
            .map(line -> env))
        .onComplete(ctx.succeeding(env -> ctx.verify(() -> {
          assertThat(json(captured.line("error-1").result()).getString("outcome")).isEqualTo("not_found");
          assertThat(json(captured.line("error-1").result()).getInteger("status")).isEqualTo(404);
          assertThat(captured.hasLineFor("sampled-out")).isFalse();
          Counter sampledOut = Metrics.of(env.vertx).find("edge_access_log_lines_total")
              .tag("result", "sampled_out").counter();
          assertThat(sampledOut).isNotNull();
          assertThat(sampledOut.count()).isGreaterThanOrEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void offMeansNoLineButStillARequestId(Vertx vertx, VertxTestContext ctx) {
    gateway(vertx, Map.of("EDGE_ACCESS_LOG", "false")).compose(env -> env.client.get("/no/such/route")
            .putHeader("X-Request-Id", "off-1").send()
            .compose(first -> env.client.get("/no/such/route").send().map(second -> first)))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.getHeader("X-Request-Id")).isEqualTo("off-1");
          assertThat(captured.hasLineFor("off-1")).isFalse();
          ctx.completeNow();
        })));
  }
}
