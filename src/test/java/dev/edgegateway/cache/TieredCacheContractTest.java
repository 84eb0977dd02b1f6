package dev.edgegateway.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Memory over the real Redis, as the gateway runs it with Redis configured. */
class TieredCacheContractTest extends CacheContractTest {
  private final String prefix = RedisTestSupport.uniquePrefix();
  private RedisBackend backend;

  @Override
  protected Cache<String> createCache(Vertx vertx) {
    backend = RedisTestSupport.backendOrSkip(vertx, prefix);
    return new TieredCache<>(vertx, "contract", new MemoryCache<>(MemoryCacheOptions.defaults()),
        new RedisCache<>(vertx, "contract", backend, ValueCodecs.string()));
  }

  @Override
  protected Future<Void> cleanUp() {
    return RedisTestSupport.deleteByPrefix(backend, prefix).eventually(() -> backend.close());
  }
}
