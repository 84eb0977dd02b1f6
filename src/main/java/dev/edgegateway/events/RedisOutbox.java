package dev.edgegateway.events;

import dev.edgegateway.cache.RedisBackend;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox: accepted events are entries of one Redis Stream ({@code <prefix>{edge-events}:outbox}, the hash
 * tag keeping it and its byte counter on one Cluster slot) read by one consumer group of every gateway sharing the
 * Redis. An event is taken with {@code XREADGROUP} (it is then pending for this gateway), and leaves the stream only
 * when settled: {@code XACK} + {@code XDEL} after the collector's 2xx, or when dead-lettered. Entries a gateway leaves
 * pending for {@code claimIdleMs} (it died, or hangs) are claimed by another with {@code XAUTOCLAIM} and sent again;
 * a live gateway keeps the entries it holds for a retry its own by touching them ({@code XCLAIM ... JUSTID}) well
 * within that time, and before it sends them it drops the ones another gateway claimed meanwhile. The stream entry
 * id is the event's id: it stays the same on every resend. Delivery is at least once: a gateway killed between the
 * collector's 2xx and its {@code XACK} has those events sent again by another.
 *
 * <p>Bounds: adding checks {@code XLEN} and the byte counter first, in one script, so a full stream refuses the whole
 * request (503) rather than trim accepted events; {@code XADD MAXLEN ~ capacity} only backs that up. Every command
 * goes through the shared {@link RedisBackend} with its own bound ({@code appendTimeoutMs}, not the cache's fail-fast
 * command timeout) and goes on while the backend is down only for slowness ({@link RedisBackend#isReachable}); once a
 * connection to Redis is lost {@link #offer} fails (the request answers 503) and the sender waits. An append that
 * times out may have landed: it fails with TIMEOUT and counts {@code result=append_unknown}; its events may still be
 * delivered (at least once). Consumers of gone gateways (none pending, idle past {@code claimIdleMs}) are removed from
 * the group ({@code edge_outbox_consumers_removed_total}). Metrics:
 * {@code edge_outbox_stream_total{result=added|claimed|acked|dropped_claimed|ack_retried|append_unknown}},
 * {@code edge_outbox_pending} (entries taken by some gateway and not settled).
 */
public final class RedisOutbox implements Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(RedisOutbox.class);
  static final String GROUP = "edge-gateways";
  /** One slot for the stream and its byte counter. */
  static final String STREAM = "{edge-events}:outbox";
  static final String BYTES = "{edge-events}:bytes";

  private final RedisBackend redis;
  private final String stream;
  private final String bytesKey;
  private final String consumer;
  private final long capacity;
  private final long maxBytes;
  private final long claimIdleMs;
  private final long timeoutMs;
  private final Vertx vertx;
  private final long timer;

  /** Batches read or claimed and not yet leased, batches given back (in front), and leases: all pending here. */
  private final LeasedBatches batches = new LeasedBatches(LeasedBatches.Order.FRONT);
  /** Entry ids this consumer holds (ready or leased): a claim must not hand them to it twice. */
  private final Set<String> held = new HashSet<>();
  /** Settled batches whose XACK failed: retried on the next tick, so that they are not sent again. */
  private final List<OutboxBatch> unacked = new ArrayList<>();
  private long nextLease;
  private long streamLength;
  private long streamBytes;
  private long pending;
  private long lastTouchNanos = System.nanoTime();
  private boolean ticking;
  private boolean closed;

  private final Counter added;
  private final Counter claimed;
  private final Counter acked;
  private final Counter droppedClaimed;
  private final Counter ackRetried;
  private final Counter appendUnknown;
  private final Counter consumersRemoved;

  /** Starts the upkeep timer (claims, touches, counts); runs on the calling context. */
  public RedisOutbox(Vertx vertx, RedisBackend redis, EventsOptions options, String consumer, MeterRegistry registry) {
    this.vertx = vertx;
    this.redis = redis;
    this.stream = redis.key(STREAM);
    this.bytesKey = redis.key(BYTES);
    this.consumer = consumer;
    this.capacity = options.outboxCapacity();
    this.maxBytes = options.outboxMaxBytes();
    this.claimIdleMs = options.claimIdleMs();
    this.timeoutMs = options.appendTimeoutMs();
    added = counter(registry, "added");
    claimed = counter(registry, "claimed");
    acked = counter(registry, "acked");
    droppedClaimed = counter(registry, "dropped_claimed");
    ackRetried = counter(registry, "ack_retried");
    appendUnknown = counter(registry, "append_unknown");
    consumersRemoved = Metrics.counter(registry, "edge_outbox_consumers_removed_total");
    Metrics.gauge("edge_outbox_pending", this, o -> o.pending).strongReference(false).register(registry);
    long period = Math.max(50, Math.min(1_000, claimIdleMs / 4));
    timer = vertx.setPeriodic(period, id -> tick());
    LOG.info("events: durable outbox on Redis stream {} (group {}, consumer {}, claim after {} ms)", STREAM, GROUP,
        consumer, claimIdleMs);
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Metrics.counter(registry, "edge_outbox_stream_total", "result", result);
  }

  private Future<Response> eval(String tag, String script, List<String> keys, List<?> args) {
    Request request = Request.cmd(Command.EVAL).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    for (Object arg : args) {
      if (arg instanceof Buffer b) {
        request.arg(b);
      } else {
        request.arg(String.valueOf(arg));
      }
    }
    return redis.sendPatient(tag, request, timeoutMs);
  }

  @Override
  public Future<Boolean> offer(List<Buffer> events) {
    long total = 0;
    List<Object> args = new ArrayList<>(events.size() + 3);
    args.add(capacity);
    args.add(maxBytes);
    args.add(0L);
    for (Buffer event : events) {
      total += event.length();
      args.add(event);
    }
    args.set(2, total);
    long bytes = total;
    return eval("xadd", OutboxScripts.OFFER, List.of(stream, bytesKey), args).map(reply -> {
      boolean ok = reply != null && reply.toLong() == 1;
      synchronized (this) {
        if (ok) {
          streamLength += events.size();
          streamBytes += bytes;
          added.increment(events.size());
        }
      }
      return ok;
    }).recover(t -> {
      if (OutcomeException.outcomeOf(t) == Outcome.TIMEOUT) {
        // Redis may have run the script: the events may be in the stream and be delivered though refused
        appendUnknown.increment(events.size());
      }
      return Future.failedFuture(t);
    });
  }

  @Override
  public Future<OutboxBatch> take(int maxN, long maxBytesPerBatch) {
    OutboxBatch first;
    synchronized (this) {
      first = batches.pollFirst();
    }
    if (first == null) {
      return eval("xreadgroup", OutboxScripts.READ, List.of(stream), List.of(GROUP, consumer, maxN))
          .map(reply -> {
            List<OutboxEvent> read = OutboxScripts.entries(reply);
            synchronized (this) {
              pending += read.size();
            }
            return lease(new OutboxBatch(nextId(), read, 0), maxN, maxBytesPerBatch);
          });
    }
    // a batch held back (a retry, a split half, a claim): send only what is still ours, touched so none claims it
    List<Object> args = new ArrayList<>();
    args.add(GROUP);
    args.add(consumer);
    first.events().forEach(e -> args.add(e.id()));
    return eval("xclaim", OutboxScripts.OWN, List.of(stream), args).map(reply -> {
      Set<String> owned = new HashSet<>();
      reply.forEach(id -> owned.add(id.toString()));
      List<OutboxEvent> still = first.events().stream().filter(e -> owned.contains(e.id())).toList();
      synchronized (this) {
        first.events().stream().filter(e -> !owned.contains(e.id())).forEach(e -> held.remove(e.id()));
      }
      droppedClaimed.increment(first.size() - still.size());
      return lease(new OutboxBatch(first.id(), still, first.attempts()), maxN, maxBytesPerBatch);
    }).recover(t -> {
      synchronized (this) {
        batches.putBack(first);
      }
      return Future.failedFuture(t);
    });
  }

  private synchronized long nextId() {
    return nextLease += 1_000_000; // room for the ids of the halves of splits
  }

  /** Leases the part of {@code batch} within the bounds; the rest waits in front. */
  private synchronized OutboxBatch lease(OutboxBatch batch, int maxN, long maxBytesPerBatch) {
    batch.events().forEach(e -> held.add(e.id()));
    return batches.lease(batch, maxN, maxBytesPerBatch);
  }

  @Override
  public synchronized Future<Void> requeueFront(OutboxBatch batch) {
    return batches.requeue(batch);
  }

  @Override
  public synchronized Future<Void> split(OutboxBatch batch) {
    return batches.split(batch);
  }

  @Override
  public Future<Void> ack(OutboxBatch batch) {
    synchronized (this) {
      if (!batches.release(batch)) {
        return LeasedBatches.notLeased(batch);
      }
    }
    return sendAck(batch);
  }

  private Future<Void> sendAck(OutboxBatch batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Object> args = new ArrayList<>(batch.size() * 2 + 1);
    args.add(GROUP);
    for (OutboxEvent e : batch.events()) {
      args.add(e.id());
      args.add(e.bytes());
    }
    return eval("xack", OutboxScripts.ACK, List.of(stream, bytesKey), args).<Void>map(freed -> {
      synchronized (this) {
        batch.events().forEach(e -> held.remove(e.id()));
        streamLength = Math.max(0, streamLength - batch.size());
        pending = Math.max(0, pending - batch.size());
        streamBytes = Math.max(0, streamBytes - freed.toLong());
      }
      acked.increment(batch.size());
      return null;
    }).recover(t -> {
      synchronized (this) {
        unacked.add(batch); // still pending: acked on a later tick, or claimed and sent again (a duplicate)
      }
      return Future.failedFuture(t);
    });
  }

  /** Upkeep: retried acks, counts, touches of the batches held for a retry, claims of idle entries. */
  private void tick() {
    if (closed || ticking || !redis.isReachable()) {
      return;
    }
    ticking = true;
    List<OutboxBatch> retryAcks;
    synchronized (this) {
      retryAcks = new ArrayList<>(unacked);
      unacked.clear();
    }
    ackRetried.increment(retryAcks.size());
    Future<?> acks = Future.join(retryAcks.stream().map(b -> sendAck(b).otherwiseEmpty()).toList());
    acks.transform(v -> refresh()).transform(v -> touch()).transform(v -> claim()).transform(v -> prune())
        .onComplete(ar -> ticking = false);
  }

  private Future<Void> refresh() {
    return eval("xlen", OutboxScripts.STATS, List.of(stream, bytesKey), List.of(GROUP)).map(reply -> {
      synchronized (this) {
        streamLength = reply.get(0).toLong();
        streamBytes = reply.get(1).toLong();
        pending = reply.get(2).toLong();
      }
      return null;
    });
  }

  /** Resets the idle time of the entries held back for a retry, well within {@code claimIdleMs}. */
  private Future<Void> touch() {
    List<Object> args = new ArrayList<>();
    synchronized (this) {
      if (!batches.hasReady() || System.nanoTime() - lastTouchNanos < claimIdleMs * 1_000_000L / 3) {
        return Future.succeededFuture();
      }
      lastTouchNanos = System.nanoTime();
      args.add(GROUP);
      args.add(consumer);
      batches.forEachReady(b -> b.events().forEach(e -> args.add(e.id())));
    }
    return eval("xclaim", OutboxScripts.OWN, List.of(stream), args).mapEmpty();
  }

  private Future<Void> claim() {
    List<Object> args = List.of(GROUP, consumer, claimIdleMs, 100);
    return eval("xautoclaim", OutboxScripts.CLAIM, List.of(stream), args).map(reply -> {
      List<OutboxEvent> mine = new ArrayList<>();
      synchronized (this) {
        for (OutboxEvent e : OutboxScripts.entries(reply)) {
          if (held.add(e.id())) {
            mine.add(e);
          }
        }
        if (!mine.isEmpty()) {
          batches.putLast(new OutboxBatch(nextId(), mine, 0));
        }
      }
      if (!mine.isEmpty()) {
        claimed.increment(mine.size());
        LOG.info("events: claimed {} events another gateway left unsettled for {} ms", mine.size(), claimIdleMs);
      }
      return null;
    });
  }

  /**
   * Removes from the group the consumers of gone gateways: none pending (their entries were claimed and settled) and
   * idle past the claim timeout. One that is in fact alive but had nothing to do is created again by its next read.
   */
  private Future<Void> prune() {
    return eval("xgroup", OutboxScripts.PRUNE, List.of(stream), List.of(GROUP, consumer, claimIdleMs)).map(reply -> {
      long removed = reply == null ? 0 : reply.toLong();
      if (removed > 0) {
        consumersRemoved.increment(removed);
        LOG.info("events: removed {} idle consumers without pending events from the outbox group", removed);
      }
      return null;
    });
  }

  @Override
  public synchronized long heldHere() {
    return batches.readyEvents() + batches.leasedEvents();
  }

  @Override
  public synchronized long size() {
    return streamLength;
  }

  @Override
  public synchronized long bytes() {
    return streamBytes;
  }

  /** Held back here, plus what the stream holds beyond what any gateway took: a hint for the sender. */
  @Override
  public synchronized long queued() {
    return batches.readyEvents() + Math.max(0, streamLength - pending);
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public long maxBytes() {
    return maxBytes;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
