package dev.edgegateway.events;

import dev.edgegateway.bus.LocalMessage;
import java.util.List;

/**
 * How many events the outbox accepted (delivered or counted as dead, never lost silently), and the positions, in the
 * batch given, of the events refused alone for being over the size limit of one event.
 */
public record EventsReceipt(int accepted, List<Integer> tooLarge) implements LocalMessage {
  public EventsReceipt {
    tooLarge = List.copyOf(tooLarge);
  }

  public EventsReceipt(int accepted) {
    this(accepted, List.of());
  }
}
