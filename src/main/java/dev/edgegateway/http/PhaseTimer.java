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

  private static String millis(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1_000_000.0);
  }
}
