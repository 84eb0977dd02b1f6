package dev.edgegateway.events;

import io.vertx.core.buffer.Buffer;

/**
 * One accepted event as the outbox holds it: its JSON already encoded (what is counted against the byte bounds is
 * what is sent), and an id that stays the same on every resend (a Redis stream entry id, or the in-memory sequence).
 */
public record OutboxEvent(String id, Buffer json) {
  public int bytes() {
    return json.length();
  }
}
