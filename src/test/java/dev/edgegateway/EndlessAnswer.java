package dev.edgegateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** A test upstream's answer that never ends: for the size caps that must cut it off. */
public final class EndlessAnswer {
  /** Chunks written before the event loop gets a turn: it is shared with the gateway under test. */
  private static final int CHUNKS_PER_TURN = 16;

  private EndlessAnswer() {
  }

  /**
   * Writes {@code chunk} for as long as the reader takes it. Between turns the event loop runs and sees the connection
   * the reader cut off: writes to a closed connection are dropped, never queued, so writing until the queue is full
   * spins for good on one, and starves everything else on that loop.
   */
  public static void write(HttpServerResponse response, Buffer chunk) {
    for (int i = 0; i < CHUNKS_PER_TURN && !response.writeQueueFull() && !response.closed(); i++) {
      response.write(chunk);
    }
    if (response.closed()) {
      return;
    }
    if (response.writeQueueFull()) {
      response.drainHandler(v -> write(response, chunk));
    } else {
      Vertx.currentContext().runOnContext(v -> write(response, chunk));
    }
  }
}
