package dev.edgegateway.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback stand-in for Klevu's stats collector that records every POST and fails on command. */
final class StatsStub {
  record Received(long atNanos, String contentType, JsonArray body, int status) {
  }

  final List<Received> requests = new CopyOnWriteArrayList<>();
  /** Answer this many requests with 500 before succeeding. */
  final AtomicInteger fail500 = new AtomicInteger();
  /** Answer this many requests with 503 + {@code Retry-After: 1} before succeeding. */
  final AtomicInteger fail503RetryAfter = new AtomicInteger();
  /** When non-zero, every request gets this status. */
  volatile int alwaysStatus;

  private HttpServer server;

  Future<StatsStub> start(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      int status = 200;
      String retryAfter = null;
      if (alwaysStatus != 0) {
        status = alwaysStatus;
      } else if (fail500.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        status = 500;
      } else if (fail503RetryAfter.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        status = 503;
        retryAfter = "1";
      }
      requests.add(new Received(System.nanoTime(), req.getHeader("Content-Type"), new JsonArray(buf), status));
      if (retryAfter != null) {
        req.response().putHeader("Retry-After", retryAfter);
      }
      req.response().setStatusCode(status).end();
    }));
    return server.listen(0, "127.0.0.1").map(this);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/analytics/collect";
  }

  /** Events of the requests answered 200, in arrival order. */
  List<JsonObject> delivered() {
    List<JsonObject> out = new ArrayList<>();
    for (Received r : requests) {
      if (r.status() == 200) {
        r.body().forEach(e -> out.add((JsonObject) e));
      }
    }
    return out;
  }
}
