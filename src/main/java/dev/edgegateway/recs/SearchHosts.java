package dev.edgegateway.recs;

import dev.edgegateway.flow.FailureClass;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search hosts the gateway may call, each with circuit breakers of its own: a host listed exactly on the
 * allowlist, or one that a wildcard allows and a Klevu config answer named in its {@code search.basePath}. A name a
 * client made up under a wildcard is refused before any call, so its failures (a name that does not resolve, a port
 * that does not answer) never reach a breaker. Each host has two breakers: one for the banners' searches, one for the
 * searches clients send through {@code /klevu/search} with payloads of their choosing, so a client's failing searches
 * never pause the banners. Learnt hosts are bounded: past {@code maxLearned} the least recently named is forgotten.
 * Shared by the recs verticle's instances (one per event loop).
 */
final class SearchHosts {
  private static final Logger LOG = LoggerFactory.getLogger(SearchHosts.class);

  /** Where a search comes from: the gateway's own banner, or a client's payload through the proxy route. */
  enum Origin { BANNER, PROXY }

  /** One host the gateway may call, by its canonical authority, with its two breakers. */
  static final class Host {
    final String authority;
    private final CircuitBreaker banner;
    private final CircuitBreaker proxy;
    private volatile long lastNamed;

    private Host(String authority, Function<String, CircuitBreaker> breakers) {
      this.authority = authority;
      this.banner = breakers.apply(authority + "-banner");
      this.proxy = breakers.apply(authority + "-proxy");
      banner.openHandler(v -> LOG.warn("search circuit open host={} origin=banner", authority));
      proxy.openHandler(v -> LOG.warn("search circuit open host={} origin=proxy", authority));
    }

    CircuitBreaker breaker(Origin origin) {
      return origin == Origin.BANNER ? banner : proxy;
    }
  }

  private final HostAllowlist allowlist;
  private final int maxLearned;
  private final Function<String, CircuitBreaker> newBreaker;
  private final Consumer<CircuitBreaker> forget;
  private final Map<String, Host> listed = new ConcurrentHashMap<>();
  private final Map<String, Host> learned = new ConcurrentHashMap<>();
  private final Counter notAllowed;
  private final Counter notNamed;

  /**
   * @param newBreaker makes a breaker for a host's part (the search upstream's {@code Guard::newBreaker})
   * @param forget closes a breaker of a forgotten host
   */
  SearchHosts(HostAllowlist allowlist, int maxLearned, Function<String, CircuitBreaker> newBreaker,
      Consumer<CircuitBreaker> forget, MeterRegistry registry) {
    this.allowlist = allowlist;
    this.maxLearned = maxLearned;
    this.newBreaker = newBreaker;
    this.forget = forget;
    this.notAllowed = Metrics.counter(registry, "edge_recs_search_refused_total", "reason", "not_allowed");
    this.notNamed = Metrics.counter(registry, "edge_recs_search_refused_total", "reason", "not_named");
    Metrics.gauge("edge_recs_search_hosts", learned, Map::size).register(registry);
  }

  /** A Klevu config answer named {@code authority} as its search host: a wildcard-allowed host is learnt. */
  void named(String authority) {
    Host known = learned.get(authority);
    if (known != null) {
      known.lastNamed = System.currentTimeMillis();
      return;
    }
    if (listed.containsKey(authority)) {
      return;
    }
    HostAllowlist.Authority parsed = allowlist.parse(authority);
    if (parsed == null || allowlist.match(parsed) != HostAllowlist.Match.WILDCARD) {
      return; // listed hosts need no learning; others stay refused
    }
    known = learned.get(parsed.text());
    if (known != null) {
      known.lastNamed = System.currentTimeMillis();
    } else {
      learn(parsed.text());
    }
  }

  private synchronized void learn(String canonical) {
    Host host = learned.get(canonical);
    if (host == null) {
      if (learned.size() >= maxLearned) {
        learned.values().stream().min(Comparator.comparingLong(h -> h.lastNamed)).ifPresent(this::drop);
      }
      host = new Host(canonical, newBreaker);
      learned.put(canonical, host);
    }
    host.lastNamed = System.currentTimeMillis();
  }

  private void drop(Host oldest) {
    learned.remove(oldest.authority);
    forget.accept(oldest.banner);
    forget.accept(oldest.proxy);
  }

  /**
   * The host to search on, or a failure ({@link Outcome#FORBIDDEN_UPSTREAM}) when the gateway may not call it.
   *
   * @throws OutcomeException when refused
   */
  Host lookup(String authority) {
    Host host = learned.get(authority);
    if (host == null) {
      host = listed.get(authority);
    }
    if (host != null) {
      return host;
    }
    HostAllowlist.Authority parsed = allowlist.parse(authority);
    HostAllowlist.Match match = parsed == null ? HostAllowlist.Match.NONE : allowlist.match(parsed);
    if (match == HostAllowlist.Match.EXACT) {
      // bounded: one per exact entry of the allowlist
      return listed.computeIfAbsent(parsed.text(), canonical -> new Host(canonical, newBreaker));
    }
    host = match == HostAllowlist.Match.WILDCARD ? learned.get(parsed.text()) : null;
    if (host != null) {
      return host;
    }
    (match == HostAllowlist.Match.NONE ? notAllowed : notNamed).increment();
    throw new OutcomeException(Outcome.FORBIDDEN_UPSTREAM, FailureClass.SEARCH_HOST_REFUSED,
        match == HostAllowlist.Match.NONE ? "search host not on the allowlist"
            : "search host allowed by a wildcard but named by no Klevu config");
  }
}
