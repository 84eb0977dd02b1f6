package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.SimCounter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pages whose session and banner are fresh in memory are answered on the HTTP event loop, without bus hops:
 * with the very body the bus path gives, never past the freshness of what they were built from, and not at
 * all with {@code EDGE_HTTP_FAST_PATH=false}. Real sockets on loopback, simulated Klevu behind.
 */
@ExtendWith(VertxExtension.class)
class FastPathTest {
  private static final String IN_PLACE = "memory;dur=";
  private static final String OVER_THE_BUS = "recs;dur=";
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

  private Future<HttpResponse<Buffer>> page(String cookie, String query) {
    var request = env.client.get("/v1/recommendations/k-home" + (query == null ? "" : query));
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return request.send();
  }

  private double memoHits() {
    return Metrics.of(env.vertx).counter("edge_recs_memo_total", "result", "hit").count();
  }

  @Test
  void freshPageIsAnsweredInPlaceWithTheBodyTheBusPathGave(Vertx vertx, VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("fast-alice"));
    AtomicReference<HttpResponse<Buffer>> viaBus = new AtomicReference<>();
    start(vertx, Map.of())
        .compose(started -> page(cookie, "?pid=39814"))
        .compose(first -> {
          viaBus.set(first);
          return page(cookie, "?pid=39814");
        })
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          HttpResponse<Buffer> first = viaBus.get();
          assertThat(first.getHeader("Server-Timing")).contains(OVER_THE_BUS).doesNotContain(IN_PLACE);
          assertThat(first.bodyAsJsonObject().getBoolean("personalized")).isTrue();
          assertThat(second.statusCode()).isEqualTo(200);
          assertThat(second.getHeader("Server-Timing")).contains("identity;dur=", IN_PLACE).doesNotContain(OVER_THE_BUS);
          assertThat(second.getHeader("X-Cache")).isEqualTo("hit-l1");
          assertThat(second.getHeader("X-Edge-Outcome")).isEqualTo("ok");
          assertThat(second.getHeader("Cache-Control")).isEqualTo("private, no-store");
          assertThat(second.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
          // one read of the memo per page: the first page missed it (and filled it), the second was answered from it
          assertThat(memoHits()).isEqualTo(1.0);
          assertThat(Metrics.of(env.vertx).counter("edge_recs_memo_total", "result", "miss").count()).isEqualTo(1.0);
          // the segments read in place count as the segment cache's hits, like the verticle's own
          assertThat(Metrics.of(env.vertx).counter("edge_cache_lookups_total", "cache", "segments", "status", "hit-l1")
              .count()).isEqualTo(1.0);
          assertThat(env.count(SimCounter.SESSION)).isEqualTo(1);
          assertThat(env.count(SimCounter.CONFIG)).isEqualTo(1);
          assertThat(env.count(SimCounter.SEARCH)).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void anotherPageContextIsNotAnsweredFromTheMemo(Vertx vertx, VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("fast-bob"));
    start(vertx, Map.of())
        .compose(started -> page(cookie, "?pid=39814"))
        .compose(first -> page(cookie, "?pid=11687"))
        .onComplete(ctx.succeeding(other -> ctx.verify(() -> {
          assertThat(other.getHeader("Server-Timing")).contains(OVER_THE_BUS).doesNotContain(IN_PLACE);
          assertThat(other.getHeader("X-Cache")).isEqualTo("miss");
          assertThat(env.count(SimCounter.CONFIG)).isEqualTo(2);
          assertThat(env.count(SimCounter.SESSION)).isEqualTo(1);
          // the session read in place is used by the bus path too, and counted once
          assertThat(Metrics.of(env.vertx).counter("edge_cache_lookups_total", "cache", "segments", "status", "hit-l1")
              .count()).isEqualTo(1.0);
          ctx.completeNow();
        })));
  }

  @Test
  void anonymousShopperHoldingASessionIsAnsweredInPlace(Vertx vertx, VertxTestContext ctx) {
    start(vertx, Map.of())
        .compose(started -> page(null, null))
        .compose(first -> page("edge_ks=3f1c8a52-0d2e-4d7b-9a55-0a4c1e2b7d10", null))
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertThat(second.getHeader("Server-Timing")).contains(IN_PLACE);
          assertThat(second.bodyAsJsonObject().getBoolean("personalized")).isFalse();
          assertThat(second.bodyAsJsonObject().getJsonArray("products")).isNotEmpty();
          assertThat(second.cookies()).as("the session cookie it holds is not set again").isEmpty();
          assertThat(second.getHeader("Cache-Control")).as("it sent a session: not for a CDN").isEqualTo("private, no-store");
          assertThat(env.count(SimCounter.SESSION)).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void memoisedBannerIsNeverServedPastTheFreshnessOfItsSearch(Vertx vertx, VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("fast-carol"));
    AtomicReference<HttpResponse<Buffer>> stale = new AtomicReference<>();
    start(vertx, Map.of("EDGE_SEARCH_TTL_S", "1", "EDGE_TTL_JITTER", "0"))
        .compose(started -> page(cookie, null))
        .compose(first -> page(cookie, null))
        .compose(second -> {
          assertThat(second.getHeader("Server-Timing")).contains(IN_PLACE);
          // keep loading the page: once the search is past its second, the answer must come the bus way, stale,
          // with one background refresh; never in place from the memo
          // (a memo that outlived its inputs would answer hit-l1 in place for ever, and this would time out)
          return Awaits.until(vertx, () -> {
            page(cookie, null).onSuccess(seen -> {
              if ("stale".equals(seen.getHeader("X-Cache"))) {
                stale.compareAndSet(null, seen);
              }
            });
            return stale.get() != null;
          }, 10_000, 50);
        })
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertThat(stale.get().getHeader("Server-Timing")).contains(OVER_THE_BUS).doesNotContain(IN_PLACE);
          assertThat(stale.get().statusCode()).isEqualTo(200);
          assertThat(stale.get().bodyAsJsonObject().getJsonArray("products")).isNotEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void switchedOffEveryStepGoesOverTheBus(Vertx vertx, VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("fast-dave"));
    start(vertx, Map.of("EDGE_HTTP_FAST_PATH", "false"))
        .compose(started -> page(cookie, null))
        .compose(first -> page(cookie, null))
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertThat(second.getHeader("X-Cache")).isEqualTo("hit-l1");
          assertThat(second.getHeader("Server-Timing")).contains("segments;dur=", OVER_THE_BUS).doesNotContain(IN_PLACE);
          assertThat(memoHits()).isZero();
          // nobody reads the memo, so nothing is encoded into it
          assertThat(Metrics.of(env.vertx).get("edge_cache_memory_entries").tag("cache", "banners").gauge().value())
              .isZero();
          assertThat(List.of(env.count(SimCounter.SESSION), env.count(SimCounter.CONFIG))).containsOnly(1L);
          ctx.completeNow();
        })));
  }
}
