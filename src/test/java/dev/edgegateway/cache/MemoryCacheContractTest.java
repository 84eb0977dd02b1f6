package dev.edgegateway.cache;

import io.vertx.core.Vertx;

class MemoryCacheContractTest extends CacheContractTest {
  @Override
  protected Cache<String> createCache(Vertx vertx) {
    return new MemoryCache<>(MemoryCacheOptions.defaults());
  }
}
