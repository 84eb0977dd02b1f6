package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.config.Settings;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The byte bound of the in-memory store. Caffeine runs its upkeep on the calling thread here (MemoryCache's
 * {@code executor(Runnable::run)}) and {@code cleanUp()} drains what is pending, so evictions are deterministic.
 */
@ExtendWith(VertxExtension.class)
class MemoryCacheBoundsTest {
  private static final long BUDGET = 64 * 1024;

  private static CacheEntry<String> entry(String value) {
    return CacheEntry.of(value, 60_000, 0, 0);
  }

  /** A search-like answer with {@code n} products, as Klevu sends them. */
  private static JsonObject search(int n) {
    JsonArray records = new JsonArray();
    for (int i = 0; i < n; i++) {
      records.add(new JsonObject().put("id", "sku-" + i).put("itemGroupId", "g-" + i).put("name", "Soft Sock Pack " + i)
          .put("price", "123.99").put("salePrice", "99.99").put("currency", "USD").put("inStock", "yes")
          .put("url", "https://shop.example/products/" + i).put("image", "https://cdn.example/img/" + i + ".jpg")
          .put("rating", 4.5).put("reviews", i));
    }
    return new JsonObject().put("queryResults", new JsonArray().add(new JsonObject().put("id", "recs")
        .put("meta", new JsonObject().put("totalResultsFound", n)).put("records", records)));
  }

