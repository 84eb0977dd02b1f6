package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.SimCounter;
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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An anonymous visitor's page costs no Klevu session: with the banner's config and search cached it costs no
 * upstream call at all and sets no cookie. Its session is made when something needs it (its first event), once
 * however many of its events arrive at once. Real sockets on loopback, simulated Klevu behind.
 */
@ExtendWith(VertxExtension.class)
class AnonymousVisitorTest {
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
    return TestGateway.start(vertx, extraEnv).onSuccess(started -> env = started);
  }

  private Future<HttpResponse<Buffer>> page(String cookie) {
    var request = env.client.get("/v1/recommendations/k-home?pid=39814");
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return request.send();
  }

  private long upstreamCalls() {
    return env.count(SimCounter.SESSION) + env.count(SimCounter.CONFIG) + env.count(SimCounter.SEARCH)
        + env.count(SimCounter.PROFILES);
  }

  private static String sessionCookie(HttpResponse<Buffer> response) {
    return response.cookies().stream().filter(c -> c.startsWith("edge_ks=")).map(c -> c.split(";")[0])
        .findFirst().orElse(null);
  }

  @Test
  void cookieLessPagesWithConfigAndSearchCachedMakeNoUpstreamCall(Vertx vertx, VertxTestContext ctx) {
    List<Long> before = new ArrayList<>();
    start(vertx, Map.of())
        .compose(started -> page(null))
        .compose(first -> {
          ctx.verify(() -> {
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.cookies()).as("a cookie-less first page sets no cookie").isEmpty();
            assertThat(env.count(SimCounter.SESSION)).as("and makes no Klevu session").isZero();
          });
          before.add(upstreamCalls());
          List<Future<HttpResponse<Buffer>>> pages = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            pages.add(page(null));
          }
          return Future.all(pages).map(all -> pages.stream().map(Future::result).toList());
        })
        .onComplete(ctx.succeeding(pages -> ctx.verify(() -> {
          assertThat(upstreamCalls()).as("upstream calls for 20 warm cookie-less pages").isEqualTo(before.get(0));
          for (HttpResponse<Buffer> page : pages) {
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().getAll("Set-Cookie")).isEmpty();
            assertThat(page.getHeader("X-Cache")).as("what the answer came from").isEqualTo("hit-l1");
            assertThat(page.getHeader("Server-Timing")).contains("memory;dur=");
            assertThat(page.bodyAsJsonObject().getJsonArray("products")).isNotEmpty();
            assertThat(page.bodyAsJsonObject().getBoolean("personalized")).isFalse();
          }
          ctx.completeNow();
        })));
  }

  @Test
  void anonymousPagesWithTheFastPathOffStillMakeNoSession(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of("EDGE_HTTP_FAST_PATH", "false"))
        .compose(started -> page("__kla_id=" + TestGateway.klaCookie(null)))
        .compose(first -> page(null).map(second -> List.of(first, second)))
        .onComplete(ctx.succeeding(pages -> ctx.verify(() -> {
          for (HttpResponse<Buffer> page : pages) {
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.cookies()).isEmpty();
          }
          assertThat(pages.get(1).getHeader("X-Cache")).isEqualTo("hit-l1");
          assertThat(env.count(SimCounter.SESSION)).isZero();
          assertThat(env.count(SimCounter.CONFIG)).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  private static JsonObject impression() {
    return new JsonObject().put("type", "impression").put("recsKey", "k-home")
        .put("list", new JsonObject().put("title", "Trending now").put("logic", "TRENDING"))
        .put("items", new JsonArray().add(new JsonObject().put("id", "39814")));
  }

  @Test
  void concurrentFirstEventsOfOneAnonymousVisitorMakeOneKlevuSession(Vertx vertx, VertxTestContext ctx) {
    // a Klaviyo cookie without an exchange id: anonymous, recognisable by its client id
    String visitor = "__kla_id=" + TestGateway.klaCookie(null);
    int events = 30;
    start(vertx, Map.of("EDGE_REQUEST_TIMEOUT_MS", "5000"))
        .compose(started -> {
          // every event is in the air before the session call is answered
          env.sim.state().applyRuntimeConfig(new JsonObject().put("upstreams", new JsonObject()
              .put("visitor", new JsonObject().put("latencyMs", 300))));
          List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
          for (int i = 0; i < events; i++) {
            sent.add(env.client.post("/v1/events").putHeader("Cookie", visitor).sendJsonObject(impression()));
          }
          return Future.all(sent).map(all -> sent.stream().map(Future::result).toList());
        })
        .compose(answers -> {
          ctx.verify(() -> {
            Set<String> sessions = new HashSet<>();
            for (HttpResponse<Buffer> answer : answers) {
              assertThat(answer.statusCode()).isEqualTo(202);
              sessions.add(sessionCookie(answer));
            }
            assertThat(sessions).as("one session, handed to every event's answer").hasSize(1).doesNotContainNull();
            assertThat(env.count(SimCounter.SESSION)).isEqualTo(1);
          });
          // later: the same visitor's event reuses the kept session, with or without the cookie it was given
          return env.client.post("/v1/events").putHeader("Cookie", visitor).sendJsonObject(impression());
        })
        .compose(later -> Awaits.until(env.vertx, () -> env.count(SimCounter.EVENTS) >= events + 1, 5_000)
            .map(later))
        .onComplete(ctx.succeeding(later -> ctx.verify(() -> {
          assertThat(later.statusCode()).isEqualTo(202);
          assertThat(env.count(SimCounter.SESSION)).as("the session is reused for its TTL").isEqualTo(1);
          Set<String> sent = new HashSet<>();
          env.sim.state().events().forEach(e -> sent.add(e.getJsonObject("user_profile").getString("sessionId")));
          assertThat(sent).hasSize(1).doesNotContainNull();
          ctx.completeNow();
        })));
  }

  @Test
  void anOptedOutVisitorsEventsMakeNoSession(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of())
        .compose(started -> env.client.post("/v1/events").putHeader("Cookie", "__kla_off=true")
            .sendJsonObject(impression()))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertThat(answer.statusCode()).isEqualTo(202);
          assertThat(answer.cookies()).isEmpty();
          assertThat(env.count(SimCounter.SESSION)).isZero();
          ctx.completeNow();
        })));
  }
}
