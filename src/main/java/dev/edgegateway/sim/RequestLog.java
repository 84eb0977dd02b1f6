package dev.edgegateway.sim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * The latest requests that reached the simulated Klevu upstreams, as they arrived ({@code GET /__sim/requests}): a
 * test compares what two clients sent for the same page (the raw config query, the search body, the events) without
 * trusting either client's own account. Bounded by entries and by the bytes kept of each body.
 */
final class RequestLog {

  /** Most bytes kept of one request body; longer bodies are cut and marked {@code "truncated": true}. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  /** One request; {@code status} is filled in when its answer ends. */
  static final class Entry {
    final long seq;
    final Upstream upstream;
    final String method;
    final String path;
    final String query;
    final String traceId;
    final String body;
    final boolean truncated;
    volatile int status;

    Entry(long seq, Upstream upstream, String method, String path, String query, String traceId, Buffer body) {
      this.seq = seq;
      this.upstream = upstream;
      this.method = method;
      this.path = path;
      this.query = query;
      this.traceId = traceId;
      int length = body == null ? 0 : body.length();
      this.truncated = length > MAX_BODY_BYTES;
      this.body = length == 0 ? null : body.getString(0, Math.min(length, MAX_BODY_BYTES), StandardCharsets.UTF_8.name());
    }

    JsonObject toJson() {
      Object parsed = body;
      if (body != null && !truncated) {
        try {
          parsed = Json.decodeValue(body);
        } catch (RuntimeException e) {
          parsed = body;
        }
      }
      return new JsonObject().put("seq", seq).put("upstream", upstream.key()).put("method", method).put("path", path)
          .put("query", query).put("traceId", traceId).put("status", status == 0 ? null : status)
          .put("body", parsed).put("truncated", truncated);
    }
  }

  private final Entry[] ring;
  private long written; // guarded by ring
  private long sequence; // guarded by ring; never reset, so a reader's cursor stays valid across a reset

  RequestLog(int capacity) {
    this.ring = new Entry[Math.max(0, capacity)];
  }

  /** Records a request; null when the log keeps nothing. */
  Entry add(Upstream upstream, String method, String path, String query, String traceparent, Buffer body) {
    if (ring.length == 0) {
      return null;
    }
    synchronized (ring) {
      Entry entry = new Entry(++sequence, upstream, method, path, query, traceId(traceparent), body);
      ring[(int) (written % ring.length)] = entry;
      written++;
      return entry;
    }
  }

  /** Requests with {@code seq > after}, of {@code upstream} when not null, oldest first, at most {@code limit}. */
  JsonArray toJson(Upstream upstream, long after, int limit) {
    JsonArray out = new JsonArray();
    synchronized (ring) {
      long first = Math.max(0, written - ring.length);
      for (long i = first; i < written && out.size() < limit; i++) {
        Entry e = ring[(int) (i % ring.length)];
        if (e.seq > after && (upstream == null || e.upstream == upstream)) {
          out.add(e.toJson());
        }
      }
    }
    return out;
  }

  void clear() {
    synchronized (ring) {
      java.util.Arrays.fill(ring, null);
      written = 0;
    }
  }

  /** The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or null. */
  static String traceId(String traceparent) {
    if (traceparent == null || traceparent.length() < 35 || traceparent.charAt(2) != '-') {
      return null;
    }
    String id = traceparent.substring(3, 35);
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return null;
      }
    }
    return id;
  }
}
