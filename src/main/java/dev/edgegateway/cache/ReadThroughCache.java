package dev.edgegateway.cache;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Futures;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>With a shared store (Redis) the flight also takes the store's {@link LoadLease}, so that gateways
 * missing the same key at the same moment load it once between them: the holder loads, stores, releases;
 * the others poll the store every {@code pollMs} for at most {@code waitMs} (and at most half the time
 * the caller that started the flight has left), answer with the value as soon as it appears, and load themselves if the lease goes away
 * without a value or the wait runs out. A lease store that cannot answer means loading without a lease.
 * Metrics: {@code edge_cache_lease_total{cache,result=acquired|waited_hit|waited_fallback|unavailable}} and
 * {@code edge_cache_lease_wait_seconds{cache}}.
 */
public final class ReadThroughCache<V> {
  private final Vertx vertx;
  private final Cache<V> store;
  private final LoadLease lease;
  private final long backgroundBudgetMs;
  private final boolean bypass;
  private final SingleFlight<CacheEntry<V>> flights;
  private final Map<CacheStatus, Counter> lookups = new EnumMap<>(CacheStatus.class);
  private final Counter storeErrors;
  private final Counter staleOnError;
  private final Counter backgroundRefreshes;
  private final Counter leaseAcquired;
  private final Counter leaseWaitedHit;
  private final Counter leaseWaitedFallback;
  private final Counter leaseUnavailable;
  private final Timer leaseWait;

  /** A read-through cache loading under the store's own lease ({@link Cache#loadLease()}: none for memory). */
  public ReadThroughCache(Vertx vertx, String name, Cache<V> store, SingleFlightOptions flightOptions) {
    this(vertx, name, store, flightOptions, false);
  }

  /**
   * @param bypass true for the plain-proxy mode: every call goes to the loader, nothing is stored or shared
   */
  public ReadThroughCache(Vertx vertx, String name, Cache<V> store, SingleFlightOptions flightOptions, boolean bypass) {
    this(vertx, name, store, flightOptions, bypass, store.loadLease());
  }

  /**
   * @param lease the cross-process lease misses are loaded under; {@link LoadLease#none()} for none
   */
  public ReadThroughCache(Vertx vertx, String name, Cache<V> store, SingleFlightOptions flightOptions, boolean bypass,
      LoadLease lease) {
    this.vertx = vertx;
    this.bypass = bypass;
    this.store = store;
    this.lease = lease == null ? LoadLease.none() : lease;
    this.backgroundBudgetMs = flightOptions.maxFlightAgeMs();
    this.flights = new SingleFlight<>(vertx, name, flightOptions);
    MeterRegistry registry = Metrics.of(vertx);
    for (CacheStatus status : CacheStatus.values()) {
      lookups.put(status, Metrics.counter(registry, "edge_cache_lookups_total",
          "cache", name, "status", status.header()));
    }
    this.storeErrors = Metrics.counter(registry, "edge_cache_store_errors_total", "cache", name);
    this.staleOnError = Metrics.counter(registry, "edge_cache_stale_on_error_total", "cache", name);
    this.backgroundRefreshes = Metrics.counter(registry, "edge_cache_background_refreshes_total", "cache", name);
    this.leaseAcquired = Metrics.counter(registry, "edge_cache_lease_total", "cache", name, "result", "acquired");
    this.leaseWaitedHit = Metrics.counter(registry, "edge_cache_lease_total", "cache", name, "result", "waited_hit");
    this.leaseWaitedFallback = Metrics.counter(registry, "edge_cache_lease_total",
        "cache", name, "result", "waited_fallback");
    this.leaseUnavailable = Metrics.counter(registry, "edge_cache_lease_total", "cache", name, "result", "unavailable");
    this.leaseWait = Metrics.timer("edge_cache_lease_wait_seconds").tags("cache", name).register(registry);
  }

  /** The lease misses are loaded under ({@link LoadLease#none()} when there is none). */
  public LoadLease lease() {
    return lease;
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
    Future<Void> removed = Futures.attempt(() -> store.remove(key));
    return removed.recover(t -> {
      storeErrors.increment();
      return Future.succeededFuture();
    });
  }

  private Loaded<V> answer(CacheEntry<V> entry, CacheStatus status) {
    lookups.get(status).increment();
    return new Loaded<>(entry.value(), status, entry.negative(), entry.freshUntil());
  }

