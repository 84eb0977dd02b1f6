package dev.edgegateway.upstream;

import dev.edgegateway.flow.FailureClass;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClosedException;
import java.util.concurrent.ThreadLocalRandom;

/** What an upstream's answer or failure means for {@link UpstreamClient}: its outcome, and whether to try again. */
final class UpstreamFailures {
  private UpstreamFailures() {
  }

  /** Milliseconds to wait before the next attempt, or -1 for no retry. */
  static long retryDelay(UpstreamOptions options, Throwable failure, int attempt) {
    if (attempt >= options.maxRetries() || !(failure instanceof OutcomeException oe)) {
      return -1;
    }
    Outcome outcome = oe.outcome();
    if (outcome != Outcome.UPSTREAM_ERROR && outcome != Outcome.UPSTREAM_THROTTLED && outcome != Outcome.TIMEOUT
        || oe.is(FailureClass.UPSTREAM_OVERSIZE) || oe.is(FailureClass.UPSTREAM_UNREADABLE)) {
      return -1; // the same ask would bring the same oversized or unreadable answer
    }
    if (oe.retryAfterSeconds() > 0) {
      long wait = oe.retryAfterSeconds() * 1000;
      return wait <= options.maxRetryAfterMs() ? wait : -1;
    }
    long base = options.retryBackoffMs() << attempt;
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  static Future<UpstreamResponse> checkStatus(String name, UpstreamResponse response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return Future.succeededFuture(response);
    }
    long retryAfter = parseRetryAfter(response.header("Retry-After"));
    if (status == 429) {
      return Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_THROTTLED, FailureClass.UPSTREAM_STATUS,
          name + " throttled", retryAfter, status));
    }
    if (status >= 500 || status == 408) {
      return Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_ERROR, FailureClass.UPSTREAM_STATUS,
          name + " answered " + status, retryAfter, status));
    }
    return Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_REJECTED, FailureClass.UPSTREAM_STATUS,
        name + " answered " + status, 0, status));
  }

  /** The exception's name stays in the message, for the logs; the class is what an answer's body may say. */
  static OutcomeException classify(String name, Throwable t) {
    if (t instanceof OutcomeException oe) {
      return oe;
    }
    if (t instanceof java.util.concurrent.TimeoutException) {
      return new OutcomeException(Outcome.TIMEOUT, FailureClass.UPSTREAM_TIMEOUT, name + " timed out");
    }
    if (t instanceof HttpClosedException || t instanceof java.io.IOException) {
      return new OutcomeException(Outcome.UPSTREAM_ERROR, FailureClass.UPSTREAM_UNREACHABLE,
          name + " unreachable: " + t.getClass().getSimpleName());
    }
    String message = String.valueOf(t.getMessage());
    if (message.contains("wait queue is full") || message.contains("Connection pool reached max wait queue")) {
      return new OutcomeException(Outcome.OVERLOADED, name + ": connection queue full", 1);
    }
    return new OutcomeException(Outcome.UPSTREAM_ERROR, FailureClass.UPSTREAM_UNREACHABLE,
        name + " failed: " + t.getClass().getSimpleName());
  }

  static long parseRetryAfter(String header) {
    if (header == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return 0; // HTTP-date form: fall back to our own backoff
    }
  }
}
