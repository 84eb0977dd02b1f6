package dev.edgegateway.cache;

import io.vertx.core.Future;

/**
 * Token buckets by key (a hashed client address, a hashed customer): each holds up to {@code burst} tokens and
 * gains {@code perSecond} a second; a request takes one or is refused with the time until one is back. In Redis when
 * the gateway has one, so that every gateway sharing it sees one bucket per key; in memory otherwise
 * ({@link TokenBucketStores}).
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
}
