package dev.edgegateway.bus;

import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * Request/reply over the local event bus with typed messages and the request deadline in a header.
 * Services bind a handler; callers get a {@code Future} whose failure is always an {@link OutcomeException}.
 *
 * <p>A handler bound on an event-loop thread also answers on an address of its own thread, and a caller on
 * that thread is sent there: the request and its reply stay on one thread. Crossing threads costs a wake-up
 * of the other event loop each way, and on a cold page (four hops) that was a fifth of the gateway's own time.
 * Callers on a thread with no such handler use the shared address, which Vert.x spreads over every instance.
 */
public final class Bus {
  /** Budget used when a message arrives without a deadline (tests, tools). */
  public static final long DEFAULT_DEADLINE_MS = 2_000;

  /** How many handlers are bound on each {@code address@thread}; thread ids are unique within the JVM. */
  private static final ConcurrentHashMap<String, Integer> ON_THREAD = new ConcurrentHashMap<>();

  private Bus() {
  }

  /** Registers the local codec once per Vert.x instance; safe to call repeatedly. */
  public static void install(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    synchronized (Bus.class) {
      try {
        bus.registerCodec(new LocalCodec());
      } catch (IllegalStateException alreadyRegistered) {
        return;
      }
      bus.codecSelector(body -> body instanceof LocalMessage ? LocalCodec.NAME : null);
    }
  }

  /**
   * Binds {@code handler} to {@code address} and, when called on an event loop, to that thread's own address
   * too. Unregistering the returned consumer (or undeploying its verticle) removes both.
   */
  public static <Q, R> MessageConsumer<Q> bind(Vertx vertx, String address, BiFunction<Q, Deadline, Future<R>> handler) {
    Handler<Message<Q>> receive = message -> {
      Deadline deadline = Deadline.fromHeaders(message.headers(), DEFAULT_DEADLINE_MS);
      Future<R> result;
      try {
        result = handler.apply(message.body(), deadline);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          message.reply(ar.result());
        } else {
          OutcomeException failure = OutcomeException.of(ar.cause());
          message.fail(failure.outcome().busCode(), OutcomeException.toBusMessage(failure));
        }
      });
    };
    MessageConsumer<Q> shared = vertx.eventBus().localConsumer(address, receive);
    if (!Context.isOnEventLoopThread()) {
      return shared;
    }
    String own = onThisThread(address);
    MessageConsumer<Q> local = vertx.eventBus().localConsumer(own, receive);
    AtomicBoolean counted = new AtomicBoolean();
    local.completion().onSuccess(v -> {
      if (counted.compareAndSet(false, true)) {
        ON_THREAD.merge(own, 1, Integer::sum);
      }
    });
    // called on unregister, and on undeploy (which unregisters every consumer of the verticle)
    local.endHandler(v -> {
      if (counted.compareAndSet(true, false)) {
        ON_THREAD.computeIfPresent(own, (k, n) -> n > 1 ? n - 1 : null);
      }
    });
    shared.endHandler(v -> local.unregister());
    return shared;
  }

  /** The address a handler bound on the current thread also answers on. */
  static String onThisThread(String address) {
    return address + "@" + Thread.currentThread().getId();
  }

  public static <R> Future<R> request(Vertx vertx, String address, Object body, Deadline deadline) {
    long remaining = deadline.remainingMillis();
    if (remaining <= 0) {
      return Future.failedFuture(new OutcomeException(Outcome.TIMEOUT, "deadline spent before " + address));
    }
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(remaining)
        .addHeader(Deadline.HEADER, deadline.headerValue());
    String own = onThisThread(address);
    if (!ON_THREAD.containsKey(own)) {
      count(vertx, address, 1);
      return send(vertx, address, body, options);
    }
    count(vertx, address, 0);
    return vertx.eventBus().<R>request(own, body, options)
        .map(message -> message.body())
        // the handler on this thread went away (undeployed) between the check and the send: use the shared one
        .recover(t -> t instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? send(vertx, address, body, options)
            : Future.failedFuture(OutcomeException.of(t)));
  }

  /** Per thread (a thread serves one Vert.x instance): no lock and no key building on a request's way. */
  private static final ThreadLocal<Counters> COUNTERS = new ThreadLocal<>();

  private static final class Counters {
    final Vertx vertx;
    final Map<String, Counter[]> byAddress = new HashMap<>();

    Counters(Vertx vertx) {
      this.vertx = vertx;
    }
  }

  /** {@code edge_bus_requests_total{address,target}}: target 0 = this thread's handler, 1 = any instance. */
  private static void count(Vertx vertx, String address, int target) {
    Counters counters = COUNTERS.get();
    if (counters == null || counters.vertx != vertx) {
      counters = new Counters(vertx);
      COUNTERS.set(counters);
    }
    counters.byAddress.computeIfAbsent(address, a -> {
      MeterRegistry registry = Metrics.of(vertx);
      return new Counter[] {
          registry.counter("edge_bus_requests_total", "address", a, "target", "own_loop"),
          registry.counter("edge_bus_requests_total", "address", a, "target", "any_loop")};
    })[target].increment();
  }

  private static <R> Future<R> send(Vertx vertx, String address, Object body, DeliveryOptions options) {
    return vertx.eventBus().<R>request(address, body, options)
        .map(message -> message.body())
        .recover(t -> Future.failedFuture(OutcomeException.of(t)));
  }
}
