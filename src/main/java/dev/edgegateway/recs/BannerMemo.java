package dev.edgegateway.recs;

import dev.edgegateway.cache.CacheEntry;
import dev.edgegateway.cache.CacheStatus;
import dev.edgegateway.cache.MemoryCache;
import dev.edgegateway.cache.MemoryCacheOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Banners assembled from a fresh config and a fresh search, kept with their page body already encoded, until
 * the first of the two stops being fresh (and, with Redis, for at most the L1 hold time, so gateways still
 * agree within that bound). A page load whose banner is here costs a map read instead of two cache reads,
 * a search-key digest, a payload rebuild and a JSON encoding. The recs verticle writes; any event loop reads.
 * Stale, negative and degraded answers are never memoised: they go the full way, which refreshes them.
 *
 * <p>Metric: {@code edge_recs_memo_total{result=hit|miss}}.
 */
public final class BannerMemo {
  /** A banner and the encoded body of a page that shows it with nothing degraded. */
  public record FreshBanner(RecsResult result, Buffer pageBody) {
  }

  private final MemoryCache<FreshBanner> banners;
  private final long maxAgeMs;
  private final Counter hits;
  private final Counter misses;

  /**
   * @param maxEntries bound on memoised banners
   * @param maxAgeMs longest a banner is kept whatever its inputs say; 0 for no bound beyond their freshness
   */
  public BannerMemo(long maxEntries, long maxAgeMs, MeterRegistry registry) {
    this.banners = new MemoryCache<>(new MemoryCacheOptions().setMaxEntries(maxEntries));
    this.maxAgeMs = maxAgeMs;
    this.hits = registry.counter("edge_recs_memo_total", "result", "hit");
    this.misses = registry.counter("edge_recs_memo_total", "result", "miss");
  }

  /** The memoised banner for this page, or null: then ask the recs verticle. */
  public FreshBanner lookupNow(RecsRequest page) {
    CacheEntry<FreshBanner> entry = banners.freshInMemory(key(page));
    if (entry == null) {
      misses.increment();
      return null;
    }
    hits.increment();
    return entry.value();
  }

  /** Keeps a banner built from inputs fresh until {@code freshUntil} (epoch millis). */
  void remember(RecsRequest page, RecsResult result, long freshUntil) {
    long now = System.currentTimeMillis();
    long until = keptUntil(now, freshUntil, maxAgeMs);
    if (until <= now) {
      return;
    }
    RecsResult asHit = new RecsResult(result.metadata(), result.products(), result.personalized(), result.skipped(),
        CacheStatus.HIT_L1);
    Buffer body = asHit.toPage(page.recsKey(), List.of()).toBuffer();
    banners.putNow(key(page), CacheEntry.of(new FreshBanner(asHit, body), until - now, 0, 0));
  }

  /** The earlier of the inputs' freshness and the hold bound (0 = none). */
  static long keptUntil(long now, long freshUntil, long maxAgeMs) {
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