  private Future<CacheHit<V>> readStore(String key) {
    // not Futures.attempt: every lookup passes here, and its lambda would capture key and this
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
    Future<Void> written = Futures.attempt(() -> store.put(key, entry));
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
      if (!lease.isEnabled()) {
        return loadAndStore(key, flightDeadline, loader);
      }
      return loadUnderLease(key, deadline, flightDeadline, loader);
    }));
  }

  private Future<CacheEntry<V>> loadAndStore(String key, Deadline deadline, Function<Deadline, Future<CacheEntry<V>>> loader) {
    Future<CacheEntry<V>> loading = Futures.attempt(() -> loader.apply(deadline));
    if (loading == null) {
      loading = Future.failedFuture(new OutcomeException(Outcome.INTERNAL, "loader returned no future"));
    }
    return loading.compose(entry -> {
      if (entry == null) {
        return Future.failedFuture(new OutcomeException(Outcome.INTERNAL, "loader produced no entry"));
      }
      return writeStore(key, entry).map(entry);
    });
  }

  /**
   * One gateway loads, the others wait for its result: take the lease and load, or poll the store while
   * another process holds it, falling back to loading here when it does not deliver in time.
   */
  private Future<CacheEntry<V>> loadUnderLease(String key, Deadline callerDeadline, Deadline flightDeadline,
      Function<Deadline, Future<CacheEntry<V>>> loader) {
    LeaseOptions timing = lease.options();
    Future<Optional<Lease>> acquiring = Futures.attempt(() -> lease.tryAcquire(key, timing.ttlMs()));
    return acquiring.transform(ar -> {
      if (ar.failed() || ar.result() == null) {
        // Redis down, slow or refusing: no lease, load as if there were none (fail open)
        leaseUnavailable.increment();
        return loadAndStore(key, flightDeadline, loader);
      }
      if (ar.result().isPresent()) {
        leaseAcquired.increment();
        Lease held = ar.result().get();
        // released after the store write, so a waiter that sees the lease gone finds the value; not awaited
        return loadAndStore(key, flightDeadline, loader).andThen(done -> release(held));
      }
      // wait at most half of what the caller that started this flight has left: the other half is for
      // loading here if the holder does not deliver
      long left = Math.min(callerDeadline.remainingMillis(), flightDeadline.remainingMillis());
      long waitMs = Math.min(timing.waitMs(), left / 2);
      long started = System.nanoTime();
      return awaitHolder(key, started + waitMs * 1_000_000L, timing.pollMs()).compose(found -> {
        leaseWait.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        if (found != null) {
          leaseWaitedHit.increment();
          return Future.succeededFuture(found);
        }
        leaseWaitedFallback.increment();
        return loadAndStore(key, flightDeadline, loader);
      });
    });
  }

  private static void release(Lease held) {
    try {
      held.release();
    } catch (RuntimeException ignored) {
      // the lease expires by itself
    }
  }

  /**
   * Polls on a timer until the holder's value is in the store (succeeds with it), or the lease is gone
   * without one, the lease store fails, or {@code giveUpAtNanos} passes (succeeds with null: load here).
   * Each look checks the lease first, then the store: the holder stores before it releases, so a lease seen
   * gone means its value, if any, is already readable.
   */
  private Future<CacheEntry<V>> awaitHolder(String key, long giveUpAtNanos, long pollMs) {
    Promise<CacheEntry<V>> result = Promise.promise();
    scheduleLook(key, giveUpAtNanos, pollMs, result);
    return result.future();
  }

  private void scheduleLook(String key, long giveUpAtNanos, long pollMs, Promise<CacheEntry<V>> result) {
    long leftMs = (giveUpAtNanos - System.nanoTime()) / 1_000_000L;
    if (leftMs <= 0) {
      result.tryComplete(null);
      return;
    }
    try {
      vertx.setTimer(Math.max(1, Math.min(pollMs, leftMs)), id -> look(key, giveUpAtNanos, pollMs, result));
    } catch (RuntimeException e) {
      result.tryComplete(null); // Vert.x closing: give up waiting
    }
  }

  private void look(String key, long giveUpAtNanos, long pollMs, Promise<CacheEntry<V>> result) {
    Future<Boolean> checking = Futures.attempt(() -> lease.isHeld(key));
    checking.onComplete(held -> readStore(key).onComplete(read -> {
      CacheHit<V> hit = read.result();
      if (hit != null && hit.entry().isFresh(System.currentTimeMillis())) {
        result.tryComplete(hit.entry());
      } else if (held.succeeded() && Boolean.TRUE.equals(held.result())) {
        scheduleLook(key, giveUpAtNanos, pollMs, result);
      } else {
        // the holder gave up (failed load, lost Redis) or the lease store cannot tell: load here
        result.tryComplete(null);
      }
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
