package dev.edgegateway.cache;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the gateway's caches from the {@code cache} configuration, all sharing one Redis client (one
 * connection pool) when Redis is configured:
 * <pre>
 * {
 *   "memory":     { "maxEntries": 100000,            // L1, or the only store without Redis: entries of each cache
 *                   "maxBytes": 134217728 },         // estimated heap bytes of all of them, split by MemoryCacheOptions.BYTE_SHARES
 *   "l1MaxTtlMs": 10000,                             // TieredCacheOptions
 *   "redis":      { "connectionString": "redis://127.0.0.1:6379", "commandTimeoutMs": 50, ... },
 *   "lease":      { "enabled": true, "ttlMs": 2000, "waitMs": 300, "pollMs": 15 },   // LeaseOptions
 *   "caches":     { "segments": { "maxEntries": 20000, "maxBytes": 8388608, "l1MaxTtlMs": 5000 } }   // per-cache overrides
 * }
 * </pre>
 * {@code memory.maxBytes} is one budget for every in-memory cache of the process, shared out by
 * {@link MemoryCacheOptions#BYTE_SHARES}; {@code caches.<name>.maxBytes} sets one cache's own budget in bytes instead.
 * Without a {@code redis.connectionString} (or {@code redis.endpoints}) a cache is a {@link MemoryCache};
 * with one, a {@link TieredCache} of a MemoryCache over a {@link RedisCache}, whose misses are loaded under
 * a {@link RedisLoadLease} unless {@code lease.enabled} is false.
 */
public final class CacheFactory {
  private static final Logger LOG = LoggerFactory.getLogger(CacheFactory.class);

  private final Vertx vertx;
  private final ConfigReader config;
  private final RedisBackend redis;
  private final LoadLease lease;

  /**
   * Refuses, with the setting's name, a Redis tier the cache cannot use (see {@link RedisCacheOptions}): called
   * before the warm-up, so that a bad setting stops the start at once rather than 20 s later.
   */
  public static void check(JsonObject cacheConfig) {
    JsonObject cache = cacheConfig == null ? new JsonObject() : cacheConfig;
    if (RedisCacheOptions.isConfigured(cache.getJsonObject("redis"))) {
      RedisCacheOptions.from(ConfigReader.of(new JsonObject().put("cache", cache)));
    }
  }

  /** @param cacheConfig the {@code cache} section (read over the defaults), without {@code redis} for no Redis */
  public CacheFactory(Vertx vertx, JsonObject cacheConfig) {
    this.vertx = vertx;
    JsonObject cache = cacheConfig == null ? new JsonObject() : cacheConfig.copy();
    this.config = ConfigReader.of(new JsonObject().put("cache", cache));
    this.redis = RedisCacheOptions.isConfigured(cache.getJsonObject("redis"))
        ? RedisBackend.create(vertx, RedisCacheOptions.from(config))
        : null;
    LeaseOptions leaseOptions = LeaseOptions.from(config);
    this.lease = redis != null && leaseOptions.enabled() ? new RedisLoadLease(redis, leaseOptions) : LoadLease.none();
    long budget = memoryMaxBytes();
    long heap = Runtime.getRuntime().maxMemory();
    if (budget > heap / 2 && heap != Long.MAX_VALUE) {
      LOG.warn("cache.memory.maxBytes is {} bytes, more than half of the {} byte heap: the caches may fill it", budget,
          heap);
    }
  }

  /**
   * The options of the in-memory store of cache {@code name} ({@link MemoryCacheOptions#from}). {@code banners} is
   * the recommendations' banner memo, which is not built here but is bounded the same way.
   */
  public MemoryCacheOptions memoryOptions(String name) {
    return MemoryCacheOptions.from(config, name);
  }

  /** {@code memory.maxBytes}: the byte budget of all in-memory caches together; 0 = entry bounds only. */
  public long memoryMaxBytes() {
    return config.nonNegativeLong(Settings.CACHE_MEMORY_MAX_BYTES);
  }

  /** A cache for {@code name} (a metric tag, e.g. {@code segments}); values stored in Redis via {@code codec}. */
  public <V> Cache<V> create(String name, ValueCodec<V> codec) {
    MemoryCacheOptions memoryOptions = memoryOptions(name);
    MemoryCache<V> l1 = new MemoryCache<V>(memoryOptions).bindMetrics(Metrics.of(vertx), name);
    if (redis == null) {
      return l1;
    }
    return new TieredCache<>(vertx, name, l1, new RedisCache<>(vertx, name, redis, codec, lease),
        TieredCacheOptions.from(config, name));
  }

  /** With Redis, how long L1 may answer on its own (0 without Redis: memory is the only tier). */
  public long l1HoldMs() {
    return redis == null ? 0 : config.nonNegativeLong(Settings.L1_MAX_TTL_MS);
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
