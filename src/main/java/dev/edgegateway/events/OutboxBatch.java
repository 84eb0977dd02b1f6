package dev.edgegateway.events;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Events leased from an {@link Outbox} for one POST: settle it with {@link Outbox#ack} (delivered or
 * dead-lettered) or give it back with {@link Outbox#requeueFront} (to be retried).
 *
 * @param id identifies the lease (and orders batches: a lower id holds older events)
 * @param events the events, oldest first; never modified
 * @param attempts how many times this batch was already sent and failed
 */
public record OutboxBatch(long id, List<JsonObject> events, int attempts) {
  public OutboxBatch {
    events = List.copyOf(events);
  }

  public int size() {
    return events.size();
  }

  public boolean isEmpty() {
    return events.isEmpty();
  }
}
