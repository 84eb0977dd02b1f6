package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 15's generated-input test: at least 100,000 requests made of generated cookies, query strings, paths,
 * bodies and customer tokens (a seeded generator: a failure names its seed and the request, and reruns the same)
 * against one running gateway over loopback, 32 in flight on keep-alive connections. No answer may be a 5xx and no
 * line may be logged at ERROR. {@code -Dgenerated.requests=N} and {@code -Dgenerated.seed=S} change the run.
 */
class GeneratedInputTest {
  private static final int IN_FLIGHT = 32;
  private static final String TOKEN_SECRET = "generated-input-token-secret";

  /** Counts ERROR lines from any logger, keeping the first few. */
  private static final class Errors extends AppenderBase<ILoggingEvent> {
    final AtomicInteger count = new AtomicInteger();
    final ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.ERROR) && count.incrementAndGet() <= 5) {
        first.add(event.getLoggerName() + ": " + event.getFormattedMessage());
      }
    }
  }

  private record Probe(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    @Override
    public String toString() {
      return method + " " + uri + " " + headers + (body == null ? "" : " body=" + body.length() + "B:"
          + body.toString().substring(0, Math.min(200, body.length())));
    }
  }

  /** Everything a probe is made of, from one seeded generator. */
  private static final class Generator {
    private static final String[] RECS_KEYS = {"k-home", "k-pdp", "k-cart", "k-home-1", "nope", ""};
    private static final String[] PATHS = {"/v1/recommendations/", "/v1/segments", "/v1/identify", "/v1/events",
        "/klevu/visitor/public/1.0/", "/klevu/recommendations/", "/klevu/search/", "/klevu/analytics/collect", "/demo/",
        "/assets/", "/", "/v2/", "/v1/recommendations/k-home/../../etc/passwd"};
    private static final String URI_SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?";
    private final SplittableRandom random;

    Generator(long seed) {
      random = new SplittableRandom(seed);
    }

    private boolean chance(int percent) {
      return random.nextInt(100) < percent;
    }

    private <T> T pick(T[] from) {
      return from[random.nextInt(from.length)];
    }

    /** Text a URI may carry: safe characters and percent-escapes, valid or not (%zz, %00, %ff). */
    String uriText(int max) {
      int length = random.nextInt(max + 1);
      StringBuilder out = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(10);
        if (kind == 0) {
          out.append('%').append(pick(new String[] {"00", "ff", "zz", "2F", "2e", "C3%A9", "E2%80%AE", "0a", "", "5"}));
        } else {
          out.append(URI_SAFE.charAt(random.nextInt(URI_SAFE.length())));
        }
      }
      return out.toString();
    }

    /** Any characters at all, unicode and controls included. */
    String anyText(int max) {
      int length = random.nextInt(max + 1);
      StringBuilder out = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(8);
        out.appendCodePoint(kind == 0 ? random.nextInt(0x20) : kind == 1 ? 0x80 + random.nextInt(0x2000)
            : kind == 2 ? 0x1F600 + random.nextInt(80) : 0x20 + random.nextInt(0x5f));
      }
      return out.toString();
    }

    String base64(byte[] bytes, boolean url) {
      return (url ? Base64.getUrlEncoder().withoutPadding() : Base64.getEncoder()).encodeToString(bytes);
    }

    /** A JSON value of any type, nested at most {@code depth}. */
    Object jsonValue(int depth) {
      switch (random.nextInt(depth <= 0 ? 6 : 8)) {
        case 0: return null;
        case 1: return random.nextBoolean();
        case 2: return random.nextLong();
        case 3: return random.nextDouble() * 1e12;
        case 4: return anyText(20);
        case 5: return uriText(30);
        case 6: {
          JsonObject object = new JsonObject();
          int n = random.nextInt(5);
          for (int i = 0; i < n; i++) {
            object.put(pick(new String[] {"event", "type", "data", "apiKey", "products", "id", "title", "logic",
                "user_profile", "sessionId", "context", "recordQueries", "exp", anyText(6)}), jsonValue(depth - 1));
          }
          return object;
        }
        default: {
          JsonArray array = new JsonArray();
          int n = random.nextInt(5);
          for (int i = 0; i < n; i++) {
            array.add(jsonValue(depth - 1));
          }
          return array;
        }
      }
    }

    /** A cookie header: well-formed Klaviyo cookies with odd contents, sealed-looking junk, broken syntax. */
    String cookie() {
      StringBuilder out = new StringBuilder();
      int parts = 1 + random.nextInt(3);
      for (int i = 0; i < parts; i++) {
        if (i > 0) {
          out.append(chance(80) ? "; " : ";;");
        }
        switch (random.nextInt(6)) {
          case 0 -> out.append("__kla_id=").append(base64(new JsonObject().put("$exchange_id", chance(50)
              ? TestGateway.exchangeId(uriText(8)) : jsonValue(1)).put("cid", jsonValue(0)).encode()
              .getBytes(StandardCharsets.UTF_8), chance(30)));
          case 1 -> out.append("__kla_id=").append(uriText(120).replace(";", ""));
          case 2 -> out.append("edge_id=").append(base64(randomBytes(random.nextInt(120)), true));
          case 3 -> out.append("edge_id=").append(uriText(600).replace(";", ""));
          case 4 -> out.append(uriText(10).replace("=", "").replace(";", "")).append('=').append(uriText(40).replace(";", ""));
          default -> out.append("__kla_id=").append(base64(randomBytes(random.nextInt(300)), false));
        }
      }
      return out.toString();
    }

    byte[] randomBytes(int n) {
      byte[] bytes = new byte[n];
      for (int i = 0; i < n; i++) {
        bytes[i] = (byte) random.nextInt(256);
      }
      return bytes;
    }

    /** A query string of the page's parameters and others, values generated. */
    String query() {
      StringBuilder out = new StringBuilder();
      int n = random.nextInt(6);
      for (int i = 0; i < n; i++) {
        out.append(i == 0 ? "?" : "&");
        out.append(pick(new String[] {"_kx", "pid", "gpid", "cp", "cart", "sids", "apiKey", "ts", uriText(5)}));
        if (chance(90)) {
          out.append('=').append(chance(20) ? TestGateway.exchangeId(uriText(4)) : uriText(chance(5) ? 5_000 : 40));
        }
      }
      return out.toString();
    }

    /** A compact-JWS-looking token: header and claims of any shape, signed with the gateway's secret or not. */
    String token() {
      if (chance(20)) {
        return anyText(60);
      }
      JsonObject header = new JsonObject().put("alg", pick(new String[] {"HS256", "none", "RS256", "HS512"}));
      if (chance(20)) {
        header.put("crit", jsonValue(1));
      }
      JsonObject claims = new JsonObject();
      long now = System.currentTimeMillis() / 1000;
      claims.put("exp", chance(50) ? (Object) (now + random.nextLong(-1_000, 400_000_000L)) : jsonValue(1));
      if (chance(50)) {
        claims.put("customer", chance(70) ? new JsonObject().put("id", jsonValue(0)).put("email", jsonValue(0)) : jsonValue(1));
      }
      for (String claim : new String[] {"iat", "nbf", "iss", "aud", "sub"}) {
        if (chance(25)) {
          claims.put(claim, jsonValue(1));
        }
      }
      String input = base64(header.encode().getBytes(StandardCharsets.UTF_8), true) + "."
          + base64(claims.encode().getBytes(StandardCharsets.UTF_8), true);
      return input + "." + (chance(50) ? hs256(input) : base64(randomBytes(32), true));
    }

    private static String hs256(String input) {
      try {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(TOKEN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A body: JSON of any shape, JSON with a token, truncated JSON, or bytes. */
    Buffer body() {
      return switch (random.nextInt(5)) {
        case 0 -> new JsonObject().put("customerToken", token()).toBuffer();
        case 1 -> Buffer.buffer(String.valueOf(jsonValue(3)));
        case 2 -> {
          String json = String.valueOf(jsonValue(3));
          yield Buffer.buffer(json.substring(0, random.nextInt(json.length() + 1)));
        }
        case 3 -> Buffer.buffer(randomBytes(random.nextInt(chance(2) ? 80_000 : 500)));
        default -> new JsonArray().add(new JsonObject().put("event", "view").put("data", jsonValue(2))).toBuffer();
      };
    }

    Probe probe() {
      String base = pick(PATHS);
      String path = switch (base) {
        case "/v1/recommendations/" -> base + (chance(70) ? pick(RECS_KEYS) : uriText(20).replace("?", ""));
        case "/klevu/visitor/public/1.0/" -> base + (chance(50) ? "klevu-demo-api-key" : uriText(20).replace("?", ""))
            + "/session";
        case "/klevu/recommendations/" -> base + (chance(50) ? "klevu-demo-api-key" : uriText(12).replace("?", ""))
            + "/settings/" + pick(RECS_KEYS);
        case "/klevu/search/" -> base + pick(new String[] {"127.0.0.1", "x.ksearchnet.com", uriText(15).replace("?", "")})
            + "/cs/v2/search";
        default -> base + (chance(30) ? uriText(15).replace("?", "") : "");
      };
      if (!path.startsWith("/")) {
        path = "/" + path;
      }
      boolean post = path.startsWith("/v1/identify") || path.startsWith("/v1/events") || path.startsWith("/klevu/search")
          || path.startsWith("/klevu/analytics") || path.endsWith("/session") ? chance(90) : chance(10);
      Map<String, String> headers = new java.util.HashMap<>();
      if (chance(70)) {
        headers.put("Cookie", cookie());
      }
      if (post) {
        headers.put("Content-Type", pick(new String[] {"application/json", "application/json; charset=utf-8",
            "text/plain", "application/x-www-form-urlencoded", uriText(10)}));
      }
      if (chance(10)) {
        headers.put("Origin", pick(new String[] {"https://evil.example", "null", "http://127.0.0.1", uriText(20)}));
      }
      if (chance(10)) {
        headers.put("X-Forwarded-For", uriText(30));
      }
      if (chance(5)) {
        headers.put("If-None-Match", uriText(30));
      }
      return new Probe(post ? HttpMethod.POST : HttpMethod.GET, path + query(), headers, post ? body() : null);
    }
  }

  @Test
  void generatedCookiesQueriesPathsBodiesAndTokensNeverGetA5xxOrAnErrorLine() throws Exception {
    int total = Integer.getInteger("generated.requests", 100_000);
    long seed = Long.getLong("generated.seed", 20261203L);
    Errors errors = new Errors();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    errors.start();
    root.addAppender(errors);
    Vertx vertx = Vertx.vertx();
    TestGateway env = null;
    try {
      env = TestGateway.start(vertx, Map.of("EDGE_CUSTOMER_TOKEN_SECRET", TOKEN_SECRET, "EDGE_ACCESS_LOG", "false",
              "EDGE_RATE_LIMIT_PER_S", "0", "EDGE_IDENTIFY_PER_CUSTOMER_PER_MIN", "0"))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
              .setDefaultPort(env.gateway.httpPort()).setKeepAlive(true).setMaxInitialLineLength(64 * 1024),
          new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
      Generator generator = new Generator(seed);
      AtomicLong sent = new AtomicLong();
      AtomicLong answered = new AtomicLong();
      ConcurrentLinkedQueue<String> fives = new ConcurrentLinkedQueue<>();
      AtomicLong noAnswer = new AtomicLong();
      Promise<Void> done = Promise.promise();
      long started = System.nanoTime();
      // the generator is only ever called on this one context: a seed gives the same probes in the same order
      io.vertx.core.Context context = vertx.getOrCreateContext();
      context.runOnContext(v -> {
        for (int i = 0; i < IN_FLIGHT; i++) {
          next(client, generator, sent, answered, total, fives, noAnswer, done);
        }
      });
      done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      System.out.printf("generated inputs: %d requests (seed %d) in %d ms, %d without an answer%n", answered.get(), seed,
          tookMs, noAnswer.get());
      assertThat(answered.get()).isEqualTo(total);
      assertThat(fives).as("5xx answers (seed %d)", seed).isEmpty();
      assertThat(noAnswer.get()).as("requests the gateway never answered (seed %d)", seed).isLessThan(total / 1_000);
      assertThat(errors.first).as("ERROR lines (%d in all, seed %d)", errors.count.get(), seed).isEmpty();
    } finally {
      root.detachAppender(errors);
      if (env != null) {
        env.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void next(HttpClient client, Generator generator, AtomicLong sent, AtomicLong answered, int total,
      ConcurrentLinkedQueue<String> fives, AtomicLong noAnswer, Promise<Void> done) {
    if (sent.getAndIncrement() >= total) {
      return;
    }
    Probe probe = generator.probe();
    RequestOptions options = new RequestOptions().setMethod(probe.method()).setURI(probe.uri()).setTimeout(20_000);
    probe.headers().forEach(options::putHeader);
    Future<Integer> status = client.request(options)
        .compose(request -> probe.body() == null ? request.send() : request.send(probe.body()))
        .compose(response -> response.body().map(body -> response.statusCode()));
    status.onComplete(ar -> {
      if (ar.succeeded() && ar.result() >= 500 && fives.size() < 10) {
        fives.add(ar.result() + " <- " + probe);
      } else if (ar.failed()) {
        noAnswer.incrementAndGet(); // the gateway closed on a request it refused (e.g. a body past the limit)
      }
      if (answered.incrementAndGet() == total) {
        done.tryComplete();
      } else {
        next(client, generator, sent, answered, total, fives, noAnswer, done);
      }
    });
  }
}
