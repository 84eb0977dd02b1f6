package dev.edgegateway.events;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Events leased from an {@link Outbox} for one POST: settle it with {@link Outbox#ack} (delivered or
 * dead-lettered), give it back with {@link Outbox#requeueFront} (to be retried) or {@link Outbox#split} it.
 *
 * @param id identifies the lease (and orders batches: a lower id holds older events)
 * @param events the events, oldest first; never modified
 * @param attempts how many times this batch was already sent and failed
 */
public record OutboxBatch(long id, List<OutboxEvent> events, int attempts) {
  public OutboxBatch {
    events = List.copyOf(events);
  }

  public int size() {
    return events.size();
  }

  public boolean isEmpty() {
    return events.isEmpty();
  }

  /** Encoded bytes of the events. */
  public long bytes() {
    long total = 0;
    for (OutboxEvent e : events) {
      total += e.bytes();
    }
    return total;
  }

  /** The POST body: the events as one JSON array, written from their encoded bytes (no re-encoding). */
  public Buffer body() {
    Buffer body = Buffer.buffer((int) Math.min(Integer.MAX_VALUE - 8, bytes() + events.size() + 2));
    body.appendByte((byte) '[');
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        body.appendByte((byte) ',');
      }
      body.appendBuffer(events.get(i).json());
    }
    return body.appendByte((byte) ']');
  }

  /** The first {@code n} events as a batch of their own (same attempts), and the rest. */
  OutboxBatch head(int n) {
    return new OutboxBatch(id, events.subList(0, n), attempts);
  }

  OutboxBatch tail(int n) {
    return new OutboxBatch(id + n, events.subList(n, events.size()), attempts);
  }
}
