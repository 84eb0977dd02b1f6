package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** The size limits of every route: a declared body over {@code maxBodyBytes}, a query over {@code maxQueryChars}. */
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

  private static boolean isOver(String contentLength, long limit) {
    try {
      return Long.parseLong(contentLength.trim()) > limit;
    } catch (NumberFormatException e) {
      return false; // Netty rejects malformed lengths itself
    }
  }
}
