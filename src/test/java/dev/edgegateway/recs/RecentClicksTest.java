package dev.edgegateway.recs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.cache.CacheEntry;
import dev.edgegateway.cache.MemoryCache;
import dev.edgegateway.cache.MemoryCacheOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecentClicksTest {
  private final MemoryCache<JsonArray> store = new MemoryCache<>(MemoryCacheOptions.defaults());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private RecentClicks clicks(int maxProducts, int maxBytes) {
    return new RecentClicks(store, new RecentClicksOptions(maxProducts, maxBytes, 3_600), registry);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void latestFirstEachOnceAClickAgainMovesItToTheFrontAsTheSdkDoes() throws Exception {
    RecentClicks clicks = clicks(20, 4_096);
    String shopper = RecentClicks.shopperKey("hash-1", null);
    await(clicks.record(shopper, List.of("a", "b")));
    await(clicks.record(shopper, List.of("c", "a")));
    assertThat(await(clicks.latestFirst(shopper))).containsExactly("a", "c", "b");
    assertThat(await(clicks.latestFirst(RecentClicks.shopperKey("hash-2", null)))).isEmpty();
    assertThat(await(clicks.latestFirst(null))).isEmpty();
  }

  @Test
  void boundedByCountAndBytesTheOldestGoingFirst() throws Exception {
    RecentClicks byCount = clicks(3, 4_096);
    String shopper = RecentClicks.shopperKey("hash-count", null);
    await(byCount.record(shopper, List.of("1", "2", "3", "4", "5")));
    assertThat(await(byCount.latestFirst(shopper))).containsExactly("5", "4", "3");

    RecentClicks byBytes = clicks(20, 64);
    String other = RecentClicks.shopperKey("hash-bytes", null);
    await(byBytes.record(other, List.of("x".repeat(20), "y".repeat(20), "z".repeat(20))));
    List<String> kept = await(byBytes.latestFirst(other));
    assertThat(kept).containsExactly("z".repeat(20), "y".repeat(20));
    assertThat(new JsonArray(List.copyOf(kept)).encode().length()).isLessThanOrEqualTo(64);
    // an id too long to be a product id is not kept at all
    await(byBytes.record(other, List.of("q".repeat(RecentClicks.MAX_ID_CHARS + 1))));
    assertThat(await(byBytes.latestFirst(other))).containsExactly("z".repeat(20), "y".repeat(20));
  }

  @Test
  void keptForItsTtlAfterTheLatestClick() throws Exception {
    RecentClicks clicks = new RecentClicks(store, new RecentClicksOptions(20, 4_096, 7_200), registry);
    String shopper = RecentClicks.shopperKey(null, "615e65c3-bc3b-4bec-9259-d368115b07ad");
    long before = System.currentTimeMillis();
    await(clicks.record(shopper, List.of("a")));
    CacheEntry<JsonArray> entry = store.getNow(RecentClicks.storeKey(shopper)).entry();
    assertThat(entry.keepUntil()).isBetween(before + 7_200_000, System.currentTimeMillis() + 7_200_000);
  }

  @Test
  void keysAreDigestsNeverTheShopperInClear() {
    String byExchange = RecentClicks.storeKey(
        RecentClicks.shopperKey("ExchangeHashValue", "615e65c3-bc3b-4bec-9259-d368115b07ad"));
    String bySession = RecentClicks.storeKey(RecentClicks.shopperKey(null, "615e65c3-bc3b-4bec-9259-d368115b07ad"));
    assertThat(byExchange).startsWith("clicks:").doesNotContain("ExchangeHashValue");
    assertThat(bySession).startsWith("clicks:").doesNotContain("615e65c3").isNotEqualTo(byExchange);
    assertThat(RecentClicks.shopperKey(null, null)).isNull();
  }

  @Test
  void storeKeysAreThoseOfListsKeptByTheReleaseBefore() {
    // the previous release digested (kind, id) on every page; lists it kept in Redis must still be found
    assertThat(RecentClicks.storeKey(RecentClicks.shopperKey("ExchangeHashValue", null)))
        .isEqualTo(dev.edgegateway.cache.CacheKeys.digest("clicks", "x", "ExchangeHashValue"));
    assertThat(RecentClicks.storeKey(RecentClicks.shopperKey(null, "615e65c3-bc3b-4bec-9259-d368115b07ad")))
        .isEqualTo(dev.edgegateway.cache.CacheKeys.digest("clicks", "s", "615e65c3-bc3b-4bec-9259-d368115b07ad"));
  }
}
