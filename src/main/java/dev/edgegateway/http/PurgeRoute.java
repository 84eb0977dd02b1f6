package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.recs.RecsPurge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /cache/purge/{recsKey}[?apiKey=]} on the ops port: drops the recommendation's configs and banners
 * from this gateway's caches and Redis ({@link RecsPurge}), then names the surrogate key to purge at the CDN. One
 * purge at a time (a second one meanwhile gets 503): each walks the stores once.
 */
final class PurgeRoute implements Handler<RoutingContext> {
  private final RecsPurge purge;
  private final String defaultApiKey;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Counter done;
  private final Counter failed;
  private final Counter busy;

  PurgeRoute(RecsPurge purge, String defaultApiKey, MeterRegistry registry) {
    this.purge = purge;
    this.defaultApiKey = defaultApiKey;
    this.done = Metrics.counter(registry, "edge_cache_purges_total", "result", "done");
    this.failed = Metrics.counter(registry, "edge_cache_purges_total", "result", "failed");
    this.busy = Metrics.counter(registry, "edge_cache_purges_total", "result", "busy");
  }

  @Override
  public void handle(RoutingContext ctx) {
    String recsKey = ctx.pathParam("recsKey");
    String apiKey = ctx.queryParams().contains("apiKey") ? ctx.queryParams().get("apiKey") : defaultApiKey;
    if (!RequestValues.isKey(recsKey) || !RequestValues.isKey(apiKey)) {
      Responses.error(ctx, Outcome.BAD_REQUEST, "recsKey and apiKey must match " + RequestValues.KEY.pattern(), 0);
      return;
    }
    if (!running.compareAndSet(false, true)) {
      busy.increment();
      Responses.error(ctx, Outcome.OVERLOADED, "a purge is running: try again when it is done", 1);
      return;
    }
    String surrogateKey = CdnAnswers.surrogateKey(recsKey);
    purge.purge(apiKey, recsKey).onComplete(ar -> {
      running.set(false);
      if (ar.failed()) {
        failed.increment();
        // the memory tier is purged; Redis was not (down or slow): the operator tries again
        Responses.error(ctx, Outcome.UNAVAILABLE, "the shared cache could not be purged; memory was", 1);
        return;
      }
      done.increment();
      Responses.json(ctx, 200, Outcome.OK, new JsonObject()
          .put("recsKey", recsKey)
          .put("surrogateKey", surrogateKey)
          .put("purged", new JsonObject().put("configs", ar.result().configs()).put("banners", ar.result().banners())));
    });
  }
}
