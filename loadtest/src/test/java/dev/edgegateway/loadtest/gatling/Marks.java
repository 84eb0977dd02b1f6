package dev.edgegateway.loadtest.gatling;

import dev.edgegateway.loadtest.SimStats;
import io.gatling.javaapi.core.ChainBuilder;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import static io.gatling.javaapi.core.CoreDsl.exec;

/**
 * Snapshots of the simulator's counters at phase boundaries, so each phase's upstream calls are its own.
 * A phase's start is marked by its first user ({@link #once}), its end in {@code after()}: no extra
 * populations in the chain (each would cost a second of injector ticks).
 */
final class Marks {
  private final String simUrl;
  private final ConcurrentHashMap<String, JsonObject> marks = new ConcurrentHashMap<>();

  Marks(String simUrl) {
    this.simUrl = simUrl;
  }

  void mark(String name) {
    marks.computeIfAbsent(name, n -> SimStats.snapshot(simUrl));
  }

  JsonObject toJson() {
    JsonObject out = new JsonObject();
    marks.forEach(out::put);
    return out;
  }

  /** A step that takes the snapshot the first time any user passes it. */
  ChainBuilder once(String name) {
    return exec(session -> {
      if (!marks.containsKey(name)) {
        mark(name);
      }
      return session;
    });
  }

  /** Blocks until url answers 200 (the gateway is started alongside this JVM); fails after timeoutS. */
  static void awaitReady(String url, int timeoutS) {
    if (url == null || url.isBlank()) {
      return;
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeoutS * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (Exception e) {
        // not up yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException(url + " not ready after " + timeoutS + " s");
  }
}
