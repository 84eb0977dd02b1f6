package dev.edgegateway.events;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

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
  /** Batches given back for a retry, by id (= sequence number of their first event): oldest first; and leases. */
  private final LeasedBatches batches = new LeasedBatches(LeasedBatches.Order.BY_ID);
  private long nextSeq;
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
    OutboxBatch batch = batches.pollFirst();
    if (batch == null) {
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
    batch = batches.lease(batch, maxN, maxBytesPerBatch);
    return Future.succeededFuture(batch);
  }

  @Override
  public synchronized Future<Void> requeueFront(OutboxBatch batch) {
    return batches.requeue(batch);
  }

  @Override
  public synchronized Future<Void> split(OutboxBatch batch) {
    if (batch.size() < 2) {
      return Future.failedFuture(new IllegalArgumentException("a batch of one event cannot be split"));
    }
    return batches.split(batch);
  }

  @Override
  public synchronized Future<Void> ack(OutboxBatch batch) {
    if (!batches.release(batch)) {
      return LeasedBatches.notLeased(batch);
    }
    heldBytes -= batch.bytes();
    return Future.succeededFuture();
  }

  @Override
  public synchronized long size() {
    return fresh.size() + batches.readyEvents() + batches.leasedEvents();
  }

  @Override
  public synchronized long bytes() {
    return heldBytes;
  }

  @Override
  public synchronized long queued() {
    return fresh.size() + batches.readyEvents();
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
