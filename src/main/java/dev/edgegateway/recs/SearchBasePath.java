package dev.edgegateway.recs;

/**
 * Where a KMC config's {@code search.basePath} points: a host and a path (Klevu writes it with or without a
 * scheme, and with or without a path). Read by the recs verticle for its search, and by the Klevu-compatible
 * settings route to point the SDK's search at the gateway.
 */
public record SearchBasePath(String host, String path) {
  /** Klevu's search path when {@code basePath} names only a host. */
  public static final String DEFAULT_PATH = "/cs/v2/search";

  public static SearchBasePath parse(String basePath) {
    String rest = basePath == null ? "" : basePath;
    for (String scheme : new String[] {"https://", "http://"}) {
      if (rest.startsWith(scheme)) {
        rest = rest.substring(scheme.length());
      }
    }
    int slash = rest.indexOf('/');
    return slash < 0 ? new SearchBasePath(rest, DEFAULT_PATH) : new SearchBasePath(rest.substring(0, slash),
        rest.substring(slash));
  }
}
