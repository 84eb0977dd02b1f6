package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;
import dev.edgegateway.cache.CacheStatus;
import io.vertx.core.json.JsonObject;

/** A Klevu search answer (shared: callers must copy before changing it). */
public record SearchAnswer(JsonObject response, CacheStatus cacheStatus) implements LocalMessage {
}
