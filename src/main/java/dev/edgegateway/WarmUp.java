package dev.edgegateway;

import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.sim.RunningSimulator;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.SimulatorVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Synthetic page loads through a private copy of the gateway, before the real one starts, so that shoppers'
 * first pages after a deploy do not run interpreted code. The copy runs in a Vert.x instance of its own, with its
 * own meter registry, in front of the in-process simulator on loopback: it never calls the configured Klevu or
 * Klaviyo, never touches Redis, and what it stores goes away with it. Only the JIT's work stays.
 *
 * <p>A round is what a storefront page does: a new identified shopper's cold page, the same page again with the
 * cookies it set (the in-memory fast path), its segments, the anonymous page, and an impression event.
 */
public final class WarmUp {
  /** Distinct recsKeys: a few shoppers share each, as on a real site, so config and search hit the cache too. */
  private static final int RECS_KEYS = 40;

  /** What a warm-up did: rounds finished, requests that failed (a 4xx, a 5xx or no answer), and how long it took. */
  public record Result(int rounds, int failedRequests, long millis) {
  }

  private final Vertx vertx;
  private final WarmUpOptions options;
  private final String runId;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger rounds = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private HttpClient client;
  private int port;
  private long stopAtNanos;

  private WarmUp(Vertx vertx, WarmUpOptions options) {
    this.vertx = vertx;
    this.options = options;
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    this.runId = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /**
   * Starts a simulator and a gateway (in-memory cache, ephemeral loopback ports) in {@code vertx}, runs the
   * rounds, and stops both. Never fails: a warm-up that goes wrong only means a colder start.
   *
   * @param vertx a Vert.x instance of the warm-up's own, closed by the caller afterwards
   */
  public static Future<Result> run(Vertx vertx, WarmUpOptions options) {
    return new WarmUp(vertx, options).run();
  }

  private Future<Result> run() {
    long started = System.nanoTime();
    stopAtNanos = started + options.maxMs() * 1_000_000L;
    return SimulatorVerticle.start(vertx, new SimulatorOptions().setHost("127.0.0.1").setPort(0))
        .compose(sim -> Gateway.start(vertx, GatewayConfig.resolve(new JsonObject(), environment(sim)))
            .compose(gateway -> {
              port = gateway.httpPort();
              client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(options.concurrency()));
              return drive().eventually(() -> client.close()).eventually(gateway::stop);
            })
            .eventually(sim::close))
        .transform(done -> Future.succeededFuture(
            new Result(rounds.get(), failed.get(), (System.nanoTime() - started) / 1_000_000L)));
  }

  /** The demo's wiring, on ephemeral loopback ports, with throwaway secrets. */
  private Map<String, String> environment(RunningSimulator sim) {
    Map<String, String> env = DemoWiring.loopbackEnvironment(sim);
    env.put("EDGE_CACHE_MODE", GatewayConfig.CACHE_MEMORY);
    env.put("EDGE_REDIS_URL", "");
    env.put("EDGE_COOKIE_SECRET", "warm-up-" + runId + "-" + runId + "-" + runId);
    env.put("EDGE_ACCESS_LOG", "false"); // its synthetic pages are nobody's traffic
    return env;
  }

  private Future<Void> drive() {
    Promise<Void> done = Promise.promise();
    AtomicInteger workers = new AtomicInteger(options.concurrency());
    vertx.runOnContext(v -> {
      for (int w = 0; w < options.concurrency(); w++) {
        work(() -> {
          if (workers.decrementAndGet() == 0) {
            done.complete();
          }
        });
      }
    });
    return done.future();
  }

  private void work(Runnable finished) {
    int round = next.getAndIncrement();
    if (round >= options.pages() || System.nanoTime() - stopAtNanos > 0) {
      finished.run();
      return;
    }
    round(round).onComplete(ar -> {
      rounds.incrementAndGet();
      work(finished);
    });
  }

  private Future<Void> round(int round) {
    String recsKey = "k-warm-up-" + (round % RECS_KEYS);
    String page = "/v1/recommendations/" + recsKey + "?pid=p-warm-up-" + round;
    String klaviyo = "__kla_id=" + klaviyoCookie(round);
    return send(HttpMethod.GET, page, klaviyo, null).compose(cold -> {
      String cookies = klaviyo + cold.setCookies();
      return send(HttpMethod.GET, page, cookies, null)
          .compose(warm -> send(HttpMethod.GET, "/v1/segments", cookies, null))
          .compose(segments -> send(HttpMethod.GET, page, null, null))
          .compose(anonymous -> send(HttpMethod.POST, "/v1/events", cookies, impression(recsKey, cold.body())));
    }).mapEmpty();
  }

  private record Answer(Buffer body, String setCookies) {
  }

  /** One request; an answer of any status is an answer (a 4xx or 5xx is counted), a failure is an empty one. */
  private Future<Answer> send(HttpMethod method, String uri, String cookies, Buffer body) {
    RequestOptions request = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    if (cookies != null) {
      request.putHeader("Cookie", cookies);
    }
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    return client.request(request)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(response -> response.body().map(bytes -> {
          // a 4xx too: a round the gateway turns down warms nothing past the check that refused it
          if (response.statusCode() >= 400) {
            failed.incrementAndGet();
          }
          return new Answer(bytes, cookiesSet(response));
        }))
        .recover(failure -> {
          failed.incrementAndGet();
          return Future.succeededFuture(new Answer(Buffer.buffer(), ""));
        });
  }

  /** {@code "; name=value"} for every cookie the answer set. */
  private static String cookiesSet(HttpClientResponse response) {
    StringBuilder cookies = new StringBuilder();
    for (String set : response.cookies()) {
      int end = set.indexOf(';');
      cookies.append("; ").append(end < 0 ? set : set.substring(0, end));
    }
    return cookies.toString();
  }

  /** An impression of the page's first product, with the page's own analytics object, as the banner sends it. */
  private static Buffer impression(String recsKey, Buffer page) {
    JsonObject answer;
    try {
      answer = page.length() == 0 ? new JsonObject() : page.toJsonObject();
    } catch (RuntimeException e) {
      answer = new JsonObject();
    }
    JsonArray products = answer.getJsonArray("products", new JsonArray());
    String id = products.isEmpty() ? "1" : String.valueOf(products.getJsonObject(0).getValue("id", "1"));
    JsonObject impression = new JsonObject().put("type", "impression").put("recsKey", recsKey)
        .put("list", answer.getJsonObject("analytics", new JsonObject()))
        .put("items", new JsonArray().add(new JsonObject().put("id", id).put("index", 1)));
    return new JsonObject().put("events", new JsonArray().add(impression)).toBuffer();
  }

  /** A klaviyo.js {@code __kla_id} for a made-up shopper of this warm-up: never a real exchange id. */
  private String klaviyoCookie(int round) {
    String identifier = Base64.getUrlEncoder().encodeToString(
        ("warm-up-" + runId + "-shopper-" + round).getBytes(StandardCharsets.UTF_8));
    return DemoWiring.klaviyoCookie(null, identifier + ".WarmUp");
  }
}
