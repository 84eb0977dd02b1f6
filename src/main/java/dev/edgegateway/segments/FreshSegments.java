package dev.edgegateway.segments;

import dev.edgegateway.cache.Cache;
import dev.edgegateway.cache.CacheEntry;
import dev.edgegateway.cache.CacheHit;
import dev.edgegateway.cache.CacheStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A shopper's segments when no Klevu call, refresh or I/O is needed to give them: a fresh session this
 * process holds in memory, or an anonymous shopper's own session. Read in place on the caller's event loop;
 * anything else (a miss, a stale or negative entry, an L2 read) is the segment verticle's, over the bus.
 * Hits count in {@code edge_cache_lookups_total{cache="segments",status="hit-l1"}} like the verticle's own.
 */
public final class FreshSegments {
  private final Cache<JsonObject> store;
  private final Counter hits;
  private final Counter l2Hits;

  /** @param store the segment verticle's own store */
  public FreshSegments(Cache<JsonObject> store, MeterRegistry registry) {
    this.store = store;
    this.hits = registry.counter("edge_cache_lookups_total", "cache", "segments", "status", CacheStatus.HIT_L1.header());
    this.l2Hits = registry.counter("edge_cache_lookups_total", "cache", "segments", "status", CacheStatus.HIT_L2.header());
  }

  /** The answer the segment verticle would give at once, or null when it has to do real work. */
  public SegmentResult lookupNow(SegmentRequest request) {
    if (request.apiKey() == null || request.apiKey().isBlank()) {
      return null;
    }
    if (request.exchangeId() == null) {
      return request.klevuSessionId() == null ? null : SegmentVerticle.anonymousWithSession(request.klevuSessionId());
    }
    CacheEntry<JsonObject> entry = store.freshInMemory(SegmentVerticle.keyOf(request));
    if (entry == null || entry.negative()) {
      return null;
    }
    hits.increment();
    return SegmentVerticle.sessionResult(entry.value(), CacheStatus.HIT_L1);
  }

  /**
   * {@link #lookupNow}, and failing that one read of the whole store on the caller's event loop (with Redis: one
   * GET, which also refills memory): a fresh entry there is an answer without two bus hops. Succeeds with null
   * when the verticle has to do real work (absent, stale or negative, or the store failed); never fails.
   */
  public Future<SegmentResult> lookupStored(SegmentRequest request) {
    SegmentResult inMemory = lookupNow(request);
    if (inMemory != null || request.exchangeId() == null || request.apiKey() == null || request.apiKey().isBlank()) {
      return Future.succeededFuture(inMemory);
    }
    Future<CacheHit<JsonObject>> read;
    try {
      read = store.get(SegmentVerticle.keyOf(request));
    } catch (RuntimeException e) {
      return Future.succeededFuture();
    }
    return read.transform(ar -> {
      CacheHit<JsonObject> hit = ar.succeeded() ? ar.result() : null;
      if (hit == null || hit.entry().negative() || !hit.entry().isFresh(System.currentTimeMillis())) {
        return Future.succeededFuture();
      }
      CacheStatus status = CacheStatus.of(hit.tier());
      (status == CacheStatus.HIT_L2 ? l2Hits : hits).increment();
      return Future.succeededFuture(SegmentVerticle.sessionResult(hit.entry().value(), status));
    });
  }
}
