package dev.edgegateway.cache;

import io.vertx.core.Vertx;

/**
 * The cache contract, and the Redis store's own promises, against a real Redis Cluster of three primaries
 * ({@link RedisClusterProcess}): the keys of a test spread over all of them, so a command routed to the wrong node
 * or a multi-key command across slots fails here. CI runs it ({@code REQUIRE_REDIS_CLUSTER=1}); without the Redis
 * binaries it is skipped locally.
 */
class RedisClusterCacheContractTest extends RedisCacheContractTest {
  @Override
  protected RedisBackend newBackend(Vertx vertx, String prefix) throws Exception {
    return RedisTestSupport.clusterBackend(vertx, prefix);
  }
}
