package dev.edgegateway.flow;

/** A failure that already knows its {@link Outcome}; cheap (no stack trace) because it is control flow. */
public final class OutcomeException extends RuntimeException {
  private final Outcome outcome;
  private final long retryAfterSeconds;

  public OutcomeException(Outcome outcome, String message) {
    this(outcome, message, 0);
  }

  public OutcomeException(Outcome outcome, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.outcome = outcome;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public Outcome outcome() {
    return outcome;
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

  private static final char RETRY_SEPARATOR = '\u001f';

  /** A bus failure carries only a code and a string: the retry hint rides in front of the message. */
  public static String toBusMessage(OutcomeException e) {
    return e.retryAfterSeconds() > 0 ? e.retryAfterSeconds() + String.valueOf(RETRY_SEPARATOR) + e.getMessage() : e.getMessage();
  }

  public static OutcomeException fromBusMessage(Outcome outcome, String message) {
    int separator = message.indexOf(RETRY_SEPARATOR);
    if (separator > 0) {
      try {
        return new OutcomeException(outcome, message.substring(separator + 1),
            Long.parseLong(message.substring(0, separator)));
      } catch (NumberFormatException ignored) {
        // not ours: keep the whole message
      }
    }
    return new OutcomeException(outcome, message);
  }
}
