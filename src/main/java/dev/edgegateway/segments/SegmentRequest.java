package dev.edgegateway.segments;

import dev.edgegateway.bus.LocalMessage;

/**
 * A Klevu visitor-session lookup. {@code exchangeId} (clear, upstream use only) and its hash are null for
 * an anonymous shopper; {@code klevuSessionId} is the session the shopper already holds, if any;
 * {@code visitorHash}, for an anonymous shopper that names itself (the keyed hash of Klaviyo's client id), is what
 * its session is single-flighted and kept under; null for a visitor with nothing to recognise it by.
 */
public record SegmentRequest(String apiKey, String exchangeId, String exchangeIdHash, String klevuSessionId,
    String visitorHash) implements LocalMessage {

  public SegmentRequest(String apiKey, String exchangeId, String exchangeIdHash, String klevuSessionId) {
    this(apiKey, exchangeId, exchangeIdHash, klevuSessionId, null);
  }

  @Override
  public String toString() {
    return "SegmentRequest[apiKey=" + apiKey + ", hash=" + exchangeIdHash + "]";
  }
}
