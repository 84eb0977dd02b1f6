package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.TestGateway;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Findings 10 and the per-client limit of issue 15 over loopback: the routes that cost an upstream call answer 429
 * with {@code Retry-After} past a client's bucket, the client is who the trusted proxy says it is (and nobody else
 * can say so), the bucket holds across gateways sharing a Redis, and one customer's identifies are limited.
 */
@ExtendWith(VertxExtension.class)
class RateLimitTest {
  private static final String SHARED_REDIS = System.getenv().getOrDefault("EDGE_REDIS_URL", "redis://127.0.0.1:6379");
  private static final String TOKEN_SECRET = "rate-limit-token-secret";
  private final List<TestGateway> gateways = new ArrayList<>();
  private final List<Vertx> ownVertx = new ArrayList<>();

  @AfterEach
  void stop(VertxTestContext ctx) {
    Future.join(gateways.stream().map(TestGateway::stop).toList())
        .compose(v -> Future.join(ownVertx.stream().map(Vertx::close).toList()))
        .onComplete(done -> ctx.completeNow());
  }

  private Future<TestGateway> start(Vertx vertx, Map<String, String> extraEnv) {
    return TestGateway.start(vertx, extraEnv).onSuccess(gateways::add);
  }

  private static Map<String, String> limited(int perSecond, int burst, String... more) {
    Map<String, String> env = new HashMap<>(Map.of("EDGE_RATE_LIMIT_PER_S", String.valueOf(perSecond),
        "EDGE_RATE_LIMIT_BURST", String.valueOf(burst)));
    for (int i = 0; i + 1 < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  /** {@code n} requests one after the other; their answers in order. */
  private static Future<List<HttpResponse<Buffer>>> inTurn(int n, Supplier<Future<HttpResponse<Buffer>>> send) {
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      chain = chain.compose(v -> send.get().map(answer -> {
        answers.add(answer);
        return null;
      }));
    }
    return chain.map(answers);
  }

  private static List<Integer> statuses(List<HttpResponse<Buffer>> answers) {
    return answers.stream().map(HttpResponse::statusCode).toList();
  }

  private static double refused(TestGateway gw, String route) {
    Counter counter = Metrics.of(gw.vertx).find("edge_rate_limited_total").tag("scope", "client").tag("route", route)
        .counter();
    return counter == null ? 0 : counter.count();
  }

  private static HttpRequest<Buffer> segments(WebClient client, String shopper) {
    return client.get("/v1/segments").putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId(shopper)));
  }

  @Test
  void aClientPastItsBucketGets429WithRetryAfterAndIsCounted(Vertx vertx, VertxTestContext ctx) {
    start(vertx, limited(1, 3))
        .compose(gw -> inTurn(5, () -> segments(gw.client, "bucket-" + UUID.randomUUID()).send())
            .map(answers -> {
              ctx.verify(() -> {
                assertThat(statuses(answers)).containsExactly(200, 200, 200, 429, 429);
                HttpResponse<Buffer> refused = answers.get(3);
                assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isBetween(1, 2);
                assertThat(refused.getHeader("Cache-Control")).contains("no-store");
                assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("rate_limited");
                assertThat(refused(gw, "segments")).isEqualTo(2.0);
              });
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aPageAnsweredFromMemoryCostsNothingAndIsNotCharged(Vertx vertx, VertxTestContext ctx) {
    String shopper = "memory-" + UUID.randomUUID();
    start(vertx, limited(1, 2))
        .compose(gw -> inTurn(8, () -> gw.client.get("/v1/recommendations/k-home")
            .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId(shopper))).send()))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertThat(statuses(answers)).containsOnly(200);
          ctx.completeNow();
        })));
  }

  private static Future<HttpResponse<Buffer>> from(TestGateway gw, String forwardedFor) {
    return segments(gw.client, "forwarded-" + UUID.randomUUID()).putHeader("X-Forwarded-For", forwardedFor).send();
  }

  @Test
  void xForwardedForNamesTheClientOnlyFromATrustedProxy(Vertx vertx, VertxTestContext ctx) {
    start(vertx, limited(1, 1))
        // nobody vouches for these: both are the socket's client, 127.0.0.1
        .compose(untrusting -> from(untrusting, "203.0.113.1").compose(a -> from(untrusting, "203.0.113.2")
            .map(b -> List.of(a.statusCode(), b.statusCode()))))
        .compose(untrusted -> {
          ctx.verify(() -> assertThat(untrusted).containsExactly(200, 429));
          return start(vertx, limited(1, 1, "EDGE_TRUSTED_PROXIES", "127.0.0.0/8"));
        })
        // loopback is the CDN here: each shopper it names has a bucket of its own, and a shopper cannot add hops
        .compose(trusting -> from(trusting, "203.0.113.1").compose(a -> from(trusting, "203.0.113.2")
            .compose(b -> from(trusting, "198.51.100.9, 203.0.113.1")
                .map(c -> List.of(a.statusCode(), b.statusCode(), c.statusCode())))))
        .onComplete(ctx.succeeding(trusted -> ctx.verify(() -> {
          assertThat(trusted).containsExactly(200, 200, 429);
          ctx.completeNow();
        })));
  }

  @Test
  void theBucketHoldsAcrossGatewaysSharingARedis(Vertx vertxA, VertxTestContext ctx) {
    Vertx vertxB = Vertx.vertx();
    ownVertx.add(vertxB);
    String prefix = "edge:test:" + UUID.randomUUID() + ":";
    Map<String, String> env = limited(1, 2, "EDGE_REDIS_URL", SHARED_REDIS, "EDGE_REDIS_KEY_PREFIX", prefix,
        "EDGE_REDIS_COMMAND_TIMEOUT_MS", "1000");
    start(vertxA, env)
        .compose(a -> TestGateway.start(vertxB, env).onSuccess(gateways::add)
            .compose(b -> segments(a.client, "roam-1").send()
                .compose(first -> segments(b.client, "roam-2").send())
                .compose(second -> segments(b.client, "roam-3").send()
                    .compose(third -> segments(a.client, "roam-4").send()
                        .map(fourth -> List.of(second.statusCode(), third.statusCode(), fourth.statusCode()))))))
        .compose(statuses -> TestGateway.deleteRedisKeys(vertxA, SHARED_REDIS, prefix).map(statuses))
        .onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
          assertThat(statuses).containsExactly(200, 429, 429);
          ctx.completeNow();
        })));
  }

  private static String token(Vertx vertx, long customerId) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TOKEN_SECRET)));
    return signer.generateToken(new JsonObject().put("customer", new JsonObject().put("id", customerId)
        .put("email", "limited" + customerId + "@example.com")), new JWTOptions().setExpiresInSeconds(600));
  }

  @Test
  void aFloodOfIdentifiesStaysWithinKlaviyosLimitsAndEveryOneIsAnswered(Vertx vertx, VertxTestContext ctx) {
    // the simulated Klaviyo throttles past 4 calls in a wall-clock second; the gateway sends at most 2 a second
    // (a bucket of 2 refilled at 2 a second puts at most 4 into any one second)
    SimulatorOptions klaviyo = new SimulatorOptions().setPort(0).setKlaviyoRateLimitEnforced(true)
        .setKlaviyoRateLimits(new JsonObject()
            .put("profiles", new JsonObject().put("burst", 4).put("steady", 600))
            .put("import", new JsonObject().put("burst", 4).put("steady", 600)));
    TestGateway.start(vertx, klaviyo, Map.of("EDGE_CUSTOMER_TOKEN_SECRET", TOKEN_SECRET,
            "EDGE_KLAVIYO_BURST_PER_S", "2", "EDGE_KLAVIYO_STEADY_PER_MIN", "600", "EDGE_KLAVIYO_MAX_QUEUED", "2"))
        .onSuccess(gateways::add)
        .compose(gw -> {
          List<Future<HttpResponse<Buffer>>> identifies = new ArrayList<>();
          for (int i = 0; i < 12; i++) {
            identifies.add(gw.client.post("/v1/identify")
                .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("flood-" + i)))
                .sendJsonObject(new JsonObject().put("customerToken", token(vertx, 900 + i))));
          }
          return Future.all(identifies).map(all -> {
            ctx.verify(() -> {
              assertThat(identifies).allSatisfy(answer -> assertThat(answer.result().statusCode()).isEqualTo(200));
              assertThat(gw.count(SimCounter.FAULTED)).as("Klaviyo 429s").isZero();
              // two at once, at most two more that waited for a token; the rest were skipped, not sent
              assertThat(gw.count(SimCounter.PROFILES)).isBetween(2L, 4L);
            });
            return null;
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void oneCustomersIdentifiesAreLimitedAndSoAreTheirKlaviyoCalls(Vertx vertx, VertxTestContext ctx) {
    String replayed = token(vertx, 77);
    String other = token(vertx, 78);
    start(vertx, Map.of("EDGE_CUSTOMER_TOKEN_SECRET", TOKEN_SECRET, "EDGE_IDENTIFY_PER_CUSTOMER_PER_MIN", "3"))
        .compose(gw -> {
          long klaviyoBefore = gw.count(SimCounter.PROFILES);
          Supplier<Future<HttpResponse<Buffer>>> identify = () -> gw.client.post("/v1/identify")
              .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("replay-" + UUID.randomUUID())))
              .sendJsonObject(new JsonObject().put("customerToken", replayed));
          return inTurn(10, identify).compose(answers -> gw.client.post("/v1/identify")
              .sendJsonObject(new JsonObject().put("customerToken", other))
              .map(otherCustomer -> {
                ctx.verify(() -> {
                  assertThat(statuses(answers)).containsExactly(200, 200, 200, 429, 429, 429, 429, 429, 429, 429);
                  assertThat(answers.get(3).getHeader("Retry-After")).isNotNull();
                  assertThat(answers.get(3).bodyAsJsonObject().getString("error")).isEqualTo("rate_limited");
                  assertThat(otherCustomer.statusCode()).isEqualTo(200);
                  // one profile import per identify that was let through, and one lookup for the other customer
                  assertThat(gw.count(SimCounter.PROFILES) - klaviyoBefore).isEqualTo(4);
                });
                return null;
              }));
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
