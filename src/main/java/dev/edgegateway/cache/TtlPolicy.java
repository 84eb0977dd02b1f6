package dev.edgegateway.cache;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a TTL (Klevu's {@code ttl}, or a configured one) into entry ages: clamped to [min, max], spread by
 * ±jitter so entries written together do not expire together, then the stale-while-revalidate and
 * stale-if-error windows on top.
 */
public final class TtlPolicy {
  public static final double DEFAULT_JITTER = 0.1;
  public static final long DEFAULT_STALE_WHILE_REVALIDATE_S = 30;
  public static final long DEFAULT_STALE_IF_ERROR_S = 3_600;
  public static final long DEFAULT_NEGATIVE_TTL_S = 30;

  private final long minSeconds;
  private final long maxSeconds;
  private final double jitter;
  private final long staleWhileRevalidateMs;
  private final long staleIfErrorMs;
  private final long negativeMs;

  public TtlPolicy(long minSeconds, long maxSeconds, double jitter, long staleWhileRevalidateSeconds,
      long staleIfErrorSeconds, long negativeSeconds) {
    if (minSeconds < 0 || maxSeconds < minSeconds) {
      throw new IllegalArgumentException("need 0 <= min <= max TTL, got " + minSeconds + ".." + maxSeconds);
    }
    this.minSeconds = minSeconds;
    this.maxSeconds = maxSeconds;
    this.jitter = Math.max(0, Math.min(0.5, jitter));
    this.staleWhileRevalidateMs = staleWhileRevalidateSeconds * 1000;
    this.staleIfErrorMs = staleIfErrorSeconds * 1000;
    this.negativeMs = negativeSeconds * 1000;
  }

  /** Reads the shared windows from the {@code cache} section; min/max come from the caller. */
  public static TtlPolicy fromCacheConfig(JsonObject cache, long minSeconds, long maxSeconds) {
    return new TtlPolicy(minSeconds, maxSeconds,
        cache.getDouble("ttlJitter", DEFAULT_JITTER),
        cache.getLong("staleWhileRevalidateSeconds", DEFAULT_STALE_WHILE_REVALIDATE_S),
        cache.getLong("staleIfErrorSeconds", DEFAULT_STALE_IF_ERROR_S),
        cache.getLong("negativeTtlSeconds", DEFAULT_NEGATIVE_TTL_S));
  }

  /** The clamped TTL in milliseconds, before jitter. */
  public long clampMillis(long ttlSeconds) {
    return Math.max(minSeconds, Math.min(maxSeconds, ttlSeconds)) * 1000;
  }

  /** The clamped TTL with jitter applied, in milliseconds. */
  public long freshMillis(long ttlSeconds) {
    long clamped = clampMillis(ttlSeconds);
    if (jitter == 0 || clamped == 0) {
      return clamped;
    }
    long spread = (long) (clamped * jitter);
    return clamped - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1);
  }

  public <V> CacheEntry<V> entry(V value, long ttlSeconds) {
    return CacheEntry.of(value, freshMillis(ttlSeconds), staleWhileRevalidateMs, staleIfErrorMs);
  }

  public <V> CacheEntry<V> negative(V reason) {
    return CacheEntry.negative(reason, negativeMs);
  }

  public long negativeMillis() {
    return negativeMs;
  }
}
