package dev.edgegateway.cache;

/**
 * A read-through answer: the value, how it was obtained, and whether it is a negative entry (then
 * {@code value} is the reason recorded for it).
 */
public record Loaded<V>(V value, CacheStatus status, boolean negative) {
}
