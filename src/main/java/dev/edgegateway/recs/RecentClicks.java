package dev.edgegateway.recs;

import dev.edgegateway.cache.Cache;
import dev.edgegateway.cache.CacheEntry;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.edgegateway.cache.CacheKeys;
import dev.edgegateway.cache.LoopUpkeep;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A shopper's last clicked products, kept server-side: what {@code @klevu/core} keeps in the browser's
 * {@code localStorage} ({@code KlevuLastClickedProducts}, fed by its click events) and puts into HOME
 * RECENTLY_VIEWED and TRENDING_PERSONALIZED searches. Here click events of {@code POST /v1/events} feed it, and it
 * lives in the cache store (Redis when configured), so the list survives a restart and follows an identified shopper
 * to any device.
 *
 * <p>One entry per shopper: a JSON array of product ids, latest first, each at most once (a click again moves it to
 * the front, as the SDK does), at most {@code maxProducts} of them and {@code maxBytes} encoded, kept for
 * {@code ttlSeconds} after the latest click. Keys are digests ({@link #storeKey}); ids are never logged. Two
 * clicks of one shopper recorded at the same moment on two gateways may keep only one of them (last write wins).
 *
 * <p>Metric: {@code edge_recs_recent_clicks_total{op=record|read,result=ok|error}}.
 */
public final class RecentClicks {
  /** Longest product id kept; a longer one is not recorded. */
  static final int MAX_ID_CHARS = 128;
  /** How long a list read empty stays known empty without Redis (clicks are then only ever recorded here). */
  public static final long DEFAULT_EMPTY_HOLD_MS = 60_000;
  static final long MAX_EMPTY_TRACKED = 100_000;

  private final Cache<JsonArray> store;
  private final RecentClicksOptions options;
  /** Shoppers whose list was read empty here lately (what lets their banners be read in place), bounded. */
  private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> readEmpty;
  private final Counter recorded;
  private final Counter recordFailed;
  private final Counter read;
  private final Counter readFailed;

  public RecentClicks(Cache<JsonArray> store, RecentClicksOptions options, MeterRegistry registry) {
    this(store, options, registry, DEFAULT_EMPTY_HOLD_MS);
  }

  /**
   * @param emptyHoldMs how long a list read empty counts as empty without reading it again: with Redis, the cache's
   *     L1 hold (how long gateways may disagree); a click recorded here ends it at once
   */
  public RecentClicks(Cache<JsonArray> store, RecentClicksOptions options, MeterRegistry registry, long emptyHoldMs) {
    this.store = store;
    this.options = options;
    this.readEmpty = Caffeine.newBuilder().maximumSize(MAX_EMPTY_TRACKED)
        .expireAfterWrite(Duration.ofMillis(Math.max(1, emptyHoldMs))).executor(LoopUpkeep.INSTANCE).build();
    this.recorded = Metrics.counter(registry, "edge_recs_recent_clicks_total", "op", "record", "result", "ok");
    this.recordFailed = Metrics.counter(registry, "edge_recs_recent_clicks_total", "op", "record", "result", "error");
    this.read = Metrics.counter(registry, "edge_recs_recent_clicks_total", "op", "read", "result", "ok");
    this.readFailed = Metrics.counter(registry, "edge_recs_recent_clicks_total", "op", "read", "result", "error");
  }

  /**
   * Who a shopper's list belongs to: by the exchange id's keyed hash once identified (so it follows the shopper to
   * every device), else by its Klevu session; null for a shopper with neither. Every page names its shopper, so this
   * is only a concatenation; the store key ({@link #storeKey}) is a digest of it, made when the store is used.
   */
  public static String shopperKey(String exchangeIdHash, String klevuSessionId) {
    if (exchangeIdHash != null) {
      return "x\u0000" + exchangeIdHash;
    }
    return klevuSessionId == null ? null : "s\u0000" + klevuSessionId;
  }

  /** The cache key of a shopper's list: a digest, never the shopper in clear. */
  static String storeKey(String shopper) {
    return CacheKeys.digest("clicks", shopper);
  }

  /** The shopper's last clicked product ids, latest first; empty when none or when the store fails. */
  public Future<List<String>> latestFirst(String shopper) {
    if (shopper == null) {
      return Future.succeededFuture(List.of());
    }
    return store.get(storeKey(shopper)).transform(ar -> {
      if (ar.failed()) {
        readFailed.increment();
        return Future.succeededFuture(List.of());
      }
      read.increment();
      List<String> ids = ar.result() == null || ar.result().entry().negative() ? List.of()
          : ids(ar.result().entry().value());
      if (ids.isEmpty()) {
        readEmpty.put(shopper, Boolean.TRUE);
      }
      return Future.succeededFuture(ids);
    });
  }

  /** Whether this shopper's list was read empty here within the hold, with no click recorded here since. */
  public boolean clickedNothing(String shopper) {
    return shopper == null || readEmpty.getIfPresent(shopper) != null;
  }

  /** Puts {@code clickedOldestFirst} at the head of the shopper's list; fails only when the store fails. */
  public Future<Integer> record(String shopper, List<String> clickedOldestFirst) {
    readEmpty.invalidate(shopper);
    return latestFirst(shopper).compose(held -> {
      List<String> next = new ArrayList<>();
      for (int i = clickedOldestFirst.size() - 1; i >= 0; i--) {
        String id = clickedOldestFirst.get(i);
        if (id != null && !id.isEmpty() && id.length() <= MAX_ID_CHARS && !next.contains(id)) {
          next.add(id);
        }
      }
      for (String id : held) {
        if (!next.contains(id)) {
          next.add(id);
        }
      }
      JsonArray bounded = bound(next);
      long ttlMs = options.ttlSeconds() * 1000;
      readEmpty.invalidate(shopper);
      return store.put(storeKey(shopper), CacheEntry.of(bounded, ttlMs, 0, 0)).map(v -> bounded.size());
    }).onComplete(ar -> {
      readEmpty.invalidate(shopper);
      (ar.succeeded() ? recorded : recordFailed).increment();
    });
  }

  /** The first ids that fit both bounds. */
  JsonArray bound(List<String> latestFirst) {
    JsonArray out = new JsonArray();
    int bytes = 2;
    for (String id : latestFirst) {
      int cost = Json.encode(id).getBytes(StandardCharsets.UTF_8).length + 1;
      if (out.size() >= options.maxProducts() || bytes + cost > options.maxBytes()) {
        break;
      }
      out.add(id);
      bytes += cost;
    }
    return out;
  }

  private static List<String> ids(JsonArray stored) {
    List<String> out = new ArrayList<>(stored.size());
    for (Object o : stored) {
      if (o instanceof String id && !out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }
}
