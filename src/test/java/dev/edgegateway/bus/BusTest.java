package dev.edgegateway.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class BusTest {
  record Ping(String text) implements LocalMessage {
  }

  @Test
  void localMessagesTravelByReferenceWithTheDeadline(Vertx vertx, VertxTestContext ctx) {
    Bus.install(vertx);
    Ping sent = new Ping("hi");
    Bus.<Ping, Long>bind(vertx, "t.ping", (ping, deadline) -> {
      ctx.verify(() -> assertThat(ping).isSameAs(sent));
      return Future.succeededFuture(deadline.remainingMillis());
    });
    Bus.<Long>request(vertx, "t.ping", sent, Deadline.in(300)).onComplete(ctx.succeeding(left -> ctx.verify(() -> {
      assertThat(left).isBetween(1L, 300L);
      ctx.completeNow();
    })));
  }

  @Test
  void failuresKeepTheirOutcomeAndRetryHint(Vertx vertx, VertxTestContext ctx) {
    Bus.install(vertx);
    Bus.<Ping, String>bind(vertx, "t.full", (ping, deadline) ->
        Future.failedFuture(new OutcomeException(Outcome.OVERLOADED, "outbox full", 7)));
    Bus.request(vertx, "t.full", new Ping("x"), Deadline.in(500)).onComplete(ctx.failing(t -> ctx.verify(() -> {
      OutcomeException e = (OutcomeException) t;
      assertThat(e.outcome()).isEqualTo(Outcome.OVERLOADED);
      assertThat(e.retryAfterSeconds()).isEqualTo(7);
      assertThat(e.getMessage()).isEqualTo("outbox full");
      ctx.completeNow();
    })));
  }

  @Test
  void aSpentDeadlineFailsFastAndNoHandlerIsUnavailable(Vertx vertx, VertxTestContext ctx) {
    Bus.install(vertx);
    Future.all(
        Bus.request(vertx, "t.nobody", new Ping("x"), Deadline.in(0)).otherwise(t -> OutcomeException.outcomeOf(t)),
        Bus.request(vertx, "t.nobody", new Ping("x"), Deadline.in(200)).otherwise(t -> OutcomeException.outcomeOf(t)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<Outcome>resultAt(0)).isEqualTo(Outcome.TIMEOUT);
          assertThat(all.<Outcome>resultAt(1)).isEqualTo(Outcome.UNAVAILABLE);
          ctx.completeNow();
        })));
  }

  @Test
  void aHandlerThatThrowsStillAnswers(Vertx vertx, VertxTestContext ctx) {
    Bus.install(vertx);
    Bus.<Ping, String>bind(vertx, "t.throw", (ping, deadline) -> {
      throw new IllegalStateException("boom");
    });
    Bus.request(vertx, "t.throw", new Ping("x"), Deadline.in(500)).onComplete(ctx.failing(t -> ctx.verify(() -> {
      assertThat(OutcomeException.outcomeOf(t)).isEqualTo(Outcome.INTERNAL);
      ctx.completeNow();
    })));
  }
}
