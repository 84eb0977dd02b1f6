package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;
import dev.edgegateway.cache.CacheStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A banner ready for the page: Klevu's {@code metadata}, the products to show (already cut to
 * {@code maxProducts}, empty below {@code productThreshold} or when {@code action} says no search),
 * whether they are personalised, and why no products were searched ({@code skipped}, or null).
 */
public record RecsResult(JsonObject metadata, JsonArray products, boolean personalized, String skipped,
    CacheStatus cacheStatus) implements LocalMessage {
}
