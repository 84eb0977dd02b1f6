package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code edge_http_request_seconds{route,outcome}}: every request, from its arrival to the end of its answer. The
 * route is the name {@code ErrorMapping.named} gave it ({@code other} for none), the outcome what {@link Responses}
 * answered.
 */
final class RequestMetric implements Handler<RoutingContext> {
  static final String ROUTE_KEY = "edge.route";

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  RequestMetric(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      Outcome outcome = ctx.get(Responses.OUTCOME_KEY, Outcome.OK);
      String route = ctx.get(ROUTE_KEY, "other");
      timers.computeIfAbsent(route + "|" + outcome.tag(), k -> Metrics.timer("edge_http_request_seconds")
              .tag("route", route).tag("outcome", outcome.tag()).register(registry))
          .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }
}
