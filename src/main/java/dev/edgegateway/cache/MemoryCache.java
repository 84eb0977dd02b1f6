package dev.edgegateway.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;

/**
 * Bounded in-process store: Caffeine with a per-entry lifetime taken from the entry's {@code keepUntil}.
 * Values are kept as objects, so an L1 hit costs no decoding. Safe to share between event loops.
 *
 * <p>Bounded by bytes and by entries ({@link MemoryCacheOptions}): each entry is weighed once, when written, by
 * its estimated heap size ({@link Weights}: a walk of the value, no encoding), and Caffeine evicts by weight.
 * Metrics once {@link #bindMetrics bound}: {@code edge_cache_memory_bytes{cache}},
 * {@code edge_cache_memory_max_bytes{cache}}, {@code edge_cache_memory_entries{cache}} and
 * {@code edge_cache_memory_evictions_total{cache,cause=size|expired}}.
 */
public final class MemoryCache<V> implements Cache<V> {
  private final com.github.benmanes.caffeine.cache.Cache<String, CacheEntry<V>> store;
  private final MemoryCacheOptions options;
  private final LongAdder sizeEvictions = new LongAdder();
  private final LongAdder expiredEvictions = new LongAdder();
  private volatile BiConsumer<String, CacheEntry<V>> onEvicted = (key, entry) -> { };

  /** A store whose values are weighed by {@link Weights#of} (JSON trees, Strings, Buffers). */
  public MemoryCache(MemoryCacheOptions options) {
    this(options, Weights::of);
  }

  /**
   * @param valueBytes the estimated heap bytes of a value (called once per write, never on a read); the entry's
   *     key and fixed overhead are added to it
   */
  public MemoryCache(MemoryCacheOptions options, ToLongFunction<? super V> valueBytes) {
    this.options = options;
    Caffeine<String, CacheEntry<V>> builder = Caffeine.newBuilder()
        .executor(LoopUpkeep.INSTANCE)
        .<String, CacheEntry<V>>removalListener((key, entry, cause) -> {
          if (cause == RemovalCause.SIZE) {
            sizeEvictions.increment();
          } else if (cause == RemovalCause.EXPIRED) {
            expiredEvictions.increment();
          }
          if (cause.wasEvicted()) {
            onEvicted.accept(key, entry);
          }
        });
    if (options.maxBytes() > 0) {
      long minEntryBytes = options.minEntryBytes();
      builder.maximumWeight(options.maxBytes())
          .weigher((String key, CacheEntry<V> entry) -> {
            // once per write; a read never weighs
            long bytes = Weights.entry(key, entry.value() == null ? 0 : valueBytes.applyAsLong(entry.value()));
            return (int) Math.min(Integer.MAX_VALUE, Math.max(minEntryBytes, bytes));
          });
    } else {
      builder.maximumSize(options.maxEntries());
    }
    this.store = builder
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

  /** The entry held for the key, whatever its age, without counting as a read (W-TinyLFU's frequencies). */
  CacheEntry<V> peek(String key) {
    return store.policy().getIfPresentQuietly(key);
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

  @Override
  public Future<Long> removeByPrefix(String prefix) {
    return Future.succeededFuture(removeByPrefixNow(prefix));
  }

  /** {@link #removeByPrefix}, at once: one pass over the keys this store holds. */
  public long removeByPrefixNow(String prefix) {
    long removed = 0;
    for (var keys = store.asMap().keySet().iterator(); keys.hasNext() && removed < MAX_PURGED; ) {
      if (keys.next().startsWith(prefix)) {
        keys.remove();
        removed++;
      }
    }
    return removed;
  }

  public long estimatedSize() {
    return store.estimatedSize();
  }

  /**
   * The estimated heap bytes of the entries held (each charged at least {@code maxBytes / maxEntries}); without a
   * byte budget, -1.
   */
  public long weightedBytes() {
    return store.policy().eviction().map(Policy.Eviction::weightedSize)
        .filter(java.util.OptionalLong::isPresent).map(java.util.OptionalLong::getAsLong).orElse(-1L);
  }

  /** Entries evicted so far to stay within the bounds ({@code size}) or past their keepUntil ({@code expired}). */
  public long evictions(RemovalCause cause) {
    return cause == RemovalCause.SIZE ? sizeEvictions.sum() : cause == RemovalCause.EXPIRED ? expiredEvictions.sum() : 0;
  }

  /** Runs pending upkeep (evictions) now; Caffeine otherwise does it on the next few reads or writes. */
  public void cleanUp() {
    store.cleanUp();
  }

  /**
   * Called with each entry the store evicts (bounds or keep time), on the thread that ran the upkeep; so that
   * whoever indexes this store's entries (TieredCache's hold times) lets go of them too. One listener.
   */
  void onEvicted(BiConsumer<String, CacheEntry<V>> listener) {
    this.onEvicted = listener;
  }

  public MemoryCacheOptions options() {
    return options;
  }

  /**
   * Registers this store's gauges and eviction counters under {@code cache=name} (a configured cache name, never
   * shopper data). The meters hold this store weakly; call once per name and registry.
   */
  public MemoryCache<V> bindMetrics(MeterRegistry registry, String name) {
    if (options.maxBytes() > 0) {
      Metrics.gauge("edge_cache_memory_bytes", this, MemoryCache::weightedBytes).tag("cache", name)
          .baseUnit("bytes").register(registry);
      Metrics.gauge("edge_cache_memory_max_bytes", options, MemoryCacheOptions::maxBytes).tag("cache", name)
          .baseUnit("bytes").register(registry);
    }
    Metrics.gauge("edge_cache_memory_entries", this, MemoryCache::estimatedSize).tag("cache", name).register(registry);
    Metrics.functionCounter("edge_cache_memory_evictions_total", sizeEvictions, LongAdder::sum)
        .tags("cache", name, "cause", "size").register(registry);
    Metrics.functionCounter("edge_cache_memory_evictions_total", expiredEvictions, LongAdder::sum)
        .tags("cache", name, "cause", "expired").register(registry);
    return this;
  }

  @Override
  public String name() {
    return "memory";
  }
}
