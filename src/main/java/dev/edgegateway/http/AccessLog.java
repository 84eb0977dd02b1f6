package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.logs.AsyncStdoutAppender;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First in every request's chain: gives it its {@link RequestIds} (the {@code X-Request-Id} echoed on the answer, the
 * trace context), and when its answer ends, one line on the {@code edge.access} logger: route (the name
 * {@link RequestMetric} uses), method, status, outcome, {@code X-Cache}, the {@code Server-Timing} phases, duration,
 * request id, trace id and the hashed shopper. Successful requests are sampled; errors, degraded answers and
 * connections closed before the answer always get their line. The line is one small object here; the logger's
 * appender renders and writes it on a thread of its own.
 */
final class AccessLog implements Handler<RoutingContext> {
  static final String LOGGER = "edge.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final boolean enabled;
  private final double sample;
  private final Counter logged;
  private final Counter sampledOut;

  AccessLog(AccessLogOptions options, MeterRegistry registry) {
    this.enabled = options.enabled();
    this.sample = options.sample();
    this.logged = Metrics.counter(registry, "edge_access_log_lines_total", "result", "logged");
    this.sampledOut = Metrics.counter(registry, "edge_access_log_lines_total", "result", "sampled_out");
    registerDropped(registry);
  }

  /** Once per registry: every HTTP verticle instance builds an AccessLog, and Micrometer warns of a second one. */
  private static synchronized void registerDropped(MeterRegistry registry) {
    if (registry.find("edge_access_log_dropped_total").functionCounter() == null) {
      Metrics.functionCounter("edge_access_log_dropped_total", AsyncStdoutAppender.class,
          c -> AsyncStdoutAppender.droppedEvents()).register(registry);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestIds ids = RequestIds.of(ctx);
    ctx.response().putHeader(RequestIds.HEADER, ids.requestId());
    if (enabled && LOG.isInfoEnabled()) {
      long started = System.nanoTime();
      ctx.addEndHandler(ended -> write(ctx, ids, started, ended));
    }
    ctx.next();
  }

  private void write(RoutingContext ctx, RequestIds ids, long started, AsyncResult<Void> ended) {
    HttpServerResponse response = ctx.response();
    int status = response.getStatusCode();
    Outcome outcome = ctx.get(Responses.OUTCOME_KEY, Outcome.OK);
    boolean answered = ended.succeeded();
    if (answered && outcome == Outcome.OK && status >= 200 && status < 300 && sample < 1.0
        && ThreadLocalRandom.current().nextDouble() >= sample) {
      sampledOut.increment();
      return;
    }
    MultiMap headers = response.headers();
    LOG.info("access", new AccessLine(ctx.get(RequestMetric.ROUTE_KEY, "other"), ctx.request().method().name(),
        status, answered ? outcome.tag() : "closed", headers.get("X-Cache"), headers.get("Server-Timing"),
        System.nanoTime() - started, ids.requestId(), ids.trace().traceId(), ids.shopperHash()));
    logged.increment();
  }
}
