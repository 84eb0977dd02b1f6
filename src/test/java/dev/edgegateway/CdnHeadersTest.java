package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.SimCounter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a CDN in front of the gateway is told: an answer that is the same for every anonymous visitor is public for
 * the gateway's own TTLs, with a strong ETag (304 on If-None-Match), a surrogate key per recsKey and no cookie;
 * anything that depends on a shopper stays private. Real sockets on loopback, simulated Klevu behind.
 */
@ExtendWith(VertxExtension.class)
class CdnHeadersTest {
  private static final String API_KEY = "klevu-164270249063714699";
  /** The defaults: config 300 s, search 60 s, stale-while-revalidate 30 s, stale-if-error 3600 s. */
  private static final String SHARED = "public, s-maxage=60, stale-while-revalidate=30, stale-if-error=3600";
  private static final String PRIVATE = "private, no-store";
  private TestGateway env;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (env == null) {
      ctx.completeNow();
      return;
    }
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private Future<TestGateway> start(Vertx vertx, Map<String, String> extraEnv) {
    Map<String, String> withKey = new java.util.HashMap<>(extraEnv);
    withKey.putIfAbsent("EDGE_KLEVU_API_KEYS", API_KEY); // the key the Klevu-compatible routes are asked with
    return TestGateway.start(vertx, withKey).onSuccess(started -> env = started);
  }

  private Future<HttpResponse<Buffer>> page(String query, String cookie, String ifNoneMatch) {
    HttpRequest<Buffer> request = env.client.get("/v1/recommendations/k-home" + (query == null ? "" : query));
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    if (ifNoneMatch != null) {
      request.putHeader("If-None-Match", ifNoneMatch);
    }
    return request.send();
  }

