package dev.edgegateway.cache;

/** A read that found an entry, and which tier it came from. */
public record CacheHit<V>(CacheEntry<V> entry, CacheTier tier) {
}