  @Test
  void entriesOverTheByteBudgetAreEvictedWhileSmallOnesStayWithinIt() {
    MemoryCache<String> cache = new MemoryCache<>(new MemoryCacheOptions(100_000, BUDGET));
    for (int i = 0; i < 20; i++) {
      cache.putNow("small:" + i, entry("v" + i));
    }
    cache.cleanUp();
    long smallBytes = cache.weightedBytes();
    assertThat(smallBytes).as("20 small entries weigh something, well within the budget").isPositive().isLessThan(BUDGET / 4);
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 20; i++) {
        assertThat(cache.getNow("small:" + i)).isNotNull(); // hot: W-TinyLFU keeps what is read often
      }
    }
    String big = "x".repeat(4_000);
    for (int i = 0; i < 100; i++) {
      cache.putNow("big:" + i, entry(big + i)); // 100 x ~4 KB = ~400 KB, six times the budget
    }
    cache.cleanUp();
    assertThat(cache.weightedBytes()).as("held within the byte budget").isLessThanOrEqualTo(BUDGET);
    assertThat(cache.evictions(RemovalCause.SIZE)).as("evicted by weight, not by count (100,000)").isPositive();
    int bigKept = 0;
    for (int i = 0; i < 100; i++) {
      bigKept += cache.getNow("big:" + i) == null ? 0 : 1;
    }
    assertThat(bigKept).as("at most what 64 KiB holds of 4 KB values").isLessThanOrEqualTo(16);
    for (int i = 0; i < 20; i++) {
      assertThat(cache.getNow("small:" + i)).as("small hot entry " + i + " stays").isNotNull();
    }
  }

  @Test
  void anEntryHeavierThanTheWholeBudgetIsNotKept() {
    MemoryCache<String> cache = new MemoryCache<>(new MemoryCacheOptions(MemoryCacheOptions.defaults().maxEntries(), BUDGET));
    cache.putNow("small", entry("s"));
    cache.putNow("huge", entry("x".repeat((int) BUDGET)));
    cache.cleanUp();
    assertThat(cache.getNow("huge")).isNull();
    assertThat(cache.getNow("small")).isNotNull();
    assertThat(cache.evictions(RemovalCause.SIZE)).isEqualTo(1);
    assertThat(cache.weightedBytes()).isLessThan(1_000);
  }

  @Test
  void theEntryBoundStillActsUnderAByteBudget() {
    MemoryCache<String> cache = new MemoryCache<>(new MemoryCacheOptions(10, 1L << 20));
    for (int i = 0; i < 50; i++) {
      cache.putNow("k" + i, entry("v"));
    }
    cache.cleanUp();
    assertThat(cache.estimatedSize()).isLessThanOrEqualTo(10);
    assertThat(cache.weightedBytes()).isLessThanOrEqualTo(1L << 20);
  }

  @Test
  void withoutAByteBudgetOnlyTheEntryBoundActs() {
    MemoryCache<String> cache = new MemoryCache<>(new MemoryCacheOptions(1_000, 0));
    String big = "x".repeat(4_000);
    for (int i = 0; i < 100; i++) {
      cache.putNow("big:" + i, entry(big));
    }
    cache.cleanUp();
    assertThat(cache.estimatedSize()).isEqualTo(100);
    assertThat(cache.weightedBytes()).as("nothing weighed").isEqualTo(-1);
    assertThat(cache.evictions(RemovalCause.SIZE)).isZero();
  }

  @Test
  void theWeightGrowsWithTheValueAndTracksItsEncodedSize() {
    long one = Weights.of(search(1));
    long ten = Weights.of(search(10));
    long hundred = Weights.of(search(100));
    assertThat(one).isLessThan(ten);
    assertThat(ten).isLessThan(hundred);
    for (int n : new int[] {1, 10, 100}) {
      int encoded = search(n).toBuffer().length();
      assertThat(Weights.of(search(n))).as("a decoded JSON tree outweighs its text, within reason (n=" + n + ")")
          .isGreaterThan(encoded).isLessThan(8L * encoded);
    }
    assertThat(Weights.of("a".repeat(10))).isLessThan(Weights.of("a".repeat(1_000)));
    assertThat(Weights.of(Buffer.buffer(new byte[10]))).isLessThan(Weights.of(Buffer.buffer(new byte[1_000])));
    assertThat(Weights.of(null)).isZero();
    assertThat(Weights.entry("key", 0)).isGreaterThan(Weights.ENTRY_OVERHEAD);
  }

  @Test
  void aJsonStoreIsChargedItsValuesWeight() {
    MemoryCache<JsonObject> cache = new MemoryCache<>(MemoryCacheOptions.defaults());
    cache.putNow("search:1", CacheEntry.of(search(1), 60_000, 0, 0));
    cache.cleanUp();
    long small = cache.weightedBytes();
    cache.putNow("search:1", CacheEntry.of(search(50), 60_000, 0, 0));
    cache.cleanUp();
    assertThat(small).isEqualTo(Weights.entry("search:1", Weights.of(search(1))));
    assertThat(cache.weightedBytes()).as("replaced by a bigger value: reweighed").isEqualTo(
        Weights.entry("search:1", Weights.of(search(50))));
  }

  @Test
  void theMetricsShowTheBoundActing() {
    MeterRegistry registry = new SimpleMeterRegistry();
    MemoryCache<String> cache = new MemoryCache<String>(new MemoryCacheOptions(MemoryCacheOptions.defaults().maxEntries(), BUDGET))
        .bindMetrics(registry, "search");
    for (int i = 0; i < 100; i++) {
      cache.putNow("big:" + i, entry("x".repeat(4_000)));
    }
    cache.cleanUp();
    assertThat(registry.get("edge_cache_memory_bytes").tag("cache", "search").gauge().value())
        .isEqualTo((double) cache.weightedBytes()).isPositive().isLessThanOrEqualTo(BUDGET);
    assertThat(registry.get("edge_cache_memory_max_bytes").tag("cache", "search").gauge().value()).isEqualTo(BUDGET);
    assertThat(registry.get("edge_cache_memory_entries").tag("cache", "search").gauge().value())
        .isEqualTo((double) cache.estimatedSize());
    assertThat(registry.get("edge_cache_memory_evictions_total").tags("cache", "search", "cause", "size")
        .functionCounter().count()).isEqualTo((double) cache.evictions(RemovalCause.SIZE)).isPositive();
    assertThat(registry.get("edge_cache_memory_evictions_total").tags("cache", "search", "cause", "expired")
        .functionCounter().count()).isZero();
  }

  @Test
  void theBudgetIsReadFromTheEnvironmentAndSharedOutAcrossTheCaches(Vertx vertx, VertxTestContext ctx) {
    JsonObject defaults = GatewayConfig.resolve(new JsonObject(), Map.of());
    assertThat(GatewayConfig.get(defaults, "cache.memory.maxBytes")).isEqualTo(Settings.CACHE_MEMORY_MAX_BYTES.defaultValue());
    assertThat(new CacheFactory(vertx, GatewayConfig.section(defaults, "cache")).memoryOptions("search").maxBytes())
        .isEqualTo((Long) Settings.CACHE_MEMORY_MAX_BYTES.defaultValue() / 100 * 40);

    JsonObject config = GatewayConfig.resolve(
        new JsonObject().put("cache", new JsonObject().put("caches", new JsonObject()
            .put("links", new JsonObject().put("maxBytes", 12_345).put("maxEntries", 7)))),
        Map.of("EDGE_CACHE_MEMORY_MAX_BYTES", "10000000", "EDGE_CACHE_MAX_ENTRIES", "5000"));
    CacheFactory factory = new CacheFactory(vertx, GatewayConfig.section(config, "cache"));
    assertThat(factory.memoryMaxBytes()).isEqualTo(10_000_000);
    long shared = 0;
    for (String name : MemoryCacheOptions.BYTE_SHARES.keySet()) {
      MemoryCacheOptions options = factory.memoryOptions(name);
      if (!name.equals("links")) {
        assertThat(options.maxEntries()).isEqualTo(5_000);
        assertThat(options.maxBytes()).isEqualTo(10_000_000 / 100 * MemoryCacheOptions.BYTE_SHARES.get(name));
      }
      shared += 10_000_000 / 100 * MemoryCacheOptions.BYTE_SHARES.get(name);
    }
    assertThat(shared).as("the shares add up to the budget, no more").isEqualTo(10_000_000);
    assertThat(factory.memoryOptions("links").maxBytes()).as("a cache's own maxBytes wins").isEqualTo(12_345);
    assertThat(factory.memoryOptions("links").maxEntries()).isEqualTo(7);

    Cache<String> search = factory.create("search", ValueCodecs.string());
    assertThat(((MemoryCache<String>) search).options().maxBytes()).isEqualTo(4_000_000);
    search.put("search:a", entry("x".repeat(1_000)))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(Metrics.of(vertx).get("edge_cache_memory_bytes").tag("cache", "search").gauge().value())
              .isGreaterThan(1_000);
          ctx.completeNow();
        })));
  }

  @Test
  void zeroTurnsTheByteBudgetOff(Vertx vertx) {
    JsonObject config = GatewayConfig.resolve(new JsonObject(), Map.of("EDGE_CACHE_MEMORY_MAX_BYTES", "0"));
    CacheFactory factory = new CacheFactory(vertx, GatewayConfig.section(config, "cache"));
    assertThat(factory.memoryOptions("segments").maxBytes()).isZero();
    assertThat(factory.memoryOptions("segments").maxEntries()).isEqualTo(Settings.CACHE_MAX_ENTRIES.defaultValue());
  }

  @Test
  void withRedisTheHoldTimesLetGoOfWhatL1Evicts(Vertx vertx) {
    MemoryCache<String> l1 = new MemoryCache<>(new MemoryCacheOptions(MemoryCacheOptions.defaults().maxEntries(), BUDGET));
    TieredCache<String> tiered = new TieredCache<>(vertx, "holds", l1, new MemoryCache<>(MemoryCacheOptions.defaults()),
        TieredCacheOptions.defaults().withL1MaxTtlMs(60_000));
    String big = "x".repeat(4_000);
    for (int i = 0; i < 100; i++) {
      tiered.put("big:" + i, entry(big + i));
    }
    l1.cleanUp();
    assertThat(l1.evictions(RemovalCause.SIZE)).isPositive();
    assertThat(tiered.heldEntries()).as("no hold keeps an evicted entry alive").isEqualTo(l1.estimatedSize());
  }
}
