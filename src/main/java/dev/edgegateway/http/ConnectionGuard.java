package dev.edgegateway.http;

import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slowloris defence of one listener instance ({@link ConnectionLimits}): a connection whose request headers are not
 * complete in time, or whose request body is not, is closed; so is a connection past the listener's cap. Netty's idle
 * timer closes silent ones. One periodic sweep per instance looks at its connections (no timer per request: the
 * page path stays as it was); everything runs on the instance's event loop, so the table needs no lock.
 *
 * <p>Only whole requests are visible at this level, not bytes: after a keep-alive answer a connection gets the idle
 * timeout plus the header timeout for its next request's headers (a client waiting between pages is no attacker).
 * Under HTTP/2 (h2c, when on) the sweep follows the connection's latest stream only.
 */
public final class ConnectionGuard {
  /** Open connections of one listener, shared by all its instances, shown as {@code edge_http_connections}. */
  public static final class Open {
    private final AtomicInteger count = new AtomicInteger();

    Open(MeterRegistry registry, String listener) {
      Metrics.gauge("edge_http_connections", count, AtomicInteger::get).tag("listener", listener).register(registry);
    }

    int get() {
      return count.get();
    }
  }

  /** Why the gateway closed a connection (the {@code reason} label). */
  enum Reason { HEADER, BODY, IDLE, CAP }

  private static final class Watched {
    final HttpConnection connection;
    /** When the current wait began: the connection opened, a request's headers came, its answer was seen ended. */
    long sinceMs;
    /** The request being read or answered; null while waiting for the next request's headers. */
    HttpServerRequest request;
    boolean answeredOne;
    boolean closedByUs;

    Watched(HttpConnection connection, long nowMs) {
      this.connection = connection;
      this.sinceMs = nowMs;
    }
  }

  private final Vertx vertx;
  private final ConnectionLimits limits;
  private final Open open;
  private final Map<Reason, Counter> closed = new HashMap<>();
  private final Map<HttpConnection, Watched> watched = new HashMap<>();
  private final long sweepMs;
  private long sweeper = -1;

  ConnectionGuard(Vertx vertx, ConnectionLimits limits, Open open, MeterRegistry registry, String listener) {
    this.vertx = vertx;
    this.limits = limits;
    this.open = open;
    for (Reason reason : Reason.values()) {
      closed.put(reason, Metrics.counter(registry, "edge_http_connections_closed_total", "listener", listener,
          "reason", reason.name().toLowerCase(java.util.Locale.ROOT)));
    }
    // a quarter of the shortest deadline: a connection is closed at most 25% late; never busier than every 10 ms
    long shortest = Math.min(Math.min(limits.headerTimeoutMs(), limits.bodyTimeoutMs()), limits.idleTimeoutMs());
    this.sweepMs = Math.max(10, Math.min(1_000, shortest / 4));
  }

  /** Puts the guard in front of {@code server}'s requests; call from the instance's start. */
  HttpServer install(HttpServer server, Handler<HttpServerRequest> requests, Handler<HttpServerRequest> invalid) {
    if (sweeper < 0) {
      sweeper = vertx.setPeriodic(sweepMs, id -> sweep());
    }
    return server.connectionHandler(this::connected)
        .requestHandler(request -> {
          seen(request);
          requests.handle(request);
        })
        .invalidRequestHandler(request -> {
          seen(request);
          invalid.handle(request);
        });
  }

  void stop() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
  }

  private static long nowMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  private void connected(HttpConnection connection) {
    connection.exceptionHandler(ClientHangUps::connectionFailed);
    if (open.count.incrementAndGet() > limits.maxConnections()) {
      open.count.decrementAndGet();
      closed.get(Reason.CAP).increment();
      connection.close();
      return;
    }
    Watched entry = new Watched(connection, nowMs());
    watched.put(connection, entry);
    connection.closeHandler(v -> {
      open.count.decrementAndGet();
      watched.remove(connection);
      // Netty's idle timer closes without telling us: a close we did not make after a whole idle timeout of waiting
      if (!entry.closedByUs && entry.request == null && nowMs() - entry.sinceMs >= limits.idleTimeoutMs() - sweepMs) {
        closed.get(Reason.IDLE).increment();
      }
    });
  }

  private void seen(HttpServerRequest request) {
    Watched entry = watched.get(request.connection());
    if (entry != null) {
      entry.request = request;
      entry.sinceMs = nowMs();
    }
  }

  private void sweep() {
    long now = nowMs();
    List<Watched> late = new ArrayList<>();
    for (Watched entry : watched.values()) {
      HttpServerRequest request = entry.request;
      if (request != null && request.response().ended()) {
        // answered (a body the route did not read is drained by Vert.x): now waiting for the next request's headers
        entry.request = null;
        entry.answeredOne = true;
        entry.sinceMs = now;
      } else if (request == null) {
        long deadline = entry.answeredOne ? limits.idleTimeoutMs() + limits.headerTimeoutMs() : limits.headerTimeoutMs();
        if (now - entry.sinceMs > deadline) {
          late.add(entry);
        }
      } else if (!request.isEnded() && now - entry.sinceMs > limits.bodyTimeoutMs()) {
        late.add(entry);
      }
    }
    for (Watched entry : late) {
      entry.closedByUs = true;
      closed.get(entry.request == null ? Reason.HEADER : Reason.BODY).increment();
      entry.connection.close();
    }
  }
}
