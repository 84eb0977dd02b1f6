package dev.edgegateway.events;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.flow.Deadline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Step 4: analytics back to Klevu through an outbox that batches and retries. */
public interface EventsService {
  String ENQUEUE_ADDRESS = "edge.events.enqueue";

  /** Accepts the whole batch or none of it: fails with OVERLOADED (503 + Retry-After) when the outbox is full. */
  Future<EventsReceipt> enqueue(EventBatch batch, Deadline deadline);

  static EventsService proxy(Vertx vertx) {
    return (batch, deadline) -> Bus.request(vertx, ENQUEUE_ADDRESS, batch, deadline);
  }
}
