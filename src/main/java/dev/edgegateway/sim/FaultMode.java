package dev.edgegateway.sim;

import java.util.Locale;

/** Failure injected into one upstream. JSON form is the lower-case name. */
public enum FaultMode {
  /** Answer normally (after {@code latencyMs}). */
  NONE,
  /** Close the connection without answering (immediately, latency is not applied). */
  DOWN,
  /** Answer normally after {@code latencyMs + slowMs}. */
  SLOW,
  /** Answer 500. */
  ERROR,
  /** Alternate: the 1st, 3rd, 5th... call after the mode is set answers 503 with {@code Retry-After}; the others answer normally. */
  FLAKY,
  /** Answer 429 with {@code Retry-After} (Klaviyo: the JSON:API {@code throttled} error body). */
  THROTTLE,
  /**
   * Reset the connection (TCP RST: {@code SO_LINGER 0}, then close) as soon as the request arrives, no HTTP bytes.
   * The client sees "connection reset by peer" at once: the nearest a simulator sharing one port among all
   * upstreams gets to a refused connection (a true refusal happens at connect; either way the call fails fast
   * without an answer). Latency is not applied.
   */
  REFUSE,
  /** Never answer: the request is held, with the connection open, until the client gives up. */
  HANG,
  /** Answer 200 with a JSON content type and a body that is not JSON (cut off half-way). */
  MALFORMED,
  /** Answer 200 with valid JSON of the wrong shape (none of the fields the upstream's answer has). */
  WRONGSHAPE;

  /** The names, as listed in error messages. */
  static final String NAMES = "none, down, slow, error, flaky, throttle, refuse, hang, malformed, wrongshape";

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses one of {@link #NAMES} (case-insensitive). */
  public static FaultMode fromKey(String key) {
    if (key == null) {
      throw new IllegalArgumentException("fault must be one of " + NAMES);
    }
    try {
      return valueOf(key.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown fault '" + key + "' (expected " + NAMES + ")");
    }
  }
}
