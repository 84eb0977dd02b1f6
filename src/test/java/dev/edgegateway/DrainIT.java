package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.WebClient;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM to the packaged jar ({@code --demo}) under keep-alive load over loopback: readiness turns red first while
 * answers keep coming (each with {@code Connection: close}), then new connections are refused; every request the
 * gateway took (it has an access line) got a whole 2xx answer; an event accepted before the signal reaches the
 * simulated Klevu; the process exits 0 in bounded time.
 */
class DrainIT {
  private static final long DRAIN_MS = 2_000;
  /** Drain, grace (the 1.5 s request deadline), outbox (5 s at most) and the closing margin, with room for a slow CI. */
  private static final long EXIT_BOUND_MS = DRAIN_MS + 1_500 + 5_000 + 5_000;
  private static final int WORKERS = 6;
  private static final Pattern ACCESS_ID = Pattern.compile("edge\\.access .*requestId=([A-Za-z0-9._-]+)");

  /** One request of the load: its id, when it was sent, and how it ended. */
  private record Sent(String id, long sentNanos, long endedNanos, int status, boolean wholeBody, boolean askedToClose,
      Throwable failure) {
  }

  private Vertx vertx;

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void sigtermDrainsUnderLoadAndExitsZero() throws Exception {
    Map<String, String> env = Map.ofEntries(
        Map.entry("EDGE_LOG_FORMAT", "text"),
        Map.entry("EDGE_HTTP_HOST", "127.0.0.1"), Map.entry("EDGE_HTTP_PORT", "0"),
        Map.entry("EDGE_OPS_HOST", "127.0.0.1"), Map.entry("EDGE_OPS_PORT", "0"),
        Map.entry("EDGE_HTTP_INSTANCES", "2"), Map.entry("EDGE_EVENT_LOOPS", "2"),
        Map.entry("EDGE_SHUTDOWN_DRAIN_MS", String.valueOf(DRAIN_MS)),
        // the event stays in the outbox until the shutdown flushes it
        Map.entry("EDGE_EVENTS_FLUSH_MS", "600000"), Map.entry("EDGE_EVENTS_BATCH_SIZE", "1000"));
    try (PackagedJar jar = PackagedJar.start("drain-it", Path.of("."),
        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), List.of("--demo"), env)) {
      MatchResult up = jar.await(Pattern.compile("gateway up: api on [^:\\s]+:(\\d+), ops on port (\\d+)"), 90_000);
      int api = Integer.parseInt(up.group(1));
      int ops = Integer.parseInt(up.group(2));
      String sim = jar.await(Pattern.compile("simulated Klevu \\+ Klaviyo (http://\\S+)"), 10_000).group(1);

      vertx = Vertx.vertx();
      WebClient web = WebClient.create(vertx);
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000),
          new PoolOptions().setHttp1MaxSize(WORKERS));
      assertThat(status(web, ops, "/health/ready")).isEqualTo(200);

      Queue<Sent> sent = new ConcurrentLinkedQueue<>();
      Sent event = Main.await(send(client, api, HttpMethod.POST, "/v1/events", "event-0",
          Buffer.buffer(GatewayTraffic.impression().encode())));
      sent.add(event);
      assertThat(event.status()).isEqualTo(202);
      assertThat(simEvents(web, sim)).as("the event waits in the outbox").isZero();

      Load load = new Load(client, api, sent);
      load.start();
      Main.await(Awaits.until(vertx, () -> load.ok.get() >= 300, 60_000));
      assertThat(sent).as("keep-alive before the signal").allMatch(s -> !s.askedToClose() && s.failure() == null);

      long sigterm = System.nanoTime();
      assertThat(jar.process().toHandle().destroy()).as("SIGTERM sent").isTrue();
      Main.await(Awaits.untilAnswered(vertx, () -> web.get(ops, "127.0.0.1", "/health/ready").send()
          .map(r -> r.statusCode() == 503), 5_000, 5));
      long notReady = System.nanoTime();
      jar.await(Pattern.compile("shutdown: stopped accepting"), DRAIN_MS + 10_000);
      NetClient net = vertx.createNetClient();
      Main.await(Awaits.untilAnswered(vertx, () -> refuses(net, api), 5_000, 5));
      long refused = System.nanoTime();
      assertThat(jar.process().waitFor(EXIT_BOUND_MS, TimeUnit.MILLISECONDS)).as("exited within %d ms", EXIT_BOUND_MS).isTrue();
      long exited = System.nanoTime();
      assertThat(jar.process().exitValue()).isZero();
      load.stop();
      Main.await(Awaits.until(vertx, () -> load.inFlight.get() == 0, 15_000));

      List<String> lines = jar.allLines(10_000);
      Set<String> taken = new HashSet<>();
      for (String line : lines) {
        Matcher m = ACCESS_ID.matcher(line);
        if (m.find()) {
          taken.add(m.group(1));
        }
      }
      List<Sent> all = new ArrayList<>(sent);
      List<String> takenButNotAnswered = all.stream().filter(s -> taken.contains(s.id()))
          .filter(s -> s.failure() != null || s.status() / 100 != 2 || !s.wholeBody()).map(Sent::toString).toList();
      assertThat(takenButNotAnswered).as("requests the gateway took must get a whole 2xx answer").isEmpty();
      assertThat(all).as("every answer is a whole 2xx").filteredOn(s -> s.failure() == null)
          .allMatch(s -> s.status() / 100 == 2 && s.wholeBody());
      assertThat(all).as("failures (never taken) come only after the signal").filteredOn(s -> s.failure() != null)
          .allMatch(s -> s.endedNanos() > sigterm);

      List<Sent> whileDraining = all.stream().filter(s -> s.failure() == null && s.sentNanos() > notReady).toList();
      assertThat(whileDraining).as("still serving once not ready").isNotEmpty()
          .allMatch(Sent::askedToClose, "answered with Connection: close");
      assertThat(notReady).as("not ready before refusing").isLessThan(refused);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(exited - sigterm);
      assertThat(tookMs).as("kept serving for the drain, then exited in bounded time")
          .isBetween(DRAIN_MS, EXIT_BOUND_MS);

      assertThat(lines).anyMatch(l -> l.contains("events: stopped with the outbox drained"));
      String received = jar.await(Pattern.compile("demo simulator: received (\\d+) analytics events"), 1_000).group(1);
      assertThat(Long.parseLong(received)).as("the event accepted before SIGTERM reached the simulated Klevu")
          .isGreaterThanOrEqualTo(1);
      System.out.printf("drain: %d answered (%d while draining), %d never taken, not ready after %d ms, refused after"
              + " %d ms, exit after %d ms%n", all.stream().filter(s -> s.failure() == null).count(), whileDraining.size(),
          all.stream().filter(s -> s.failure() != null).count(), TimeUnit.NANOSECONDS.toMillis(notReady - sigterm),
          TimeUnit.NANOSECONDS.toMillis(refused - sigterm), tookMs);
    }
  }

  /** Keep-alive page loads from {@link #WORKERS} loops, each sending its next request when its last one ended. */
  private static final class Load {
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    private final HttpClient client;
    private final int port;
    private final Queue<Sent> sent;
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean stopped;

    Load(HttpClient client, int port, Queue<Sent> sent) {
      this.client = client;
      this.port = port;
      this.sent = sent;
    }

    void start() {
      for (int i = 0; i < WORKERS; i++) {
        next(i);
      }
    }

    void stop() {
      stopped = true;
    }

    private void next(int worker) {
      if (stopped) {
        return;
      }
      inFlight.incrementAndGet();
      send(client, port, HttpMethod.GET, "/v1/recommendations/" + DemoWiring.DEMO_RECS_KEY
          + (worker % 2 == 0 ? "" : "?pid=39814"), "w" + worker + "-" + ids.incrementAndGet(), null)
          .onComplete(ar -> {
            Sent s = ar.result();
            sent.add(s);
            inFlight.decrementAndGet();
            if (s.failure() == null) {
              ok.incrementAndGet();
            }
            // a refused connection means the gateway is gone for this client: a load balancer would stop here too
            if (!refused(s.failure())) {
              next(worker);
            }
          });
    }
  }

  /** One request with its own X-Request-Id; never fails: how it ended is in the answer. */
  private static Future<Sent> send(HttpClient client, int port, HttpMethod method, String uri, String id, Buffer body) {
    long sentNanos = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri)
        .putHeader("X-Request-Id", id).setIdleTimeout(10_000);
    if (method == HttpMethod.GET && id.hashCode() % 2 == 0) {
      options.putHeader("Cookie", "__kla_id=" + DemoWiring.demoCookie());
    }
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Sent(id, sentNanos, System.nanoTime(), resp.statusCode(),
            whole(b), "close".equalsIgnoreCase(resp.getHeader("Connection")), null)))
        .otherwise(t -> new Sent(id, sentNanos, System.nanoTime(), 0, false, false, t));
  }

  /** The body parses as the JSON object it should be (a page, or the events receipt). */
  private static boolean whole(Buffer body) {
    try {
      JsonObject json = body.toJsonObject();
      return json.containsKey("recsKey") || json.containsKey("accepted");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static int status(WebClient web, int port, String path) throws Exception {
    return Main.await(web.get(port, "127.0.0.1", path).send().map(r -> r.statusCode()), 5_000);
  }

  private static Future<Boolean> refuses(NetClient net, int port) {
    return net.connect(port, "127.0.0.1").transform(ar -> {
      if (ar.succeeded()) {
        ar.result().close();
      }
      return Future.succeededFuture(ar.failed() && refused(ar.cause()));
    });
  }

  /** A connection refused: the request never reached the gateway. */
  private static boolean refused(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  private static long simEvents(WebClient web, String sim) throws Exception {
    return Main.await(web.getAbs(sim + "/__sim/stats").send()).bodyAsJsonObject().getLong("events");
  }
}
