package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code edge_http_request_seconds{route,outcome}}: every request, from its arrival to the end of its answer. The
 * route is the name {@code ErrorMapping.named} gave it ({@code other} for none), the outcome what {@link Responses}
 * answered. Published as a histogram with the buckets of {@link #BUCKETS}, for {@code histogram_quantile}.
 */
final class RequestMetric implements Handler<RoutingContext> {
  static final String ROUTE_KEY = "edge.route";
  /**
   * Bucket bounds: steps of a few milliseconds where a warm page is answered, the time of cold pages' upstream calls,
   * and the default request deadline (1.5 s) with one bound past it. Fixed, so that every pod's buckets add up.
   */
  static final Duration[] BUCKETS = {millis(1), millis(2.5), millis(5), millis(10), millis(25), millis(50),
      millis(100), millis(250), millis(500), millis(1_000), millis(1_500), millis(2_000)};

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  RequestMetric(MeterRegistry registry) {
    this.registry = registry;
  }

  private static Duration millis(double ms) {
    return Duration.ofNanos(Math.round(ms * 1_000_000));
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      Outcome outcome = ctx.get(Responses.OUTCOME_KEY, Outcome.OK);
      String route = ctx.get(ROUTE_KEY, "other");
      timers.computeIfAbsent(route + "|" + outcome.tag(), k -> Metrics.timer("edge_http_request_seconds")
              .tag("route", route).tag("outcome", outcome.tag()).serviceLevelObjectives(BUCKETS).register(registry))
          .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }
}
