package dev.edgegateway.identity;

import dev.edgegateway.config.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * What a gateway outside {@code --demo} refuses to start without: a hash pepper of its own (the default is in this
 * public repository, so a hashed customer id or email in a log line or cache key falls to a dictionary in a second)
 * and a cookie secret (without one, every restart logs every shopper out, and gateways cannot read each other's
 * cookies).
 */
public final class ProductionSecrets {
  private ProductionSecrets() {
  }

  /** The problems of {@code options}, each naming its variable; empty when it may start. */
  public static List<String> problems(IdentityOptions options) {
    List<String> problems = new ArrayList<>();
    if (options.hashPepper().equals(Settings.HASH_PEPPER.defaultValue())) {
      problems.add(Settings.HASH_PEPPER.env() + " is the public default: set it (or " + Settings.HASH_PEPPER.env()
          + "_FILE) to a secret of this store, the same on every gateway sharing a Redis");
    }
    if (SealedCookie.secrets(options.cookieSecret()).isEmpty()) {
      problems.add(Settings.COOKIE_SECRET.env() + " is not set: set it (or " + Settings.COOKIE_SECRET.env()
          + "_FILE) so that edge_id cookies survive a restart and every gateway opens them");
    }
    return problems;
  }

  /** Throws, naming each variable, unless the secrets are the store's own. */
  public static void check(IdentityOptions options) {
    List<String> problems = problems(options);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems) + " (only --demo runs without them)");
    }
  }
}
