package dev.edgegateway.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where accepted analytics events wait until they are delivered or dead-lettered. Bounded: the capacity
 * counts events queued plus events leased (being sent), so a retried batch always has room to come back.
 * Asynchronous so that a shared (e.g. Redis-backed) outbox can implement it later; {@link MemoryOutbox} is the
 * embedded default. Delivery is at least once: a batch whose POST timed out after the upstream took it is sent again.
 */
public interface Outbox {
  /** All or nothing: true when every event was queued, false (and nothing queued) when they would not fit. */
  Future<Boolean> offer(List<JsonObject> events);

  /**
   * Leases up to {@code maxN} events from the front. A batch put back by {@link #requeueFront} comes first, as it
   * was (never merged with fresh events, so its attempt count stays meaningful); otherwise the oldest queued
   * events. Completes with an empty batch when nothing is queued.
   */
  Future<OutboxBatch> take(int maxN);

  /**
   * Gives a leased batch back for a retry, ahead of every fresh event and of any requeued batch holding newer
   * events, with its attempt count raised by one.
   */
  Future<Void> requeueFront(OutboxBatch batch);

  /** Settles a leased batch (delivered, or dead-lettered): its events leave the outbox. */
  Future<Void> ack(OutboxBatch batch);

  /** Events held: queued plus leased. Cheap and synchronous (gauges read it); a remote outbox may approximate. */
  long size();

  /** Events waiting to be taken (requeued batches included), not counting leased ones. */
  long queued();

  /** Most events {@link #size()} may reach. */
  long capacity();
}
