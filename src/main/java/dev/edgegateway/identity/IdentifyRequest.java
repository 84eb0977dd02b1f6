package dev.edgegateway.identity;

import dev.edgegateway.bus.LocalMessage;

/**
 * {@code POST /v1/identify}: a logged-in shopper's signed storefront customer token, plus what the request
 * already carried, so the gateway can link the customer to an exchange id it has seen.
 */
public record IdentifyRequest(String customerToken, IdentityRequest seen) implements LocalMessage {
  @Override
  public String toString() {
    return "IdentifyRequest[redacted]";
  }
}
