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
  THROTTLE;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code none|down|slow|error|flaky|throttle} (case-insensitive). */
  public static FaultMode fromKey(String key) {
    if (key == null) {
      throw new IllegalArgumentException("fault must be one of none, down, slow, error, flaky, throttle");
    }
    try {
      return valueOf(key.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown fault '" + key + "' (expected none, down, slow, error, flaky, throttle)");
    }
  }
}
