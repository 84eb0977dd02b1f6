package dev.edgegateway.http;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.identity.Identity;
import dev.edgegateway.recs.RecsRequest;
import dev.edgegateway.segments.SegmentRequest;
import java.util.List;

/**
 * One page load on its way over the bus: the banner asked for ({@code recsKey} and the page context, with the cart
 * of a checkout page), the key of the shopper's last clicked products, the shopper and its segments request, the
 * session cookie it sent, and the request's one deadline, fallbacks and timing.
 */
record PageRequest(String recsKey, String pid, String gpid, String cp, List<String> cart, String clicks,
    Identity shopper, SegmentRequest segments, String sessionCookie, Deadline deadline, DegradedSteps degraded,
    PhaseTimer timing) {

  /** The banner request for the shopper's segments {@code sids}. */
  RecsRequest recs(List<String> sids) {
    return new RecsRequest(segments.apiKey(), recsKey, sids, pid, gpid, cp, cart, clicks);
  }

  /** The same page with fallbacks of its own (the assembly of a coalesced page). */
  PageRequest withDegraded(DegradedSteps own) {
    return new PageRequest(recsKey, pid, gpid, cp, cart, clicks, shopper, segments, sessionCookie, deadline, own,
        timing);
  }

  /** What makes two requests the same page: the shopper (by hash), its session and the page asked for. */
  String coalescingKey() {
    return pageKey(shopper.exchangeIdHash(), segments.klevuSessionId(), recsKey, pid, gpid, cp,
        cart == null ? null : String.join(",", cart));
  }

  /** Length-prefixed, so no value can pass for another part of the key; the shopper only by hash. */
  static String pageKey(String exchangeIdHash, String session, String recsKey, String pid, String gpid, String cp,
      String cart) {
    StringBuilder key = new StringBuilder(160);
    for (String part : new String[] {exchangeIdHash, session, recsKey, pid, gpid, cp, cart}) {
      key.append(part == null ? -1 : part.length()).append(':').append(part == null ? "" : part).append('|');
    }
    return key.toString();
  }
}
