package dev.edgegateway.events;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The batch bookkeeping both outboxes share: batches held back to be sent next (a retry, the halves of a split, the
 * part of a batch past a lease's bounds) and the leased batches by id. The outboxes differ only in where a batch
 * given back goes: {@link MemoryOutbox} keeps them in id order (oldest events first, as its ids are sequence
 * numbers); {@link RedisOutbox} puts them in front of the batches it claimed from other gateways (its ids are lease
 * numbers, not ages). Not thread-safe: the outbox that owns it locks.
 */
final class LeasedBatches {
  /** Where a batch given back goes. */
  enum Order { BY_ID, FRONT }

  private final Order order;
  /** Front first; few batches (retries and claims), so a list's inserts cost nothing worth a fancier structure. */
  private final List<OutboxBatch> ready = new ArrayList<>();
  /** Leased batches: id to size. */
  private final Map<Long, Integer> leases = new HashMap<>();
  private long readyEvents;
  private long leasedEvents;

  LeasedBatches(Order order) {
    this.order = order;
  }

  /** The next batch held back, or null. */
  OutboxBatch pollFirst() {
    if (ready.isEmpty()) {
      return null;
    }
    OutboxBatch first = ready.remove(0);
    readyEvents -= first.size();
    return first;
  }

  /** A batch given back (not leased): to the front, or in id order. */
  void putBack(OutboxBatch batch) {
    if (batch.isEmpty()) {
      return;
    }
    int at = 0;
    if (order == Order.BY_ID) {
      while (at < ready.size() && ready.get(at).id() < batch.id()) {
        at++;
      }
    }
    ready.add(at, batch);
    readyEvents += batch.size();
  }

  /** A batch that waits behind every other (claimed from another gateway). */
  void putLast(OutboxBatch batch) {
    if (!batch.isEmpty()) {
      ready.add(batch);
      readyEvents += batch.size();
    }
  }

  /** Leases the part of {@code batch} within the bounds (at least one event); the rest is given back. */
  OutboxBatch lease(OutboxBatch batch, int maxN, long maxBytes) {
    int n = fitting(batch.events(), maxN, maxBytes);
    if (n < batch.size()) {
      putBack(batch.tail(n));
      batch = batch.head(n);
    }
    if (!batch.isEmpty()) {
      leases.put(batch.id(), batch.size());
      leasedEvents += batch.size();
    }
    return batch;
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

  /** Ends a lease; false when {@code batch} is not leased as it is (an empty batch never is, and needs none). */
  boolean release(OutboxBatch batch) {
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

  /** Releases and gives back a leased batch with one more attempt; fails when it was not leased. */
  Future<Void> requeue(OutboxBatch batch) {
    if (!release(batch)) {
      return notLeased(batch);
    }
    putBack(new OutboxBatch(batch.id(), batch.events(), batch.attempts() + 1));
    return Future.succeededFuture();
  }

  /** Releases a leased batch of two or more and gives back its halves, the head first; fails when it cannot. */
  Future<Void> split(OutboxBatch batch) {
    if (batch.size() < 2) {
      return Future.failedFuture(new IllegalStateException("batch " + batch.id() + " cannot be split"));
    }
    if (!release(batch)) {
      return notLeased(batch);
    }
    int half = batch.size() / 2;
    putBack(batch.tail(half));
    putBack(batch.head(half)); // in front of its tail in either order: a lower id
    return Future.succeededFuture();
  }

  static <T> Future<T> notLeased(OutboxBatch batch) {
    return Future.failedFuture(new IllegalStateException("batch " + batch.id() + " is not leased"));
  }

  void forEachReady(Consumer<OutboxBatch> action) {
    ready.forEach(action);
  }

  boolean hasReady() {
    return !ready.isEmpty();
  }

  long readyEvents() {
    return readyEvents;
  }

  long leasedEvents() {
    return leasedEvents;
  }
}
