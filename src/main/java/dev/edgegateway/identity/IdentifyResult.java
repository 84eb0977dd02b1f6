package dev.edgegateway.identity;

import dev.edgegateway.bus.LocalMessage;

/**
 * The outcome of an identify: whether the customer is now linked to an exchange id, and the identity to
 * use from now on (its {@code gatewayCookie} to set). Never carries another shopper's identifiers.
 */
public record IdentifyResult(boolean linked, Identity identity) implements LocalMessage {
}
