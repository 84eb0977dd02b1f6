package dev.edgegateway.flow;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The W3C trace context of one request (https://www.w3.org/TR/trace-context/): its trace id, the gateway's own span
 * id for it, the trace flags, and the caller's {@code tracestate}, passed on unchanged. Taken from a valid
 * {@code traceparent} or started afresh; every upstream call gets a {@code traceparent} of its own, with the same trace
 * id and a new span id. By itself the gateway records no spans: it keeps the trace id in its logs and passes the
 * trace on; with span export on ({@code tracing.Spans}) the context is that of the request's server span.
 */
public final class TraceContext {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  /** Longest {@code tracestate} passed on; the specification asks for at least 512 characters to be kept. */
  static final int MAX_TRACESTATE = 512;
  private static final int VERSION_00_LENGTH = 55;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String traceId;
  private final String spanId;
  private final String flags;
  private final String traceState;

  private TraceContext(String traceId, String spanId, String flags, String traceState) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.flags = flags;
    this.traceState = traceState;
  }

  /**
   * The context of a request that sent these headers: its trace when {@code traceparent} is valid (a new span of
   * it), else a new trace, unsampled, and then without the {@code tracestate}, which belongs to the trace refused.
   */
  public static TraceContext fromRequest(String traceparent, String tracestate) {
    TraceContext sent = parse(traceparent, tracestate);
    return sent == null ? start() : new TraceContext(sent.traceId, newSpanId(), sent.flags, sent.traceState);
  }

  /**
   * The context of a span recorded elsewhere (a tracer's server span): its 32 and 16 lower-case hex digit ids as
   * they are, which the tracer has checked.
   */
  public static TraceContext of(String traceId, String spanId, boolean sampled, String traceState) {
    return new TraceContext(traceId, spanId, sampled ? "01" : "00", boundedState(traceState));
  }

  /** A new trace, not sampled (without a tracer the gateway records nothing an exporter could collect). */
  public static TraceContext start() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high;
    long low;
    do {
      high = random.nextLong();
      low = random.nextLong();
    } while (high == 0 && low == 0);
    char[] traceId = new char[32];
    hex(high, traceId, 0);
    hex(low, traceId, 16);
    return new TraceContext(new String(traceId), newSpanId(), "00", null);
  }

  /**
   * A {@code traceparent} as this context writes it (its own span id as the parent), or null when it is not valid:
   * version {@code 00} exactly 55 characters long (a later version may be longer, its first four fields read as
   * {@code 00}'s); lower-case hex; neither the trace id nor the parent id all zeros; version {@code ff} refused.
   */
  public static TraceContext parse(String traceparent, String tracestate) {
    if (traceparent == null || traceparent.length() < VERSION_00_LENGTH) {
      return null;
    }
    String value = traceparent.trim();
    if (value.length() < VERSION_00_LENGTH || !isHex(value, 0, 2) || value.startsWith("ff")
        || value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-'
        || !isHex(value, 3, 35) || !isHex(value, 36, 52) || !isHex(value, 53, 55)) {
      return null;
    }
    boolean version00 = value.startsWith("00");
    if (version00 ? value.length() != VERSION_00_LENGTH
        : value.length() > VERSION_00_LENGTH && value.charAt(VERSION_00_LENGTH) != '-') {
      return null;
    }
    String traceId = value.substring(3, 35);
    String parentId = value.substring(36, 52);
    if (allZeros(traceId) || allZeros(parentId)) {
      return null;
    }
    return new TraceContext(traceId, parentId, value.substring(53, 55), boundedState(tracestate));
  }

  /** The 32 hex digits shared by every span of the trace. */
  public String traceId() {
    return traceId;
  }

  /** The gateway's span of this request: the parent its bus messages name. */
  public String spanId() {
    return spanId;
  }

  /** Null when the request sent none (or one not passed on). */
  public String traceState() {
    return traceState;
  }

  /** This context as a {@code traceparent}, the gateway's span as the parent: what a bus message carries. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  /** The {@code traceparent} of one upstream call: the same trace, a new span id. */
  public String childTraceparent() {
    return "00-" + traceId + "-" + newSpanId() + "-" + flags;
  }

  private static String newSpanId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return hex(id);
  }

  private static String boundedState(String tracestate) {
    if (tracestate == null || tracestate.isEmpty() || tracestate.length() > MAX_TRACESTATE) {
      return null;
    }
    for (int i = 0; i < tracestate.length(); i++) {
      char c = tracestate.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return null;
      }
    }
    return tracestate;
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZeros(String hex) {
    for (int i = 0; i < hex.length(); i++) {
      if (hex.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  private static String hex(long value) {
    char[] out = new char[16];
    hex(value, out, 0);
    return new String(out);
  }

  /** {@code value} as 16 lower-case hex digits into {@code out} from {@code at}. */
  private static void hex(long value, char[] out, int at) {
    for (int i = at + 15; i >= at; i--) {
      out[i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  @Override
  public String toString() {
    return traceparent();
  }
}
