package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes answers and errors the one way: JSON, an outcome header, no stack traces, no caching by a CDN unless {@link CdnAnswers} says otherwise; an error
 * names the request's id, as its access line and {@code X-Request-Id} do.
 */
final class Responses {
  static final String OUTCOME_HEADER = "X-Edge-Outcome";
  /** Where the answer's outcome is left for {@code RequestMetric}. */
  static final String OUTCOME_KEY = "edge.outcome";
  /** What every answer a CDN may not keep says. */
  static final String PRIVATE = "private, no-store";

  private Responses() {
  }

  static void json(RoutingContext ctx, int status, Outcome outcome, JsonObject body) {
    json(ctx, status, outcome, body.toBuffer());
  }

  static void json(RoutingContext ctx, int status, Outcome outcome, Buffer body) {
    json(ctx, status, outcome, body, PRIVATE);
  }

  /** With the {@code Cache-Control} a CDN is told ({@link CdnAnswers} decides when it is not {@link #PRIVATE}). */
  static void json(RoutingContext ctx, int status, Outcome outcome, Buffer body, String cacheControl) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    ctx.put(OUTCOME_KEY, outcome);
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", cacheControl)
        .putHeader(OUTCOME_HEADER, outcome.tag())
        .end(body);
  }

  /** {@code 304}: the client already holds this answer (its validators and cache headers are set already). */
  static void notModified(RoutingContext ctx, String cacheControl) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    ctx.put(OUTCOME_KEY, Outcome.OK);
    response.setStatusCode(304)
        .putHeader("Cache-Control", cacheControl)
        .putHeader(OUTCOME_HEADER, Outcome.OK.tag())
        .end();
  }

  static void error(RoutingContext ctx, Throwable failure) {
    OutcomeException oe = OutcomeException.of(failure);
    error(ctx, oe.outcome(), oe.outcome() == Outcome.INTERNAL ? "internal error" : oe.getMessage(), oe.retryAfterSeconds());
  }

  static void error(RoutingContext ctx, Outcome outcome, String message, long retryAfterSeconds) {
    if (outcome.retryable() && outcome.httpStatus() == 503 && !ctx.response().ended()) {
      ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, retryAfterSeconds)));
    }
    JsonObject body = new JsonObject()
        .put("error", outcome.tag())
        .put("message", message == null ? outcome.tag() : message);
    RequestIds ids = RequestIds.ifPresent(ctx);
    if (ids != null) {
      body.put("requestId", ids.requestId());
    }
    json(ctx, outcome.httpStatus(), outcome, body);
  }
}
