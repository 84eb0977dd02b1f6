package dev.edgegateway.cache;

/**
 * A read-through answer: the value, how it was obtained, whether it is a negative entry (then
 * {@code value} is the reason recorded for it), and until when (epoch millis) the entry it came from is fresh.
 */
public record Loaded<V>(V value, CacheStatus status, boolean negative, long freshUntil) {
}
