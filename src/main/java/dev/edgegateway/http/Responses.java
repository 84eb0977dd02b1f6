package dev.edgegateway.http;

import dev.edgegateway.flow.FailureClass;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes answers and errors the one way: JSON, an outcome header, no stack traces, no caching by a CDN unless
 * {@link CdnAnswers} says otherwise. An error says its outcome and the class of failure ({@link FailureClass}), never
 * an exception's name or message, and names the request's id, as its access line and {@code X-Request-Id} do.
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
    Outcome outcome = oe.outcome();
    FailureClass failureClass = oe.failureClass();
    if (outcome.retryable() && (outcome.httpStatus() == 503 || outcome.httpStatus() == 429) && !ctx.response().ended()) {
      ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, oe.retryAfterSeconds())));
    }
    // a refused request's own message says what was wrong with it (our words, never its values); any other
    // failure says only its class: an exception's text would tell which names resolve and which ports are open
    String message = failureClass != null ? failureClass.text() : oe.getMessage();
    JsonObject body = new JsonObject()
        .put("error", outcome.tag())
        .put("reason", failureClass != null ? failureClass.tag() : outcome.tag())
        .put("message", message == null ? outcome.tag() : message)
        .put("requestId", RequestIds.of(ctx).requestId());
    json(ctx, outcome.httpStatus(), outcome, body);
  }

  static void error(RoutingContext ctx, Outcome outcome, String message, long retryAfterSeconds) {
    error(ctx, new OutcomeException(outcome, message, retryAfterSeconds));
  }
}
