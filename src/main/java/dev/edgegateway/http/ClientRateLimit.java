package dev.edgegateway.http;

import dev.edgegateway.cache.TokenBuckets;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.identity.ShopperHash;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-client budget of the routes that cost an upstream call: one token bucket per client address (as
 * {@link TrustedProxies} resolves it; an IPv6 client by its /64), shared by every HTTP verticle and, with Redis, by
 * every gateway. Past it a request answers 429 with {@code Retry-After} and calls nobody; each refusal counts in
 * {@code edge_rate_limited_total{scope="client",route}}. The address reaches Redis only as a keyed hash.
 */
final class ClientRateLimit {
  private final TokenBuckets buckets;
  private final TrustedProxies proxies;
  private final ShopperHash hash;
  private final MeterRegistry registry;
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();

  /** @param buckets null: no limit */
  ClientRateLimit(TokenBuckets buckets, TrustedProxies proxies, ShopperHash hash, MeterRegistry registry) {
    this.buckets = buckets;
    this.proxies = proxies;
    this.hash = hash;
    this.registry = registry;
  }

  /** Before a route: takes a token for the request's client, or answers 429. */
  Handler<RoutingContext> handler(String route) {
    return ctx -> {
      ctx.put(RequestMetric.ROUTE_KEY, route);
      admit(ctx, route).onSuccess(admitted -> {
        if (admitted) {
          ctx.next();
        }
      });
    };
  }

  /** Whether the request of {@code ctx} may go on; when not, the 429 is already answered. Never fails. */
  Future<Boolean> admit(RoutingContext ctx, String route) {
    if (buckets == null) {
      return Future.succeededFuture(true);
    }
    String client = TrustedProxies.limitKey(proxies.client(ctx.request()));
    return buckets.take(hash.other(client)).map(decision -> {
      if (decision.allowed()) {
        return true;
      }
      refused.computeIfAbsent(route, r -> Metrics.counter(registry, "edge_rate_limited_total", "scope", "client",
          "route", r)).increment();
      Responses.error(ctx, Outcome.RATE_LIMITED, "too many requests from this client", decision.retryAfterSeconds());
      return false;
    });
  }
}
