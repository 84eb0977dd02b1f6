package dev.edgegateway.events;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedded outbox: a queue in this process bounded in events and bytes, lost with the process (what it held when
 * the process died or was killed is never delivered; {@link RedisOutbox} is the durable option). Every operation
 * completes at once. Thread-safe, though meant to be driven from one event loop.
 */
public final class MemoryOutbox implements Outbox {
  private final long capacity;
  private final long maxBytes;
  /** Fresh events, oldest first; the head has sequence number {@code nextSeq - fresh.size()}. */
  private final ArrayDeque<OutboxEvent> fresh = new ArrayDeque<>();
  /** Batches given back for a retry, by id (= sequence number of their first event): oldest first. */
  private final TreeMap<Long, OutboxBatch> retries = new TreeMap<>();
  /** Leased batches: id to size. */
  private final Map<Long, Integer> leases = new HashMap<>();
  private long nextSeq;
  private long retryEvents;
  private long leasedEvents;
  private long heldBytes;

  public MemoryOutbox(long capacity) {
    this(capacity, Long.MAX_VALUE);
  }

  public MemoryOutbox(long capacity, long maxBytes) {
    if (capacity < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("capacity and maxBytes must be positive");
    }
    this.capacity = capacity;
    this.maxBytes = maxBytes;
  }

  @Override
  public synchronized Future<Boolean> offer(List<Buffer> events) {
    long bytes = 0;
    for (Buffer event : events) {
      if (event == null) {
        throw new IllegalArgumentException("null event");
      }
      bytes += event.length();
    }
    if (events.size() > capacity - size() || bytes > maxBytes - heldBytes) {
      return Future.succeededFuture(false);
    }
    for (Buffer event : events) {
      fresh.addLast(new OutboxEvent(Long.toString(nextSeq++), event));
    }
    heldBytes += bytes;
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<OutboxBatch> take(int maxN, long maxBytesPerBatch) {
    if (maxN < 1 || maxBytesPerBatch < 1) {
      return Future.failedFuture(new IllegalArgumentException("maxN and maxBytes must be positive"));
    }
    OutboxBatch batch;
    Map.Entry<Long, OutboxBatch> retry = retries.pollFirstEntry();
    if (retry != null) {
      OutboxBatch held = retry.getValue();
      retryEvents -= held.size();
      int n = fitting(held.events(), maxN, maxBytesPerBatch);
      if (n < held.size()) {
        OutboxBatch remainder = held.tail(n);
        retries.put(remainder.id(), remainder);
        retryEvents += remainder.size();
        batch = held.head(n);
      } else {
        batch = held;
      }
    } else {
      long firstSeq = nextSeq - fresh.size();
      List<OutboxEvent> events = new ArrayList<>();
      long bytes = 0;
      while (!fresh.isEmpty() && events.size() < maxN
          && (events.isEmpty() || bytes + fresh.peekFirst().bytes() <= maxBytesPerBatch)) {
        OutboxEvent next = fresh.pollFirst();
        bytes += next.bytes();
        events.add(next);
      }
      batch = new OutboxBatch(firstSeq, events, 0);
    }
    if (!batch.isEmpty()) {
      leases.put(batch.id(), batch.size());
      leasedEvents += batch.size();
    }
    return Future.succeededFuture(batch);
  }

  /** How many events from the front fit in {@code maxN} and {@code maxBytes} (at least one). */
  static int fitting(List<OutboxEvent> events, int maxN, long maxBytes) {
    int n = 0;
    long bytes = 0;
    while (n < events.size() && n < maxN && (n == 0 || bytes + events.get(n).bytes() <= maxBytes)) {
      bytes += events.get(n).bytes();
      n++;
    }
    return n;
  }

  @Override
  public synchronized Future<Void> requeueFront(OutboxBatch batch) {
    if (!release(batch)) {
      return Future.failedFuture(new IllegalStateException("batch " + batch.id() + " is not leased"));
    }
    putBack(new OutboxBatch(batch.id(), batch.events(), batch.attempts() + 1));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> split(OutboxBatch batch) {
    if (batch.size() < 2) {
      return Future.failedFuture(new IllegalArgumentException("a batch of one event cannot be split"));
    }
    if (!release(batch)) {
      return Future.failedFuture(new IllegalStateException("batch " + batch.id() + " is not leased"));
    }
    int half = batch.size() / 2;
    putBack(batch.head(half));
    putBack(batch.tail(half));
    return Future.succeededFuture();
  }

  private void putBack(OutboxBatch batch) {
    if (!batch.isEmpty()) {
      retries.put(batch.id(), batch);
      retryEvents += batch.size();
    }
  }

  @Override
  public synchronized Future<Void> ack(OutboxBatch batch) {
    if (!release(batch)) {
      return Future.failedFuture(new IllegalStateException("batch " + batch.id() + " is not leased"));
    }
    heldBytes -= batch.bytes();
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
  public synchronized long bytes() {
    return heldBytes;
  }

  @Override
  public synchronized long queued() {
    return fresh.size() + retryEvents;
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public long maxBytes() {
    return maxBytes;
  }
}
