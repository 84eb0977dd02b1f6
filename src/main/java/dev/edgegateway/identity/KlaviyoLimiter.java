package dev.edgegateway.identity;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.upstream.UpstreamResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * This gateway's Klaviyo calls, kept within Klaviyo's published limits (a burst a second and a steady rate a minute,
 * two token buckets a call takes one token from each) and within what Klaviyo's answers say: {@code RateLimit-Remaining:
 * 0} pauses every call for {@code RateLimit-Reset} seconds, a 429 for its {@code Retry-After}. A call the limits do not
 * allow yet waits, in a queue of at most {@code maxQueued}; one that finds the queue full, or whose deadline passes
 * while it waits, is skipped ({@link #SKIPPED}), which the identify treats as any Klaviyo failure: it answers without.
 */
final class KlaviyoLimiter {
  /** A call not made: the limits did not allow it in time. */
  static final OutcomeException SKIPPED = new OutcomeException(Outcome.OVERLOADED, "klaviyo call skipped: over its rate limit");
  /** Least time a waiting call must have left to still be worth making. */
  private static final long MIN_CALL_MILLIS = 20;
  /** Longest pause an answer of Klaviyo's can impose: past it, calls try again (and pause again if told to). */
  private static final long MAX_PAUSE_SECONDS = 60;

  private final Vertx vertx;
  private final LongSupplier nanos;
  private final int burst;
  private final int steady;
  private final double burstPerNano;
  private final double steadyPerNano;
  private final int maxQueued;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private final Counter sent;
  private final Counter waited;
  private final Counter dropped;
  private final Counter paused;

  private double burstTokens;
  private double steadyTokens;
  private long refilledAt;
  private long pausedUntil;
  private long timer = -1;

  private record Waiting(Supplier<Future<UpstreamResponse>> call, Promise<UpstreamResponse> answer, Deadline deadline) {
  }

  KlaviyoLimiter(Vertx vertx, int burstPerSecond, int steadyPerMinute, int maxQueued, MeterRegistry registry) {
    this(vertx, burstPerSecond, steadyPerMinute, maxQueued, registry, System::nanoTime);
  }

  KlaviyoLimiter(Vertx vertx, int burstPerSecond, int steadyPerMinute, int maxQueued, MeterRegistry registry,
      LongSupplier nanos) {
    this.vertx = vertx;
    this.nanos = nanos;
    this.burst = burstPerSecond;
    this.steady = steadyPerMinute;
    this.burstPerNano = burstPerSecond / 1e9;
    this.steadyPerNano = steadyPerMinute / 60e9;
    this.maxQueued = maxQueued;
    this.burstTokens = burstPerSecond;
    this.steadyTokens = steadyPerMinute;
    this.refilledAt = nanos.getAsLong();
    this.pausedUntil = refilledAt;
    this.sent = Metrics.counter(registry, "edge_klaviyo_limiter_total", "result", "sent");
    this.waited = Metrics.counter(registry, "edge_klaviyo_limiter_total", "result", "waited");
    this.dropped = Metrics.counter(registry, "edge_klaviyo_limiter_total", "result", "dropped");
    this.paused = Metrics.counter(registry, "edge_klaviyo_limiter_total", "result", "paused");
    Metrics.gauge("edge_klaviyo_limiter_queued", this, KlaviyoLimiter::queued).register(registry);
  }

  /** Makes {@code call} when the limits allow it, before {@code deadline}, or fails with {@link #SKIPPED}. */
  synchronized Future<UpstreamResponse> submit(Supplier<Future<UpstreamResponse>> call, Deadline deadline) {
    if (queue.isEmpty() && takeToken()) {
      sent.increment();
      return run(call);
    }
    if (queue.size() >= maxQueued || deadline.remainingMillis() < MIN_CALL_MILLIS) {
      dropped.increment();
      return Future.failedFuture(SKIPPED);
    }
    Waiting waiting = new Waiting(call, Promise.promise(), deadline);
    queue.add(waiting);
    schedule();
    // skipped at its deadline, whatever holds the queue up: the identify must still have time to answer
    vertx.setTimer(Math.max(1, deadline.remainingMillis() - MIN_CALL_MILLIS), id -> expire(waiting));
    return waiting.answer().future();
  }

  private synchronized void expire(Waiting waiting) {
    if (queue.remove(waiting)) {
      dropped.increment();
      waiting.answer().fail(SKIPPED);
    }
  }

  synchronized int queued() {
    return queue.size();
  }

  private Future<UpstreamResponse> run(Supplier<Future<UpstreamResponse>> call) {
    return call.get().andThen(done -> {
      if (done.succeeded()) {
        observe(done.result());
      } else if (OutcomeException.outcomeOf(done.cause()) == Outcome.UPSTREAM_THROTTLED) {
        pause(Math.max(1, OutcomeException.of(done.cause()).retryAfterSeconds()));
      }
    });
  }

  /** Klaviyo's own count: none left in its window means none until it resets. */
  private void observe(UpstreamResponse response) {
    String remaining = response.header("RateLimit-Remaining");
    if (remaining != null && remaining.trim().equals("0")) {
      pause(Math.max(1, seconds(response.header("RateLimit-Reset"))));
    }
  }

  private static long seconds(String header) {
    try {
      return header == null ? 0 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private synchronized void pause(long seconds) {
    long until = nanos.getAsLong() + TimeUnit.SECONDS.toNanos(Math.min(seconds, MAX_PAUSE_SECONDS));
    if (until > pausedUntil) {
      pausedUntil = until;
      paused.increment();
    }
  }

  private boolean takeToken() {
    long now = nanos.getAsLong();
    long elapsed = Math.max(0, now - refilledAt);
    refilledAt = now;
    burstTokens = Math.min(burst, burstTokens + elapsed * burstPerNano);
    steadyTokens = Math.min(steady, steadyTokens + elapsed * steadyPerNano);
    if (now < pausedUntil || burstTokens < 1 || steadyTokens < 1) {
      return false;
    }
    burstTokens -= 1;
    steadyTokens -= 1;
    return true;
  }

  /** Nanoseconds until a token of both buckets is there and no pause holds. */
  private long untilNextToken() {
    long now = nanos.getAsLong();
    double waitBurst = burstTokens >= 1 ? 0 : (1 - burstTokens) / burstPerNano;
    double waitSteady = steadyTokens >= 1 ? 0 : (1 - steadyTokens) / steadyPerNano;
    return Math.max(Math.max(pausedUntil - now, 0), (long) Math.ceil(Math.max(waitBurst, waitSteady)));
  }

  private void schedule() {
    if (timer >= 0 || queue.isEmpty()) {
      return;
    }
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(untilNextToken()) + 1);
    timer = vertx.setTimer(delayMs, id -> drain());
  }

  private synchronized void drain() {
    timer = -1;
    while (!queue.isEmpty()) {
      Waiting next = queue.peek();
      if (next.deadline().remainingMillis() < MIN_CALL_MILLIS) {
        queue.poll();
        dropped.increment();
        next.answer().fail(SKIPPED);
      } else if (takeToken()) {
        queue.poll();
        waited.increment();
        run(next.call()).onComplete(next.answer());
      } else {
        break;
      }
    }
    schedule();
  }
}
