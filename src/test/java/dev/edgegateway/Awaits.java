package dev.edgegateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling on a Vert.x timer, bounded in time: no sleeping threads in tests. */
public final class Awaits {
  private Awaits() {
  }


  public static Future<Void> until(Vertx vertx, BooleanSupplier condition, long timeoutMs) {
    return until(vertx, condition, timeoutMs, 10);
  }

  public static Future<Void> until(Vertx vertx, BooleanSupplier condition, long timeoutMs, long pollMs) {
    Promise<Void> done = Promise.promise();
    long giveUpAt = System.currentTimeMillis() + timeoutMs;
    if (condition.getAsBoolean()) {
      return Future.succeededFuture();
    }
    // set from a Vert.x thread: set from another one, the first tick can run before Vert.x has noted the timer, and
    // cancelling it there throws (and would leave this future pending)
    vertx.getOrCreateContext().runOnContext(start -> vertx.setPeriodic(pollMs, id -> {
      if (condition.getAsBoolean()) {
        done.tryComplete();
        vertx.cancelTimer(id);
      } else if (System.currentTimeMillis() > giveUpAt) {
        done.tryFail("condition not met within " + timeoutMs + " ms");
        vertx.cancelTimer(id);
      }
    }));
    return done.future();
  }

  /**
   * Asks {@code check} (a question that takes a while, like a request) until it answers true, the next time
   * {@code pollMs} after the last answer; fails after {@code timeoutMs}. A failed answer counts as false.
   */
  public static Future<Void> untilAnswered(Vertx vertx, Supplier<Future<Boolean>> check, long timeoutMs, long pollMs) {
    Promise<Void> done = Promise.promise();
    long giveUpAt = System.currentTimeMillis() + timeoutMs;
    ask(vertx, check, giveUpAt, pollMs, timeoutMs, done);
    return done.future();
  }

  private static void ask(Vertx vertx, Supplier<Future<Boolean>> check, long giveUpAt, long pollMs, long timeoutMs,
      Promise<Void> done) {
    check.get().otherwise(false).onComplete(ar -> {
      if (Boolean.TRUE.equals(ar.result())) {
        done.tryComplete();
      } else if (System.currentTimeMillis() > giveUpAt) {
        done.tryFail("condition not met within " + timeoutMs + " ms");
      } else {
        vertx.setTimer(pollMs, id -> ask(vertx, check, giveUpAt, pollMs, timeoutMs, done));
      }
    });
  }
}
