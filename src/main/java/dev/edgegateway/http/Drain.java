package dev.edgegateway.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Where the HTTP front stands in a shutdown, shared by every {@link HttpVerticle} instance and the ops port:
 * {@link #SERVING}, then {@link #DRAINING} (readiness red, answers still given, each with {@code Connection: close}
 * so that keep-alive clients reconnect elsewhere), then {@link #CLOSING} (the API listeners stop accepting and the
 * requests in flight finish). Shown as {@code edge_shutdown_phase}.
 */
public final class Drain implements Handler<RoutingContext> {
  public static final int SERVING = 0;
  public static final int DRAINING = 1;
  public static final int CLOSING = 2;

  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private volatile int phase = SERVING;

  public int phase() {
    return phase;
  }

  /** Not ready from now on: true in both later phases. */
  public boolean draining() {
    return phase != SERVING;
  }

  public void startDraining() {
    if (phase == SERVING) {
      phase = DRAINING;
    }
  }

  /** An API listener to stop in {@link #closeServers}. */
  void add(HttpServer server) {
    servers.add(server);
  }

  /**
   * Stops every API listener from accepting (the port is released when its last instance stops) and lets each
   * connection finish the request it is answering, then closes it; what is still open after {@code graceMs} is
   * closed. Completes when all are closed.
   */
  public Future<Void> closeServers(long graceMs) {
    startDraining();
    phase = CLOSING;
    return Future.join(servers.stream().map(s -> s.shutdown(graceMs, TimeUnit.MILLISECONDS)).toList()).mapEmpty();
  }

  /** While draining, the answer asks the client to close the connection; HTTP/2 has no such header. */
  @Override
  public void handle(RoutingContext ctx) {
    if (phase != SERVING && ctx.request().version() != HttpVersion.HTTP_2) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    ctx.next();
  }
}
