package dev.edgegateway.cache;

import java.util.Optional;

/** Where {@link TokenBuckets} are kept: in Redis when the gateway has one, else in this process's memory. */
public final class TokenBucketStores {
  private TokenBucketStores() {
  }

  /**
   * Buckets of {@code name} (part of their Redis keys): in {@code redis} when present, with buckets in memory as the
   * fallback when a Redis command fails; in memory alone otherwise, at most {@code maxKeys} of them.
   */
  public static TokenBuckets of(Optional<RedisBackend> redis, String name, double perSecond, int burst, long maxKeys) {
    MemoryTokenBuckets memory = new MemoryTokenBuckets(perSecond, burst, maxKeys);
    return redis.<TokenBuckets>map(backend -> new RedisTokenBuckets(backend, name, perSecond, burst, memory))
        .orElse(memory);
  }
}
