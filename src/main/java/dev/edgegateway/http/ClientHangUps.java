package dev.edgegateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client that hung up before its answer (a closed tab, a slowloris giving up) is nobody's error: a debug line, and
 * nothing to answer. Without this the router logs each one at ERROR, and anyone can make as many as they like.
 */
final class ClientHangUps implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ClientHangUps.class);

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
      LOG.debug("client hung up before the answer ({} {})", ctx.request().method(), ctx.request().path());
      return; // not ctx.next(): the router would call it an unhandled failure
    }
    ctx.next();
  }

  /** For the listener's own connections: a reset or a broken handshake is the client's business. */
  static void connectionFailed(Throwable failure) {
    LOG.debug("client connection failed: {}", failure.toString());
  }
}
