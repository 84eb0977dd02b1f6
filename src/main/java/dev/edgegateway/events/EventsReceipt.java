package dev.edgegateway.events;

import dev.edgegateway.bus.LocalMessage;

/** How many events the outbox accepted; accepted events are delivered or counted as dead, never lost silently. */
public record EventsReceipt(int accepted) implements LocalMessage {
}
