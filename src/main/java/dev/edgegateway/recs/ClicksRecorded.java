package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;

/** How many product ids the shopper's last clicked list holds after a click was recorded. */
public record ClicksRecorded(int held) implements LocalMessage {
}
