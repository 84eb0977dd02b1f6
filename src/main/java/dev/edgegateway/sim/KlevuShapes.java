package dev.edgegateway.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a careful Klevu accepts: the shapes {@code @klevu/core} 5.2 sends to the collector, the search and the
 * config CDN (docs/upstream-apis.md §3 to §5), checked field by field. Each check answers null when the input is
 * one the SDK could have sent, else a message naming the first field that is wrong (never its value). Written
 * independently of the gateway's own validation, so that drift on either side fails a test.
 */
final class KlevuShapes {

  /** Klevu JS API keys: {@code klevu-} and an id. */
  static final Pattern API_KEY = Pattern.compile("klevu-[A-Za-z0-9_-]{1,100}");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,15}(\\.[0-9]{1,10})?");
  private static final Pattern SID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  private static final Set<String> EVENT_KEYS = Set.of("event", "event_version", "event_apikey", "user_profile",
      "event_data");
  private static final Set<String> PROFILE_KEYS = Set.of("sessionId", "ip_address", "email");
  private static final Set<String> RECS_DATA_KEYS = Set.of("list_id", "list_name", "list_logic", "action", "tags",
      "spot_id", "spot_name", "segment_id", "segment_name", "static_content", "items");
  private static final Set<String> RECS_ITEM_KEYS = Set.of("index", "item_id", "item_group_id", "item_variant_id",
      "item_name", "price", "currency", "item_brand", "item_category");
  private static final Set<String> BANNER_KEYS = Set.of("content_type", "resolution", "banner_image_url",
      "banner_alt_tag", "index");
  private static final Set<String> ORDER_ITEM_KEYS = Set.of("order_id", "order_line_id", "item_name", "item_id",
      "item_group_id", "item_variant_id", "unit_price", "currency", "units");
  private static final Set<String> ACTIONS = Set.of("STATIC_CONTENT", "HIDE_RECOMMENDATION", "FILTER");

  private static final Set<String> SEARCH_KEYS = Set.of("context", "recordQueries", "suggestions");
  private static final Set<String> QUERY_KEYS = Set.of("id", "typeOfRequest", "settings", "filters");
  private static final Set<String> CONTEXT_KEYS = Set.of("recentObjects", "sourceObjects");
  private static final Set<String> RECORD_KEYS = Set.of("id", "itemGroupId");
  /** Search logics whose query needs the page's product (or the cart) as {@code context.recentObjects}. */
  private static final Set<String> NEEDS_RECENT = Set.of("RECS_OTHER_ALSO_VIEWED", "RECS_SIMILAR",
      "RECS_BOUGHT_TOGETHER_PDP", "RECS_BOUGHT_TOGETHER");
  /** The config query's page-context parameters, in the order the SDK appends them. */
  private static final List<String> CONTEXT_PARAMS = List.of("cp", "pid", "gpid");

  private KlevuShapes() {
  }

  // ------------------------------------------------------------------ analytics

  /** A {@code /analytics/collect} body: a non-empty array of V2 events as {@code KlevuEvents} builds them. */
  static String events(JsonArray events) {
    if (events.isEmpty()) {
      return "the array holds no event";
    }
    for (int i = 0; i < events.size(); i++) {
      String path = "[" + i + "]";
      if (!(events.getValue(i) instanceof JsonObject event)) {
        return path + " must be an object";
      }
      String wrong = event(event, path);
      if (wrong != null) {
        return wrong;
      }
    }
    return null;
  }

  private static String event(JsonObject e, String path) {
    String wrong = onlyKeys(e, EVENT_KEYS, path);
    if (wrong != null) {
      return wrong;
    }
    if (!(e.getValue("event") instanceof String name)) {
      return path + ".event must be a string";
    }
    if (!"1.0.0".equals(e.getValue("event_version"))) {
      return path + ".event_version must be \"1.0.0\"";
    }
    if (!(e.getValue("event_apikey") instanceof String key) || !API_KEY.matcher(key).matches()) {
      return path + ".event_apikey must be the Klevu API key (klevu-...)";
    }
    boolean recs = name.equals("view_recs_list") || name.equals("select_recs_list");
    if (!recs && !name.equals("order_purchase")) {
      return path + ".event must be view_recs_list, select_recs_list or order_purchase";
    }
    Object profile = e.getValue("user_profile");
    if (profile == null ? recs : !(profile instanceof JsonObject)) {
      return path + ".user_profile must be an object";
    }
    if (profile instanceof JsonObject p) {
      wrong = onlyKeys(p, PROFILE_KEYS, path + ".user_profile");
      if (wrong == null) {
        wrong = optionalStrings(p, PROFILE_KEYS, path + ".user_profile");
      }
      if (wrong != null) {
        return wrong;
      }
    }
    if (!(e.getValue("event_data") instanceof JsonObject data)) {
      return path + ".event_data must be an object";
    }
    return recs ? recsData(data, name.equals("select_recs_list"), path + ".event_data")
        : orderData(data, path + ".event_data");
  }

  private static String recsData(JsonObject d, boolean click, String path) {
    String wrong = onlyKeys(d, RECS_DATA_KEYS, path);
    if (wrong != null) {
      return wrong;
    }
    for (String key : List.of("list_id", "list_name", "list_logic")) {
      if (!(d.getValue(key) instanceof String)) {
        return path + "." + key + " must be a string";
      }
    }
    for (String key : List.of("spot_id", "spot_name")) {
      if (d.containsKey(key) && d.getValue(key) != null && !(d.getValue(key) instanceof String)) {
        return path + "." + key + " must be a string or null";
      }
    }
    Object action = d.getValue("action");
    if (action != null && !(action instanceof String a && ACTIONS.contains(a))) {
      return path + ".action must be STATIC_CONTENT, HIDE_RECOMMENDATION, FILTER or null";
    }
    wrong = optionalStrings(d, Set.of("segment_id", "segment_name"), path);
    if (wrong != null) {
      return wrong;
    }
    if (d.containsKey("tags") && !(d.getValue("tags") instanceof JsonArray tags && allStrings(tags))) {
      return path + ".tags must be an array of strings";
    }
    boolean banner = d.containsKey("static_content");
    if (banner) {
      wrong = banners(d.getValue("static_content"), path + ".static_content");
      if (wrong != null) {
        return wrong;
      }
    }
    if (!d.containsKey("items")) {
      return banner ? null : path + ".items is required without static_content";
    }
    if (!(d.getValue("items") instanceof JsonArray items)) {
      return path + ".items must be an array";
    }
    if (click && items.size() != 1) {
      return path + ".items of a select_recs_list holds exactly one item";
    }
    for (int i = 0; i < items.size(); i++) {
      wrong = recsItem(items.getValue(i), path + ".items[" + i + "]");
      if (wrong != null) {
        return wrong;
      }
    }
    return null;
  }

  private static String recsItem(Object raw, String path) {
    if (!(raw instanceof JsonObject item)) {
      return path + " must be an object";
    }
    String wrong = onlyKeys(item, RECS_ITEM_KEYS, path);
    if (wrong != null) {
      return wrong;
    }
    if (!positiveInteger(item.getValue("index"))) {
      return path + ".index must be a positive integer";
    }
    for (String key : List.of("item_id", "item_group_id", "item_variant_id", "item_name")) {
      if (!(item.getValue(key) instanceof String s) || (s.isEmpty() && !key.equals("item_name"))) {
        return path + "." + key + " must be a non-empty string";
      }
    }
    if (!(item.getValue("price") instanceof String price) || !DECIMAL.matcher(price).matches()) {
      return path + ".price must be a decimal string such as \"25.00\"";
    }
    return optionalStrings(item, Set.of("currency", "item_brand", "item_category"), path);
  }

  private static String banners(Object raw, String path) {
    if (!(raw instanceof JsonArray list) || list.size() != 1 || !(list.getValue(0) instanceof JsonObject b)) {
      return path + " must be an array of one banner object";
    }
    String wrong = onlyKeys(b, BANNER_KEYS, path + "[0]");
    if (wrong != null) {
      return wrong;
    }
    if (!"image".equals(b.getValue("content_type"))) {
      return path + "[0].content_type must be \"image\"";
    }
    if (!"desktop".equals(b.getValue("resolution")) && !"mobile".equals(b.getValue("resolution"))) {
      return path + "[0].resolution must be desktop or mobile";
    }
    if (!(b.getValue("banner_image_url") instanceof String) || !(b.getValue("banner_alt_tag") instanceof String)) {
      return path + "[0].banner_image_url and banner_alt_tag must be strings";
    }
    return positiveInteger(b.getValue("index")) ? null : path + "[0].index must be a positive integer";
  }

  private static String orderData(JsonObject d, String path) {
    String wrong = onlyKeys(d, Set.of("items"), path);
    if (wrong != null) {
      return wrong;
    }
    if (!(d.getValue("items") instanceof JsonArray items) || items.isEmpty()) {
      return path + ".items must be a non-empty array";
    }
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + ".items[" + i + "]";
      if (!(items.getValue(i) instanceof JsonObject item)) {
        return itemPath + " must be an object";
      }
      wrong = onlyKeys(item, ORDER_ITEM_KEYS, itemPath);
      if (wrong == null) {
        wrong = optionalStrings(item, Set.of("order_id", "order_line_id", "item_name", "item_id", "item_group_id",
            "item_variant_id", "currency"), itemPath);
      }
      if (wrong != null) {
        return wrong;
      }
      if (!(item.getValue("item_id") instanceof String) || !(item.getValue("unit_price") instanceof Number)) {
        return itemPath + " needs item_id (a string) and unit_price (a number)";
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ search

  /** A {@code /cs/v2/search} body as {@code KlevuFetch} posts a {@code kmcRecommendation}'s queries. */
  static String search(JsonObject body) {
    String wrong = onlyKeys(body, SEARCH_KEYS, "body");
    if (wrong != null) {
      return wrong;
    }
    if (!(body.getValue("context") instanceof JsonObject context) || onlyKeys(context, Set.of("apiKeys"), "") != null
        || !(context.getValue("apiKeys") instanceof JsonArray keys) || keys.size() != 1
        || !(keys.getValue(0) instanceof String key) || key.isEmpty()) {
      return "context must be {\"apiKeys\": [one api key]}";
    }
    if (!(body.getValue("recordQueries") instanceof JsonArray queries)) {
      return null; // the handler answers a missing recordQueries itself
    }
    for (int i = 0; i < queries.size(); i++) {
      if (queries.getValue(i) instanceof JsonObject q) {
        wrong = query(q, "recordQueries[" + i + "]");
        if (wrong != null) {
          return wrong;
        }
      }
    }
    return null;
  }

  private static String query(JsonObject q, String path) {
    String wrong = onlyKeys(q, QUERY_KEYS, path);
    if (wrong != null) {
      return wrong;
    }
    if (!(q.getValue("typeOfRequest") instanceof String type)) {
      return path + ".typeOfRequest must be a string";
    }
    if (!(q.getValue("settings") instanceof JsonObject s)) {
      return q.containsKey("settings") ? path + ".settings must be an object" : null;
    }
    path = path + ".settings";
    wrong = settingTypes(s, path);
    if (wrong != null) {
      return wrong;
    }
    JsonObject context = s.getValue("context") instanceof JsonObject c ? c : new JsonObject();
    if (type.equals("RECS_RECENTLY_VIEWED") && (!s.containsKey("customANDQuery") || !s.containsKey("topIds"))) {
      return path + " of RECS_RECENTLY_VIEWED needs customANDQuery and topIds (the shopper's last clicks)";
    }
    if (type.equals("RECS_VISUALLY_SIMILAR") && !context.containsKey("sourceObjects")) {
      return path + ".context.sourceObjects is required for RECS_VISUALLY_SIMILAR";
    }
    if (NEEDS_RECENT.contains(type) && !context.containsKey("recentObjects")) {
      return path + ".context.recentObjects is required for " + type;
    }
    if (type.equals("RECS_TRENDING_PERSONALIZED") && !(s.getValue("personalisation") instanceof JsonObject p
        && Boolean.TRUE.equals(p.getValue("enablePersonalisation")))) {
      return path + ".personalisation.enablePersonalisation must be true for RECS_TRENDING_PERSONALIZED";
    }
    return null;
  }

  private static String settingTypes(JsonObject s, String path) {
    if (s.containsKey("context")) {
      if (!(s.getValue("context") instanceof JsonObject c) || c.isEmpty()) {
        return path + ".context must be an object with recentObjects or sourceObjects";
      }
      String wrong = onlyKeys(c, CONTEXT_KEYS, path + ".context");
      for (String key : CONTEXT_KEYS) {
        if (wrong == null && c.containsKey(key)) {
          wrong = recordSets(c.getValue(key), path + ".context." + key);
        }
      }
      if (wrong != null) {
        return wrong;
      }
    }
    if (s.containsKey("query") && !(s.getValue("query") instanceof JsonObject query
        && (!query.containsKey("categoryPath") || query.getValue("categoryPath") instanceof String cp && !cp.isEmpty()))) {
      return path + ".query.categoryPath must be a non-empty string";
    }
    for (String key : List.of("topIds", "excludeIds")) {
      if (s.containsKey(key) && !(s.getValue(key) instanceof JsonArray pairs && keyValuePairs(pairs))) {
        return path + "." + key + " must be an array of {key, value} strings";
      }
    }
    if (s.containsKey("personalisation") && !(s.getValue("personalisation") instanceof JsonObject p
        && p.getValue("enablePersonalisation") instanceof Boolean)) {
      return path + ".personalisation must be {enablePersonalisation: boolean}";
    }
    for (String key : List.of("typeOfRecords", "sids", "cartProductIds")) {
      if (s.containsKey(key) && !(s.getValue(key) instanceof JsonArray a && allStrings(a))) {
        return path + "." + key + " must be an array of strings";
      }
    }
    if (s.containsKey("limit") && !(s.getValue("limit") instanceof Number)) {
      return path + ".limit must be a number";
    }
    return optionalStrings(s, Set.of("customANDQuery", "segmentKey", "categoryPath", "currentProductId",
        "itemGroupId", "id"), path);
  }

  private static String recordSets(Object raw, String path) {
    if (!(raw instanceof JsonArray sets) || sets.isEmpty()) {
      return path + " must be a non-empty array";
    }
    for (Object o : sets) {
      if (!(o instanceof JsonObject set) || !"KLEVU_PRODUCT".equals(set.getValue("typeOfRecord"))
          || !(set.getValue("records") instanceof JsonArray records)) {
        return path + "[] must be {typeOfRecord: \"KLEVU_PRODUCT\", records: [...]}";
      }
      for (Object r : records) {
        if (!(r instanceof JsonObject record) || record.isEmpty() || onlyKeys(record, RECORD_KEYS, "") != null
            || optionalStrings(record, RECORD_KEYS, "") != null) {
          return path + "[].records[] must be {id} or {itemGroupId} with string values";
        }
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ config

  /**
   * The query of a config request as {@code kmcRecommendation} builds it: none; {@code sids=a,b} alone; or
   * {@code &cp=..&pid=..&gpid=..} (any of them, in this order, each once, the whole query starting with {@code &})
   * then optionally {@code &sids=a,b}. Values are not encoded by the SDK: {@code ;} and {@code ,} arrive raw (only
   * what fetch itself escapes, such as spaces, is percent-encoded).
   */
  static String configQuery(String query) {
    if (query == null) {
      return null;
    }
    if (query.isEmpty()) {
      return "an empty query (a bare '?') is not what the SDK sends";
    }
    String[] parts = query.split("&", -1);
    int next = 0;
    boolean leadingAmp = parts[0].isEmpty();
    int start = leadingAmp ? 1 : 0;
    if (parts.length - start < 1) {
      return "query without parameters";
    }
    boolean context = false;
    for (int i = start; i < parts.length; i++) {
      String part = parts[i];
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      if (value.isEmpty()) {
        return "parameter '" + name + "' needs a value";
      }
      if (name.equals("sids")) {
        if (i != parts.length - 1) {
          return "sids comes last";
        }
        for (String sid : value.split(",", -1)) {
          if (!SID.matcher(sid).matches()) {
            return "sids must be segment ids joined by a raw ','";
          }
        }
        continue;
      }
      int order = CONTEXT_PARAMS.indexOf(name);
      if (order < 0) {
        return "unknown parameter '" + name + "'";
      }
      if (order < next) {
        return "cp, pid and gpid come once each, in this order";
      }
      if (name.equals("cp") && value.toUpperCase(java.util.Locale.ROOT).contains("%3B")) {
        return "cp separates categories with a raw ';'";
      }
      next = order + 1;
      context = true;
    }
    if (context != leadingAmp) {
      return context ? "with cp, pid or gpid the query starts with '&' ('?&')" : "a query of sids alone has no leading '&'";
    }
    return null;
  }

  // ------------------------------------------------------------------ helpers

  private static String onlyKeys(JsonObject o, Set<String> allowed, String path) {
    for (String key : o.fieldNames()) {
      if (!allowed.contains(key)) {
        return path + " has an unknown field '" + key + "'";
      }
    }
    return null;
  }

  private static String optionalStrings(JsonObject o, Set<String> keys, String path) {
    for (String key : keys) {
      if (o.containsKey(key) && !(o.getValue(key) instanceof String)) {
        return path + "." + key + " must be a string";
      }
    }
    return null;
  }

  private static boolean allStrings(JsonArray a) {
    for (Object o : a) {
      if (!(o instanceof String)) {
        return false;
      }
    }
    return true;
  }

  private static boolean keyValuePairs(JsonArray a) {
    for (Object o : a) {
      if (!(o instanceof JsonObject pair) || pair.size() != 2 || !(pair.getValue("key") instanceof String)
          || !(pair.getValue("value") instanceof String)) {
        return false;
      }
    }
    return true;
  }

  private static boolean positiveInteger(Object o) {
    return (o instanceof Integer || o instanceof Long) && ((Number) o).longValue() >= 1;
  }
}
