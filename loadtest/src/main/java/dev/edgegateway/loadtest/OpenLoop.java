package dev.edgegateway.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Open-loop HTTP GETs on loopback, for the load-test clients that need a schedule of their own
 * ({@link L2HitClient}, {@link SteadyLoad}): every request has an intended start time fixed before the run, a
 * scheduler thread waits for it and hands the request to Vert.x's HttpClient (one event loop, keep-alive pool),
 * and latency is taken from the <em>intended</em> start to the end of the response body. A slow answer or a
 * late scheduler therefore shows up in the latency instead of silently thinning the load (no coordinated
 * omission). The time from the actual send is kept too ({@link Answer#serviceNs}), and how late the scheduler
 * handed requests over ({@link #lateness()}), so a busy client is visible in the result.
 */
final class OpenLoop implements AutoCloseable {

  /** One finished request. {@code status} 0 = no HTTP answer (connection failure or client timeout). */
  record Answer(long intendedNs, long startEpochMs, long latencyNs, long serviceNs, int status, String xcache,
      String outcome, String serverTiming) {
  }

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Context context;
  private final long timeoutMs;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Histogram lateness = new Histogram(1, 60_000_000L, 3);
  private final long anchorNs = System.nanoTime();
  private final long anchorMs = System.currentTimeMillis();

  OpenLoop(int connections, long timeoutMs) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setDefaultHost("127.0.0.1"),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.context = vertx.getOrCreateContext();
    this.timeoutMs = timeoutMs;
  }

  /** The keep-alive client, for flows of several requests ({@link ColdClient}); drive it through {@link #onLoop}. */
  HttpClientAgent client() {
    return client;
  }

  /** Runs a flow on the client's event loop (a Vert.x HttpClient must not be driven from another thread). */
  <T> CompletableFuture<T> onLoop(Supplier<Future<T>> flow) {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> flow.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    return done;
  }

  /** Wall-clock milliseconds of a {@link System#nanoTime()} instant. */
  long epochMs(long nanoTime) {
    return anchorMs + Math.floorDiv(nanoTime - anchorNs, 1_000_000L);
  }

  static void checkLoopback(String host) {
    if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
      throw new IllegalArgumentException("load only ever targets loopback, not " + host);
    }
  }

  /**
   * Hands one GET to the event loop now; {@code done} runs on the event loop with the answer.
   *
   * @param intendedNs the scheduled start ({@link System#nanoTime()}); latency is measured from it
   */
  void send(long intendedNs, int port, String path, String cookie, Consumer<Answer> done) {
    send(intendedNs, port, HttpMethod.GET, path, cookie, null, false, done);
  }

  /**
   * As above with any method and an optional JSON body; with {@code rungs}, a degraded answer's outcome becomes
   * {@code degraded:<steps>} (its body's {@code degraded} list, {@code +}-joined), so the rungs can be told apart.
   */
  void send(long intendedNs, int port, HttpMethod method, String path, String cookie, String jsonBody, boolean rungs,
      Consumer<Answer> done) {
    inFlight.incrementAndGet();
    context.runOnContext(v -> {
      long sentNs = System.nanoTime();
      synchronized (lateness) {
        lateness.recordValue(Math.max(1, Math.min(60_000_000L, (sentNs - intendedNs) / 1_000)));
      }
      RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
          .setURI(path).setTimeout(timeoutMs)
          .putHeader("Accept", "application/json").putHeader("User-Agent", "edge-gateway-loadtest");
      if (cookie != null) {
        options.putHeader("Cookie", cookie);
      }
      if (jsonBody != null) {
        options.putHeader("Content-Type", "application/json");
      }
      String[] outcome = new String[1];
      client.request(options)
          .compose(req -> jsonBody == null ? req.send() : req.send(jsonBody))
          .compose(resp -> resp.body().map(body -> {
            outcome[0] = resp.getHeader("X-Edge-Outcome");
            if (rungs && "degraded".equals(outcome[0])) {
              outcome[0] = "degraded:" + degradedSteps(body.toString());
            }
            return resp;
          }))
          .onComplete(ar -> {
            long end = System.nanoTime();
            HttpClientResponse r = ar.succeeded() ? ar.result() : null;
            Answer a = new Answer(intendedNs, epochMs(intendedNs), end - intendedNs, end - sentNs,
                r == null ? 0 : r.statusCode(), r == null ? null : r.getHeader("X-Cache"),
                r == null ? null : outcome[0], r == null ? null : r.getHeader("Server-Timing"));
            try {
              done.accept(a);
            } finally {
              inFlight.decrementAndGet();
            }
          });
    });
  }

  /** The {@code degraded} list of a page answer, {@code +}-joined in its order ({@code ?} when unreadable). */
  static String degradedSteps(String body) {
    try {
      io.vertx.core.json.JsonArray steps = new io.vertx.core.json.JsonObject(body).getJsonArray("degraded");
      if (steps == null || steps.isEmpty()) {
        return "?";
      }
      StringBuilder b = new StringBuilder();
      for (Object step : steps) {
        b.append(b.length() == 0 ? "" : "+").append(step);
      }
      return b.toString();
    } catch (RuntimeException e) {
      return "?";
    }
  }

  /** Parks the calling (scheduler) thread until {@code System.nanoTime() >= atNs}. */
  static void sleepUntil(long atNs) {
    long left;
    while ((left = atNs - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  /**
   * Set-up traffic, not a measurement: the requests with at most {@code concurrency} in flight, each sent when
   * a previous one is answered. Returns a tally of {@code status X-Cache} values and the latency percentiles.
   */
  io.vertx.core.json.JsonObject closedLoop(int port, List<String[]> pathAndCookie, int concurrency)
      throws InterruptedException {
    Map<String, Integer> tally = new TreeMap<>();
    Histogram latency = LatencyRecorder.newHistogram();
    AtomicInteger next = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(pathAndCookie.size());
    AtomicReference<Consumer<Answer>> step = new AtomicReference<>();
    step.set(a -> {
      synchronized (tally) {
        tally.merge(a.status() + " " + (a.xcache() == null ? "none" : a.xcache()), 1, Integer::sum);
        latency.recordValue(Math.max(1, Math.min(60_000_000L, a.latencyNs() / 1_000)));
      }
      finished.countDown();
      int i = next.getAndIncrement();
      if (i < pathAndCookie.size()) {
        send(System.nanoTime(), port, pathAndCookie.get(i)[0], pathAndCookie.get(i)[1], step.get());
      }
    });
    for (int k = 0; k < Math.min(concurrency, pathAndCookie.size()); k++) {
      int i = next.getAndIncrement();
      send(System.nanoTime(), port, pathAndCookie.get(i)[0], pathAndCookie.get(i)[1], step.get());
    }
    if (!finished.await(Math.max(30_000, pathAndCookie.size() * 20L), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("set-up requests did not finish: " + finished.getCount() + " left");
    }
    synchronized (tally) {
      return new io.vertx.core.json.JsonObject().put("tally", new io.vertx.core.json.JsonObject(new java.util.LinkedHashMap<>(tally)))
          .put("latency", LatencyRecorder.percentiles(latency));
    }
  }

  /** Waits until nothing is in flight (at most maxMs); returns how many still were. */
  int drain(long maxMs) {
    long deadline = System.nanoTime() + maxMs * 1_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(5_000_000L);
    }
    return inFlight.get();
  }

  /** Forgets the lateness recorded so far (set-up traffic), so {@link #lateness()} covers the measurement. */
  void resetLateness() {
    synchronized (lateness) {
      lateness.reset();
    }
  }

  /** Scheduler lateness (actual hand-over to the event loop minus intended start), µs percentiles in ms. */
  io.vertx.core.json.JsonObject lateness() {
    synchronized (lateness) {
      return LatencyRecorder.percentiles(lateness);
    }
  }

  @Override
  public void close() {
    try {
      client.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the JVM exits next
    }
  }

  // ------------------------------------------------------------------------------ small blocking helpers
  private static final HttpClient BLOCKING = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Blocking GET of a loopback URL's body (metrics scrapes at phase boundaries); "" on failure. */
  static String fetchText(String url) {
    if (url == null || url.isBlank()) {
      return "";
    }
    checkLoopback(URI.create(url).getHost());
    try {
      HttpResponse<String> r = BLOCKING.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (Exception e) {
      return "";
    }
  }

  /** Every metric of a {@code Server-Timing} header that has a {@code dur}, in µs, in header order. */
  static java.util.Map<String, Long> serverTimingPhasesUs(String header) {
    java.util.Map<String, Long> phases = new java.util.LinkedHashMap<>();
    if (header == null) {
      return phases;
    }
    for (String part : header.split(",")) {
      String name = part.trim().split(";")[0].trim();
      long us = serverTimingUs(part, name);
      if (!name.isEmpty() && us >= 0) {
        phases.put(name, us);
      }
    }
    return phases;
  }

  /** The {@code dur} of one metric of a {@code Server-Timing} header, in µs; -1 when absent. */
  static long serverTimingUs(String header, String metric) {
    if (header == null) {
      return -1;
    }
    for (String part : header.split(",")) {
      String[] fields = part.trim().split(";");
      if (fields.length < 2 || !fields[0].trim().equals(metric)) {
        continue;
      }
      for (int i = 1; i < fields.length; i++) {
        String f = fields[i].trim();
        if (f.startsWith("dur=")) {
          try {
            return Math.round(Double.parseDouble(f.substring(4)) * 1000.0);
          } catch (NumberFormatException e) {
            return -1;
          }
        }
      }
    }
    return -1;
  }
}
