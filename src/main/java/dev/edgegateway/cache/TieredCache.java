package dev.edgegateway.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.edgegateway.flow.Futures;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Set<String> revalidating = ConcurrentHashMap.newKeySet();
  private final Counter revalidationKept;
  private final Counter revalidationReplaced;
  private final Counter revalidationDropped;
  private final Counter revalidationFailed;

  public TieredCache(Vertx vertx, String name, MemoryCache<V> l1, Cache<V> l2) {
    this(vertx, name, l1, l2, TieredCacheOptions.defaults());
  }

  public TieredCache(Vertx vertx, String name, MemoryCache<V> l1, Cache<V> l2, TieredCacheOptions options) {
    this.l1 = l1;
    this.l2 = l2;
    this.l1Holds = options.l1MaxTtlMs() <= 0 ? null : Caffeine.newBuilder()
        .executor(LoopUpkeep.INSTANCE)
        .maximumSize(options.l1TrackedEntries())
        .expireAfterWrite(options.l1MaxTtlMs(), TimeUnit.MILLISECONDS)
        .<String, CacheEntry<V>>build();
    if (l1Holds != null) {
      // a hold refers to its entry: dropped with it, or an entry L1 evicted for bytes stays alive until its hold ends
      l1.onEvicted((key, entry) -> l1Holds.asMap().remove(key, entry));
    }
    MeterRegistry registry = Metrics.of(vertx);
    this.l2GetErrors = Metrics.counter(registry, "edge_cache_l2_errors_total", "cache", name, "op", "get");
    this.l2PutErrors = Metrics.counter(registry, "edge_cache_l2_errors_total", "cache", name, "op", "put");
    this.l2RemoveErrors = Metrics.counter(registry, "edge_cache_l2_errors_total", "cache", name, "op", "remove");
    this.revalidationKept = Metrics.counter(registry, "edge_cache_l1_revalidations_total",
        "cache", name, "result", "kept");
    this.revalidationReplaced = Metrics.counter(registry, "edge_cache_l1_revalidations_total",
        "cache", name, "result", "replaced");
    this.revalidationDropped = Metrics.counter(registry, "edge_cache_l1_revalidations_total",
        "cache", name, "result", "dropped");
    this.revalidationFailed = Metrics.counter(registry, "edge_cache_l1_revalidations_total",
        "cache", name, "result", "failed");
  }

  public MemoryCache<V> l1() {
    return l1;
  }

  public Cache<V> l2() {
    return l2;
  }

  /**
   * A fresh L1 entry. Past its hold time it is still answered, while one background read of L2 per key
   * decides its fate: the same or an older entry there holds it again, a fresher one replaces it, none drops
   * it (removed or expired in Redis), a failed read holds it again (fail open; retried after another hold).
   * So a hot key never sends its readers to Redis in the foreground, and this gateway follows the others
   * within the hold time plus one Redis round trip. Metric: {@code edge_cache_l1_revalidations_total{cache,result}}.
   */
  @Override
  public CacheEntry<V> freshInMemory(String key) {
    CacheEntry<V> entry = l1.freshInMemory(key);
    if (entry == null || isHeld(key, entry)) {
      return entry;
    }
    revalidate(key, entry);
    return entry;
  }

  private void revalidate(String key, CacheEntry<V> local) {
    if (!revalidating.add(key)) {
      return;
    }
    Future<CacheHit<V>> remote = Futures.attempt(() -> l2.get(key));
    remote.onComplete(ar -> {
      try {
        if (ar.failed()) {
          l2GetErrors.increment();
          revalidationFailed.increment();
          hold(key, local);
        } else if (ar.result() == null) {
          revalidationDropped.increment();
          l1.removeIf(key, local);
          l1Holds.invalidate(key);
        } else if (ar.result().entry().freshUntil() > local.freshUntil()) {
          revalidationReplaced.increment();
          fillL1(key, ar.result().entry());
        } else {
          revalidationKept.increment();
          hold(key, local);
        }
      } finally {
        revalidating.remove(key);
      }
    });
  }

  @Override
  public Future<CacheHit<V>> get(String key) {
    CacheHit<V> local = l1.getNow(key);
    boolean held = local != null && isHeld(key, local.entry());
    if (held && local.entry().isFresh(System.currentTimeMillis())) {
      return Future.succeededFuture(local);
    }
    // not Futures.attempt: every lookup L1 cannot answer passes here, and its lambda would capture key and this
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

  /** Hold times tracked (tests). */
  long heldEntries() {
    if (l1Holds == null) {
      return 0;
    }
    l1Holds.cleanUp();
    return l1Holds.estimatedSize();
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
      hold(key, entry);
    }
  }

  /** Starts the hold of an entry, unless L1 no longer has it (evicted meanwhile, even as it was written). */
  private void hold(String key, CacheEntry<V> entry) {
    l1Holds.put(key, entry);
    if (l1.peek(key) != entry) {
      l1Holds.asMap().remove(key, entry);
    }
  }

  @Override
  public Future<Void> put(String key, CacheEntry<V> entry) {
    fillL1(key, entry);
    Future<Void> remote = Futures.attempt(() -> l2.put(key, entry));
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
    Future<Void> remote = Futures.attempt(() -> l2.remove(key));
    return remote.onFailure(t -> l2RemoveErrors.increment());
  }

  @Override
  public Future<Long> removeByPrefix(String prefix) {
    long local = l1.removeByPrefixNow(prefix);
    if (l1Holds != null) {
      l1Holds.asMap().keySet().removeIf(key -> key.startsWith(prefix));
    }
    return Futures.attempt(() -> l2.removeByPrefix(prefix)).map(remote -> Math.max(local, remote));
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
