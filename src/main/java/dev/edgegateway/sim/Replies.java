package dev.edgegateway.sim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Small response helpers shared by the handlers. */
final class Replies {

  static final String JSON = "application/json; charset=utf-8";
  static final String JSON_API = "application/vnd.api+json";

  private Replies() {
  }

  /** True when the response can no longer be written (client gone, or already answered). */
  static boolean gone(RoutingContext ctx) {
    HttpServerResponse r = ctx.response();
    return r.closed() || r.ended();
  }

  static void json(RoutingContext ctx, int status, String body) {
    if (gone(ctx)) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(body);
  }

  static void json(RoutingContext ctx, int status, Buffer body) {
    if (gone(ctx)) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(body);
  }

  static void jsonApi(RoutingContext ctx, int status, JsonObject body) {
    if (gone(ctx)) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", JSON_API).end(body.encode());
  }

  /** Klevu-style error ({@code {"status":400,"error":"Bad Request","message":...}}), counted as rejected. */
  static void klevuError(RoutingContext ctx, SimulatorState state, int status, String message) {
    state.increment(SimCounter.REJECTED);
    json(ctx, status, new JsonObject().put("status", status).put("error", reason(status)).put("message", message).encode());
  }

  static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }

  /**
   * Parses the request body as JSON; returns a {@code JsonObject}, {@code JsonArray}, scalar, or
   * {@code null} when the body is empty or not JSON.
   */
  static Object parseBody(RoutingContext ctx) {
    Buffer b = ctx.body() == null ? null : ctx.body().buffer();
    if (b == null || b.length() == 0) {
      return null;
    }
    try {
      return Json.decodeValue(b);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
