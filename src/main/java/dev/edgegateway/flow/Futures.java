package dev.edgegateway.flow;

import io.vertx.core.Future;
import java.util.function.Supplier;

/** Small adapters between code that throws and code that returns futures. */
public final class Futures {
  private Futures() {
  }

  /** The future {@code call} returns, or a failed one when it throws instead. */
  public static <T> Future<T> attempt(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
