package dev.edgegateway.events;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.cache.RedisBackend;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.config.ConfiguredVerticle;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.upstream.UpstreamClient;
import dev.edgegateway.upstream.UpstreamRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 4: accepts Klevu analytics events into an {@link Outbox} and delivers them to Klevu's stats endpoint in
 * batches, retrying failed batches with backoff.
 *
 * <ul>
 *   <li>{@link #enqueue} (bus address {@value EventsService#ENQUEUE_ADDRESS}) takes a whole {@link EventBatch} or
 *       nothing: when the outbox is full it fails with {@link Outcome#OVERLOADED} and a Retry-After.</li>
 *   <li>The sender is timer-driven and never blocks: a full batch ({@code batchSize}) goes as soon as it is
 *       queued, a partial one within {@code flushIntervalMs}; at most {@code maxInFlightBatches} POSTs at once,
 *       each one JSON array with {@code Content-Type: application/json}.</li>
 *   <li>A failed batch goes back to the front of the outbox and the sender pauses for an exponential backoff
 *       (or the upstream's {@code Retry-After}, whichever is longer, capped at {@code retryBackoffMaxMs}). After
 *       {@code maxAttempts} failed POSTs, or at once when Klevu answers 4xx, the batch is dead-lettered: counted
 *       and logged with its size only.</li>
 *   <li>On undeploy the bus address goes first, then the sender drains for up to {@code shutdownDrainMs} and
 *       logs how many events remain.</li>
 * </ul>
 * Every failed POST counts as an attempt, including one refused at once by the open circuit breaker (whose
 * {@code Retry-After} then paces the sender). Every accepted event ends counted as delivered or dead, or is
 * still in the outbox:
 * {@code accepted = delivered + dead + edge_outbox_depth}, where delivered may also hold some of the events refused
 * as {@code append_unknown}. Delivery is at least once. Deploy one instance per process (the depth gauge follows the
 * first instance's outbox).
 *
 * <p>Metrics: {@code edge_events_total{result=accepted|rejected_full|rejected_unavailable|delivered|dead}} (events;
 * {@code rejected_unavailable}: refused because the outbox's store could not be reached),
 * {@code edge_events_batches_total{result=delivered|retried|split|dead}} (POSTs), {@code edge_outbox_depth} and
 * {@code edge_outbox_bytes} (events and bytes held, queued plus in flight), and the {@code upstream="stats"} meters of
 * {@link UpstreamClient}. {@code result=append_unknown}: refused (503) because the append to the outbox timed out,
 * though the store may have taken them (they may be delivered). An event over {@code maxEventBytes} is refused alone
 * ({@code result=rejected_size}); a batch the collector answers 413 is split in halves until the event it refuses is
 * alone, and only that one is dead-lettered ({@code result=dead_too_large}).
 */
public final class EventsVerticle extends ConfiguredVerticle implements EventsService {
  private static final Logger LOG = LoggerFactory.getLogger(EventsVerticle.class);

  private EventsOptions options;
  private Outbox outbox;
  private UpstreamClient stats;
  private MessageConsumer<EventBatch> consumer;
  private long tickTimer = -1;
  private int inFlight;
  private long pausedUntilNanos;
  private boolean paused;
  private boolean stopping;
  private boolean closed;
  private Promise<Void> drained;

  private Counter accepted;
  private Counter rejectedFull;
  private Counter rejectedUnavailable;
  private Counter rejectedSize;
  private Counter appendUnknown;
  private Counter deadTooLarge;
  private Counter batchesSplit;
  private Counter takeFailures;
  private Optional<RedisBackend> redis = Optional.empty();
  private Counter delivered;
  private Counter dead;
  private Counter batchesDelivered;
  private Counter batchesRetried;
  private Counter batchesDead;

  /** Reads {@link EventsOptions} from the deployment config (the gateway's whole config). */
  public EventsVerticle() {
  }

  /** @param redis the shared Redis client: when present the outbox is a Redis Stream ({@link Outboxes#create}) */
  public EventsVerticle(Optional<RedisBackend> redis) {
    this.redis = redis;
  }

  public EventsVerticle(EventsOptions options) {
    this(options, null);
  }

  /** @param outbox the outbox to use, or null for a {@link MemoryOutbox} of {@code outboxCapacity} */
  public EventsVerticle(EventsOptions options, Outbox outbox) {
    this.options = options;
    this.outbox = outbox;
  }

  @Override
  public Future<?> start() {
    if (options == null) {
      options = EventsOptions.from(config());
    }
    if (outbox == null) {
      outbox = Outboxes.create(vertx, options, redis);
    }
    Bus.install(vertx);
    MeterRegistry registry = Metrics.of(vertx);
    accepted = eventCounter(registry, "accepted");
    rejectedFull = eventCounter(registry, "rejected_full");
    rejectedUnavailable = eventCounter(registry, "rejected_unavailable");
    rejectedSize = eventCounter(registry, "rejected_size");
    appendUnknown = eventCounter(registry, "append_unknown");
    deadTooLarge = eventCounter(registry, "dead_too_large");
    batchesSplit = batchCounter(registry, "split");
    takeFailures = batchCounter(registry, "take_failed");
    delivered = eventCounter(registry, "delivered");
    dead = eventCounter(registry, "dead");
    batchesDelivered = batchCounter(registry, "delivered");
    batchesRetried = batchCounter(registry, "retried");
    batchesDead = batchCounter(registry, "dead");
    Metrics.gauge("edge_outbox_depth", outbox, Outbox::size)
        .strongReference(false)
        .register(registry);
    Metrics.gauge("edge_outbox_bytes", outbox, Outbox::bytes)
        .strongReference(false)
        .register(registry);
    stats = new UpstreamClient(vertx, "stats", options.stats());
    tickTimer = vertx.setPeriodic(options.flushIntervalMs(), id -> pump(true));
    consumer = Bus.bind(vertx, ENQUEUE_ADDRESS, this::enqueue);
    return consumer.completion();
  }

  private static Counter eventCounter(MeterRegistry registry, String result) {
    return Metrics.counter(registry, "edge_events_total", "result", result);
  }

  private static Counter batchCounter(MeterRegistry registry, String result) {
    return Metrics.counter(registry, "edge_events_batches_total", "result", result);
  }

  @Override
  public Future<EventsReceipt> enqueue(EventBatch batch, Deadline deadline) {
    if (batch == null || batch.events() == null) {
      return Future.failedFuture(new OutcomeException(Outcome.BAD_REQUEST, "no events"));
    }
    if (stopping) {
      return Future.failedFuture(new OutcomeException(Outcome.UNAVAILABLE, "events: shutting down", 1));
    }
    List<JsonObject> events = batch.events();
    int n = events.size();
    if (n == 0) {
      return Future.succeededFuture(new EventsReceipt(0));
    }
    List<Buffer> encoded = new ArrayList<>(n);
    List<Integer> tooLarge = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject event = events.get(i);
      if (event == null) {
        return Future.failedFuture(new OutcomeException(Outcome.BAD_REQUEST, "null event"));
      }
      Buffer json = event.toBuffer();
      if (json.length() > options.maxEventBytes()) {
        tooLarge.add(i); // refused alone: its neighbours are someone's real impressions
      } else {
        encoded.add(json);
      }
    }
    rejectedSize.increment(tooLarge.size());
    if (encoded.isEmpty()) {
      return Future.failedFuture(new OutcomeException(Outcome.PAYLOAD_TOO_LARGE,
          "every event is over the " + options.maxEventBytes() + "-byte limit of one event"));
    }
    int m = encoded.size();
    return outbox.offer(encoded).transform(ar -> {
      if (ar.failed() && OutcomeException.outcomeOf(ar.cause()) == Outcome.TIMEOUT) {
        // the store may have taken them: refused, yet they may be delivered, and a retry may send them twice
        LOG.warn("events: outbox append of {} events timed out; answered 503, though they may be delivered", m);
        appendUnknown.increment(m);
        return Future.failedFuture(new OutcomeException(Outcome.UNAVAILABLE, "outbox append timed out",
            fullRetryAfterSeconds()));
      }
      if (ar.failed()) {
        // the durable store is out of reach: refuse (the caller may retry) rather than keep what a crash would lose
        LOG.warn("events: outbox refused {} events: {}", m, ar.cause().toString());
        rejectedUnavailable.increment(m);
        return Future.failedFuture(new OutcomeException(Outcome.UNAVAILABLE, "outbox unavailable",
            fullRetryAfterSeconds()));
      }
      if (!ar.result()) {
        rejectedFull.increment(m);
        return Future.failedFuture(new OutcomeException(Outcome.OVERLOADED, "outbox full", fullRetryAfterSeconds()));
      }
      accepted.increment(m);
      if (outbox.queued() >= options.batchSize()) {
        onContext(() -> pump(false));
      }
      return Future.succeededFuture(new EventsReceipt(m, tooLarge));
    });
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private long fullRetryAfterSeconds() {
    long pausedMs = pausedRemainingMs();
    return Math.max(options.fullRetryAfterSeconds(), (pausedMs + 999) / 1000);
  }

  private long pausedRemainingMs() {
    if (!paused) {
      return 0;
    }
    long nanos = pausedUntilNanos - System.nanoTime();
    if (nanos <= 0) {
      paused = false;
      return 0;
    }
    return Math.max(1, nanos / 1_000_000L);
  }

  /**
   * Sends what is ready: full batches always; partial ones too when {@code flush} (the tick, or draining).
   * Only ever runs on this verticle's context.
   */
  private void pump(boolean flush) {
    if (stats == null || closed) {
      return;
    }
    int threshold = flush || stopping ? 1 : options.batchSize();
    // at most maxInFlight takes per call: a take that fails at once (its store is down) must not spin here
    for (int started = 0; started < options.maxInFlightBatches() && inFlight < options.maxInFlightBatches()
        && pausedRemainingMs() == 0 && outbox.queued() >= threshold; started++) {
      inFlight++;
      outbox.take(options.batchSize(), options.batchMaxBytes()).onComplete(ar -> {
        if (ar.failed()) {
          inFlight--;
          // the store is out of reach (Redis down): the next tick tries again; the Redis meters show the outage
          LOG.debug("events: outbox take failed: {}", ar.cause().toString());
          takeFailures.increment();
          return;
        }
        OutboxBatch batch = ar.result();
        if (batch.isEmpty()) {
          inFlight--;
          return;
        }
        send(batch);
      });
    }
  }

  private void send(OutboxBatch batch) {
    Buffer body = batch.body();
    long budget = options.stats().timeoutMs() * (options.stats().maxRetries() + 1L);
    stats.send(UpstreamRequest.postJson(options.statsUrl(), body), Deadline.in(budget))
        .onComplete(ar -> {
          inFlight--;
          if (ar.succeeded()) {
            settle(batch, true);
          } else {
            failed(batch, OutcomeException.of(ar.cause()));
          }
          checkDrained();
          pump(stopping);
        });
  }

  private void settle(OutboxBatch batch, boolean wasDelivered) {
    outbox.ack(batch).onFailure(t -> LOG.error("events: ack of batch failed: {}", t.toString()));
    if (wasDelivered) {
      delivered.increment(batch.size());
      batchesDelivered.increment();
    } else {
      dead.increment(batch.size());
      batchesDead.increment();
    }
  }

  private void failed(OutboxBatch batch, OutcomeException failure) {
    if (tooLarge(failure)) {
      if (batch.size() > 1) {
        // halve until the event the collector refuses is alone: its neighbours are delivered, not dead-lettered
        batchesSplit.increment();
        outbox.split(batch).onFailure(t -> LOG.error("events: split of batch failed: {}", t.toString()));
        return;
      }
      LOG.warn("events: dead-lettered one event of {} bytes that the collector refuses as too large",
          batch.bytes());
      deadTooLarge.increment();
      settle(batch, false);
      return;
    }
    int attempts = batch.attempts() + 1;
    if (failure.outcome() == Outcome.UPSTREAM_REJECTED || attempts >= options.maxAttempts()) {
      // size and reason only: the payload carries shopper session ids
      LOG.warn("events: dead-lettered a batch of {} events after {} attempts ({}: {})",
          batch.size(), attempts, failure.outcome().tag(), failure.getMessage());
      settle(batch, false);
      return;
    }
    batchesRetried.increment();
    outbox.requeueFront(batch).onFailure(t -> LOG.error("events: requeue of batch failed: {}", t.toString()));
    long delay = backoffMs(attempts, failure.retryAfterSeconds());
    LOG.debug("events: batch of {} events failed ({}), attempt {}, retry in {} ms",
        batch.size(), failure.outcome().tag(), attempts, delay);
    pause(delay);
  }

  /** The collector's 413 (the status the upstream client keeps with its failure). */
  static boolean tooLarge(OutcomeException failure) {
    return failure.outcome() == Outcome.UPSTREAM_REJECTED && failure.upstreamStatus() == 413;
  }

  /** Exponential with jitter from {@code retryBackoffMs}; at least the upstream's Retry-After; capped. */
  long backoffMs(int attempts, long retryAfterSeconds) {
    long cap = options.retryBackoffMaxMs();
    int shift = Math.min(Math.max(0, attempts - 1), 30);
    long base = Math.min(cap, options.retryBackoffMs() << shift);
    long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    long retryAfterMs = retryAfterSeconds <= 0 ? 0 : Math.min(cap, Math.min(retryAfterSeconds, cap / 1000 + 1) * 1000);
    return Math.max(1, Math.max(jittered, retryAfterMs));
  }

  private void pause(long delayMs) {
    long until = System.nanoTime() + delayMs * 1_000_000L;
    if (!paused || until - pausedUntilNanos > 0) {
      pausedUntilNanos = until;
      paused = true;
      vertx.setTimer(delayMs, id -> pump(true));
    }
  }

  private void checkDrained() {
    if (drained != null && outbox.heldHere() == 0) {
      drained.tryComplete();
    }
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> unbound = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unbound.transform(ignored -> drain()).transform(ignored -> {
      closed = true;
      if (tickTimer >= 0) {
        vertx.cancelTimer(tickTimer);
      }
      long remaining = outbox == null ? 0 : outbox.heldHere();
      if (remaining > 0) {
        LOG.warn("events: stopped with {} accepted events not delivered (queued or in flight)", remaining);
      } else {
        LOG.info("events: stopped with the outbox drained");
      }
      Future<Void> closedOutbox = outbox == null ? Future.succeededFuture() : outbox.close();
      return closedOutbox.transform(v -> stats == null ? Future.succeededFuture() : stats.close());
    });
  }

  private Future<Void> drain() {
    if (outbox == null || outbox.heldHere() == 0 || options.shutdownDrainMs() == 0) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    long timer = vertx.setTimer(options.shutdownDrainMs(), id -> drained.tryComplete());
    pump(true);
    checkDrained();
    return drained.future().andThen(ignored -> vertx.cancelTimer(timer));
  }

  /** The outbox in use (after start). */
  public Outbox outbox() {
    return outbox;
  }
}
