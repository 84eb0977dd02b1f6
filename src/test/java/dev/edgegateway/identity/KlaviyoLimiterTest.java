package dev.edgegateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.upstream.UpstreamResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client-side limiter of Klaviyo calls: its buckets, its bounded queue, and Klaviyo's own answers. */
@ExtendWith(VertxExtension.class)
class KlaviyoLimiterTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger made = new AtomicInteger();

  private Supplier<Future<UpstreamResponse>> answering(String... headers) {
    return () -> {
      made.incrementAndGet();
      MultiMap map = MultiMap.caseInsensitiveMultiMap();
      for (int i = 0; i + 1 < headers.length; i += 2) {
        map.add(headers[i], headers[i + 1]);
      }
      return Future.succeededFuture(new UpstreamResponse(200, map, Buffer.buffer("{}")));
    };
  }

  private double count(String result) {
    return registry.get("edge_klaviyo_limiter_total").tag("result", result).counter().count();
  }

  @Test
  void theBurstGoesAtOnceOneCallWaitsForTheNextTokenAndTheQueueIsBounded(Vertx vertx, VertxTestContext ctx) {
    // before the limiter exists: the token comes back half a second after the burst, however slowly the asserts run
    long started = System.nanoTime();
    KlaviyoLimiter limiter = new KlaviyoLimiter(vertx, 2, 600, 1, registry);
    List<Future<UpstreamResponse>> calls = List.of(
        limiter.submit(answering(), Deadline.in(5_000)), limiter.submit(answering(), Deadline.in(5_000)),
        limiter.submit(answering(), Deadline.in(5_000)), limiter.submit(answering(), Deadline.in(5_000)));
    ctx.verify(() -> {
      assertThat(made.get()).isEqualTo(2);
      assertThat(calls.get(3).failed()).isTrue();
      assertThat(calls.get(3).cause()).isSameAs(KlaviyoLimiter.SKIPPED);
      assertThat(limiter.queued()).isEqualTo(1);
    });
    calls.get(2).onComplete(ctx.succeeding(waited -> ctx.verify(() -> {
      // two a second: the third call gets the token that comes back after half a second
      assertThat((System.nanoTime() - started) / 1_000_000).isBetween(300L, 3_000L);
      assertThat(made.get()).isEqualTo(3);
      assertThat(count("sent")).isEqualTo(2);
      assertThat(count("waited")).isEqualTo(1);
      assertThat(count("dropped")).isEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  void theSteadyLimitHoldsPastTheBurst(Vertx vertx, VertxTestContext ctx) {
    // 75 a second would allow the third call at once; 2 a minute does not, for the next 30 s
    KlaviyoLimiter limiter = new KlaviyoLimiter(vertx, 75, 2, 10, registry);
    limiter.submit(answering(), Deadline.in(5_000));
    limiter.submit(answering(), Deadline.in(5_000));
    long started = System.nanoTime();
    limiter.submit(answering(), Deadline.in(300)).onComplete(ctx.failing(skipped -> ctx.verify(() -> {
      assertThat(skipped).isSameAs(KlaviyoLimiter.SKIPPED);
      // skipped at its own deadline, not when a token would have come back
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000L);
      assertThat(made.get()).isEqualTo(2);
      ctx.completeNow();
    })));
  }

  @Test
  void noneRemainingInKlaviyosWindowPausesEveryCallUntilItResets(Vertx vertx, VertxTestContext ctx) {
    KlaviyoLimiter limiter = new KlaviyoLimiter(vertx, 75, 750, 10, registry);
    AtomicLong secondAt = new AtomicLong();
    long started = System.nanoTime();
    limiter.submit(answering("RateLimit-Limit", "75", "RateLimit-Remaining", "0", "RateLimit-Reset", "1"),
            Deadline.in(5_000))
        .compose(first -> limiter.submit(() -> {
          secondAt.set(System.nanoTime());
          return answering().get();
        }, Deadline.in(5_000)))
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertThat((secondAt.get() - started) / 1_000_000).isBetween(900L, 4_000L);
          assertThat(count("paused")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void aThrottledAnswerPausesForItsRetryAfter(Vertx vertx, VertxTestContext ctx) {
    KlaviyoLimiter limiter = new KlaviyoLimiter(vertx, 75, 750, 10, registry);
    AtomicLong secondAt = new AtomicLong();
    long started = System.nanoTime();
    limiter.submit(() -> Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_THROTTLED, "klaviyo throttled", 1)),
            Deadline.in(5_000))
        .recover(throttled -> limiter.submit(() -> {
          secondAt.set(System.nanoTime());
          return answering().get();
        }, Deadline.in(5_000)))
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertThat((secondAt.get() - started) / 1_000_000).isBetween(900L, 4_000L);
          ctx.completeNow();
        })));
  }
}
