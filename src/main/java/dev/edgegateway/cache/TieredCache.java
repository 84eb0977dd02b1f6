package dev.edgegateway.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * L1 in process memory in front of a shared L2 (Redis), so a hot key never hammers Redis and a Redis outage
 * only costs the entries this process has not seen.
 * <ul>
 *   <li>{@code get}: a fresh L1 entry answers at once (tier L1). Otherwise L2 is read (tier L2) and an L2 hit
 *       fills L1 with the same ages. An L1 entry past fresh is answered only if L2 has nothing fresher
 *       (another gateway may have refreshed it). An L2 failure is a miss, unless L1 still has the entry.</li>
 *   <li>{@code put}: L1, then L2; an L2 failure is counted and swallowed, so Redis never fails a write.</li>
 *   <li>{@code remove}: L1, then L2; an L2 failure fails the future (the caller may retry or ignore it).</li>
 * </ul>
 * With {@code l1MaxTtlMs} set, L1 answers an entry for at most that long after filling it; then L2 is read
 * again (and refills L1), so another gateway's update or removal shows here within that bound. While L2
 * fails, L1 keeps answering whatever it has. Metric: {@code edge_cache_l2_errors_total{cache,op}}.
 */
public final class TieredCache<V> implements Cache<V> {
  private final MemoryCache<V> l1;
  private final Cache<V> l2;
  /** Entries filled into L1 within the last l1MaxTtlMs, by identity; null without a cap. */
  private final com.github.benmanes.caffeine.cache.Cache<String, CacheEntry<V>> l1Holds;
  private final Counter l2GetErrors;
  private final Counter l2PutErrors;
  private final Counter l2RemoveErrors;

  public TieredCache(Vertx vertx, String name, MemoryCache<V> l1, Cache<V> l2) {
    this(vertx, name, l1, l2, new TieredCacheOptions());
  }

  public TieredCache(Vertx vertx, String name, MemoryCache<V> l1, Cache<V> l2, TieredCacheOptions options) {
    this.l1 = l1;
    this.l2 = l2;
    this.l1Holds = options.getL1MaxTtlMs() <= 0 ? null : Caffeine.newBuilder()
        .executor(Runnable::run) // see MemoryCache
        .maximumSize(options.getL1TrackedEntries())
        .expireAfterWrite(options.getL1MaxTtlMs(), TimeUnit.MILLISECONDS)
        .<String, CacheEntry<V>>build();
    MeterRegistry registry = Metrics.of(vertx);
    this.l2GetErrors = registry.counter("edge_cache_l2_errors_total", "cache", name, "op", "get");
    this.l2PutErrors = registry.counter("edge_cache_l2_errors_total", "cache", name, "op", "put");
    this.l2RemoveErrors = registry.counter("edge_cache_l2_errors_total", "cache", name, "op", "remove");
  }

  public MemoryCache<V> l1() {
    return l1;
  }

  public Cache<V> l2() {
    return l2;
  }

  /** Only what L1 may still answer on its own: fresh, and filled within {@code l1MaxTtlMs}. */
  @Override
  public CacheEntry<V> freshInMemory(String key) {
    CacheEntry<V> entry = l1.freshInMemory(key);
    return entry != null && isHeld(key, entry) ? entry : null;
  }

  @Override
  public Future<CacheHit<V>> get(String key) {
    CacheHit<V> local = l1.getNow(key);
    boolean held = local != null && isHeld(key, local.entry());
    if (held && local.entry().isFresh(System.currentTimeMillis())) {
      return Future.succeededFuture(local);
    }
    Future<CacheHit<V>> remote;
    try {
      remote = l2.get(key);
    } catch (RuntimeException e) {
      remote = Future.failedFuture(e);
    }
    return remote.transform(ar -> {
      if (ar.failed()) {
        // fail open: whatever L1 still has (even past its hold time) beats a miss while L2 is out
        l2GetErrors.increment();
        return Future.succeededFuture(local);
      }
      CacheHit<V> hit = ar.result();
      if (hit == null) {
        // L2 is the shared truth: an entry gone from it was removed or expired there
        return Future.succeededFuture(held ? local : null);
      }
      CacheEntry<V> entry = hit.entry();
      if (held && local.entry().freshUntil() >= entry.freshUntil()) {
        return Future.succeededFuture(local);
      }
      fillL1(key, entry);
      return Future.succeededFuture(new CacheHit<>(entry, CacheTier.L2));
    });
  }

  /** Whether L1 may still answer with this entry: no cap, or filled less than l1MaxTtlMs ago. */
  private boolean isHeld(String key, CacheEntry<V> entry) {
    return l1Holds == null || l1Holds.getIfPresent(key) == entry;
  }

  private void fillL1(String key, CacheEntry<V> entry) {
    if (entry.storeMillis(System.currentTimeMillis()) <= 0) {
      return;
    }
    l1.putNow(key, entry);
    if (l1Holds != null) {
      l1Holds.put(key, entry);
    }
  }

  @Override
  public Future<Void> put(String key, CacheEntry<V> entry) {
    fillL1(key, entry);
    Future<Void> remote;
    try {
      remote = l2.put(key, entry);
    } catch (RuntimeException e) {
      remote = Future.failedFuture(e);
    }
    return remote.recover(t -> {
      l2PutErrors.increment();
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<Void> remove(String key) {
    l1.remove(key);
    if (l1Holds != null) {
      l1Holds.invalidate(key);
    }
    Future<Void> remote;
    try {
      remote = l2.remove(key);
    } catch (RuntimeException e) {
      remote = Future.failedFuture(e);
    }
    return remote.onFailure(t -> l2RemoveErrors.increment());
  }

  @Override
  public String name() {
    return "tiered";
  }

  /** L2's lease: L1 is this process' own, the lease is about the shared tier. */
  @Override
  public LoadLease loadLease() {
    return l2.loadLease();
  }

  @Override
  public Future<Void> close() {
    return l2.close();
  }
}
