package dev.edgegateway.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/**
 * Bounded in-process store: Caffeine with a per-entry lifetime taken from the entry's {@code keepUntil}.
 * Values are kept as objects, so an L1 hit costs no decoding. Safe to share between event loops.
 */
public final class MemoryCache<V> implements Cache<V> {
  private final com.github.benmanes.caffeine.cache.Cache<String, CacheEntry<V>> store;

  public MemoryCache(MemoryCacheOptions options) {
    this.store = Caffeine.newBuilder()
        // upkeep on the calling thread: handing it to the common pool after every few reads of a hot key costs a
        // thread wake-up each time, more than the upkeep itself
        .executor(Runnable::run)
        .maximumSize(options.getMaxEntries())
        .expireAfter(new Expiry<String, CacheEntry<V>>() {
          @Override
          public long expireAfterCreate(String key, CacheEntry<V> entry, long currentTime) {
            return TimeUnit.MILLISECONDS.toNanos(entry.storeMillis(System.currentTimeMillis()));
          }

          @Override
          public long expireAfterUpdate(String key, CacheEntry<V> entry, long currentTime, long currentDuration) {
            return expireAfterCreate(key, entry, currentTime);
          }

          @Override
          public long expireAfterRead(String key, CacheEntry<V> entry, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  /** Synchronous read for callers on a hot path that want to skip a future when the value is here. */
  public CacheHit<V> getNow(String key) {
    CacheEntry<V> entry = store.getIfPresent(key);
    if (entry == null) {
      return null;
    }
    if (!entry.isKept(System.currentTimeMillis())) {
      store.asMap().remove(key, entry);
      return null;
    }
    return new CacheHit<>(entry, CacheTier.L1);
  }

  @Override
  public CacheEntry<V> freshInMemory(String key) {
    CacheEntry<V> entry = store.getIfPresent(key);
    return entry != null && entry.isFresh(System.currentTimeMillis()) ? entry : null;
  }

  /** Removes the key only while it still maps to {@code entry} (a newer value written meanwhile stays). */
  public void removeIf(String key, CacheEntry<V> entry) {
    store.asMap().remove(key, entry);
  }

  public void putNow(String key, CacheEntry<V> entry) {
    if (entry.storeMillis(System.currentTimeMillis()) > 0) {
      store.put(key, entry);
    }
  }

  @Override
  public Future<CacheHit<V>> get(String key) {
    return Future.succeededFuture(getNow(key));
  }

  @Override
  public Future<Void> put(String key, CacheEntry<V> entry) {
    putNow(key, entry);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(String key) {
    store.invalidate(key);
    return Future.succeededFuture();
  }

  public long estimatedSize() {
    return store.estimatedSize();
  }

  @Override
  public String name() {
    return "memory";
  }
}
