package dev.edgegateway.events;

import static dev.edgegateway.events.EventChecks.bad;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a body posted to the gateway's Klevu-compatible {@code POST /klevu/analytics/collect}, i.e. what the
 * {@code @klevu/core} browser SDK sends to {@code eventsApiV2Url} (docs/upstream-apis.md §5), and passes it on as
 * sent: the events share the outbox's batches with every other shopper's, so one that Klevu would refuse must be
 * refused here, never forwarded. Pure and static.
 *
 * <h2>Rules (any violation: 400, {@link Outcome#BAD_REQUEST}, with a message naming the field)</h2>
 * <ul>
 *   <li>The body is JSON: an array of 1 to {@value #MAX_EVENTS} objects, or a single object (wrapped into an
 *       array). The content type is not required to be {@code application/json} ({@code sendBeacon} posts strings as
 *       {@code text/plain}), but form bodies are refused: that is the SDK's {@code sendBeacon} replay, which posts
 *       {@code 0=[object Object]} and carries no event at all.</li>
 *   <li>An event has the SDK's fields only ({@code event}, {@code event_version "1.0.0"}, {@code event_apikey},
 *       {@code user_profile}, {@code event_data}); {@code event} is {@code view_recs_list}, {@code select_recs_list}
 *       ({@code KlevuEvents.recommendationView/Click}) or {@code order_purchase} ({@code KlevuEvents.buy});
 *       {@code event_apikey} is the gateway's own Klevu API key.</li>
 *   <li>A recs event's {@code event_data}: string {@code list_id}, {@code list_name}, {@code list_logic};
 *       {@code action} one of Klevu's or null; {@code spot_*} strings or null; {@code segment_*} and {@code tags}
 *       strings; {@code static_content} one image banner; {@code items} (required without a banner, exactly one in a
 *       click, at most {@value PageEvents#MAX_ITEMS}) with a positive {@code index}, string {@code item_id},
 *       {@code item_group_id}, {@code item_variant_id}, {@code item_name}, a decimal-string {@code price}, and
 *       optional {@code currency}, {@code item_brand}, {@code item_category}.</li>
 *   <li>{@code user_profile} holds {@code sessionId} (at most {@value #MAX_SESSION_ID_LENGTH} characters) and, in a
 *       purchase, {@code email} and {@code ip_address}. A session id written {@code session_id} (Klevu's guide) is
 *       taken as {@code sessionId}; an event with none gets the shopper's session the gateway knows, if any.</li>
 *   <li>Every string is at most {@value EventChecks#MAX_STRING_LENGTH} characters.</li>
 * </ul>
 */
public final class KlevuCollect {
  /** Most events one body may carry. */
  public static final int MAX_EVENTS = 50;
  /** Longest accepted session id. */
  public static final int MAX_SESSION_ID_LENGTH = 128;
  public static final String ORDER_PURCHASE = "order_purchase";

  static final String FORM_MESSAGE = "form-encoded analytics body refused (the @klevu/core sendBeacon replay posts "
      + "multipart form data such as 0=[object Object], which carries no event): post a JSON array of events";

  private static final Set<String> EVENT_KEYS = Set.of("event", "event_version", "event_apikey", "user_profile",
      "event_data");
  private static final Set<String> PROFILE_KEYS = Set.of("sessionId", "session_id", "email", "ip_address");
  private static final Set<String> RECS_DATA_KEYS = Set.of("list_id", "list_name", "list_logic", "action", "tags",
      "spot_id", "spot_name", "segment_id", "segment_name", "static_content", "items");
  private static final Set<String> RECS_ITEM_KEYS = Set.of("index", "item_id", "item_group_id", "item_variant_id",
      "item_name", "price", "currency", "item_brand", "item_category");
  private static final Set<String> RECS_ITEM_STRINGS = Set.of("item_id", "item_group_id", "item_variant_id",
      "item_name", "price", "currency", "item_brand", "item_category");
  private static final Set<String> BANNER_KEYS = Set.of("content_type", "resolution", "banner_image_url",
      "banner_alt_tag", "index");
  private static final Set<String> ORDER_ITEM_KEYS = Set.of("order_id", "order_line_id", "item_name", "item_id",
      "item_group_id", "item_variant_id", "unit_price", "currency", "units");

  private KlevuCollect() {
  }

  /**
   * Checks a collect body.
   *
   * @param contentType the request's {@code Content-Type}, or null
   * @param body the raw body, or null
   * @param apiKey the gateway's Klevu API key, the only {@code event_apikey} it passes on
   * @param sessionId the shopper's Klevu session the gateway knows, for events that carry none; or null
   * @return the events to enqueue, in order, as sent (a copy)
   * @throws OutcomeException with {@link Outcome#BAD_REQUEST} when the body breaks a rule
   */
  public static List<JsonObject> parse(String contentType, Buffer body, String apiKey, String sessionId) {
    if (contentType != null) {
      String type = contentType.trim().toLowerCase(Locale.ROOT);
      if (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded")) {
        throw bad(FORM_MESSAGE);
      }
    }
    int start = body == null ? -1 : firstNonBlank(body);
    if (start < 0) {
      throw bad("empty body: expected a JSON array of analytics events");
    }
    byte first = body.getByte(start);
    if (first != '[' && first != '{') {
      boolean multipart = first == '-' && start + 1 < body.length() && body.getByte(start + 1) == '-';
      if (multipart || looksLikeForm(body, start)) {
        // "--boundary..." or "0=[object Object]" sent without (or with a wrong) content type
        throw bad(FORM_MESSAGE);
      }
      throw bad("body must be a JSON array of analytics events or a single event object");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (RuntimeException e) {
      throw bad("body is not valid JSON");
    }
    JsonArray events;
    if (parsed instanceof JsonArray array) {
      events = array;
    } else if (parsed instanceof JsonObject object) {
      events = new JsonArray().add(object);
    } else {
      throw bad("body must be a JSON array of analytics events or a single event object");
    }
    return validate(events, apiKey, sessionId);
  }

  /** Checks already parsed events; see {@link #parse}. */
  public static List<JsonObject> validate(JsonArray events, String apiKey, String sessionId) {
    if (events == null || events.isEmpty()) {
      throw bad("no events");
    }
    if (events.size() > MAX_EVENTS) {
      throw bad("too many events: " + events.size() + " (at most " + MAX_EVENTS + " per request)");
    }
    List<JsonObject> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      String path = "[" + i + "]";
      if (!(events.getValue(i) instanceof JsonObject event)) {
        throw bad(path + " must be an object");
      }
      out.add(checked(event.copy(), path, apiKey, sessionId));
    }
    return out;
  }

  private static JsonObject checked(JsonObject event, String path, String apiKey, String sessionId) {
    EventChecks.onlyKeys(event, EVENT_KEYS, path);
    String name = EventChecks.required(event, "event", path);
    boolean recs = PageEvents.VIEW_RECS_LIST.equals(name) || PageEvents.SELECT_RECS_LIST.equals(name);
    if (!recs && !ORDER_PURCHASE.equals(name)) {
      throw bad(path + ".event must be view_recs_list, select_recs_list or order_purchase");
    }
    if (!PageEvents.EVENT_VERSION.equals(event.getValue("event_version"))) {
      throw bad(path + ".event_version must be \"1.0.0\"");
    }
    if (!(event.getValue("event_apikey") instanceof String key) || !key.equals(apiKey)) {
      throw bad(path + ".event_apikey must be this gateway's Klevu API key");
    }
    Object rawProfile = event.getValue("user_profile");
    if (rawProfile != null && !(rawProfile instanceof JsonObject)) {
      throw bad(path + ".user_profile must be an object");
    }
    JsonObject profile = rawProfile == null ? new JsonObject() : (JsonObject) rawProfile;
    profile(profile, path + ".user_profile", sessionId);
    if (rawProfile != null || recs) {
      event.put("user_profile", profile);
    }
    if (!(event.getValue("event_data") instanceof JsonObject data)) {
      throw bad(path + ".event_data is required and must be an object");
    }
    if (recs) {
      recsData(data, PageEvents.SELECT_RECS_LIST.equals(name), path + ".event_data");
    } else {
      orderData(data, path + ".event_data");
    }
    return event;
  }

  private static void profile(JsonObject profile, String path, String fallbackSession) {
    EventChecks.onlyKeys(profile, PROFILE_KEYS, path);
    EventChecks.strings(profile, PROFILE_KEYS, false, path);
    Object guideSpelling = profile.remove("session_id");
    if (!profile.containsKey("sessionId") && guideSpelling != null) {
      profile.put("sessionId", guideSpelling);
    }
    String session = profile.getString("sessionId");
    if (session != null && session.length() > MAX_SESSION_ID_LENGTH) {
      throw bad(path + ".sessionId is longer than " + MAX_SESSION_ID_LENGTH + " characters");
    }
    if ((session == null || session.isEmpty()) && fallbackSession != null) {
      profile.put("sessionId", fallbackSession);
    }
  }

  private static void recsData(JsonObject data, boolean click, String path) {
    EventChecks.onlyKeys(data, RECS_DATA_KEYS, path);
    for (String key : List.of("list_id", "list_name", "list_logic")) {
      EventChecks.required(data, key, path);
    }
    EventChecks.strings(data, Set.of("spot_id", "spot_name"), true, path);
    EventChecks.strings(data, Set.of("segment_id", "segment_name"), false, path);
    if (data.getValue("action") != null && !(data.getValue("action") instanceof String a
        && EventChecks.ACTIONS.contains(a))) {
      throw bad(path + ".action must be STATIC_CONTENT, HIDE_RECOMMENDATION, FILTER or null");
    }
    if (data.containsKey("tags")) {
      JsonArray tags = EventChecks.array(data.getValue("tags"), path + ".tags", PageEvents.MAX_ITEMS);
      for (Object tag : tags) {
        if (!(tag instanceof String s)) {
          throw bad(path + ".tags must hold strings");
        }
        EventChecks.capped(s, path + ".tags");
      }
    }
    boolean banner = data.containsKey("static_content");
    if (banner) {
      JsonArray banners = EventChecks.array(data.getValue("static_content"), path + ".static_content", 1);
      if (banners.size() != 1 || !(banners.getValue(0) instanceof JsonObject b)) {
        throw bad(path + ".static_content must hold one banner object");
      }
      String bannerPath = path + ".static_content[0]";
      EventChecks.onlyKeys(b, BANNER_KEYS, bannerPath);
      EventChecks.strings(b, Set.of("content_type", "resolution", "banner_image_url", "banner_alt_tag"), false,
          bannerPath);
      if (!"image".equals(b.getValue("content_type")) || !EventChecks.RESOLUTIONS.contains(b.getValue("resolution"))
          || !(b.getValue("banner_image_url") instanceof String) || !(b.getValue("banner_alt_tag") instanceof String)
          || !EventChecks.positiveInteger(b.getValue("index"))) {
        throw bad(bannerPath + " must be an image banner: content_type, resolution, banner_image_url, "
            + "banner_alt_tag and a positive index");
      }
    }
    if (!data.containsKey("items")) {
      if (!banner) {
        throw bad(path + ".items is required (or static_content)");
      }
      return;
    }
    JsonArray items = EventChecks.array(data.getValue("items"), path + ".items", PageEvents.MAX_ITEMS);
    if (items.isEmpty() && !banner) {
      throw bad(path + ".items is empty");
    }
    if (click && items.size() != 1) {
      throw bad(path + ": select_recs_list carries exactly one item, got " + items.size());
    }
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + ".items[" + i + "]";
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw bad(itemPath + " must be an object");
      }
      EventChecks.onlyKeys(item, RECS_ITEM_KEYS, itemPath);
      EventChecks.strings(item, RECS_ITEM_STRINGS, false, itemPath);
      if (!EventChecks.positiveInteger(item.getValue("index"))) {
        throw bad(itemPath + ".index must be a positive integer");
      }
      for (String key : List.of("item_id", "item_group_id", "item_variant_id", "item_name", "price")) {
        EventChecks.required(item, key, itemPath);
      }
      if (item.getString("item_id").isEmpty() || !EventChecks.DECIMAL.matcher(item.getString("price")).matches()) {
        throw bad(itemPath + " needs a non-empty item_id and a decimal-string price such as \"25.00\"");
      }
    }
  }

  private static void orderData(JsonObject data, String path) {
    EventChecks.onlyKeys(data, Set.of("items"), path);
    JsonArray items = EventChecks.array(data.getValue("items"), path + ".items", PageEvents.MAX_ITEMS);
    if (items.isEmpty()) {
      throw bad(path + ".items is empty");
    }
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + ".items[" + i + "]";
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw bad(itemPath + " must be an object");
      }
      EventChecks.onlyKeys(item, ORDER_ITEM_KEYS, itemPath);
      EventChecks.strings(item, Set.of("order_id", "order_line_id", "item_name", "item_id", "item_group_id",
          "item_variant_id", "currency"), false, itemPath);
      EventChecks.required(item, "item_id", itemPath);
      if (!(item.getValue("unit_price") instanceof Number price) || !Double.isFinite(price.doubleValue())
          || item.containsKey("units") && !(item.getValue("units") instanceof Number)) {
        throw bad(itemPath + " needs a numeric unit_price (and numeric units, when given)");
      }
    }
  }

  /** Offset of the first byte that is not JSON whitespace, or -1. */
  private static int firstNonBlank(Buffer body) {
    for (int i = 0; i < body.length(); i++) {
      byte b = body.getByte(i);
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return i;
      }
    }
    return -1;
  }

  /** {@code key=value} at the start: what a urlencoded form looks like. */
  private static boolean looksLikeForm(Buffer body, int start) {
    int limit = Math.min(body.length(), start + 256);
    for (int i = start; i < limit; i++) {
      byte b = body.getByte(i);
      if (b == '=') {
        return i > start;
      }
      if (b == '{' || b == '[' || b == '"' || b == ' ' || b == '\n' || b == '&') {
        return false;
      }
    }
    return false;
  }
}
