package dev.edgegateway.cache;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One load per key at a time. The first caller (leader) starts the load; callers arriving while it is in
 * the air (followers) share its result or its error the moment it settles. Every caller waits under its
 * own deadline, and a caller that gives up only stops waiting: the load goes on and still fills the cache.
 * A flight older than its maximum age takes no more followers, so one stuck load cannot hold a key.
 */
public final class SingleFlight<V> {
  private final Vertx vertx;
  private final SingleFlightOptions options;
  private final ConcurrentHashMap<String, Flight<V>> flights = new ConcurrentHashMap<>();
  private final Counter leaders;
  private final Counter followers;
  private final Counter rejected;
  private final Counter waiterTimeouts;

  public SingleFlight(Vertx vertx, String name, SingleFlightOptions options) {
    this.vertx = vertx;
    this.options = options;
    MeterRegistry registry = Metrics.of(vertx);
    this.leaders = Metrics.counter(registry, "edge_singleflight_calls_total", "flight", name, "role", "leader");
    this.followers = Metrics.counter(registry, "edge_singleflight_calls_total", "flight", name, "role", "follower");
    this.rejected = Metrics.counter(registry, "edge_singleflight_calls_total", "flight", name, "role", "rejected");
    this.waiterTimeouts = Metrics.counter(registry, "edge_singleflight_waiter_timeouts_total", "flight", name);
    Metrics.gauge("edge_singleflight_inflight", flights, ConcurrentHashMap::size)
        .tag("flight", name).register(registry);
  }

  private static final class Flight<V> {
    final Promise<V> promise = Promise.promise();
    final long startedNanos = System.nanoTime();
    final AtomicInteger followers = new AtomicInteger();
    /** Timed waiters not answered yet, in arrival order; null once the flight has settled. Guarded by this. */
    List<Waiter<V>> waiters = new ArrayList<>();
  }

  /** A caller waiting under its own deadline, woken on its own context. */
  private record Waiter<V>(Context context, Promise<V> promise, long timer) {
  }

  /**
   * Runs {@code loader} unless a flight for {@code key} is already in the air, in which case this call joins
   * it. The loader receives the flight's own deadline (the maximum flight age), not the caller's.
   */
  public Future<V> run(String key, Deadline waiterDeadline, Function<Deadline, Future<V>> loader) {
    return run(key, waiterDeadline, loader, true);
  }

  /**
   * Like {@link #run}, for a loader that settles by itself within the caller's deadline (it never fails and
   * honours the deadline it closes over): the leader waits on the load as it is, with no timer of its own.
   * Followers still wait under their own deadlines.
   */
  public Future<V> runSettling(String key, Deadline waiterDeadline, Function<Deadline, Future<V>> loader) {
    return run(key, waiterDeadline, loader, false);
  }

  private Future<V> run(String key, Deadline waiterDeadline, Function<Deadline, Future<V>> loader, boolean timedLeader) {
    while (true) {
      Flight<V> current = flights.get(key);
      if (current != null && !isTooOld(current)) {
        if (current.followers.incrementAndGet() > options.maxWaitersPerKey()) {
          current.followers.decrementAndGet();
          rejected.increment();
          return Future.failedFuture(new OutcomeException(Outcome.OVERLOADED, "too many waiters on one key", 1));
        }
        followers.increment();
        return waitFor(current, waiterDeadline);
      }
      if (current == null && flights.size() >= options.maxFlights()) {
        rejected.increment();
        return Future.failedFuture(new OutcomeException(Outcome.OVERLOADED, "too many flights in the air", 1));
      }
      Flight<V> fresh = new Flight<>();
      boolean won = current == null ? flights.putIfAbsent(key, fresh) == null : flights.replace(key, current, fresh);
      if (won) {
        leaders.increment();
        launch(key, fresh, loader, waiterDeadline);
        return timedLeader ? waitFor(fresh, waiterDeadline) : fresh.promise.future();
      }
    }
  }

