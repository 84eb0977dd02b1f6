package dev.edgegateway.events;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Where accepted analytics events wait until they are delivered or dead-lettered. Bounded in events and in encoded
 * bytes: both count events queued plus events leased (being sent), so a retried batch always has room to come back.
 * {@link MemoryOutbox} is lost with the process; {@link RedisOutbox} (a Redis Stream read by a consumer group of all
 * gateways) survives it. {@link Outboxes#create} picks one. Delivery is at least once: a batch whose POST timed out
 * after the upstream took it, or one a dead gateway was sending, is sent again.
 */
public interface Outbox {
  /**
   * All or nothing: true when every event was queued, false (and nothing queued) when they would not fit in the
   * count or the byte bound. Fails when the store cannot be reached (nothing queued), or with
   * {@link dev.edgegateway.flow.Outcome#TIMEOUT} when a remote store did not answer in time: the events may then have
   * been queued, and may be delivered although refused (at least once).
   */
  Future<Boolean> offer(List<Buffer> events);

  /**
   * Leases up to {@code maxN} events and, past the first, at most {@code maxBytes} encoded bytes from the front. A
   * batch put back by {@link #requeueFront} or {@link #split} comes first, as it was (never merged with fresh events,
   * so its attempt count stays meaningful); otherwise the oldest queued events. Completes with an empty batch when
   * nothing is queued.
   */
  Future<OutboxBatch> take(int maxN, long maxBytes);

  /**
   * Gives a leased batch back for a retry, ahead of every fresh event and of any requeued batch holding newer
   * events, with its attempt count raised by one.
   */
  Future<Void> requeueFront(OutboxBatch batch);

  /**
   * Gives a leased batch of two or more events back as its two halves, to be sent next, one after the other, with
   * the attempt count unchanged: the collector refused the batch as too large (413), so a smaller one may pass.
   */
  Future<Void> split(OutboxBatch batch);

  /** Settles a leased batch (delivered, or dead-lettered): its events leave the outbox. */
  Future<Void> ack(OutboxBatch batch);

  /** Events held: queued plus leased. Cheap and synchronous (gauges read it); a remote outbox approximates. */
  long size();

  /**
   * Events this process holds and would lose or resend if it stopped now: for the memory outbox all of them; for a
   * durable one only those it took and has not settled (the rest wait in the store for any gateway).
   */
  default long heldHere() {
    return size();
  }

  /** Encoded bytes held: queued plus leased. Cheap and synchronous; a remote outbox approximates. */
  long bytes();

  /** Events waiting to be taken (requeued batches included), not counting leased ones; may approximate. */
  long queued();

  /** Most events {@link #size()} may reach. */
  long capacity();

  /** Most bytes {@link #bytes()} may reach. */
  long maxBytes();

  /** Stops background work (a remote outbox's reads and claims). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
