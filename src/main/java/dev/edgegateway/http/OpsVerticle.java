package dev.edgegateway.http;

import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.recs.RecsPurge;
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
 * Liveness, readiness, Prometheus metrics and the cache purge on a port of their own, so probes and scrapes never
 * queue behind storefront traffic, and only who reaches the ops port may purge. Readiness fails only while the gateway
 * drains: not on Redis, which every pod shares and whose loss the cache survives (memory only), so a Redis outage must
 * not take the whole fleet out of its load balancer at once ({@code edge_redis_up} and its alert say it instead).
 */
public final class OpsVerticle extends VerticleBase {
  private final Supplier<Boolean> draining;
  private final Consumer<Integer> boundPort;
  /** Null: no purge route. */
  private final RecsPurge purge;
  private ConnectionGuard guard;

  public OpsVerticle(Supplier<Boolean> draining, Consumer<Integer> boundPort) {
    this(draining, boundPort, null);
  }

  /** @param purge what {@code POST /cache/purge/{recsKey}} drops a recommendation's entries with */
  public OpsVerticle(Supplier<Boolean> draining, Consumer<Integer> boundPort, RecsPurge purge) {
    this.draining = draining;
    this.boundPort = boundPort;
    this.purge = purge;
  }

  @Override
  public Future<?> stop() {
    if (guard != null) {
      guard.stop();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    HttpOptions ops = HttpOptions.from(config());
    HealthChecks live = HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
    HealthChecks ready = HealthChecks.create(vertx);
    ready.register("drain", promise -> promise.complete(draining.get()
        ? Status.KO(new JsonObject().put("reason", "draining")) : Status.OK()));
    Router router = Router.router(vertx);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    if (purge != null) {
      router.post("/cache/purge/:recsKey").handler(new PurgeRoute(purge, ops.apiKey(), Metrics.of(vertx)));
    }
    if (Metrics.of(vertx) instanceof PrometheusMeterRegistry prometheus) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
    // the same slowloris defence as the API port, with a small cap of its own
    ConnectionLimits limits = ConnectionLimits.from(config()).forOps();
    guard = new ConnectionGuard(vertx, limits, new ConnectionGuard.Open(Metrics.of(vertx), "ops"), Metrics.of(vertx), "ops");
    // probes and scrapes are no shopper's request: never a span
    HttpServerOptions options = limits.applyTo(new HttpServerOptions().setTracingPolicy(TracingPolicy.IGNORE)
        .setHttp2ClearTextEnabled(false));
    return guard.install(vertx.createHttpServer(options), router, RequestLimits::invalid)
        .listen(ops.opsPort(), ops.opsHost())
        .onSuccess(server -> boundPort.accept(server.actualPort()));
  }
}
