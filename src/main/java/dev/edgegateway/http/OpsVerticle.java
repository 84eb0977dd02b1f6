package dev.edgegateway.http;

import dev.edgegateway.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Liveness, readiness and Prometheus metrics on a port of their own, so probes and scrapes never queue
 * behind storefront traffic. Readiness fails while the gateway drains or when a check says so.
 */
public final class OpsVerticle extends VerticleBase {
  /** A named readiness check: returns null when healthy, else the reason. */
  public record ReadinessCheck(String name, Supplier<String> problem) {
  }

  private final Iterable<ReadinessCheck> checks;
  private final Supplier<Boolean> draining;
  private final Consumer<Integer> boundPort;

  public OpsVerticle(Iterable<ReadinessCheck> checks, Supplier<Boolean> draining, Consumer<Integer> boundPort) {
    this.checks = checks;
    this.draining = draining;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    HttpOptions ops = HttpOptions.from(config());
    HealthChecks live = HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
    HealthChecks ready = HealthChecks.create(vertx);
    ready.register("drain", promise -> promise.complete(draining.get()
        ? Status.KO(new JsonObject().put("reason", "draining")) : Status.OK()));
    for (ReadinessCheck check : checks) {
      ready.register(check.name(), promise -> {
        String problem = check.problem().get();
        promise.complete(problem == null ? Status.OK() : Status.KO(new JsonObject().put("reason", problem)));
      });
    }
    Router router = Router.router(vertx);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    if (Metrics.of(vertx) instanceof PrometheusMeterRegistry prometheus) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
    // probes and scrapes are no shopper's request: never a span
    return vertx.createHttpServer(new HttpServerOptions().setTracingPolicy(TracingPolicy.IGNORE))
        .requestHandler(router)
        .listen(ops.opsPort(), ops.opsHost())
        .onSuccess(server -> boundPort.accept(server.actualPort()));
  }
}
