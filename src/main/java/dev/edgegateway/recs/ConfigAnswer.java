package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;
import dev.edgegateway.cache.CacheStatus;
import io.vertx.core.json.JsonObject;

/**
 * A KMC config as Klevu sent it (shared: callers must copy before changing it), and until when (epoch
 * millis) it is fresh.
 */
public record ConfigAnswer(JsonObject config, CacheStatus cacheStatus, long freshUntil) implements LocalMessage {
}
