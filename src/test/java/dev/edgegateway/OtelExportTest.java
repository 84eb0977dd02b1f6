package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.google.protobuf.ByteString;
import dev.edgegateway.logs.JsonLineEncoder;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.tracing.Spans;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Span export over real loopback sockets: the gateway in front of the simulator, exporting to a Vert.x HTTP server
 * that stands in for an OTLP/HTTP receiver ({@code POST /v1/traces}, protobuf). A page's server span and its upstream
 * calls' client spans are in the request's trace (the caller's, or the one the access log names), every upstream gets
 * one {@code traceparent} (the client span's), and no span attribute names a shopper, a path or a query.
 */
class OtelExportTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";
  private static final String PAGE = "/v1/recommendations/k-home";
  private static final List<String> PAGE_UPSTREAMS = List.of("visitor", "config", "search");
  /** Deadlines a cold JVM on a busy machine meets: each page must reach all three upstreams, not degrade. */
  private static final Map<String, String> PATIENT = Map.of("EDGE_REQUEST_TIMEOUT_MS", "10000",
      "EDGE_SEGMENTS_BUDGET_MS", "8000", "EDGE_UPSTREAM_TIMEOUT_MS", "8000");

  /** A span as received, with the service that sent it. */
  private record Received(String service, Span span) {
    String traceId() {
      return hex(span.getTraceId());
    }

    String spanId() {
      return hex(span.getSpanId());
    }

    String parentId() {
      return hex(span.getParentSpanId());
    }
  }

  /** The access lines, by request id. */
  private static final class AccessLines extends AppenderBase<ILoggingEvent> {
    final Map<String, JsonObject> byRequestId = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    protected void append(ILoggingEvent event) {
      JsonLineEncoder encoder = new JsonLineEncoder();
      encoder.start();
      JsonObject line = new JsonObject(new String(encoder.encode(event), StandardCharsets.UTF_8));
      if (line.getString("requestId") != null) {
        byRequestId.put(line.getString("requestId"), line);
      }
    }
  }

  private final Logger accessLogger = (Logger) LoggerFactory.getLogger("edge.access");
  private final AccessLines accessLines = new AccessLines();
  private final List<ExportTraceServiceRequest> exports = new CopyOnWriteArrayList<>();
  private Level levelBefore;
  private Vertx receiverVertx;
  private int receiverPort;

  @BeforeEach
  void startReceiver() throws Exception {
    levelBefore = accessLogger.getLevel();
    accessLines.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    accessLines.start();
    accessLogger.addAppender(accessLines);
    accessLogger.setLevel(Level.INFO);
    receiverVertx = Vertx.vertx();
    HttpServer receiver = receiverVertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .requestHandler(request -> {
          if (!request.path().equals("/v1/traces")) {
            request.response().setStatusCode(404).end();
            return;
          }
          request.body().onSuccess(body -> {
            try {
              exports.add(ExportTraceServiceRequest.parseFrom(body.getBytes()));
              request.response().putHeader("Content-Type", "application/x-protobuf")
                  .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
            } catch (Exception e) {
              request.response().setStatusCode(400).end();
            }
          });
        });
    receiverPort = Main.await(receiver.listen(0, "127.0.0.1")).actualPort();
  }

  @AfterEach
  void stopReceiver() throws Exception {
    accessLogger.detachAppender(accessLines);
    accessLogger.setLevel(levelBefore);
    Main.await(receiverVertx.close());
  }

  @Test
  void aPagesServerSpanAndItsUpstreamCallsAreExportedInTheRequestsTrace() throws Exception {
    Vertx vertx = Main.createVertx(Map.of("EDGE_OTEL_ENDPOINT", "http://127.0.0.1:" + receiverPort,
        "EDGE_OTEL_SAMPLE_RATIO", "1", "EDGE_OTEL_SERVICE_NAME", "edge-test"));
    String exchangeId = TestGateway.exchangeId("otel-traced");
    JsonObject callerTraceUpstreams;
    JsonObject ownTraceUpstreams;
    try {
      assertThat(Spans.traced(vertx)).isTrue();
      TestGateway gw = Main.await(TestGateway.start(vertx, PATIENT));
      try {
        // a cold page in the caller's trace, then another shopper's cold page with no trace sent
        HttpResponse<Buffer> traced = Main.await(gw.client.get(PAGE).putHeader("traceparent", TRACEPARENT)
            .putHeader("tracestate", "vendor=kept").putHeader("X-Request-Id", "otel-1")
            .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(exchangeId)).send());
        assertThat(traced.statusCode()).isEqualTo(200);
        callerTraceUpstreams = simTraceparents(gw);
        HttpResponse<Buffer> untraced = Main.await(gw.client.get(PAGE).putHeader("X-Request-Id", "otel-2")
            .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("otel-own"))).send());
        assertThat(untraced.statusCode()).isEqualTo(200);
        ownTraceUpstreams = simTraceparents(gw);
        // the access line is written when the answer has gone out
        Main.await(Awaits.until(vertx, () -> accessLines.byRequestId.keySet().containsAll(List.of("otel-1", "otel-2")),
            10_000));
      } finally {
        Main.await(gw.stop());
      }
    } finally {
      Main.await(vertx.close()); // flushes the spans still queued
    }
    List<Received> spans = received();
    assertThat(spans).extracting(Received::service).containsOnly("edge-test");
    assertThat(Metrics.of(vertx).counter("edge_tracing_spans_total", "result", "exported").count())
        .isEqualTo(spans.size());

    // the caller's trace: its span is the server span's parent; the upstream calls are the server span's children
    Received server = serverSpan(spans, TRACE_ID);
    assertThat(server.parentId()).isEqualTo(PARENT_ID);
    assertThat(server.span().getName()).isEqualTo("GET /v1/recommendations/:recsKey");
    assertThat(attributes(server.span())).containsEntry("http.route", "/v1/recommendations/:recsKey")
        .containsEntry("http.response.status_code", "200");
    upstreamCallsAreChildrenOf(server, spans, callerTraceUpstreams);

    // a request with no trace: the access log names the trace its spans are in
    String ownTrace = accessLines.byRequestId.get("otel-2").getString("traceId");
    assertThat(ownTrace).isNotEqualTo(TRACE_ID);
    Received ownServer = serverSpan(spans, ownTrace);
    assertThat(ownServer.parentId()).isEmpty();
    upstreamCallsAreChildrenOf(ownServer, spans, ownTraceUpstreams);
    assertThat(accessLines.byRequestId.get("otel-1").getString("traceId")).isEqualTo(TRACE_ID);

    String ident = exchangeId.substring(0, exchangeId.indexOf('.'));
    for (Received received : spans) {
      Map<String, String> attributes = attributes(received.span());
      assertThat(attributes).as(received.span().getName())
          .doesNotContainKeys("url.full", "http.url", "url.path", "url.query", "db.user");
      assertThat(String.join(" ", attributes.values()) + " " + received.span().getName())
          .doesNotContain(ident, "_kx", "k-home", "klevu-demo-api-key");
    }
  }

  @Test
  void aTraceOutsideTheSampleIsPassedOnButNotExported() throws Exception {
    Vertx vertx = Main.createVertx(Map.of("EDGE_OTEL_ENDPOINT", "http://127.0.0.1:" + receiverPort,
        "EDGE_OTEL_SAMPLE_RATIO", "0"));
    JsonObject upstreams;
    try {
      TestGateway gw = Main.await(TestGateway.start(vertx, PATIENT));
      try {
        HttpResponse<Buffer> page = Main.await(gw.client.get(PAGE).putHeader("traceparent", TRACEPARENT)
            .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("otel-unsampled"))).send());
        assertThat(page.statusCode()).isEqualTo(200);
        upstreams = simTraceparents(gw);
      } finally {
        Main.await(gw.stop());
      }
    } finally {
      Main.await(vertx.close());
    }
    for (String upstream : PAGE_UPSTREAMS) {
      // the caller's sampled flag does not force export: the ratio decides, and the flag passed on says so
      assertThat(upstreams.getString(upstream)).as(upstream).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-00");
    }
    assertThat(received()).isEmpty();
  }

  @Test
  void withNoEndpointNoTracerIsInstalledAndTheGatewayPassesTheTraceOnItself() throws Exception {
    Vertx vertx = Main.createVertx(Map.of("EDGE_OTEL_ENDPOINT", ""));
    try {
      assertThat(((VertxInternal) vertx).tracer()).isNull();
      assertThat(Spans.traced(vertx)).isFalse();
      TestGateway gw = Main.await(TestGateway.start(vertx, PATIENT));
      try {
        HttpResponse<Buffer> page = Main.await(gw.client.get(PAGE).putHeader("traceparent", TRACEPARENT)
            .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("otel-off"))).send());
        assertThat(page.statusCode()).isEqualTo(200);
        JsonObject upstreams = simTraceparents(gw);
        for (String upstream : PAGE_UPSTREAMS) {
          assertThat(upstreams.getString(upstream)).as(upstream).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01");
        }
      } finally {
        Main.await(gw.stop());
      }
    } finally {
      Main.await(vertx.close());
    }
    assertThat(Metrics.of(vertx).find("edge_tracing_spans_total").counters()).isEmpty();
    assertThat(exports).isEmpty();
  }

  /**
   * Each page upstream was called (a slow machine may retry a call: one client span per attempt), and the latest call
   * sent one {@code traceparent}, naming its own client span, a child of {@code server}.
   */
  private static void upstreamCallsAreChildrenOf(Received server, List<Received> spans, JsonObject upstreamsSaw) {
    List<Received> clients = spans.stream()
        .filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT && s.traceId().equals(server.traceId()))
        .toList();
    assertThat(clients).extracting(Received::parentId).containsOnly(server.spanId());
    Map<String, List<Received>> byUpstream = clients.stream()
        .collect(Collectors.groupingBy(s -> s.span().getName().substring(s.span().getName().indexOf(' ') + 1)));
    assertThat(byUpstream).containsKeys(PAGE_UPSTREAMS.toArray(String[]::new));
    for (String upstream : PAGE_UPSTREAMS) {
      for (Received client : byUpstream.get(upstream)) {
        assertThat(client.span().getName()).matches("(GET|POST) " + upstream);
        assertThat(attributes(client.span())).containsEntry("server.address", "127.0.0.1")
            .containsKey("server.port").containsKey("http.request.method");
      }
      String seen = upstreamsSaw.getString(upstream);
      assertThat(seen).as(upstream).matches("00-" + server.traceId() + "-[0-9a-f]{16}-01"); // one header, no comma
      assertThat(byUpstream.get(upstream)).extracting(Received::spanId).contains(seen.substring(36, 52));
    }
  }

  private static Received serverSpan(List<Received> spans, String traceId) {
    List<Received> servers = spans.stream()
        .filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER && s.traceId().equals(traceId))
        .toList();
    assertThat(servers).as("server spans of trace " + traceId).hasSize(1);
    return servers.get(0);
  }

  private List<Received> received() {
    List<Received> spans = new ArrayList<>();
    for (ExportTraceServiceRequest export : exports) {
      for (ResourceSpans resource : export.getResourceSpansList()) {
        String service = resource.getResource().getAttributesList().stream()
            .filter(kv -> kv.getKey().equals("service.name"))
            .map(kv -> kv.getValue().getStringValue()).findFirst().orElse(null);
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          scope.getSpansList().forEach(span -> spans.add(new Received(service, span)));
        }
      }
    }
    return spans;
  }

  private static Map<String, String> attributes(Span span) {
    return span.getAttributesList().stream()
        .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue(), (a, b) -> a));
  }

  private static JsonObject simTraceparents(TestGateway gw) {
    return gw.sim.state().headersJson().getJsonObject("traceparent");
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
