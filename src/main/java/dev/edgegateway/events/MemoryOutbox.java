package dev.edgegateway.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedded outbox: a bounded in-process queue (lost with the process; a Redis-backed outbox is the durable
 * option). Every operation completes at once. Thread-safe, though meant to be driven from one event loop.
 */
public final class MemoryOutbox implements Outbox {
  private final long capacity;
  /** Fresh events, oldest first; the head has sequence number {@code nextSeq - fresh.size()}. */
  private final ArrayDeque<JsonObject> fresh = new ArrayDeque<>();
  /** Batches given back for a retry, by id (= sequence number of their first event): oldest first. */
  private final TreeMap<Long, OutboxBatch> retries = new TreeMap<>();
  /** Leased batches: id to size. */
  private final Map<Long, Integer> leases = new HashMap<>();
  private long nextSeq;
  private long retryEvents;
  private long leasedEvents;

  public MemoryOutbox(long capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  @Override
  public synchronized Future<Boolean> offer(List<JsonObject> events) {
    if (events.size() > capacity - size()) {
      return Future.succeededFuture(false);
    }
    for (JsonObject event : events) {
      if (event == null) {
        throw new IllegalArgumentException("null event");
      }
    }
    fresh.addAll(events);
    nextSeq += events.size();
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<OutboxBatch> take(int maxN) {
    if (maxN < 1) {
      return Future.failedFuture(new IllegalArgumentException("maxN must be positive"));
    }
    OutboxBatch batch;
    Map.Entry<Long, OutboxBatch> retry = retries.pollFirstEntry();
    if (retry != null) {
      OutboxBatch held = retry.getValue();
      retryEvents -= held.size();
      if (held.size() > maxN) {
        List<JsonObject> rest = held.events().subList(maxN, held.size());
        OutboxBatch remainder = new OutboxBatch(held.id() + maxN, rest, held.attempts());
        retries.put(remainder.id(), remainder);
        retryEvents += remainder.size();
        batch = new OutboxBatch(held.id(), held.events().subList(0, maxN), held.attempts());
      } else {
        batch = held;
      }
    } else {
      long firstSeq = nextSeq - fresh.size();
      int n = Math.min(maxN, fresh.size());
      List<JsonObject> events = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        events.add(fresh.pollFirst());
      }
      batch = new OutboxBatch(firstSeq, events, 0);
    }
    if (!batch.isEmpty()) {
      leases.put(batch.id(), batch.size());
      leasedEvents += batch.size();
    }
    return Future.succeededFuture(batch);
  }

  @Override
  public synchronized Future<Void> requeueFront(OutboxBatch batch) {
    if (!release(batch)) {
      return Future.failedFuture(new IllegalStateException("batch " + batch.id() + " is not leased"));
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    retries.put(batch.id(), new OutboxBatch(batch.id(), batch.events(), batch.attempts() + 1));
    retryEvents += batch.size();
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> ack(OutboxBatch batch) {
    if (!release(batch)) {
      return Future.failedFuture(new IllegalStateException("batch " + batch.id() + " is not leased"));
    }
    return Future.succeededFuture();
  }

  private boolean release(OutboxBatch batch) {
    if (batch.isEmpty()) {
      return true;
    }
    Integer size = leases.get(batch.id());
    if (size == null || size != batch.size()) {
      return false;
    }
    leases.remove(batch.id());
    leasedEvents -= size;
    return true;
  }

  @Override
  public synchronized long size() {
    return fresh.size() + retryEvents + leasedEvents;
  }

  @Override
  public synchronized long queued() {
    return fresh.size() + retryEvents;
  }

  @Override
  public long capacity() {
    return capacity;
  }
}
