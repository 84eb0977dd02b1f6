package dev.edgegateway.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What @klevu/core 5.2's kmcRecommendation sends for a page, for the load tests' stand-ins of a storefront running
 * the SDK: the simulator takes nothing else (it answers 400 to a config query or search the SDK would not send).
 * Home and product pages of shoppers who never click, which is what the load tests make; the gateway's
 * {@code recs.KmcSearch} is the complete account.
 */
public final class SdkRequests {
  private SdkRequests() {
  }

  /** The config query: {@code ?&pid=..} then {@code &sids=a,b}, or {@code ?sids=a,b}, or nothing; ids raw. */
  public static String configQuery(String pid, String sids) {
    StringBuilder q = new StringBuilder();
    if (pid != null && !pid.isEmpty()) {
      q.append("?&pid=").append(pid);
    }
    if (sids != null && !sids.isEmpty()) {
      q.append(q.length() > 0 ? "&sids=" : "?sids=").append(sids);
    }
    return q.toString();
  }

  /** The search body for a config ({@code metadata} and {@code search.payload}) and a page's product, if any. */
  public static JsonObject searchBody(JsonObject config, String apiKey, String pid) {
    JsonObject metadata = config.getJsonObject("metadata", new JsonObject());
    String pageType = metadata.getString("pageType", "");
    String logic = metadata.getString("logic", "");
    JsonObject search = config.getJsonObject("search", new JsonObject());
    Object raw = search.getValue("payload");
    JsonObject payload = raw instanceof String text ? new JsonObject(text)
        : raw instanceof JsonObject obj ? obj.copy() : new JsonObject();
    JsonArray queries = new JsonArray();
    for (Object o : payload.getJsonArray("recordQueries", new JsonArray())) {
      if (!(o instanceof JsonObject configured)) {
        continue;
      }
      JsonObject query = configured.copy().put("id", "kmcrecommendation");
      JsonObject settings = query.getJsonObject("settings", new JsonObject());
      if (pageType.equals("HOME") && logic.equals("RECENTLY_VIEWED")) {
        settings.put("customANDQuery", "id:()").put("topIds", new JsonArray());
      }
      if (pageType.equals("PRODUCT") && pid != null) {
        JsonObject context = settings.getJsonObject("context", new JsonObject());
        JsonArray product = new JsonArray().add(new JsonObject().put("typeOfRecord", "KLEVU_PRODUCT")
            .put("records", new JsonArray().add(new JsonObject().put("id", pid))));
        context.put(logic.equals("VISUALLY_SIMILAR") ? "sourceObjects" : "recentObjects", product);
        settings.put("context", context);
      }
      if (pid != null) {
        settings.put("currentProductId", pid);
      }
      if (logic.equals("TRENDING_PERSONALIZED")) {
        settings.put("personalisation", new JsonObject().put("enablePersonalisation", true));
      }
      queries.add(query.put("settings", settings));
    }
    return new JsonObject().put("context", new JsonObject().put("apiKeys", new JsonArray().add(apiKey)))
        .put("recordQueries", queries);
  }
}
