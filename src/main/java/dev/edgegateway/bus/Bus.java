package dev.edgegateway.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.function.BiFunction;

/**
 * Request/reply over the local event bus with typed messages and the request deadline in a header.
 * Services bind a handler; callers get a {@code Future} whose failure is always an {@link OutcomeException}.
 */
public final class Bus {
  /** Budget used when a message arrives without a deadline (tests, tools). */
  public static final long DEFAULT_DEADLINE_MS = 2_000;

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

  public static <Q, R> MessageConsumer<Q> bind(Vertx vertx, String address, BiFunction<Q, Deadline, Future<R>> handler) {
    return vertx.eventBus().<Q>localConsumer(address, message -> {
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
    });
  }

  public static <R> Future<R> request(Vertx vertx, String address, Object body, Deadline deadline) {
    long remaining = deadline.remainingMillis();
    if (remaining <= 0) {
      return Future.failedFuture(new OutcomeException(Outcome.TIMEOUT, "deadline spent before " + address));
    }
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(remaining)
        .addHeader(Deadline.HEADER, deadline.headerValue());
    return vertx.eventBus().<R>request(address, body, options)
        .map(message -> message.body())
        .recover(t -> Future.failedFuture(OutcomeException.of(t)));
  }
}