  private static void assertShared(HttpResponse<Buffer> answer) {
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.getHeader("Cache-Control")).isEqualTo(SHARED);
    assertThat(answer.getHeader("ETag")).matches("\"[A-Za-z0-9_-]{27}\"");
    assertThat(answer.getHeader("Surrogate-Key")).isEqualTo("recs-k-home");
    assertThat(answer.getHeader("Cache-Tag")).isEqualTo("recs-k-home");
    assertThat(answer.getHeader("Vary")).isEqualTo("Cookie");
    assertThat(answer.headers().getAll("Set-Cookie")).isEmpty();
  }

  private static void assertPrivate(HttpResponse<Buffer> answer) {
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.getHeader("Cache-Control")).isEqualTo(PRIVATE);
    assertThat(answer.getHeader("ETag")).isNull();
    assertThat(answer.getHeader("Surrogate-Key")).isNull();
    assertThat(answer.getHeader("Cache-Tag")).isNull();
    assertThat(answer.getHeader("Vary")).isEqualTo("Cookie");
  }

  @Test
  void anAnonymousPageIsSharedWithAStrongETagAnd304(Vertx vertx, VertxTestContext ctx) {
    List<HttpResponse<Buffer>> seen = new ArrayList<>();
    start(vertx, Map.of())
        .compose(started -> page("?pid=39814", null, null))
        .compose(first -> {
          seen.add(first);
          // the warm one answered from memory: the same validator for the same bytes
          return page("?pid=39814", "__kla_id=" + TestGateway.klaCookie(null) + "; _ga=GA1.1.1", null);
        })
        .compose(second -> {
          seen.add(second);
          return page("?pid=39814", null, "W/\"other\", " + second.getHeader("ETag"));
        })
        .compose(notModified -> {
          seen.add(notModified);
          return page("?pid=39814", null, "\"not-this-one\"");
        })
        .onComplete(ctx.succeeding(changed -> ctx.verify(() -> {
          HttpResponse<Buffer> first = seen.get(0);
          HttpResponse<Buffer> second = seen.get(1);
          HttpResponse<Buffer> notModified = seen.get(2);
          assertShared(first);
          assertShared(second);
          assertThat(second.getHeader("Server-Timing")).contains("memory;dur=");
          assertThat(second.getHeader("ETag")).isEqualTo(first.getHeader("ETag"));
          assertThat(second.bodyAsString()).isEqualTo(first.bodyAsString());
          assertThat(notModified.statusCode()).isEqualTo(304);
          assertThat(notModified.body()).isNull();
          assertThat(notModified.getHeader("ETag")).isEqualTo(first.getHeader("ETag"));
          assertThat(notModified.getHeader("Cache-Control")).isEqualTo(SHARED);
          assertThat(notModified.getHeader("Surrogate-Key")).isEqualTo("recs-k-home");
          assertThat(notModified.headers().getAll("Set-Cookie")).isEmpty();
          assertThat(changed.statusCode()).isEqualTo(200);
          assertThat(changed.bodyAsJsonObject().getJsonArray("products")).isNotEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void everyShopperSignalKeepsThePagePrivate(Vertx vertx, VertxTestContext ctx) {
    String identified = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("cdn-alice"));
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    start(vertx, Map.of())
        .compose(started -> page(null, null, null))
        .compose(warm -> {
          answers.add(page(null, identified, null));
          answers.add(page("?_kx=" + TestGateway.exchangeId("cdn-bob"), null, null));
          answers.add(page("?_kx=not-an-exchange-id", null, null));
          answers.add(page(null, "edge_ks=3f1c8a52-0d2e-4d7b-9a55-0a4c1e2b7d10", null));
          answers.add(page(null, "edge_id=anything", null));
          // a validator does not turn a private answer into a 304
          answers.add(page(null, identified, "*"));
          return Future.all(answers);
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (Future<HttpResponse<Buffer>> answer : answers) {
            assertPrivate(answer.result());
          }
          assertThat(answers.get(0).result().bodyAsJsonObject().getBoolean("personalized")).isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  void sharingSwitchedOffMakesEveryAnswerPrivate(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of("EDGE_CDN_SHAREABLE", "false"))
        .compose(started -> page(null, null, null))
        .compose(first -> page(null, null, "*"))
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertPrivate(second);
          ctx.completeNow();
        })));
  }

  @Test
  void theConfigBySidsIsSharedAndTheSearchByPayloadUnlessItNamesAVisitor(Vertx vertx, VertxTestContext ctx) {
    String settings = "/klevu/recommendations/" + API_KEY + "/settings/k-home?sids=seg-b,seg-a";
    List<HttpResponse<Buffer>> seen = new ArrayList<>();
    start(vertx, Map.of("EDGE_PUBLIC_BASE_URL", "https://edge.shop.test", "EDGE_TTL_JITTER", "0"))
        .compose(started -> env.client.get(settings).putHeader("Cookie", "edge_ks=x").send())
        .compose(config -> {
          seen.add(config);
          return env.client.get(settings).putHeader("If-None-Match", config.getHeader("ETag")).send();
        })
        .compose(notModified -> {
          seen.add(notModified);
          JsonObject config = seen.get(0).bodyAsJsonObject();
          String path = config.getJsonObject("search").getString("basePath").substring("edge.shop.test".length());
          JsonObject payload = new JsonObject(config.getJsonObject("search").getString("payload"))
              .put("context", new JsonObject().put("apiKeys", new JsonArray().add(API_KEY)));
          JsonObject withSession = payload.copy();
          // a key naming a session inside a query's settings (the strict simulator takes only apiKeys in context)
          withSession.getJsonArray("recordQueries").getJsonObject(0).getJsonObject("settings")
              .put("sessionId", "3f1c8a52-0d2e-4d7b-9a55-0a4c1e2b7d10");
          return env.client.post(path).sendJsonObject(payload)
              .compose(shared -> env.client.post(path).sendJsonObject(withSession).map(own -> List.of(shared, own)));
        })
        .onComplete(ctx.succeeding(searches -> ctx.verify(() -> {
          HttpResponse<Buffer> config = seen.get(0);
          assertThat(config.statusCode()).isEqualTo(200);
          assertThat(config.getHeader("Cache-Control"))
              .matches("public, s-maxage=(29\\d|300), stale-while-revalidate=30, stale-if-error=3600");
          assertThat(config.getHeader("Surrogate-Key")).isEqualTo("recs-k-home");
          assertThat(config.getHeader("Cache-Tag")).isEqualTo("recs-k-home");
          assertThat(config.getHeader("ETag")).startsWith("\"");
          assertThat(config.getHeader("Vary")).as("the config depends on its URL alone").isNull();
          assertThat(config.headers().getAll("Set-Cookie")).isEmpty();
          assertThat(seen.get(1).statusCode()).isEqualTo(304);
          assertThat(env.count(SimCounter.CONFIG)).isEqualTo(1);

          HttpResponse<Buffer> shared = searches.get(0);
          assertThat(shared.statusCode()).isEqualTo(200);
          assertThat(shared.getHeader("Cache-Control"))
              .matches("public, s-maxage=(5\\d|60), stale-while-revalidate=30, stale-if-error=3600");
          assertThat(shared.getHeader("Surrogate-Key")).isEqualTo("klevu-search");
          assertThat(shared.getHeader("ETag")).startsWith("\"");
          HttpResponse<Buffer> own = searches.get(1);
          assertThat(own.statusCode()).isEqualTo(200);
          assertThat(own.getHeader("Cache-Control")).isEqualTo(PRIVATE);
          assertThat(own.getHeader("ETag")).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  void withoutAPublicBaseUrlTheConfigVariesOnHostWhenSeveralPublicHostsAreListed(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of("EDGE_PUBLIC_HOSTS", "edge-a.shop.test, edge-b.shop.test"))
        .compose(started -> env.client.get("/klevu/recommendations/" + API_KEY + "/settings/k-home").send())
        .onComplete(ctx.succeeding(config -> ctx.verify(() -> {
          assertThat(config.statusCode()).isEqualTo(200);
          assertThat(config.getHeader("Cache-Control")).startsWith("public, s-maxage=");
          assertThat(config.getHeader("Vary")).as("its basePath names the Host asked, if listed").isEqualTo("Host");
          ctx.completeNow();
        })));
  }
}
