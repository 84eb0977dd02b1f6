package dev.edgegateway.flow;

import io.vertx.core.MultiMap;

/**
 * One deadline per request, measured on the monotonic clock and carried down the event bus in a header,
 * so every hop spends only what is left instead of starting a fresh timeout of its own.
 */
public final class Deadline {
  public static final String HEADER = "x-edge-deadline-nanos";

  private final long expiresAtNanos;

  private Deadline(long expiresAtNanos) {
    this.expiresAtNanos = expiresAtNanos;
  }

  public static Deadline in(long millis) {
    return new Deadline(System.nanoTime() + Math.max(0, millis) * 1_000_000L);
  }

  public static Deadline atNanos(long expiresAtNanos) {
    return new Deadline(expiresAtNanos);
  }

  /** The deadline a bus message carries, or {@code fallbackMillis} from now when it carries none. */
  public static Deadline fromHeaders(MultiMap headers, long fallbackMillis) {
    String value = headers == null ? null : headers.get(HEADER);
    if (value != null) {
      try {
        return new Deadline(Long.parseLong(value));
      } catch (NumberFormatException ignored) {
        // a malformed header is treated as absent
      }
    }
    return in(fallbackMillis);
  }

  public long expiresAtNanos() {
    return expiresAtNanos;
  }

  public long remainingMillis() {
    long nanos = expiresAtNanos - System.nanoTime();
    return nanos <= 0 ? 0 : Math.max(1, nanos / 1_000_000L);
  }

  public boolean expired() {
    return expiresAtNanos - System.nanoTime() <= 0;
  }

  /** A deadline no later than this one and no later than {@code millis} from now: a phase budget. */
  public Deadline cap(long millis) {
    long capped = System.nanoTime() + Math.max(0, millis) * 1_000_000L;
    return capped - expiresAtNanos < 0 ? new Deadline(capped) : this;
  }

  public String headerValue() {
    return Long.toString(expiresAtNanos);
  }

  @Override
  public String toString() {
    return "Deadline[" + remainingMillis() + "ms left]";
  }
}
