package dev.edgegateway.segments;

import dev.edgegateway.cache.Cache;
import dev.edgegateway.cache.CacheEntry;
import dev.edgegateway.cache.CacheHit;
import dev.edgegateway.cache.CacheStatus;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Futures;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.TreeSet;

/**
 * Where shoppers' Klevu sessions are kept and every way they are read: the key and stored form, the fresh read
 * in this process's memory, one read of the whole store, and the remote lookup (the segment verticle over the
 * bus, which calls Klevu and writes the store). The HTTP front and the segment verticle share one instance.
 * Reads in place count in {@code edge_cache_lookups_total{cache="segments"}} like the verticle's own.
 */
public final class SegmentStore {
  static final String KEY_PREFIX = "seg:";
  /** Where an anonymous visitor's session is kept, by the hash of its client id. */
  static final String VISITOR_KEY_PREFIX = "seg:v:";

  private final Cache<JsonObject> cache;
  private final SegmentService remote;
  private final Counter hits;
  private final Counter l2Hits;

  /** @param cache where sessions live: memory, or memory in front of Redis */
  public SegmentStore(Vertx vertx, Cache<JsonObject> cache, MeterRegistry registry) {
    this.cache = cache;
    this.remote = SegmentService.proxy(vertx);
    this.hits = Metrics.counter(registry, "edge_cache_lookups_total",
        "cache", "segments", "status", CacheStatus.HIT_L1.header());
    this.l2Hits = Metrics.counter(registry, "edge_cache_lookups_total",
        "cache", "segments", "status", CacheStatus.HIT_L2.header());
  }

  Cache<JsonObject> cache() {
    return cache;
  }

  static String keyOf(SegmentRequest request) {
    return KEY_PREFIX + request.apiKey() + ":" + request.exchangeIdHash();
  }

  static String visitorKeyOf(SegmentRequest request) {
    return VISITOR_KEY_PREFIX + request.apiKey() + ":" + request.visitorHash();
  }

  /** A stored session ({sessionId, segments, expiresAt}) as an answer. */
  static SegmentResult resultOf(JsonObject stored, CacheStatus status) {
    long left = Math.max(0, (stored.getLong("expiresAt", 0L) - System.currentTimeMillis()) / 1000);
    return new SegmentResult(stored.getString("sessionId"), toList(stored.getJsonArray("segments")), (int) left,
        status, false);
  }

  /**
   * The answer a page needs at once, or null when the segment verticle has to do real work. An anonymous shopper
   * has no segments: its page needs no Klevu session (one is made when something needs it, see the verticle).
   */
  public SegmentResult lookupNow(SegmentRequest request) {
    if (request.apiKey() == null || request.apiKey().isBlank()) {
      return null;
    }
    if (request.exchangeId() == null) {
      return SegmentResult.anonymous(request.klevuSessionId(), 0);
    }
    CacheEntry<JsonObject> entry = cache.freshInMemory(keyOf(request));
    if (entry == null || entry.negative()) {
      return null;
    }
    hits.increment();
    return resultOf(entry.value(), CacheStatus.HIT_L1);
  }

  /**
   * {@link #lookupNow}; failing that, one read of the whole store on the caller's event loop (with Redis one GET,
   * which also refills memory); failing that, the remote lookup under {@code remoteBudgetMs} from when it starts.
   */
  public Future<SegmentResult> lookup(SegmentRequest request, Deadline deadline, long remoteBudgetMs) {
    return lookupStored(request).compose(found -> found != null ? Future.succeededFuture(found)
        : lookupRemote(request, deadline.cap(remoteBudgetMs)));
  }

  /** The segment verticle's answer, over the bus: it calls Klevu when the store has nothing fresh. */
  public Future<SegmentResult> lookupRemote(SegmentRequest request, Deadline deadline) {
    return remote.lookup(request, deadline);
  }

  /** Null when the verticle has to do real work (absent, stale or negative, or the store failed); never fails. */
  private Future<SegmentResult> lookupStored(SegmentRequest request) {
    SegmentResult inMemory = lookupNow(request);
    if (inMemory != null || request.exchangeId() == null || request.apiKey() == null || request.apiKey().isBlank()) {
      return Future.succeededFuture(inMemory);
    }
    return Futures.attempt(() -> cache.get(keyOf(request))).transform(ar -> {
      CacheHit<JsonObject> hit = ar.succeeded() ? ar.result() : null;
      if (hit == null || hit.entry().negative() || !hit.entry().isFresh(System.currentTimeMillis())) {
        return Future.succeededFuture();
      }
      CacheStatus status = CacheStatus.of(hit.tier());
      (status == CacheStatus.HIT_L2 ? l2Hits : hits).increment();
      return Future.succeededFuture(resultOf(hit.entry().value(), status));
    });
  }

  /** Strictly increasing trimmed non-blank strings. */
  private static boolean isCanonical(JsonArray array) {
    String previous = null;
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s) || s.isBlank() || s.length() != s.trim().length()
          || (previous != null && previous.compareTo(s) >= 0)) {
        return false;
      }
      previous = s;
    }
    return true;
  }

  /** Sorted, de-duplicated, non-blank segment ids: the canonical form used in config keys and {@code sids}. */
  @SuppressWarnings("unchecked")
  static List<String> toList(JsonArray array) {
    if (array == null) {
      return List.of();
    }
    if (isCanonical(array)) {
      // what the store holds is canonical already: no re-sorting per page
      return List.copyOf((List<String>) (List<?>) array.getList());
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (Object o : array) {
      if (o instanceof String s && !s.isBlank()) {
        sorted.add(s.trim());
      }
    }
    return List.copyOf(sorted);
  }
}
