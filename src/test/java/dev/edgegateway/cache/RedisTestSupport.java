package dev.edgegateway.cache;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** The real Redis the tests use: {@code EDGE_REDIS_URL}, or the local one on 127.0.0.1:6379. */
final class RedisTestSupport {
  static final String URL = System.getenv().getOrDefault("EDGE_REDIS_URL", "redis://127.0.0.1:6379");

  private RedisTestSupport() {
  }

  /** A key prefix no other test run shares, so runs never see each other's keys. */
  static String uniquePrefix() {
    return "edge:test:" + UUID.randomUUID() + ":";
  }

  /**
   * A backend on the test Redis with a generous command timeout (these tests check behaviour, not latency
   * on a shared 2-core machine). Skips the test when no Redis answers.
   */
  static RedisBackend backendOrSkip(Vertx vertx, String prefix) {
    RedisBackend backend = RedisBackend.create(vertx, RedisCacheOptions.from(ConfigReader.defaults()
        .with(Settings.REDIS_URL, URL)
        .with(Settings.REDIS_KEY_PREFIX, prefix)
        .with(Settings.REDIS_COMMAND_TIMEOUT_MS, 3_000)
        .with(Settings.REDIS_FAILURES_BEFORE_DOWN, 1_000)));
    try {
      backend.send("ping", Request.cmd(Command.PING)).await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      backend.close();
      Assumptions.abort("no Redis at " + URL + ": " + e);
    }
    return backend;
  }

  /**
   * A backend on the JVM's throw-away Redis Cluster ({@link RedisClusterProcess}), same generous bounds as
   * {@link #backendOrSkip}. Skips without the Redis binaries unless {@code REQUIRE_REDIS_CLUSTER=1}.
   */
  static RedisBackend clusterBackend(Vertx vertx, String prefix) throws Exception {
    return clusterBackend(vertx, prefix, "default");
  }

  static RedisBackend clusterBackend(Vertx vertx, String prefix, String clientName) throws Exception {
    RedisClusterProcess cluster = RedisClusterProcess.shared();
    RedisBackend backend = RedisBackend.create(vertx, RedisCacheOptions.from(ConfigReader.defaults()
        .with(Settings.REDIS_TYPE, "CLUSTER")
        .with(Settings.REDIS_ENDPOINTS, cluster.endpoints())
        .with(Settings.REDIS_KEY_PREFIX, prefix)
        .with(Settings.REDIS_CLIENT_NAME, clientName)
        .with(Settings.REDIS_COMMAND_TIMEOUT_MS, 3_000)
        .with(Settings.REDIS_FAILURES_BEFORE_DOWN, 1_000)));
    backend.send("ping", Request.cmd(Command.PING)).await(10, TimeUnit.SECONDS);
    return backend;
  }

  /** Deletes every key under {@code prefix} (SCAN + UNLINK, never KEYS; every primary of a cluster). */
  static Future<Void> deleteByPrefix(RedisBackend backend, String prefix) {
    return RedisScan.unlinkMatching(backend, prefix + "*", Long.MAX_VALUE).mapEmpty();
  }

  static Future<Long> pttl(RedisBackend backend, String fullKey) {
    return backend.send("pttl", Request.cmd(Command.PTTL).arg(fullKey)).map(Response::toLong);
  }
}
