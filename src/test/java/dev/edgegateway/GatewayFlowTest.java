package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole flow over real loopback sockets: gateway in front, simulated Klevu and Klaviyo behind. */
@ExtendWith(VertxExtension.class)
class GatewayFlowTest {
  private TestGateway env;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    // upstream latency keeps every flight in the air while the burst arrives
    SimulatorOptions sim = new SimulatorOptions().setPort(0);
    // budgets generous enough that a busy CI machine cannot turn a dedup test into a latency test
    TestGateway.start(vertx, sim, Map.of("EDGE_REQUEST_TIMEOUT_MS", "5000", "EDGE_SEGMENTS_BUDGET_MS", "4000")).onComplete(ctx.succeeding(started -> {
      env = started;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> recs(String cookie, String query) {
    var request = env.client.get("/v1/recommendations/k-home" + (query == null ? "" : query));
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return request.send();
  }

  @Test
  void identifiedShopperGetsPersonalisedProducts(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("alice"));
    recs(cookie, null).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getBoolean("personalized")).isTrue();
      assertThat(body.getJsonArray("products")).isNotEmpty();
      assertThat(body.getJsonObject("analytics").getString("segmentKey")).isNotNull();
      assertThat(body.getJsonArray("degraded")).isEmpty();
      assertThat(response.getHeader("Cache-Control")).isEqualTo("private, no-store");
      assertThat(response.getHeader("Server-Timing")).contains("identity;dur=", "segments;dur=", "recs;dur=", "total;dur=");
      assertThat(response.getHeader("X-Cache")).isEqualTo("miss");
      // the shopper's exchange id never comes back to the browser
      assertThat(response.bodyAsString()).doesNotContain(TestGateway.exchangeId("alice"));
      assertThat(String.join(";", response.cookies())).doesNotContain(TestGateway.exchangeId("alice"));
      ctx.completeNow();
    })));
  }

  @Test
  void anonymousShopperGetsUnsegmentedProductsWithoutASession(VertxTestContext ctx) {
    recs(null, "?pid=39814").onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getBoolean("personalized")).isFalse();
      assertThat(body.getJsonArray("products")).isNotEmpty();
      // its page needs no Klevu session: its first event makes one (AnonymousVisitorTest)
      assertThat(response.cookies()).isEmpty();
      assertThat(env.count(SimCounter.SESSION)).isZero();
      assertThat(response.getHeader("X-Cache")).isEqualTo("miss");
      ctx.completeNow();
    })));
  }

  @Test
  void secondPageLoadIsServedFromCache(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("bob"));
    recs(cookie, null).compose(first -> recs(cookie, null)).onComplete(ctx.succeeding(second -> ctx.verify(() -> {
      assertThat(second.getHeader("X-Cache")).isEqualTo("hit-l1");
      assertThat(env.count(SimCounter.SESSION)).isEqualTo(1);
      assertThat(env.count(SimCounter.CONFIG)).isEqualTo(1);
      assertThat(env.count(SimCounter.SEARCH)).isEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  void burstOfFirstPageLoadsMakesOneSessionAndOneConfigCall(VertxTestContext ctx) {
    env.sim.state().applyRuntimeConfig(new JsonObject().put("upstreams", new JsonObject()
        .put("all", new JsonObject().put("latencyMs", 400))));
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("burst"));
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(recs(cookie, null));
    }
    Future.all(all).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
      for (Future<HttpResponse<Buffer>> f : all) {
        assertThat(f.result().statusCode()).isEqualTo(200);
        assertThat(f.result().bodyAsJsonObject().getBoolean("personalized")).isTrue();
      }
      assertThat(env.count(SimCounter.SESSION)).isEqualTo(1);
      assertThat(env.count(SimCounter.CONFIG)).isEqualTo(1);
      assertThat(env.count(SimCounter.SEARCH)).isEqualTo(1);
      double followers = Metrics.of(env.vertx).counter("edge_singleflight_calls_total",
          "flight", "page", "role", "follower").count();
      double leaders = Metrics.of(env.vertx).counter("edge_singleflight_calls_total",
          "flight", "page", "role", "leader").count();
      // every request that arrived while the page was being assembled waited for it instead of assembling its own
      assertThat(followers).as("requests that joined the page being assembled").isGreaterThan(0);
      assertThat(leaders + followers).isEqualTo(200);
      Set<String> bodies = new HashSet<>();
      Set<String> identityCookies = new HashSet<>();
      for (Future<HttpResponse<Buffer>> f : all) {
        bodies.add(f.result().bodyAsString());
        // the value only: Expires carries the second each answer was written in
        identityCookies.addAll(f.result().cookies().stream().filter(c -> c.startsWith("edge_id="))
            .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).toList());
      }
      assertThat(bodies).as("everyone got the same page").hasSize(1);
      assertThat(identityCookies).as("one sealed gateway cookie for the one shopper").hasSize(1);
      assertThat(env.sim.state().inFlightMax(Upstream.VISITOR)).isEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  void klevuVisitorDownDegradesToUnsegmentedNever5xx(VertxTestContext ctx) {
    env.sim.state().applyRuntimeConfig(new JsonObject().put("upstreams", new JsonObject()
        .put(Upstream.VISITOR.key(), new JsonObject().put("fault", "error"))));
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("carol"));
    recs(cookie, null).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getBoolean("personalized")).isFalse();
      assertThat(body.getJsonArray("products")).isNotEmpty();
      assertThat(body.getJsonArray("degraded")).contains("segments");
      assertThat(response.getHeader("X-Edge-Outcome")).isEqualTo("degraded");
      ctx.completeNow();
    })));
  }

  @Test
  void everyUpstreamDownStillAnswers200WithAnEmptyBanner(VertxTestContext ctx) {
    env.sim.state().applyRuntimeConfig(new JsonObject().put("upstreams", new JsonObject()
        .put("all", new JsonObject().put("fault", "down"))));
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("dave"));
    recs(cookie, null).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getJsonArray("products")).isEmpty();
      assertThat(body.getJsonArray("degraded")).contains("segments", "recs");
      ctx.completeNow();
    })));
  }

  @Test
  void segmentsRouteExposesAlgoliaRuleContexts(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("erin"));
    env.client.get("/v1/segments").putHeader("Cookie", cookie).send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getBoolean("identified")).isTrue();
      JsonArray segments = body.getJsonArray("segments");
      assertThat(segments).isNotEmpty();
      JsonArray contexts = body.getJsonArray("ruleContexts");
      assertThat(contexts.size()).isBetween(1, 10);
      contexts.forEach(c -> assertThat((String) c).matches("[A-Za-z0-9_-]+"));
      ctx.completeNow();
    })));
  }

  @Test
  void kxLinkParameterIdentifiesAndLaterPagesStayIdentifiedByTheSealedCookie(VertxTestContext ctx) {
    String kx = TestGateway.exchangeId("frank");
    env.client.get("/v1/recommendations/k-home").addQueryParam("_kx", kx).send().compose(first -> {
      ctx.verify(() -> assertThat(first.bodyAsJsonObject().getBoolean("personalized")).isTrue());
      String sealed = first.cookies().stream().filter(c -> c.startsWith("edge_id=")).findFirst().orElseThrow();
      ctx.verify(() -> assertThat(sealed).doesNotContain(kx));
      return recs(sealed.substring(0, sealed.indexOf(';')), null);
    }).onComplete(ctx.succeeding(second -> ctx.verify(() -> {
      assertThat(second.bodyAsJsonObject().getBoolean("personalized")).isTrue();
      assertThat(env.count(SimCounter.SESSION)).isEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  void optedOutShopperIsNotSentUpstreamAsIdentified(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("gina")) + "; __kla_off=true";
    recs(cookie, null).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.bodyAsJsonObject().getBoolean("personalized")).isFalse();
      assertThat(env.sim.state().storedSessions()).isLessThanOrEqualTo(1);
      ctx.completeNow();
    })));
  }
}
