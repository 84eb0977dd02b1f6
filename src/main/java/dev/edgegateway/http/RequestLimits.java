package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The size limits of every route: a declared body over {@code maxBodyBytes}, a query over {@code maxQueryChars}; and
 * the answer to what is too malformed or too long to reach a route at all ({@link #invalid}).
 */
final class RequestLimits implements Handler<RoutingContext> {
  private final int maxBodyBytes;
  private final int maxQueryChars;

  RequestLimits(int maxBodyBytes, int maxQueryChars) {
    this.maxBodyBytes = maxBodyBytes;
    this.maxQueryChars = maxQueryChars;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String declared = ctx.request().getHeader("Content-Length");
    if (declared != null && isOver(declared, maxBodyBytes)) {
      // refuse before reading a byte, and close: the client may still be sending the rest
      ctx.response().putHeader("Connection", "close");
      Responses.error(ctx, Outcome.PAYLOAD_TOO_LARGE, "body over " + maxBodyBytes + " bytes", 0);
      return;
    }
    String query = ctx.request().query();
    if (query != null && query.length() > maxQueryChars) {
      Responses.error(ctx, Outcome.BAD_REQUEST, "query string too long", 0);
      return;
    }
    ctx.next();
  }

  /**
   * What Netty's decoder refused before any route saw it (a request line or headers too long, a malformed request):
   * 414, 431 or 400 with the one error body and {@code no-store}, as every other answer, then the connection closes.
   */
  static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String message = status == 414 ? "request line too long" : status == 431 ? "headers too large" : "malformed request";
    String requestId = RequestIds.newId();
    request.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "private, no-store")
        .putHeader(Responses.OUTCOME_HEADER, Outcome.BAD_REQUEST.tag())
        .putHeader(RequestIds.HEADER, requestId)
        .putHeader("Connection", "close")
        .end(new JsonObject().put("error", Outcome.BAD_REQUEST.tag()).put("message", message)
            .put("requestId", requestId).toBuffer())
        .onComplete(done -> request.connection().close());
  }

  private static boolean isOver(String contentLength, long limit) {
    try {
      return Long.parseLong(contentLength.trim()) > limit;
    } catch (NumberFormatException e) {
      return false; // Netty rejects malformed lengths itself
    }
  }
}
