package dev.edgegateway.recs;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.edgegateway.cache.CacheEntry;
import dev.edgegateway.cache.CacheStatus;
import dev.edgegateway.cache.LoopUpkeep;
import dev.edgegateway.cache.MemoryCache;
import dev.edgegateway.cache.MemoryCacheOptions;
import dev.edgegateway.cache.Weights;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Banners built from a fresh config and a fresh search, with their page body already encoded, kept until the
 * first of the two stops being fresh: a warm page is then a map read, not two cache reads, a digest and an
 * encoding. The recs verticle writes; any event loop reads, once per page. Stale, negative and degraded answers
 * are never memoised (they go the full way, which refreshes them). With Redis, a banner past the L1 hold time is
 * checked again in the background, so gateways still agree within that bound. Bounded by entries and estimated
 * bytes ({@link MemoryCacheOptions}, {@link #weigh}).
 *
 * <p>Metrics: {@code edge_recs_memo_total{result=hit|miss}}, {@code edge_recs_memo_rechecks_total}, and the
 * store's {@code edge_cache_memory_*{cache="banners"}}.
 */
public final class BannerMemo {
  /** What one read of the memo found: a banner, or a miss that keeps the page asked for and its key. */
  public sealed interface Read permits FreshBanner, Missed {
  }

  /**
   * A banner and the encoded body of a page that shows it with nothing degraded; past {@code holdUntil} it is
   * checked again against the shared store (with Redis), in the background. A {@code perShopper} banner was built
   * from a shopper's (empty) list of last clicked products: it is only for shoppers known to have clicked nothing.
   */
  public record FreshBanner(RecsResult result, Buffer pageBody, long holdUntil, boolean perShopper) implements Read {
    public FreshBanner(RecsResult result, Buffer pageBody, long holdUntil) {
      this(result, pageBody, holdUntil, false);
    }
  }

  /** A page whose banner is not here: ask the recs verticle for {@code page}, then {@link #bodyFilledFor} it. */
  public record Missed(RecsRequest page, String key) implements Read {
  }

  /** Least time between two background checks of one banner whose check did not renew it. */
  static final long RECHECK_MIN_INTERVAL_MS = 1_000;

  private final MemoryCache<FreshBanner> banners;
  private final long maxAgeMs;
  private final Counter hits;
  private final Counter misses;
  private final Counter rechecks;
  /** When each banner past its hold may be checked again (bounded like the memo itself). */
  private final Map<String, Long> nextRecheck;
  private volatile Consumer<RecsRequest> recheck = page -> { };
  /** Whether a shopper (its last clicked key) is known, in this process, to have clicked nothing lately. */
  private volatile Predicate<String> clickedNothing = shopper -> false;
  /** False for a memo nobody reads (in-place reads off): remembering would only encode every page once more. */
  private final boolean remembering;

  /** Metric tag of the memo's store, and its name in {@code cache.caches} overrides. */
  public static final String CACHE_NAME = "banners";
  /** The FreshBanner and RecsResult records around a banner's parts. */
  static final long RECORDS_BYTES = 64;

  /**
   * @param maxEntries bound on memoised banners (with the default byte budget of one store)
   * @param maxAgeMs longest a banner is kept whatever its inputs say; 0 for no bound beyond their freshness
   */
  public BannerMemo(long maxEntries, long maxAgeMs, MeterRegistry registry) {
    this(new MemoryCacheOptions(maxEntries, MemoryCacheOptions.defaults().maxBytes()), maxAgeMs, registry);
  }

  /**
   * @param bounds entries and estimated bytes the memo may hold (e.g. {@code CacheFactory.memoryOptions("banners")})
   * @param maxAgeMs longest a banner is kept whatever its inputs say; 0 for no bound beyond their freshness
   */
  public BannerMemo(MemoryCacheOptions bounds, long maxAgeMs, MeterRegistry registry) {
    this(bounds, maxAgeMs, registry, true);
  }

  /** A memo that keeps nothing, for a gateway whose HTTP front never reads it ({@code http.fastPath} false). */
  public static BannerMemo unread(MeterRegistry registry) {
    return new BannerMemo(new MemoryCacheOptions(1, 0), 0, registry, false);
  }

  private BannerMemo(MemoryCacheOptions bounds, long maxAgeMs, MeterRegistry registry, boolean remembering) {
    this.remembering = remembering;
    this.banners = new MemoryCache<>(bounds, BannerMemo::weigh).bindMetrics(registry, CACHE_NAME);
    this.maxAgeMs = maxAgeMs;
    long maxEntries = bounds.maxEntries();
    this.nextRecheck = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(Duration.ofMinutes(1))
        .executor(LoopUpkeep.INSTANCE).<String, Long>build().asMap();
    this.hits = Metrics.counter(registry, "edge_recs_memo_total", "result", "hit");
    this.misses = Metrics.counter(registry, "edge_recs_memo_total", "result", "miss");
    this.rechecks = Metrics.counter(registry, "edge_recs_memo_rechecks_total");
  }

  /** How a banner past its hold time is checked again: the recs verticle's fetch, which remembers the result. */
  void recheckWith(Consumer<RecsRequest> recheck) {
    this.recheck = recheck;
  }

  /** How a per-shopper banner learns that a shopper has clicked nothing ({@link RecentClicks#clickedNothing}). */
  void clickedNothingWith(Predicate<String> clickedNothing) {
    this.clickedNothing = clickedNothing;
  }

  /** A per-shopper banner answers only shoppers known to have no last clicked products. */
  private boolean servesShopper(FreshBanner banner, RecsRequest page) {
    return !banner.perShopper() || page.shopper() == null || clickedNothing.test(page.shopper());
  }

  /**
   * The memoised banner for this page, or a miss: then ask the recs verticle. Counted once, so a page reads it
   * once. A banner past its hold time is still answered (its inputs are still fresh) while one background fetch
   * checks it against the shared store; so a hot banner never sends its readers the long way when the hold runs out.
   */
  public Read read(RecsRequest page) {
    String key = key(page);
    CacheEntry<FreshBanner> entry = banners.freshInMemory(key);
    if (entry == null || !servesShopper(entry.value(), page)) {
      misses.increment();
      return new Missed(page, key);
    }
    hits.increment();
    FreshBanner banner = entry.value();
    long now = System.currentTimeMillis();
    if (now >= banner.holdUntil()) {
      recheck(key, page, now);
    }
    return banner;
  }

  /** {@link #read}, as the banner or null. */
  FreshBanner lookupNow(RecsRequest page) {
    return read(page) instanceof FreshBanner banner ? banner : null;
  }

  /**
   * The encoded page body the recs verticle remembered for a page that missed, once it has answered it; null when
   * it remembered none. Not a read of its own: the page's one read was the miss.
   */
  public Buffer bodyFilledFor(Missed miss) {
    CacheEntry<FreshBanner> entry = banners.freshInMemory(miss.key());
    // another shopper's fill of the same page: only the same for this one when it built on no clicks either
    return entry == null || !servesShopper(entry.value(), miss.page()) ? null : entry.value().pageBody();
  }

  private void recheck(String key, RecsRequest page, long now) {
    Long due = nextRecheck.get(key);
    if ((due != null && now < due) || !replaced(key, due, now + RECHECK_MIN_INTERVAL_MS)) {
      return; // one check at a time per banner, and at most one a second when checks do not renew it
    }
    rechecks.increment();
    // remember() renews the hold; a check that does not (failed, or stale inputs) is retried a second later
    recheck.accept(page);
  }

  private boolean replaced(String key, Long expected, long next) {
    return expected == null ? nextRecheck.putIfAbsent(key, next) == null : nextRecheck.replace(key, expected, next);
  }

  /** Keeps a banner built from inputs fresh until {@code freshUntil} (epoch millis). */
  void remember(RecsRequest page, RecsResult result, long freshUntil) {
    remember(page, result, freshUntil, false);
  }

  /** As {@link #remember(RecsRequest, RecsResult, long)}; {@code perShopper}: built from an empty clicks list. */
  void remember(RecsRequest page, RecsResult result, long freshUntil, boolean perShopper) {
    long now = System.currentTimeMillis();
    if (!remembering || freshUntil <= now) {
      return;
    }
    RecsResult asHit = result.withCacheStatus(CacheStatus.HIT_L1);
    Buffer body = asHit.toPage(page.recsKey(), List.of()).toBuffer();
    String key = key(page);
    banners.putNow(key, CacheEntry.of(new FreshBanner(asHit, body, holdUntil(now, freshUntil, maxAgeMs), perShopper),
        freshUntil - now, 0, 0));
    nextRecheck.remove(key);
  }

  /**
   * Estimated heap bytes a banner keeps alive on its own: its page body and records. Its metadata and products are
   * the config and search entries' own objects, which outlive it: weighed there, not twice.
   */
  static long weigh(FreshBanner banner) {
    return RECORDS_BYTES + Weights.buffer(banner.pageBody()) + Weights.string(banner.result().skipped());
  }

  /** Drops every banner of {@code recsKey}, whatever its segments and page context (a purge); how many. */
  long forget(String apiKey, String recsKey) {
    StringBuilder prefix = new StringBuilder(64);
    part(prefix, apiKey);
    part(prefix, recsKey);
    String start = prefix.toString();
    nextRecheck.keySet().removeIf(key -> key.startsWith(start));
    return banners.removeByPrefixNow(start);
  }

  /** The memo's store (tests). */
  MemoryCache<FreshBanner> store() {
    return banners;
  }

  /** When a banner is next checked against the shared store: the hold bound, never past its inputs' freshness. */
  static long holdUntil(long now, long freshUntil, long maxAgeMs) {
    return maxAgeMs > 0 ? Math.min(freshUntil, now + maxAgeMs) : freshUntil;
  }

  /** Whether answers with this status may be memoised: fresh from a tier or just loaded. */
  static boolean memoisable(CacheStatus status) {
    return status == CacheStatus.HIT_L1 || status == CacheStatus.HIT_L2 || status == CacheStatus.MISS;
  }

  /**
   * The page's parts, each length-prefixed so no value can pose as another: in-process only (never written to
   * Redis or logs), bounded because the HTTP front caps every page-context value, and cheaper than a digest.
   */
  static String key(RecsRequest page) {
    StringBuilder key = new StringBuilder(128);
    part(key, page.apiKey());
    part(key, page.recsKey());
    key.append(page.sids().size()).append('[');
    for (String sid : page.sids()) {
      part(key, sid);
    }
    part(key, page.pid());
    part(key, page.gpid());
    part(key, page.cp());
    if (page.cart() != null) {
      key.append(page.cart().size()).append('[');
      for (String id : page.cart()) {
        part(key, id);
      }
    }
    return key.toString();
  }

  private static void part(StringBuilder key, String value) {
    if (value == null) {
      key.append('-');
    } else {
      key.append(value.length()).append(':').append(value);
    }
  }
}
