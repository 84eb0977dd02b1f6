package dev.edgegateway.cache;

import dev.edgegateway.bus.Deadline;
import dev.edgegateway.bus.Outcome;
import dev.edgegateway.bus.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Cache-aside with every upstream load going through a {@link SingleFlight}:
 * <ul>
 *   <li>fresh entry: answered from the store;</li>
 *   <li>past fresh, inside the revalidate window: answered stale at once, one background refresh started;</li>
 *   <li>past that, still kept: refreshed in the foreground, the stale value served if the refresh fails
 *       with a retryable outcome (stale-if-error);</li>
 *   <li>absent: loaded once per key, the store re-checked inside the flight (another gateway may have
 *       filled Redis meanwhile), the result stored before followers wake.</li>
 * </ul>
 * A store that fails is treated as a miss (fail open). The loader decides what is negative and for how long.
 */
public final class ReadThroughCache<V> {
  private final Cache<V> store;
  private final long backgroundBudgetMs;
  private final boolean bypass;
  private final SingleFlight<CacheEntry<V>> flights;
  private final Map<CacheStatus, Counter> lookups = new EnumMap<>(CacheStatus.class);
  private final Counter storeErrors;
  private final Counter staleOnError;
  private final Counter backgroundRefreshes;

  public ReadThroughCache(Vertx vertx, String name, Cache<V> store, SingleFlightOptions flightOptions) {
    this(vertx, name, store, flightOptions, false);
  }

  /**
   * @param bypass true for the plain-proxy mode: every call goes to the loader, nothing is stored or shared
   */
  public ReadThroughCache(Vertx vertx, String name, Cache<V> store, SingleFlightOptions flightOptions, boolean bypass) {
    this.bypass = bypass;
    this.store = store;
    this.backgroundBudgetMs = flightOptions.getMaxFlightAgeMs();
    this.flights = new SingleFlight<>(vertx, name, flightOptions);
    MeterRegistry registry = Metrics.of(vertx);
    for (CacheStatus status : CacheStatus.values()) {
      lookups.put(status, registry.counter("edge_cache_lookups_total", "cache", name, "status", status.header()));
    }
    this.storeErrors = registry.counter("edge_cache_store_errors_total", "cache", name);
    this.staleOnError = registry.counter("edge_cache_stale_on_error_total", "cache", name);
    this.backgroundRefreshes = registry.counter("edge_cache_background_refreshes_total", "cache", name);
  }

  public Cache<V> store() {
    return store;
  }

  public SingleFlight<CacheEntry<V>> flights() {
    return flights;
  }

  /**
   * @param loader loads a fresh entry under the flight's deadline; a failed future is shared with every waiter
   */
  public Future<Loaded<V>> get(String key, Deadline deadline, Function<Deadline, Future<CacheEntry<V>>> loader) {
    if (bypass) {
      return loader.apply(deadline).map(entry -> answer(entry, CacheStatus.BYPASS));
    }
    return readStore(key).compose(hit -> {
      long now = System.currentTimeMillis();
      if (hit != null) {
        CacheEntry<V> entry = hit.entry();
        if (entry.isFresh(now)) {
          return Future.succeededFuture(answer(entry, entry.negative() ? CacheStatus.NEGATIVE : CacheStatus.of(hit.tier())));
        }
        if (entry.isRevalidatable(now) && !entry.negative()) {
          refreshInBackground(key, loader);
          return Future.succeededFuture(answer(entry, CacheStatus.STALE));
        }
      }
      CacheEntry<V> fallback = hit != null && !hit.entry().negative() && hit.entry().isKept(now) ? hit.entry() : null;
      return load(key, deadline, loader)
          .map(entry -> answer(entry, entry.negative() ? CacheStatus.NEGATIVE : CacheStatus.MISS))
          .recover(failure -> {
            if (fallback != null && OutcomeException.outcomeOf(failure).allowsStale()) {
              staleOnError.increment();
              return Future.succeededFuture(answer(fallback, CacheStatus.STALE));
            }
            return Future.failedFuture(failure);
          });
    });
  }

  /** Drops a key from the store, e.g. after the upstream said the cached session is gone. */
  public Future<Void> invalidate(String key) {
    Future<Void> removed;
    try {
      removed = store.remove(key);
    } catch (RuntimeException e) {
      removed = Future.failedFuture(e);
    }
    return removed.recover(t -> {
      storeErrors.increment();
      return Future.succeededFuture();
    });
  }

  private Loaded<V> answer(CacheEntry<V> entry, CacheStatus status) {
    lookups.get(status).increment();
    return new Loaded<>(entry.value(), status, entry.negative());
  }

  private Future<CacheHit<V>> readStore(String key) {
    Future<CacheHit<V>> read;
    try {
      read = store.get(key);
    } catch (RuntimeException e) {
      read = Future.failedFuture(e);
    }
    return read.recover(t -> {
      storeErrors.increment();
      return Future.succeededFuture(null);
    });
  }

  /** Stores a loaded entry; a store that fails, or throws instead of failing, never fails the read. */
  private Future<Void> writeStore(String key, CacheEntry<V> entry) {
    Future<Void> written;
    try {
      written = store.put(key, entry);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    return written.recover(t -> {
      storeErrors.increment();
      return Future.succeededFuture();
    });
  }

  private Future<CacheEntry<V>> load(String key, Deadline deadline, Function<Deadline, Future<CacheEntry<V>>> loader) {
    return flights.run(key, deadline, flightDeadline -> readStore(key).compose(hit -> {
      // another caller, or another gateway through Redis, may have filled the key since our first read
      if (hit != null && hit.entry().isFresh(System.currentTimeMillis())) {
        return Future.succeededFuture(hit.entry());
      }
      return loader.apply(flightDeadline).compose(entry -> {
        if (entry == null) {
          return Future.failedFuture(new OutcomeException(Outcome.INTERNAL, "loader produced no entry"));
        }
        return writeStore(key, entry).map(entry);
      });
    }));
  }

  private void refreshInBackground(String key, Function<Deadline, Future<CacheEntry<V>>> loader) {
    if (flights.isFlying(key)) {
      return;
    }
    backgroundRefreshes.increment();
    // nobody waits on this flight: its deadline is the flight's own, and a failure leaves the stale entry
    load(key, Deadline.in(backgroundBudgetMs), loader);
  }
}
