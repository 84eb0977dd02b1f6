package dev.edgegateway.bus;

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
    return t instanceof OutcomeException oe ? oe : new OutcomeException(outcomeOf(t), String.valueOf(t.getMessage()));
  }
}
