package dev.edgegateway.upstream;

import dev.edgegateway.flow.FailureClass;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/** An answer's body read as it streams in, up to a cap: past it the read fails at once and keeps nothing more. */
final class BoundedBody {
  private BoundedBody() {
  }

  /**
   * The whole body, or a failure of class {@link FailureClass#UPSTREAM_OVERSIZE} as soon as the body is known to be
   * over {@code maxBytes} (from its {@code Content-Length}, before any byte of it, or from the bytes so far).
   * The caller resets the exchange, so the upstream stops sending.
   */
  static Future<Buffer> read(HttpClientResponse answer, int maxBytes) {
    if (declaredLength(answer) > maxBytes) {
      return Future.failedFuture(tooLarge());
    }
    Promise<Buffer> read = Promise.promise();
    Buffer body = Buffer.buffer();
    answer.handler(chunk -> {
      if (read.future().isComplete()) {
        return; // over the cap already: the exchange is being reset
      }
      if (body.length() + chunk.length() <= maxBytes) {
        body.appendBuffer(chunk);
      } else {
        read.tryFail(tooLarge());
      }
    });
    answer.exceptionHandler(read::tryFail);
    answer.endHandler(end -> read.tryComplete(body));
    return read.future();
  }

  private static OutcomeException tooLarge() {
    return new OutcomeException(Outcome.UPSTREAM_ERROR, FailureClass.UPSTREAM_OVERSIZE, "answer over the size cap");
  }

  /** The answer's {@code Content-Length}, or -1 when it has none (chunked) or a malformed one. */
  private static long declaredLength(HttpClientResponse answer) {
    String header = answer.getHeader("Content-Length");
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
