package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.tracing.Spans;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Failures answered the one way ({@link Responses}): what a route throws, and what the router itself refuses. */
final class ErrorMapping {
  private ErrorMapping() {
  }

  /** A route's handler, named for {@link RequestMetric}, with what it throws answered as an error. */
  static Handler<RoutingContext> named(String route, Handler<RoutingContext> handler) {
    return ctx -> {
      ctx.put(RequestMetric.ROUTE_KEY, route);
      if (Spans.traced(ctx.vertx())) {
        // the template the route was declared with: a span never carries the path as sent
        Spans.nameServerSpan(ctx.request().method().name(),
            ctx.currentRoute() != null && ctx.currentRoute().getPath() != null ? ctx.currentRoute().getPath() : route);
      }
      try {
        handler.handle(ctx);
      } catch (OutcomeException e) {
        Responses.error(ctx, e);
      } catch (RuntimeException e) {
        Responses.error(ctx, new OutcomeException(Outcome.INTERNAL, "internal error"));
      }
    };
  }

  /** After every route: no such route, and the router's own 413, 400 and 500. */
  static void install(Router router, int maxBodyBytes) {
    router.route().last().handler(ctx -> Responses.error(ctx, Outcome.NOT_FOUND, "no such route", 0));
    router.errorHandler(413, ctx -> Responses.error(ctx, Outcome.PAYLOAD_TOO_LARGE, "body over " + maxBodyBytes + " bytes", 0));
    router.errorHandler(400, ctx -> Responses.error(ctx, Outcome.BAD_REQUEST, "malformed request", 0));
    router.errorHandler(500, ctx -> Responses.error(ctx, ctx.failure() == null
        ? new OutcomeException(Outcome.INTERNAL, "internal error") : ctx.failure()));
  }
}
