package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CacheFactoryTest {

  @Test
  void withoutARedisUrlCachesStayInMemory(Vertx vertx, VertxTestContext ctx) {
    Cache<String> cache = Caches.create(vertx, new JsonObject().put("memory", new JsonObject().put("maxEntries", 10)),
        "segments", ValueCodecs.string());
    assertThat(cache).isInstanceOf(MemoryCache.class);
    assertThat(Caches.create(vertx, null, "recs", ValueCodecs.json())).isInstanceOf(MemoryCache.class);
    CacheFactory factory = Caches.factory(vertx, new JsonObject().put("redis", new JsonObject()));
    assertThat(factory.redis()).isEmpty();
    assertThat(factory.isHealthy()).isTrue();
    Caches.close(vertx).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void withARedisUrlCachesAreTieredAndShareOneClient(Vertx vertx, VertxTestContext ctx) {
    String prefix = RedisTestSupport.uniquePrefix();
    RedisTestSupport.backendOrSkip(vertx, prefix).close();
    JsonObject config = new JsonObject()
        .put("l1MaxTtlMs", 2_000)
        .put("redis", new JsonObject().put("connectionString", RedisTestSupport.URL).put("keyPrefix", prefix))
        .put("caches", new JsonObject().put("recs", new JsonObject().put("maxEntries", 50)));
    Cache<String> segments = Caches.create(vertx, config, "segments", ValueCodecs.string());
    Cache<JsonObject> recs = Caches.create(vertx, config.copy(), "recs", ValueCodecs.json());
    assertThat(segments).isInstanceOf(TieredCache.class);
    assertThat(recs).isInstanceOf(TieredCache.class);
    CacheFactory factory = Caches.factory(vertx, config);
    assertThat(Caches.factory(vertx, config.copy())).as("same config, same factory").isSameAs(factory);
    RedisBackend shared = factory.redis().orElseThrow();
    assertThat(((RedisCache<?>) ((TieredCache<String>) segments).l2()).backend()).isSameAs(shared);
    assertThat(((RedisCache<?>) ((TieredCache<JsonObject>) recs).l2()).backend()).isSameAs(shared);
    segments.put("seg:a:1", CacheEntry.of("x", 60_000, 0, 0))
        .compose(v -> recs.put("recs:a:1", CacheEntry.of(new JsonObject().put("p", 1), 60_000, 0, 0)))
        .compose(v -> ((TieredCache<String>) segments).l2().get("seg:a:1"))
        .compose(hit -> {
          ctx.verify(() -> assertThat(hit.entry().value()).isEqualTo("x"));
          return RedisTestSupport.deleteByPrefix(shared, prefix);
        })
        .compose(v -> Caches.close(vertx))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(shared.isHealthy()).as("closed with the factory").isFalse();
          ctx.completeNow();
        })));
  }
}
