package dev.edgegateway.cache;

import io.vertx.core.Vertx;

/**
 * The load lease, and two gateways loading under it, against a real Redis Cluster of three primaries
 * ({@link RedisClusterProcess}). CI runs it ({@code REQUIRE_REDIS_CLUSTER=1}); without the binaries it is skipped.
 */
class RedisClusterLoadLeaseTest extends LoadLeaseTest {
  @Override
  protected RedisBackend newBackend(Vertx vertx, String prefix) throws Exception {
    return RedisTestSupport.clusterBackend(vertx, prefix);
  }
}
