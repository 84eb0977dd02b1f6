package dev.edgegateway.cache;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a TTL (Klevu's {@code ttl}, or a configured one) into entry ages: clamped to [min, max], spread by
 * ±jitter so entries written together do not expire together, then the stale-while-revalidate and
 * stale-if-error windows on top.
 */
public record TtlPolicy(long minSeconds, long maxSeconds, double jitter, long staleWhileRevalidateSeconds,
    long staleIfErrorSeconds, long negativeSeconds) {

  public TtlPolicy {
    if (minSeconds < 0 || maxSeconds < minSeconds) {
      throw new IllegalArgumentException("need 0 <= min <= max TTL, got " + minSeconds + ".." + maxSeconds);
    }
    jitter = Math.max(0, Math.min(0.5, jitter));
  }

  /** The shared windows of the {@code cache} settings; min/max come from the caller. */
  public static TtlPolicy from(ConfigReader config, long minSeconds, long maxSeconds) {
    return new TtlPolicy(minSeconds, maxSeconds,
        config.doubleValue(Settings.TTL_JITTER),
        config.nonNegativeLong(Settings.STALE_WHILE_REVALIDATE_S),
        config.nonNegativeLong(Settings.STALE_IF_ERROR_S),
        config.nonNegativeLong(Settings.NEGATIVE_TTL_S));
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
    return CacheEntry.of(value, freshMillis(ttlSeconds), staleWhileRevalidateSeconds * 1000, staleIfErrorSeconds * 1000);
  }

  public <V> CacheEntry<V> negative(V reason) {
    return CacheEntry.negative(reason, negativeSeconds * 1000);
  }

  public long negativeMillis() {
    return negativeSeconds * 1000;
  }
}
