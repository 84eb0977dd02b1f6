package dev.edgegateway.flow;

/**
 * The one outcome taxonomy of the gateway: the same value picks the HTTP status, tags the metrics and
 * fills the log field, so the three never disagree.
 */
public enum Outcome {
  OK(200, false),
  /** Served, but with a fallback (stale, unsegmented or empty): the page still renders. */
  DEGRADED(200, false),
  BAD_REQUEST(400, false),
  UNAUTHORIZED(401, false),
  NOT_FOUND(404, false),
  PAYLOAD_TOO_LARGE(413, false),
  UNSUPPORTED_MEDIA_TYPE(415, false),
  /** A bound was hit (outbox full, too many waiters): try again later. */
  OVERLOADED(503, true),
  /** The request's deadline ran out. */
  TIMEOUT(504, true),
  /** The upstream answered 5xx, closed the connection or sent something unreadable. */
  UPSTREAM_ERROR(502, true),
  /** The upstream answered 4xx: the request itself is wrong, retrying will not help. */
  UPSTREAM_REJECTED(502, false),
  /** The upstream throttled us (429). */
  UPSTREAM_THROTTLED(503, true),
  /** The circuit breaker is open: the upstream was not called. */
  CIRCUIT_OPEN(503, true),
  /**
   * Something upstream the gateway does not serve: a search host it may not call (from a remote config or a
   * client's path), or a Klevu API key not its own. Refused before any call.
   */
  FORBIDDEN_UPSTREAM(403, false),
  /** Nobody is listening on a bus address (shutting down, or not deployed). */
  UNAVAILABLE(503, true),
  INTERNAL(500, false),
  /** The request itself is refused: a cross-site origin that is not configured. */
  FORBIDDEN(403, false),
  /** The client (or customer) spent its request budget: try again after {@code Retry-After}. */
  RATE_LIMITED(429, true);

  private final int httpStatus;
  private final boolean retryable;
  private final String tag;

  Outcome(int httpStatus, boolean retryable) {
    this.httpStatus = httpStatus;
    this.retryable = retryable;
    this.tag = name().toLowerCase(java.util.Locale.ROOT);
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** Whether a later attempt may succeed (drives retries and the {@code Retry-After} header). */
  public boolean retryable() {
    return retryable;
  }

  /** The value used in metric tags, log fields and the {@code X-Edge-Outcome} header. */
  public String tag() {
    return tag;
  }

  /** Whether this failure may be served from a stale cache entry (stale-if-error). */
  public boolean allowsStale() {
    return this == TIMEOUT || this == UPSTREAM_ERROR || this == UPSTREAM_THROTTLED
        || this == CIRCUIT_OPEN || this == UNAVAILABLE || this == OVERLOADED;
  }

  /** Event-bus failure code: stable across releases, distinct from HTTP codes. */
  public int busCode() {
    return 1000 + ordinal();
  }

  public static Outcome fromBusCode(int code) {
    int ordinal = code - 1000;
    Outcome[] all = values();
    return ordinal >= 0 && ordinal < all.length ? all[ordinal] : INTERNAL;
  }
}
