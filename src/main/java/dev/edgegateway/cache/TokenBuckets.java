package dev.edgegateway.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;

/**
 * Token buckets by key (a hashed client address, a hashed customer): each holds up to {@code burst} tokens and
 * gains {@code perSecond} a second; a request takes one or is refused with the time until one is back. In Redis when
 * the gateway has one, so that every gateway sharing it sees one bucket per key; in memory otherwise.
 */
public interface TokenBuckets {
  /** What one take decided: allowed, or refused for {@code retryAfterMillis}. */
  record Decision(boolean allowed, long retryAfterMillis) {
    public static final Decision ALLOWED = new Decision(true, 0);

    /** {@code Retry-After} in whole seconds, at least 1. */
    public long retryAfterSeconds() {
      return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
  }

  /** Takes a token from {@code key}'s bucket; never fails (a store that cannot answer falls back to memory). */
  Future<Decision> take(String key);

  /** Buckets that allow everything: the limit is off. */
  static TokenBuckets unlimited() {
    return key -> Future.succeededFuture(Decision.ALLOWED);
  }

  /**
   * Buckets of {@code name} (part of their Redis keys): in {@code redis} when present, with buckets in memory as the
   * fallback when a Redis command fails; in memory alone otherwise, at most {@code maxKeys} of them.
   */
  static TokenBuckets of(Vertx vertx, Optional<RedisBackend> redis, String name, double perSecond, int burst,
      long maxKeys) {
    MemoryTokenBuckets memory = new MemoryTokenBuckets(perSecond, burst, maxKeys);
    return redis.<TokenBuckets>map(backend -> new RedisTokenBuckets(backend, name, perSecond, burst, memory))
        .orElse(memory);
  }
}
