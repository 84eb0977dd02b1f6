package dev.edgegateway.http;

/** Collects per-phase durations of one request for the {@code Server-Timing} header. */
final class PhaseTimer {
  private final long started = System.nanoTime();
  private long last = started;
  private final StringBuilder header = new StringBuilder(96);

  synchronized void mark(String phase) {
    long now = System.nanoTime();
    append(phase, now - last);
    last = now;
  }

  synchronized String header() {
    StringBuilder out = new StringBuilder(header);
    if (out.length() > 0) {
      out.append(", ");
    }
    return out.append("total;dur=").append(millis(System.nanoTime() - started)).toString();
  }

  private void append(String phase, long nanos) {
    if (header.length() > 0) {
      header.append(", ");
    }
    header.append(phase).append(";dur=").append(millis(nanos));
  }

  /** Milliseconds with two decimals, rounded half up; String.format would cost more than a fast page. */
  static String millis(long nanos) {
    long hundredths = (Math.max(0, nanos) + 5_000) / 10_000;
    long fraction = hundredths % 100;
    return (hundredths / 100) + (fraction < 10 ? ".0" : ".") + fraction;
  }
}
