package dev.edgegateway.bus;

import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.TraceContext;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.tracing.TracingPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * Request/reply over the local event bus with typed messages and the request deadline (and its trace context) in
 * headers. Services bind a handler; callers get a {@code Future} whose failure is always an {@link OutcomeException}.
 *
 * <p>A caller on an event-loop thread where a handler of the address is bound is answered by that handler, on
 * its own context, in the caller's stack: the message would never leave the thread anyway, and each trip through
 * the event bus costs a reply consumer, a timer and two queued tasks (crossing threads, a wake-up each way).
 * Callers on a thread with no such handler use the shared address, which Vert.x spreads over every instance.
 * Either way the deadline is enforced on the caller's side.
 */
public final class Bus {
  /** Budget used when a message arrives without a deadline (tests, tools). */
  public static final long DEFAULT_DEADLINE_MS = 2_000;

  /** The handlers bound on each {@code address@thread} (thread ids are unique within the JVM), oldest first. */
  private static final ConcurrentHashMap<String, List<InThread>> ON_THREAD = new ConcurrentHashMap<>();

  /** A handler and the context it was bound on, to be called on that context from its own thread. */
  private record InThread(ContextInternal context, BiFunction<Object, Deadline, Future<Object>> handler) {
  }

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
   * Binds {@code handler} to {@code address} and, when called on an event loop, lists it for the callers on that
   * thread. Unregistering the returned consumer (or undeploying its verticle) removes both.
   */
  @SuppressWarnings("unchecked")
  public static <Q, R> MessageConsumer<Q> bind(Vertx vertx, String address, BiFunction<Q, Deadline, Future<R>> handler) {
    Handler<Message<Q>> receive = message -> {
      Deadline deadline = Deadline.fromHeaders(message.headers(), DEFAULT_DEADLINE_MS);
      call(handler, message.body(), deadline).onComplete(ar -> {
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
    InThread bound = new InThread((ContextInternal) vertx.getOrCreateContext(),
        (BiFunction<Object, Deadline, Future<Object>>) (BiFunction<?, Deadline, ?>) handler);
    // listed at once: an in-thread call needs no event-bus registration, and a page that arrives before the
    // consumer's registration completes would otherwise cross to another thread
    AtomicBoolean listed = new AtomicBoolean(true);
    ON_THREAD.computeIfAbsent(own, k -> new CopyOnWriteArrayList<>()).add(bound);
    // called on unregister, and on undeploy (which unregisters every consumer of the verticle)
    shared.endHandler(v -> {
      if (listed.compareAndSet(true, false)) {
        ON_THREAD.computeIfPresent(own, (k, list) -> {
          list.remove(bound);
          return list.isEmpty() ? null : list;
        });
      }
    });
    return shared;
  }

  /** {@code Futures.attempt} without its lambda, which would capture three values on every bus request. */
  private static <Q, R> Future<R> call(BiFunction<Q, Deadline, Future<R>> handler, Q body, Deadline deadline) {
    try {
      return handler.apply(body, deadline);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The key of the handlers of {@code address} bound on the current thread. */
  static String onThisThread(String address) {
    return address + "@" + Thread.currentThread().getId();
  }

  public static <R> Future<R> request(Vertx vertx, String address, Object body, Deadline deadline) {
    long remaining = deadline.remainingMillis();
    if (remaining <= 0) {
      return Future.failedFuture(new OutcomeException(Outcome.TIMEOUT, "deadline spent before " + address));
    }
    List<InThread> here = ON_THREAD.get(onThisThread(address));
    InThread local = here == null || here.isEmpty() ? null : here.get(0);
    if (local == null) {
      count(vertx, address, 1);
      DeliveryOptions delivery = new DeliveryOptions()
          .setSendTimeout(remaining)
          .addHeader(Deadline.HEADER, deadline.headerValue())
          // the trace goes in the deadline's headers; with span export on, a hop is no span of its own
          .setTracingPolicy(TracingPolicy.IGNORE);
      TraceContext trace = deadline.trace();
      if (trace != null) {
        delivery.addHeader(Deadline.TRACEPARENT_HEADER, trace.traceparent());
        if (trace.traceState() != null) {
          delivery.addHeader(Deadline.TRACESTATE_HEADER, trace.traceState());
        }
      }
      return send(vertx, address, body, delivery);
    }
    count(vertx, address, 0);
    // completed on the caller's context, whose event loop also runs the deadline's timer
    Promise<Object> answer = ((ContextInternal) vertx.getOrCreateContext()).promise();
    local.context().dispatch(v -> call(local.handler(), body, deadline).onComplete(answer));
    @SuppressWarnings("unchecked")
    Future<R> result = (Future<R>) answer.future()
        .timeout(remaining, TimeUnit.MILLISECONDS)
        .recover(t -> Future.failedFuture(t instanceof TimeoutException
            ? new OutcomeException(Outcome.TIMEOUT, "no answer from " + address + " in time")
            : OutcomeException.of(t)));
    return result;
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
          Metrics.counter(registry, "edge_bus_requests_total", "address", a, "target", "own_loop"),
          Metrics.counter(registry, "edge_bus_requests_total", "address", a, "target", "any_loop")};
    })[target].increment();
  }

  private static <R> Future<R> send(Vertx vertx, String address, Object body, DeliveryOptions options) {
    return vertx.eventBus().<R>request(address, body, options)
        .map(message -> message.body())
        .recover(t -> Future.failedFuture(OutcomeException.of(t)));
  }
}
