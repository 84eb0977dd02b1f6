package dev.edgegateway.segments;

import dev.edgegateway.bus.LocalMessage;

/**
 * A Klevu visitor-session lookup. {@code exchangeId} (clear, upstream use only) and its hash are null for
 * an anonymous shopper; {@code klevuSessionId} is the session the shopper already holds, if any.
 */
public record SegmentRequest(String apiKey, String exchangeId, String exchangeIdHash, String klevuSessionId)
    implements LocalMessage {

  @Override
  public String toString() {
    return "SegmentRequest[apiKey=" + apiKey + ", hash=" + exchangeIdHash + "]";
  }
}
