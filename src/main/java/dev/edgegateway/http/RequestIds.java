package dev.edgegateway.http;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.TraceContext;
import dev.edgegateway.tracing.Spans;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one request's access line and upstream calls carry: its id ({@code X-Request-Id}, the client's when it is a
 * sane token, else a new one), its W3C trace context (its server span's when spans are exported), and the hash of the shopper it was for, which its route leaves
 * here. Never a shopper identifier in clear.
 */
final class RequestIds {
  static final String HEADER = "X-Request-Id";
  static final int MAX_ID_CHARS = 64;
  private static final String KEY = "edge.ids";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String requestId;
  private final TraceContext trace;
  private String shopperHash;

  private RequestIds(String requestId, TraceContext trace) {
    this.requestId = requestId;
    this.trace = trace;
  }

  /** The ids of the request of {@code ctx}, made on first use. */
  static RequestIds of(RoutingContext ctx) {
    RequestIds ids = ctx.get(KEY);
    if (ids == null) {
      ids = of(ctx.request());
      ctx.put(KEY, ids);
    }
    return ids;
  }

  /** The ids of {@code ctx} when something asked for them already, else null. */
  static RequestIds ifPresent(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  private static RequestIds of(HttpServerRequest request) {
    String sent = request.getHeader(HEADER);
    return new RequestIds(isSaneId(sent) ? sent : newId(),
        Spans.requestTrace(request.getHeader(TraceContext.TRACEPARENT), request.getHeader(TraceContext.TRACESTATE)));
  }

  /** 1 to 64 characters of {@code [A-Za-z0-9._-]}: safe in a header, a log line and a JSON string as it is. */
  static boolean isSaneId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** 16 random hex digits: unique enough to find one request's lines, and cheap. */
  static String newId() {
    long value = ThreadLocalRandom.current().nextLong();
    char[] out = new char[16];
    for (int i = 15; i >= 0; i--) {
      out[i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
    return new String(out);
  }

  String requestId() {
    return requestId;
  }

  TraceContext trace() {
    return trace;
  }

  /** This request's deadline, {@code millis} from now, carrying its trace to every hop and upstream call. */
  Deadline deadline(long millis) {
    return Deadline.in(millis).withTrace(trace);
  }

  /** Records the hashed exchange id of the request's shopper (null: anonymous). */
  void shopper(String exchangeIdHash) {
    this.shopperHash = exchangeIdHash;
  }

  String shopperHash() {
    return shopperHash;
  }
}
