package dev.edgegateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;

/**
 * CORS for the origins in {@code EDGE_CORS_ORIGINS}, except for the gateway's own pages: browsers send
 * {@code Origin} on same-origin POSTs too, and vertx-web's CorsHandler answers 403 to any origin not listed, so
 * pages served by the gateway itself (/demo/, or a CDN mapping it under the shop's origin) pass without it.
 */
final class SameOriginCors implements Handler<RoutingContext> {
  private final CorsHandler cors;

  SameOriginCors(List<String> origins) {
    this.cors = CorsHandler.create()
        .addOrigins(origins)
        .allowCredentials(true)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Content-Type", "Accept", "X-Request-Id", "traceparent", "tracestate"))
        .exposedHeaders(Set.of("X-Cache", "X-Edge-Outcome", "Server-Timing", "X-Request-Id"))
        .maxAgeSeconds(600);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (sameOrigin(ctx.request().getHeader("Origin"), ctx.request().getHeader("Host"))) {
      ctx.next();
    } else {
      cors.handle(ctx);
    }
  }

  /**
   * Whether a request's {@code Origin} is the gateway itself: its {@code host[:port]} is the request's
   * {@code Host} (either scheme: both are this gateway's own pages). A cross-site page cannot produce this
   * pair, so CORS has nothing to decide.
   */
  static boolean sameOrigin(String origin, String host) {
    if (origin == null || host == null || host.isBlank()) {
      return false;
    }
    String authority = origin.startsWith("https://") ? origin.substring(8)
        : origin.startsWith("http://") ? origin.substring(7) : null;
    return authority != null && authority.equalsIgnoreCase(host.trim());
  }
}
