package dev.edgegateway.recs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The search {@code @klevu/core} 5.2's {@code kmcRecommendation} (with {@code KlevuFetch} and its
 * {@code personalisation} modifier) posts for a KMC config and a page, built the same way, so that Klevu receives
 * from the gateway exactly what it receives from a storefront running the SDK (docs/upstream-apis.md §3, §4).
 * Pure and static.
 *
 * <p>The page context maps to the SDK's options: {@code cp} is {@code categoryPath}, {@code pid}
 * {@code currentProductId}, {@code gpid} {@code itemGroupId}, the cart {@code cartProductIds}; the shopper's last
 * clicked products (latest first) are what the SDK keeps in {@code localStorage}. Per query of the config's payload:
 * <ul>
 *   <li>its {@code id} becomes {@value #QUERY_ID} (the SDK's default);</li>
 *   <li>HOME + RECENTLY_VIEWED: {@code customANDQuery} {@code id:(a OR b ...)} and {@code topIds} from the last 10
 *       clicks;</li>
 *   <li>CATEGORY + TRENDING, TRENDING_PERSONALIZED, NEWEST_ARRIVALS, CUSTOM_LOGIC: {@code query.categoryPath}
 *       (required);</li>
 *   <li>PRODUCT + OTHER_ALSO_VIEWED, SIMILAR, BOUGHT_TOGETHER_PDP, CUSTOM_LOGIC: {@code context.recentObjects} with
 *       the product (required), {@code excludeIds} by item group when there is one;</li>
 *   <li>PRODUCT + VISUALLY_SIMILAR: {@code context.sourceObjects} with the product and its item group;</li>
 *   <li>CHECKOUT + BOUGHT_TOGETHER, CUSTOM_LOGIC: {@code context.recentObjects} with the cart's products (required,
 *       may be empty);</li>
 *   <li>then the options themselves are copied into {@code settings}, as the SDK spreads them;</li>
 *   <li>TRENDING_PERSONALIZED: {@code personalisation.enablePersonalisation} and, with clicks, {@code context}
 *       replaced by their {@code recentObjects}.</li>
 * </ul>
 * The body is {@code {"context":{"apiKeys":[apiKey]},"recordQueries":[...]}}: nothing else of the config's payload.
 * Where the SDK would throw for missing page context, {@link #build} answers null: no search.
 */
final class KmcSearch {
  /** The query id {@code kmcRecommendation} gives when its caller names none. */
  static final String QUERY_ID = "kmcrecommendation";
  /** Clicks the SDK puts in a search. */
  static final int LAST_CLICKS = 10;
  static final String PRODUCT = "KLEVU_PRODUCT";

  private static final Set<String> CATEGORY_LOGICS =
      Set.of("TRENDING", "TRENDING_PERSONALIZED", "NEWEST_ARRIVALS", "CUSTOM_LOGIC");
  private static final Set<String> PRODUCT_LOGICS =
      Set.of("OTHER_ALSO_VIEWED", "SIMILAR", "BOUGHT_TOGETHER_PDP", "CUSTOM_LOGIC");
  private static final Set<String> CHECKOUT_LOGICS = Set.of("BOUGHT_TOGETHER", "CUSTOM_LOGIC");

  private KmcSearch() {
  }

  /** Whether the search for this config depends on the shopper's last clicks. */
  static boolean usesClicks(JsonObject metadata) {
    String logic = metadata.getValue("logic") instanceof String l ? l : "";
    return logic.equals("TRENDING_PERSONALIZED")
        || logic.equals("RECENTLY_VIEWED") && "HOME".equals(metadata.getValue("pageType"));
  }

  /**
   * The search body, or null when the page lacks what the config's page type and logic need.
   *
   * @param payload the config's {@code search.payload}, parsed (not changed)
   * @param clicks the shopper's last clicked product ids, latest first, unique
   */
  static JsonObject build(JsonObject payload, JsonObject metadata, RecsRequest page, List<String> clicks) {
    String pageType = metadata.getValue("pageType") instanceof String p ? p : "";
    String logic = metadata.getValue("logic") instanceof String l ? l : "";
    String cp = present(page.cp());
    String pid = present(page.pid());
    String gpid = present(page.gpid());
    boolean category = pageType.equals("CATEGORY") && CATEGORY_LOGICS.contains(logic);
    boolean product = pageType.equals("PRODUCT") && (PRODUCT_LOGICS.contains(logic) || logic.equals("VISUALLY_SIMILAR"));
    boolean checkout = pageType.equals("CHECKOUT") && CHECKOUT_LOGICS.contains(logic);
    if (category && cp == null || product && pid == null || checkout && page.cart() == null) {
      return null;
    }
    List<String> last = clicks.subList(0, Math.min(LAST_CLICKS, clicks.size()));
    JsonArray queries = new JsonArray();
    JsonArray configured = payload.getValue("recordQueries") instanceof JsonArray a ? a : new JsonArray();
    for (Object raw : configured) {
      if (!(raw instanceof JsonObject configuredQuery)) {
        continue;
      }
      JsonObject query = configuredQuery.copy().put("id", QUERY_ID);
      JsonObject settings = query.getValue("settings") instanceof JsonObject s ? s : new JsonObject();
      if (pageType.equals("HOME") && logic.equals("RECENTLY_VIEWED")) {
        JsonArray topIds = new JsonArray();
        last.forEach(id -> topIds.add(new JsonObject().put("key", "id").put("value", id)));
        settings.put("customANDQuery", "id:(" + String.join(" OR ", last) + ")").put("topIds", topIds);
      }
      if (category) {
        JsonObject q = settings.getValue("query") instanceof JsonObject o ? o : new JsonObject();
        settings.put("query", q.put("categoryPath", cp));
      }
      if (product || checkout) {
        JsonObject context = settings.getValue("context") instanceof JsonObject c ? c : new JsonObject();
        settings.put("context", context);
        if (product && gpid != null) {
          settings.put("excludeIds", new JsonArray().add(new JsonObject().put("key", "itemGroupId").put("value", gpid)));
        }
        if (checkout) {
          context.put("recentObjects", records(page.cart()));
        } else if (logic.equals("VISUALLY_SIMILAR")) {
          JsonArray source = records(List.of(pid));
          if (gpid != null) {
            source.getJsonObject(0).getJsonArray("records").add(new JsonObject().put("itemGroupId", gpid));
          }
          context.put("sourceObjects", source);
        } else {
          context.put("recentObjects", records(List.of(pid)));
        }
      }
      // the SDK spreads its options over the settings
      putIfPresent(settings, "categoryPath", cp);
      putIfPresent(settings, "currentProductId", pid);
      putIfPresent(settings, "itemGroupId", gpid);
      if (page.cart() != null) {
        settings.put("cartProductIds", new JsonArray(new ArrayList<>(page.cart())));
      }
      if (logic.equals("TRENDING_PERSONALIZED")) {
        settings.put("personalisation", new JsonObject().put("enablePersonalisation", true));
        if (!last.isEmpty()) {
          settings.put("context", new JsonObject().put("recentObjects", records(last)));
        }
      }
      queries.add(query.put("settings", settings));
    }
    return new JsonObject()
        .put("context", new JsonObject().put("apiKeys", new JsonArray().add(page.apiKey())))
        .put("recordQueries", queries);
  }

  /** {@code [{"typeOfRecord":"KLEVU_PRODUCT","records":[{"id":..},..]}]}. */
  private static JsonArray records(List<String> ids) {
    JsonArray records = new JsonArray();
    ids.forEach(id -> records.add(new JsonObject().put("id", id)));
    return new JsonArray().add(new JsonObject().put("typeOfRecord", PRODUCT).put("records", records));
  }

  /** The SDK tests its options for truth: an empty value is no value. */
  private static String present(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static void putIfPresent(JsonObject settings, String key, String value) {
    if (value != null) {
      settings.put(key, value);
    }
  }
}
