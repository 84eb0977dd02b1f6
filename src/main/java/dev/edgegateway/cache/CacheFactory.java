package dev.edgegateway.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Builds the gateway's caches from the {@code cache} configuration, all sharing one Redis client (one
 * connection pool) when Redis is configured:
 * <pre>
 * {
 *   "memory":     { "maxEntries": 100000 },          // L1, or the only store without Redis
 *   "l1MaxTtlMs": 10000,                             // TieredCacheOptions
 *   "redis":      { "connectionString": "redis://127.0.0.1:6379", "commandTimeoutMs": 50, ... },
 *   "lease":      { "enabled": true, "ttlMs": 2000, "waitMs": 300, "pollMs": 15 },   // LeaseOptions
 *   "caches":     { "segments": { "maxEntries": 20000, "l1MaxTtlMs": 5000 } }   // per-cache overrides
 * }
 * </pre>
 * Without a {@code redis.connectionString} (or {@code redis.endpoints}) a cache is a {@link MemoryCache};
 * with one, a {@link TieredCache} of a MemoryCache over a {@link RedisCache}, whose misses are loaded under
 * a {@link RedisLoadLease} unless {@code lease.enabled} is false.
 */
public final class CacheFactory {
  private final Vertx vertx;
  private final JsonObject config;
  private final RedisBackend redis;
  private final LoadLease lease;

  public CacheFactory(Vertx vertx, JsonObject cacheConfig) {
    this.vertx = vertx;
    this.config = cacheConfig == null ? new JsonObject() : cacheConfig.copy();
    JsonObject redisJson = this.config.getJsonObject("redis");
    this.redis = RedisCacheOptions.isConfigured(redisJson)
        ? RedisBackend.create(vertx, new RedisCacheOptions(redisJson))
        : null;
    LeaseOptions leaseOptions = new LeaseOptions(this.config.getJsonObject("lease"));
    this.lease = redis != null && leaseOptions.isEnabled() ? new RedisLoadLease(redis, leaseOptions) : LoadLease.none();
  }

  /** A cache for {@code name} (a metric tag, e.g. {@code segments}); values stored in Redis via {@code codec}. */
  public <V> Cache<V> create(String name, ValueCodec<V> codec) {
    JsonObject own = config.getJsonObject("caches", new JsonObject()).getJsonObject(name, new JsonObject());
    JsonObject memory = config.getJsonObject("memory", new JsonObject()).copy();
    if (own.containsKey("maxEntries")) {
      memory.put("maxEntries", own.getValue("maxEntries"));
    }
    MemoryCacheOptions memoryOptions = new MemoryCacheOptions(memory);
    MemoryCache<V> l1 = new MemoryCache<>(memoryOptions);
    if (redis == null) {
      return l1;
    }
    TieredCacheOptions tiered = new TieredCacheOptions()
        .setL1MaxTtlMs(own.getLong("l1MaxTtlMs", config.getLong("l1MaxTtlMs", TieredCacheOptions.DEFAULT_L1_MAX_TTL_MS)))
        .setL1TrackedEntries(memoryOptions.getMaxEntries());
    return new TieredCache<>(vertx, name, l1, new RedisCache<>(vertx, name, redis, codec, lease), tiered);
  }

  /** Bound of each in-memory cache. */
  public long memoryMaxEntries() {
    return new MemoryCacheOptions(config.getJsonObject("memory", new JsonObject())).getMaxEntries();
  }

  /** With Redis, how long L1 may answer on its own (0 without Redis: memory is the only tier). */
  public long l1HoldMs() {
    return redis == null ? 0 : config.getLong("l1MaxTtlMs", TieredCacheOptions.DEFAULT_L1_MAX_TTL_MS);
  }

  /** The shared Redis client, when one is configured (for readiness checks and other Redis users). */
  public Optional<RedisBackend> redis() {
    return Optional.ofNullable(redis);
  }

  /** The lease the Redis-backed caches built here load under; {@link LoadLease#none()} without Redis or when off. */
  public LoadLease lease() {
    return lease;
  }

  /** Readiness: true without Redis, else whether Redis answers. */
  public boolean isHealthy() {
    return redis == null || redis.isHealthy();
  }

  /** Closes the shared Redis client; the caches built here then serve from memory only. */
  public Future<Void> close() {
    return redis == null ? Future.succeededFuture() : redis.close();
  }
}
