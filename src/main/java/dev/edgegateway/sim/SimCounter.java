package dev.edgegateway.sim;

/** Counters reported by {@code GET /__sim/stats}; the JSON key is {@link #key()}. */
public enum SimCounter {
  /** Requests that reached the visitor (session) handler, faulted ones included. */
  SESSION("session"),
  /** Requests that reached the recommendation-config handler. */
  CONFIG("config"),
  /** Requests that reached the search handler. */
  SEARCH("search"),
  /** Requests that reached the analytics collect handler. */
  COLLECT("collect"),
  /** Analytics events accepted (elements of valid collect arrays). */
  EVENTS("events"),
  /**
   * Accepted analytics events whose exact payload was accepted before (since start or the last reset): resends.
   * Klevu's collector takes no event id, so a resend is recognised by its bytes (among the last million).
   */
  DUPLICATE_EVENTS("duplicate_events"),
  /** Requests that reached any Klaviyo handler (profile lookups, imports, segments). */
  PROFILES("profiles"),
  /** Requests answered (or left unanswered) by an injected fault: down, refuse, hang, error, flaky 503, throttle 429, malformed, wrongshape. */
  FAULTED("faulted"),
  /** Requests rejected by validation (4xx other than injected faults). */
  REJECTED("rejected");

  private final String key;

  SimCounter(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }
}
