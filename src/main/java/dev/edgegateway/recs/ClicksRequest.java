package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;
import java.util.List;

/** Products a shopper clicked in banners, oldest first, to put at the head of its last clicked list. */
public record ClicksRequest(String shopper, List<String> productIds) implements LocalMessage {
}
