package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.TestGateway;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One page load reads the banner memo once: {@code edge_recs_memo_total} grows by exactly one hit or one miss
 * per page, whichever way the page is answered. Real sockets on loopback, simulated Klevu behind.
 */
@ExtendWith(VertxExtension.class)
class MemoCountPerPageTest {
  private TestGateway env;

  /** Hits and misses of the memo so far. */
  private record Counts(double hits, double misses) {
    Counts minus(Counts before) {
      return new Counts(hits - before.hits, misses - before.misses);
    }
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, Map.of()).onComplete(ctx.succeeding(started -> {
      env = started;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  private Counts counts() {
    return new Counts(Metrics.of(env.vertx).counter("edge_recs_memo_total", "result", "hit").count(),
        Metrics.of(env.vertx).counter("edge_recs_memo_total", "result", "miss").count());
  }

  /** Loads the page and answers what it added to the memo's counts. */
  private Future<Counts> page(String cookie, String pid) {
    Counts before = counts();
    return env.client.get("/v1/recommendations/k-home?pid=" + pid).putHeader("Cookie", cookie).send()
        .map(response -> {
          assertThat(response.statusCode()).isEqualTo(200);
          return counts().minus(before);
        });
  }

  private static String shopper(String seed) {
    return "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId(seed));
  }

  @Test
  void aColdPageCountsOneMiss(VertxTestContext ctx) {
    page(shopper("memo-cold"), "39814").onComplete(ctx.succeeding(added -> ctx.verify(() -> {
      assertThat(added).isEqualTo(new Counts(0, 1));
      ctx.completeNow();
    })));
  }

  @Test
  void warmSegmentsAndANewPidCountOneMiss(VertxTestContext ctx) {
    String cookie = shopper("memo-new-pid");
    page(cookie, "39814")
        .compose(first -> page(cookie, "11687"))
        .onComplete(ctx.succeeding(added -> ctx.verify(() -> {
          assertThat(added).as("the page read in place missed the memo; its bus path does not read it again")
              .isEqualTo(new Counts(0, 1));
          ctx.completeNow();
        })));
  }

  @Test
  void aWarmPageCountsOneHit(VertxTestContext ctx) {
    String cookie = shopper("memo-warm");
    page(cookie, "39814")
        .compose(first -> page(cookie, "39814"))
        .onComplete(ctx.succeeding(added -> ctx.verify(() -> {
          assertThat(added).isEqualTo(new Counts(1, 0));
          ctx.completeNow();
        })));
  }

  @Test
  void anAnonymousFirstPageCountsOneMiss(VertxTestContext ctx) {
    Counts before = counts();
    env.client.get("/v1/recommendations/k-home?pid=39814").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(counts().minus(before)).isEqualTo(new Counts(0, 1));
          ctx.completeNow();
        })));
  }
}
