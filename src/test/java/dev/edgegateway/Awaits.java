package dev.edgegateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

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
    vertx.setPeriodic(pollMs, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (System.currentTimeMillis() > giveUpAt) {
        vertx.cancelTimer(id);
        done.tryFail("condition not met within " + timeoutMs + " ms");
      }
    });
    return done.future();
  }
}
