package dev.edgegateway.sim;

import java.util.Locale;

/**
 * The five simulated upstreams. Each has its own fault/latency settings ({@link UpstreamFault}) and
 * request counter ({@link SimCounter}).
 */
public enum Upstream {
  /** Klevu visitor service: {@code POST /public/1.0/{apiKey}/session}. Counter {@code session}. */
  VISITOR("visitor", SimCounter.SESSION),
  /** Klevu recommendation config CDN: {@code GET /recommendations/{apiKey}/settings/{recsKey}}. Counter {@code config}. */
  CONFIG("config", SimCounter.CONFIG),
  /** Klevu search: {@code POST /cs/v2/search}. Counter {@code search}. */
  SEARCH("search", SimCounter.SEARCH),
  /** Klevu analytics: {@code POST /analytics/collect}. Counter {@code collect} (+ {@code events}). */
  STATS("stats", SimCounter.COLLECT),
  /** Klaviyo REST API: {@code /api/profiles...}, {@code /api/profile-import}. Counter {@code profiles}. */
  KLAVIYO("klaviyo", SimCounter.PROFILES);

  private final String key;
  private final SimCounter counter;

  Upstream(String key, SimCounter counter) {
    this.key = key;
    this.counter = counter;
  }

  /** Name used in JSON ({@code visitor}, {@code config}, {@code search}, {@code stats}, {@code klaviyo}). */
  public String key() {
    return key;
  }

  /** The request counter incremented for every request that reaches this upstream's handler. */
  public SimCounter counter() {
    return counter;
  }

  /** Parses a JSON key (case-insensitive); throws {@link IllegalArgumentException} when unknown. */
  public static Upstream fromKey(String key) {
    String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
    for (Upstream u : values()) {
      if (u.key.equals(k)) {
        return u;
      }
    }
    throw new IllegalArgumentException("unknown upstream '" + key + "' (expected visitor, config, search, stats, klaviyo)");
  }
}
