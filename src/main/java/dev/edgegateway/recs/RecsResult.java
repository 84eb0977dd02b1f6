package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;
import dev.edgegateway.cache.CacheStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A banner ready for the page: Klevu's {@code metadata}, the products to show (already cut to
 * {@code maxProducts}, empty below {@code productThreshold} or when {@code action} says no search),
 * whether they are personalised, why no products were searched ({@code skipped}, or null), and the images of a
 * static-content banner ({@code staticContent}, Klevu's, or null).
 */
public record RecsResult(JsonObject metadata, JsonArray products, boolean personalized, String skipped,
    CacheStatus cacheStatus, JsonArray staticContent) implements LocalMessage {

  /** Metadata fields the page sends back with its analytics events. */
  private static final List<String> ANALYTICS_FIELDS =
      List.of("title", "logic", "pageType", "spotKey", "spotName", "segmentKey", "segmentName");

  /** A banner without static content. */
  public RecsResult(JsonObject metadata, JsonArray products, boolean personalized, String skipped,
      CacheStatus cacheStatus) {
    this(metadata, products, personalized, skipped, cacheStatus, null);
  }

  /** No banner: nothing to show, nothing cached; {@code reason} says why (e.g. {@code unavailable}). */
  public static RecsResult empty(String reason) {
    return new RecsResult(new JsonObject(), new JsonArray(), false, reason, CacheStatus.MISS);
  }

  /** Klevu's own answer to show no products ({@code reason}: why, e.g. {@code disabled}), with its metadata. */
  public static RecsResult withoutProducts(JsonObject metadata, String reason, CacheStatus cacheStatus) {
    return new RecsResult(metadata, new JsonArray(), false, reason, cacheStatus);
  }

  /** The same banner, as answered from another cache tier. */
  public RecsResult withCacheStatus(CacheStatus status) {
    return new RecsResult(metadata, products, personalized, skipped, status, staticContent);
  }

  /** The body of {@code GET /v1/recommendations/{recsKey}}; {@code degraded} lists the steps that fell back. */
  public JsonObject toPage(String recsKey, List<String> degraded) {
    JsonObject analytics = new JsonObject().put("recsKey", recsKey);
    for (String field : ANALYTICS_FIELDS) {
      analytics.put(field, metadata.getValue(field));
    }
    if (metadata.containsKey("action")) {
      // the SDK's events carry the action as Klevu gave it, null included, and nothing when Klevu gave none
      analytics.put("action", metadata.getValue("action"));
    }
    JsonObject page = new JsonObject()
        .put("recsKey", recsKey)
        .put("personalized", personalized)
        .put("title", metadata.getString("title"))
        .put("products", products)
        .put("analytics", analytics)
        .put("skipped", skipped)
        .put("degraded", new JsonArray(new ArrayList<>(degraded)));
    if (staticContent != null) {
      page.put("staticContent", staticContent);
    }
    return page;
  }
}
