package dev.edgegateway.flow;

import java.util.Locale;

/**
 * What kind of failure an error was, finer than its {@link Outcome}: the {@code reason} of an error body, with a
 * fixed text. Never an exception's name or message, which would tell a caller which names resolve and which ports
 * are open.
 */
public enum FailureClass {
  UPSTREAM_UNREACHABLE("an upstream service could not be reached"),
  UPSTREAM_TIMEOUT("an upstream service did not answer in time"),
  UPSTREAM_STATUS("an upstream service answered with an error status"),
  UPSTREAM_UNREADABLE("an upstream service's answer was not what was expected"),
  UPSTREAM_OVERSIZE("an upstream service's answer was over its size limit"),
  CIRCUIT_OPEN("calls to a failing upstream service are paused"),
  DEADLINE("the request ran out of time"),
  OVERLOADED("the gateway is at one of its bounds; try again later"),
  UNAVAILABLE("a part of the gateway is not available; try again later"),
  INTERNAL("internal error"),
  /** A Klevu API key the gateway does not serve. */
  API_KEY_NOT_SERVED("this gateway does not serve that Klevu API key"),
  /** A search host the gateway may not call: off the allowlist, or never named by a Klevu config. */
  SEARCH_HOST_REFUSED("the gateway does not search on that host");

  private final String text;
  private final String tag;

  FailureClass(String text) {
    this.text = text;
    this.tag = name().toLowerCase(Locale.ROOT);
  }

  /** The value of an error body's {@code reason}. */
  public String tag() {
    return tag;
  }

  /** What an error body's {@code message} says of it. */
  public String text() {
    return text;
  }

  /** The class of a failure that names none: by its outcome, or null for a refused request (4xx). */
  public static FailureClass of(Outcome outcome) {
    return switch (outcome) {
      case TIMEOUT -> DEADLINE;
      // outside the upstream client (which classifies its own), an upstream error is an answer of the wrong shape
      case UPSTREAM_ERROR -> UPSTREAM_UNREADABLE;
      case UPSTREAM_REJECTED, UPSTREAM_THROTTLED -> UPSTREAM_STATUS;
      case CIRCUIT_OPEN -> CIRCUIT_OPEN;
      case OVERLOADED -> OVERLOADED;
      case UNAVAILABLE -> UNAVAILABLE;
      case INTERNAL -> INTERNAL;
      default -> null;
    };
  }

  /** The constant of {@code tag}, or null. */
  static FailureClass fromTag(String tag) {
    for (FailureClass value : values()) {
      if (value.tag.equals(tag)) {
        return value;
      }
    }
    return null;
  }
}
