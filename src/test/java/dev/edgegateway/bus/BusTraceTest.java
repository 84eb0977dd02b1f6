package dev.edgegateway.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.TraceContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The trace context travels with the deadline, whichever way a bus request goes. */
@ExtendWith(VertxExtension.class)
class BusTraceTest {
  record Ask(String text) implements LocalMessage {
  }

  private static final TraceContext TRACE = TraceContext.fromRequest(
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=v");

  /** Answers with the trace it was handed: {@code traceparent|tracestate}, or {@code none}. */
  private static final class Echo extends VerticleBase {
    volatile Context own;

    @Override
    public Future<?> start() {
      own = context;
      Bus.install(vertx);
      Bus.<Ask, String>bind(vertx, "t.trace", (ask, deadline) -> Future.succeededFuture(deadline.trace() == null
          ? "none" : deadline.trace().traceparent() + "|" + deadline.trace().traceState()));
      return Future.succeededFuture();
    }
  }

  @Test
  void aRequestFromAnotherThreadCarriesTheTraceInHeaders(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(new Echo())
        .compose(id -> Future.all(
            Bus.<String>request(vertx, "t.trace", new Ask("x"), Deadline.in(2_000).withTrace(TRACE)),
            Bus.<String>request(vertx, "t.trace", new Ask("x"), Deadline.in(2_000))))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertThat((String) both.resultAt(0)).isEqualTo(TRACE.traceparent() + "|vendor=v");
          assertThat((String) both.resultAt(1)).isEqualTo("none");
          ctx.completeNow();
        })));
  }

  @Test
  void aRequestOnTheHandlersOwnThreadHandsItTheSameTrace(Vertx vertx, VertxTestContext ctx) {
    Echo echo = new Echo();
    vertx.deployVerticle(echo)
        .compose(id -> {
          // from the echo's own event loop, the in-thread way
          Promise<String> answer = Promise.promise();
          echo.own.runOnContext(v -> Bus.<String>request(vertx, "t.trace", new Ask("x"),
              Deadline.in(2_000).withTrace(TRACE)).onComplete(answer));
          return answer.future();
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen).isEqualTo(TRACE.traceparent() + "|vendor=v");
          ctx.completeNow();
        })));
  }
}
