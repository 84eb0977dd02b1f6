package dev.edgegateway.flow;

/**
 * A failure that already knows its {@link Outcome}, and may name its finer {@link FailureClass}; cheap (no stack
 * trace) because it is control flow. Its message is for logs, never for an answer's body.
 */
public final class OutcomeException extends RuntimeException {
  private final Outcome outcome;
  private final FailureClass failureClass;
  private final long retryAfterSeconds;
  private final int upstreamStatus;

  public OutcomeException(Outcome outcome, String message) {
    this(outcome, message, 0);
  }

  public OutcomeException(Outcome outcome, String message, long retryAfterSeconds) {
    this(outcome, null, message, retryAfterSeconds);
  }

  public OutcomeException(Outcome outcome, FailureClass failureClass, String message) {
    this(outcome, failureClass, message, 0);
  }

  public OutcomeException(Outcome outcome, FailureClass failureClass, String message, long retryAfterSeconds) {
    this(outcome, failureClass, message, retryAfterSeconds, 0);
  }

  /** @param upstreamStatus the HTTP status an upstream answered with, which this failure stands for */
  public OutcomeException(Outcome outcome, FailureClass failureClass, String message, long retryAfterSeconds,
      int upstreamStatus) {
    super(message, null, false, false);
    this.outcome = outcome;
    this.failureClass = failureClass;
    this.retryAfterSeconds = retryAfterSeconds;
    this.upstreamStatus = upstreamStatus;
  }

  /** The HTTP status of the upstream's answer this failure stands for; 0 when none (not kept across the bus). */
  public int upstreamStatus() {
    return upstreamStatus;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** What kind of failure this was: the one it names, else its outcome's; null for a refused request. */
  public FailureClass failureClass() {
    return failureClass != null ? failureClass : FailureClass.of(outcome);
  }

  /** Whether this failure names {@code failureClass} itself. */
  public boolean is(FailureClass failureClass) {
    return this.failureClass == failureClass;
  }

  /** Seconds a client should wait before trying again; 0 when unknown. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The outcome of any throwable: ours carry one, anything else is {@link Outcome#INTERNAL}. */
  public static Outcome outcomeOf(Throwable t) {
    if (t instanceof OutcomeException oe) {
      return oe.outcome;
    }
    if (t instanceof java.util.concurrent.TimeoutException) {
      return Outcome.TIMEOUT;
    }
    if (t instanceof io.vertx.core.eventbus.ReplyException re) {
      return switch (re.failureType()) {
        case TIMEOUT -> Outcome.TIMEOUT;
        case NO_HANDLERS -> Outcome.UNAVAILABLE;
        default -> Outcome.fromBusCode(re.failureCode());
      };
    }
    return Outcome.INTERNAL;
  }

  public static OutcomeException of(Throwable t) {
    if (t instanceof OutcomeException oe) {
      return oe;
    }
    String message = String.valueOf(t.getMessage());
    if (t instanceof io.vertx.core.eventbus.ReplyException re
        && re.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE) {
      return fromBusMessage(outcomeOf(t), message);
    }
    return new OutcomeException(outcomeOf(t), message);
  }

  private static final char SEPARATOR = '\u001f';

  /**
   * A bus failure carries only a code and a string: the retry hint and the failure class it names ride in front of
   * the message ({@code retry SEP class SEP message}).
   */
  public static String toBusMessage(OutcomeException e) {
    if (e.retryAfterSeconds() <= 0 && e.failureClass == null) {
      return e.getMessage();
    }
    return e.retryAfterSeconds() + String.valueOf(SEPARATOR) + (e.failureClass == null ? "" : e.failureClass.tag())
        + SEPARATOR + e.getMessage();
  }

  public static OutcomeException fromBusMessage(Outcome outcome, String message) {
    int first = message.indexOf(SEPARATOR);
    int second = first < 0 ? -1 : message.indexOf(SEPARATOR, first + 1);
    if (second > 0) {
      try {
        return new OutcomeException(outcome, FailureClass.fromTag(message.substring(first + 1, second)),
            message.substring(second + 1), Long.parseLong(message.substring(0, first)));
      } catch (NumberFormatException ignored) {
        // not ours: keep the whole message
      }
    }
    return new OutcomeException(outcome, message);
  }
}