  /** Keys with a flight in the air now. */
  public int inFlight() {
    return flights.size();
  }

  /** Whether a flight for this key is in the air (used to start at most one background refresh). */
  public boolean isFlying(String key) {
    Flight<V> flight = flights.get(key);
    return flight != null && !isTooOld(flight);
  }

  private boolean isTooOld(Flight<V> flight) {
    return System.nanoTime() - flight.startedNanos > options.maxFlightAgeMs() * 1_000_000L;
  }

  private void launch(String key, Flight<V> flight, Function<Deadline, Future<V>> loader, Deadline leader) {
    Future<V> loading;
    try {
      // the flight's calls belong to the leader's trace
      loading = loader.apply(Deadline.in(options.maxFlightAgeMs()).withTrace(leader.trace()));
      if (loading == null) {
        loading = Future.failedFuture(new OutcomeException(Outcome.INTERNAL, "loader returned no future"));
      }
    } catch (Throwable t) {
      // a loader that throws instead of failing its future must still settle the flight
      loading = Future.failedFuture(t);
    }
    loading.onComplete(ar -> {
      flights.remove(key, flight);
      release(flight, ar);
    });
  }

  /**
   * Wakes every waiter. Those on other event loops are handed their result first, one task per loop, so they
   * are released in parallel instead of after this thread has written its own callers' answers; then the
   * untimed leader, and this thread's own waiters.
   */
  private void release(Flight<V> flight, AsyncResult<V> result) {
    List<Waiter<V>> waiting;
    synchronized (flight) {
      waiting = flight.waiters;
      flight.waiters = null;
    }
    if (waiting.isEmpty()) {
      // most flights: a leader alone, nothing to sort out per loop
      flight.promise.handle(result);
      return;
    }
    Context here = Vertx.currentContext();
    Map<Context, List<Waiter<V>>> elsewhere = new LinkedHashMap<>();
    List<Waiter<V>> local = new ArrayList<>(waiting.size());
    for (Waiter<V> waiter : waiting) {
      vertx.cancelTimer(waiter.timer());
      if (waiter.context() == null || waiter.context() == here) {
        local.add(waiter);
      } else {
        elsewhere.computeIfAbsent(waiter.context(), c -> new ArrayList<>()).add(waiter);
      }
    }
    elsewhere.forEach((context, theirs) -> context.runOnContext(v -> theirs.forEach(w -> complete(w.promise(), result))));
    flight.promise.handle(result);
    local.forEach(w -> complete(w.promise(), result));
  }

  private Future<V> waitFor(Flight<V> flight, Deadline deadline) {
    Future<V> shared = flight.promise.future();
    if (shared.isComplete()) {
      return shared;
    }
    long waitMillis = deadline.remainingMillis();
    if (waitMillis <= 0) {
      waiterTimeouts.increment();
      return Future.failedFuture(new OutcomeException(Outcome.TIMEOUT, "deadline spent before the flight settled"));
    }
    Promise<V> mine = Promise.promise();
    long timer = vertx.setTimer(waitMillis, id -> {
      if (mine.tryFail(new OutcomeException(Outcome.TIMEOUT, "flight still in the air at the waiter's deadline"))) {
        waiterTimeouts.increment();
      }
    });
    Context context = Vertx.currentContext();
    synchronized (flight) {
      if (flight.waiters != null) {
        flight.waiters.add(new Waiter<>(context, mine, timer));
        return mine.future();
      }
    }
    // released between the check above and now: the promise has (or is about to have) the result, and this
    // waiter still wakes on its own event loop
    shared.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (context == null || Vertx.currentContext() == context) {
        complete(mine, ar);
      } else {
        context.runOnContext(v -> complete(mine, ar));
      }
    });
    return mine.future();
  }

  private static <V> void complete(Promise<V> waiter, AsyncResult<V> result) {
    if (result.succeeded()) {
      waiter.tryComplete(result.result());
    } else {
      waiter.tryFail(result.cause());
    }
  }
}
