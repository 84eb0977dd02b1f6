package dev.edgegateway.recs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.edgegateway.cache.CacheStatus;
import dev.edgegateway.cache.MemoryCacheOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BannerMemoTest {
  private static final RecsRequest PAGE = new RecsRequest("api", "k-home", List.of("s1", "s2"), "p1", null, null);
  private static final RecsResult RESULT = new RecsResult(new JsonObject().put("title", "Picked for you"),
      new JsonArray().add(new JsonObject().put("id", "1")), true, null, CacheStatus.MISS);

  @Test
  void remembersWithTheEncodedPageBodyAndAnswersAsAnL1Hit() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BannerMemo memo = new BannerMemo(100, 0, registry);
    memo.remember(PAGE, RESULT, System.currentTimeMillis() + 60_000);
    BannerMemo.FreshBanner banner = memo.lookupNow(PAGE);
    assertThat(banner).isNotNull();
    assertThat(banner.result().cacheStatus()).isEqualTo(CacheStatus.HIT_L1);
    assertThat(new JsonObject(banner.pageBody())).isEqualTo(RESULT.toPage("k-home", List.of()));
    assertThat(registry.counter("edge_recs_memo_total", "result", "hit").count()).isEqualTo(1.0);
  }

  @Test
  void keysOnEveryPartOfThePage() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BannerMemo memo = new BannerMemo(100, 0, registry);
    memo.remember(PAGE, RESULT, System.currentTimeMillis() + 60_000);
    assertThat(memo.lookupNow(new RecsRequest("api", "k-home", List.of("s1"), "p1", null, null))).isNull();
    assertThat(memo.lookupNow(new RecsRequest("api", "k-home", List.of("s1", "s2"), "p2", null, null))).isNull();
    assertThat(memo.lookupNow(new RecsRequest("api", "k-cart", List.of("s1", "s2"), "p1", null, null))).isNull();
    assertThat(memo.lookupNow(new RecsRequest("other", "k-home", List.of("s1", "s2"), "p1", null, null))).isNull();
    assertThat(memo.lookupNow(new RecsRequest("api", "k-home", List.of("s1", "s2"), null, "p1", null))).isNull();
    assertThat(registry.counter("edge_recs_memo_total", "result", "miss").count()).isEqualTo(5.0);
  }

  @Test
  void noValueCanPoseAsAnother() {
    assertThat(BannerMemo.key(new RecsRequest("api", "k", List.of(), "a\u0000b", null, null)))
        .isNotEqualTo(BannerMemo.key(new RecsRequest("api", "k", List.of(), "a", "b", null)));
    assertThat(BannerMemo.key(new RecsRequest("api", "k", List.of("s1,s2"), null, null, null)))
        .isNotEqualTo(BannerMemo.key(new RecsRequest("api", "k", List.of("s1", "s2"), null, null, null)));
    assertThat(BannerMemo.key(new RecsRequest("api", "k", List.of(), "", null, null)))
        .isNotEqualTo(BannerMemo.key(new RecsRequest("api", "k", List.of(), null, null, null)));
    assertThat(BannerMemo.key(new RecsRequest("api", "k", List.of(), "3:abc", null, null)))
        .isNotEqualTo(BannerMemo.key(new RecsRequest("api", "k", List.of(), "3", "abc", null)));
  }

  @Test
  void anUnreadMemoKeepsNothing() {
    BannerMemo memo = BannerMemo.unread(new SimpleMeterRegistry());
    memo.remember(PAGE, RESULT, System.currentTimeMillis() + 60_000);
    assertThat(memo.lookupNow(PAGE)).isNull();
    assertThat(memo.store().estimatedSize()).isZero();
  }

  @Test
  void nothingPastItsFreshnessIsRemembered() {
    BannerMemo memo = new BannerMemo(100, 0, new SimpleMeterRegistry());
    memo.remember(PAGE, RESULT, System.currentTimeMillis() - 1);
    assertThat(memo.lookupNow(PAGE)).isNull();
  }

  @Test
  void theHoldBoundWinsOverLongerFreshnessAndNeverExtendsShorter() {
    assertThat(BannerMemo.holdUntil(1_000, 600_000, 10_000)).isEqualTo(11_000);
    assertThat(BannerMemo.holdUntil(1_000, 5_000, 10_000)).isEqualTo(5_000);
    assertThat(BannerMemo.holdUntil(1_000, 600_000, 0)).as("no bound without Redis").isEqualTo(600_000);
  }

  @Test
  void pastItsHoldABannerIsStillAnsweredWhileOneBackgroundCheckRuns() {
    BannerMemo memo = new BannerMemo(100, 1, new SimpleMeterRegistry());
    AtomicInteger checks = new AtomicInteger();
    memo.recheckWith(page -> checks.incrementAndGet()); // a check that has not renewed the banner yet
    memo.remember(PAGE, RESULT, System.currentTimeMillis() + 60_000);
    BannerMemo.FreshBanner banner = memo.lookupNow(PAGE);
    long holdEnds = banner.holdUntil();
    while (System.currentTimeMillis() <= holdEnds) {
      Thread.onSpinWait(); // the clock, not another thread, is what this waits for (a 1 ms hold)
    }
    assertThat(memo.lookupNow(PAGE)).as("past the hold, still answered").isSameAs(banner);
    assertThat(memo.lookupNow(PAGE)).isSameAs(banner);
    assertThat(checks.get()).as("one check, however many readers").isEqualTo(1);
    memo.remember(PAGE, RESULT, System.currentTimeMillis() + 60_000);
    assertThat(memo.lookupNow(PAGE)).as("the check's result replaces it").isNotSameAs(banner);
  }

  @Test
  void withoutRedisNothingIsCheckedWhileFresh() {
    BannerMemo memo = new BannerMemo(100, 0, new SimpleMeterRegistry());
    AtomicInteger checks = new AtomicInteger();
    memo.recheckWith(page -> checks.incrementAndGet());
    memo.remember(PAGE, RESULT, System.currentTimeMillis() + 60_000);
    assertThat(memo.lookupNow(PAGE)).isNotNull();
    assertThat(checks.get()).isZero();
  }

  @Test
  void onlyFreshOrJustLoadedAnswersAreMemoisable() {
    assertThat(BannerMemo.memoisable(CacheStatus.HIT_L1)).isTrue();
    assertThat(BannerMemo.memoisable(CacheStatus.HIT_L2)).isTrue();
    assertThat(BannerMemo.memoisable(CacheStatus.MISS)).isTrue();
    assertThat(BannerMemo.memoisable(CacheStatus.STALE)).isFalse();
    assertThat(BannerMemo.memoisable(CacheStatus.NEGATIVE)).isFalse();
    assertThat(BannerMemo.memoisable(CacheStatus.BYPASS)).isFalse();
  }

  /** A banner of {@code n} products, as a search answers it. */
  private static RecsResult banner(int n) {
    JsonArray products = new JsonArray();
    for (int i = 0; i < n; i++) {
      products.add(new JsonObject().put("id", String.valueOf(i)).put("name", "Soft Sock Pack " + i).put("price", "9.99")
          .put("url", "https://shop.example/products/" + i));
    }
    return new RecsResult(new JsonObject().put("title", "Picked for you"), products, true, null, CacheStatus.MISS);
  }

  @Test
  void aBannerWeighsItsPageBodyAndGrowsWithIt() {
    RecsResult result = banner(2);
    long small = BannerMemo.weigh(new BannerMemo.FreshBanner(result, Buffer.buffer(new byte[100]), 0));
    long large = BannerMemo.weigh(new BannerMemo.FreshBanner(result, Buffer.buffer(new byte[10_100]), 0));
    assertThat(large - small).as("the body's bytes, one for one").isEqualTo(10_000);
    assertThat(BannerMemo.weigh(new BannerMemo.FreshBanner(banner(20), Buffer.buffer(new byte[100]), 0)))
        .as("its products are the search entry's, weighed there").isEqualTo(small);
  }

  @Test
  void bannersOverTheByteBudgetAreEvicted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long budget = 64 * 1024;
    BannerMemo memo = new BannerMemo(new MemoryCacheOptions(100_000, budget), 0, registry);
    long now = System.currentTimeMillis();
    for (int i = 0; i < 50; i++) { // 50 pages of a 40-product banner: several KB each, far more than 64 KiB
      memo.remember(new RecsRequest("api", "k-pdp", List.of(), "p" + i, null, null), banner(40), now + 60_000);
    }
    memo.store().cleanUp();
    assertThat(memo.store().weightedBytes()).isPositive().isLessThanOrEqualTo(budget);
    assertThat(memo.store().estimatedSize()).isLessThan(50);
    assertThat(memo.store().evictions(RemovalCause.SIZE)).isPositive();
    assertThat(registry.get("edge_cache_memory_evictions_total").tags("cache", "banners", "cause", "size")
        .functionCounter().count()).isPositive();
    assertThat(registry.get("edge_cache_memory_bytes").tag("cache", "banners").gauge().value())
        .isEqualTo((double) memo.store().weightedBytes());
  }
}
