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
}
