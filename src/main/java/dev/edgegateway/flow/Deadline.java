package dev.edgegateway.flow;

import io.vertx.core.MultiMap;

/**
 * One deadline per request, measured on the monotonic clock and carried down the event bus in a header,
 * so every hop spends only what is left instead of starting a fresh timeout of its own. It also carries the
 * request's {@link TraceContext}, when it has one: both are what a request hands down to every hop, and every hop
 * already takes its deadline, so the upstream calls at the end of the way find the trace there.
 */
public final class Deadline {
  public static final String HEADER = "x-edge-deadline-nanos";
  /**
   * The trace context in a bus message: the W3C values under names of the gateway's own, which Vert.x's tracer
   * (with span export on) does not take for a trace to record a message span of.
   */
  public static final String TRACEPARENT_HEADER = "x-edge-traceparent";
  public static final String TRACESTATE_HEADER = "x-edge-tracestate";

  private final long expiresAtNanos;
  /** Null for work no request asked for (a background refresh, a batch of events). */
  private final TraceContext trace;

  private Deadline(long expiresAtNanos, TraceContext trace) {
    this.expiresAtNanos = expiresAtNanos;
    this.trace = trace;
  }

  public static Deadline in(long millis) {
    return new Deadline(System.nanoTime() + Math.max(0, millis) * 1_000_000L, null);
  }

  public static Deadline atNanos(long expiresAtNanos) {
    return new Deadline(expiresAtNanos, null);
  }

  /**
   * The deadline a bus message carries, or {@code fallbackMillis} from now when it carries none; with the trace
   * context it carries, if any.
   */
  public static Deadline fromHeaders(MultiMap headers, long fallbackMillis) {
    String value = headers == null ? null : headers.get(HEADER);
    TraceContext trace = headers == null ? null
        : TraceContext.parse(headers.get(TRACEPARENT_HEADER), headers.get(TRACESTATE_HEADER));
    if (value != null) {
      try {
        return new Deadline(Long.parseLong(value), trace);
      } catch (NumberFormatException ignored) {
        // a malformed header is treated as absent
      }
    }
    return in(fallbackMillis).withTrace(trace);
  }

  /** This deadline, for work done as part of {@code trace} (null: of no request's trace). */
  public Deadline withTrace(TraceContext trace) {
    return trace == this.trace ? this : new Deadline(expiresAtNanos, trace);
  }

  /** The trace of the request this deadline is for; null when there is none. */
  public TraceContext trace() {
    return trace;
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
    return capped - expiresAtNanos < 0 ? new Deadline(capped, trace) : this;
  }

  public String headerValue() {
    return Long.toString(expiresAtNanos);
  }

  @Override
  public String toString() {
    return "Deadline[" + remainingMillis() + "ms left]";
  }
}
