package dev.edgegateway.cache;

import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The shared store: one Redis string per entry, {@code <prefix><key>} holding the {@link EntryFormat} bytes,
 * written with {@code SET key value PX <ms until keepUntil>} so Redis drops it when it is no longer kept.
 * {@code get} is one GET, {@code put} one SET (none for an entry already past keepUntil), {@code remove} one
 * DEL. Every call is bounded by the backend's command timeout and fails at once while Redis is down; callers
 * treat a failure as a miss. Bytes that do not decode are a miss, counted in
 * {@code edge_redis_decode_errors_total{cache}}. Keys and values are never logged.
 */
public final class RedisCache<V> implements Cache<V> {
  private final RedisBackend backend;
  private final ValueCodec<V> codec;
  private final boolean ownsBackend;
  private final LoadLease lease;
  private final Counter decodeErrors;

  /** A cache over a shared backend (one pool for all caches); {@link #close()} leaves the backend open. No lease. */
  public RedisCache(Vertx vertx, String name, RedisBackend backend, ValueCodec<V> codec) {
    this(vertx, name, backend, codec, LoadLease.none(), false);
  }

  /**
   * A cache over a shared backend whose misses are loaded under {@code lease} (normally a
   * {@link RedisLoadLease} on the same backend) by a {@link ReadThroughCache}.
   */
  public RedisCache(Vertx vertx, String name, RedisBackend backend, ValueCodec<V> codec, LoadLease lease) {
    this(vertx, name, backend, codec, lease, false);
  }

  private RedisCache(Vertx vertx, String name, RedisBackend backend, ValueCodec<V> codec, LoadLease lease,
      boolean ownsBackend) {
    this.backend = backend;
    this.codec = codec;
    this.ownsBackend = ownsBackend;
    this.lease = lease == null ? LoadLease.none() : lease;
    this.decodeErrors = Metrics.counter(Metrics.of(vertx), "edge_redis_decode_errors_total", "cache", name);
  }

  /** A cache with a backend of its own, closed with the cache. Prefer a shared backend for several caches. */
  public static <V> RedisCache<V> create(Vertx vertx, RedisCacheOptions options, String name, ValueCodec<V> codec) {
    return new RedisCache<>(vertx, name, RedisBackend.create(vertx, options), codec, LoadLease.none(), true);
  }

  public RedisBackend backend() {
    return backend;
  }

  /** Whether Redis answers (readiness). */
  public boolean isHealthy() {
    return backend.isHealthy();
  }

  @Override
  public Future<CacheHit<V>> get(String key) {
    return backend.send("get", Request.cmd(Command.GET).arg(backend.key(key))).map(this::decode);
  }

  private CacheHit<V> decode(Response response) {
    if (response == null) {
      return null;
    }
    Buffer bytes = response.toBuffer();
    if (bytes == null) {
      return null;
    }
    CacheEntry<V> entry;
    try {
      entry = EntryFormat.decode(bytes, codec);
    } catch (RuntimeException e) {
      decodeErrors.increment();
      return null;
    }
    // Redis expires by PX, but clocks of gateways differ a little: the entry's own age is what counts
    return entry.isKept(System.currentTimeMillis()) ? new CacheHit<>(entry, CacheTier.L2) : null;
  }

  @Override
  public Future<Void> put(String key, CacheEntry<V> entry) {
    long storeMillis = entry.storeMillis(System.currentTimeMillis());
    if (storeMillis <= 0) {
      return Future.succeededFuture();
    }
    Buffer bytes;
    try {
      bytes = EntryFormat.encode(entry, codec);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Request set = Request.cmd(Command.SET).arg(backend.key(key)).arg(bytes).arg("PX").arg(storeMillis);
    return backend.send("set", set).mapEmpty();
  }

  @Override
  public Future<Void> remove(String key) {
    return backend.send("del", Request.cmd(Command.DEL).arg(backend.key(key))).mapEmpty();
  }

  /**
   * {@code SCAN MATCH <prefix>*} in pages, each page's keys dropped with UNLINK; at most {@link Cache#MAX_PURGED}
   * keys. On a cluster, every primary is scanned ({@link RedisScan}).
   */
  @Override
  public Future<Long> removeByPrefix(String prefix) {
    return RedisScan.unlinkMatching(backend, backend.key(prefix) + "*", MAX_PURGED);
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public LoadLease loadLease() {
    return lease;
  }

  @Override
  public Future<Void> close() {
    return ownsBackend ? backend.close() : Future.succeededFuture();
  }
}
