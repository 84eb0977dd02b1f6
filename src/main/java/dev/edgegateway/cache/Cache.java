package dev.edgegateway.cache;

import io.vertx.core.Future;

/**
 * The cache SPI every store implements (memory, Redis, the two tiered). Keys are namespaced by the caller
 * and never hold a shopper identifier in clear. Reads of an absent or no-longer-kept key succeed with
 * {@code null}; a store that cannot answer fails the future, and callers treat that as a miss (fail open).
 */
public interface Cache<V> {

  Future<CacheHit<V>> get(String key);

  /** Stores the entry until its {@code keepUntil}; an entry already past it is not stored. */
  Future<Void> put(String key, CacheEntry<V> entry);

  Future<Void> remove(String key);

  /**
   * Drops every key starting with {@code prefix} (an operator's purge, not a request path): at most
   * {@link #MAX_PURGED} keys; succeeds with the count dropped from this store's tiers.
   */
  default Future<Long> removeByPrefix(String prefix) {
    return Future.failedFuture(new UnsupportedOperationException(name() + " cannot remove by prefix"));
  }

  /** Most keys one {@link #removeByPrefix} drops: a purge stays bounded whatever the store holds. */
  long MAX_PURGED = 100_000;

  /**
   * A fresh entry this process already holds in memory, read synchronously; null whenever the answer would
   * need I/O or a refresh (then {@link #get} decides). Lets a hot path skip a future and a bus hop.
   */
  default CacheEntry<V> freshInMemory(String key) {
    return null;
  }

  /** A short name for metric tags and logs, e.g. {@code memory} or {@code redis}. */
  String name();

  /**
   * The lease that lets processes sharing this store load a missing key once between them ({@link LoadLease});
   * {@link LoadLease#none()} for a store nobody else shares, such as memory.
   */
  default LoadLease loadLease() {
    return LoadLease.none();
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
