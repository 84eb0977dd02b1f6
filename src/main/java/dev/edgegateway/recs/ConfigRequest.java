package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;

/** The raw KMC recommendation config, for the Klevu-compatible settings route. */
public record ConfigRequest(RecsRequest page) implements LocalMessage {
}
