package dev.edgegateway.segments;

import dev.edgegateway.bus.LocalMessage;
import dev.edgegateway.cache.CacheStatus;
import java.util.List;

/**
 * The shopper's Klevu session and segments. {@code segments} are sorted and de-duplicated;
 * {@code ttlSeconds} is what is left of Klevu's {@code ttl}; {@code degraded} means Klevu could not be
 * asked and the answer is a fallback (no segments, or stale ones).
 */
public record SegmentResult(String klevuSessionId, List<String> segments, int ttlSeconds, CacheStatus cacheStatus,
    boolean degraded) implements LocalMessage {

  /** An anonymous shopper's session: it has no segments, and nothing was looked up in a cache. */
  public static SegmentResult anonymous(String klevuSessionId, int ttlSeconds) {
    return new SegmentResult(klevuSessionId, List.of(), ttlSeconds, CacheStatus.BYPASS, false);
  }

  /** Klevu refused this shopper's session (remembered for a while): no segments, the session it holds. */
  public static SegmentResult refused(String klevuSessionId) {
    return new SegmentResult(klevuSessionId, List.of(), 0, CacheStatus.NEGATIVE, true);
  }

  /** Klevu could not be asked: no segments, and the session the shopper holds, if any. */
  public static SegmentResult unavailable(String klevuSessionId) {
    return new SegmentResult(klevuSessionId, List.of(), 0, CacheStatus.MISS, true);
  }
}
