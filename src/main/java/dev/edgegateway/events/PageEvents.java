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
import java.util.regex.Pattern;

/**
 * Turns the body of the gateway's own {@code POST /v1/events} into the Klevu events {@code @klevu/core} 5.2 sends
 * for the same banner, products and click ({@code KlevuEvents.recommendationView} / {@code recommendationClick},
 * docs/upstream-apis.md §5), field for field. Pure and static: no I/O, no clock, no state.
 *
 * <h2>Request body</h2>
 * <pre>{@code
 * {"events": [
 *   {"type": "impression" | "click",
 *    "recsKey": "k-...",
 *    "list": {"title": "...", "logic": "...", "action": null, "spotKey": "...", "spotName": "...",
 *             "segmentKey": "...", "segmentName": "..."},
 *    "items": [{"id": "39814", "index": 1, "name": "...", "price": "25.00", "salePrice": "19.99",
 *               "currency": "USD", "brand": "...", "category": "...", "itemGroupId": "...", "variantId": "..."}],
 *    "banner": {"resolution": "desktop", "imageUrl": "...", "altTag": "..."}}
 * ]}
 * }</pre>
 * A single event object without the {@code events} wrapper is accepted too. {@code list} is the {@code analytics}
 * object {@code GET /v1/recommendations} returned; items are its {@code products} (as returned: {@code itemGroupId},
 * or {@code groupId}; {@code variantId}, or {@code variant}). {@code banner} replaces {@code items} for a
 * static-content banner (the image of its {@code staticContent} that was shown or clicked).
 *
 * <h2>Rules (any violation: 400, {@link Outcome#BAD_REQUEST}, message naming the field, never its value)</h2>
 * <ul>
 *   <li>{@code events}, when present, is an array of 1 to {@value #MAX_EVENTS} objects; {@code type} is
 *       {@code impression} (Klevu {@code view_recs_list}) or {@code click} ({@code select_recs_list});
 *       {@code recsKey} matches {@code [A-Za-z0-9_.:-]{1,128}} and becomes {@code list_id}.</li>
 *   <li>{@code list} is required with string {@code title} and {@code logic} (Klevu refuses a recs event without
 *       them); its other fields are strings or null; {@code action} is STATIC_CONTENT, HIDE_RECOMMENDATION, FILTER
 *       or null.</li>
 *   <li>Without a {@code banner}: {@code items}, 1 to {@value #MAX_ITEMS} objects, exactly one for a click.
 *       {@code id} is required (a string or an integer, as are the group and variant ids); {@code index} is a
 *       positive integer, by default the item's position; prices are decimal strings or non-negative numbers.</li>
 *   <li>{@code banner}: {@code imageUrl} and {@code altTag} strings, {@code resolution} desktop (default) or mobile.</li>
 *   <li>Strings are at most 512 characters; null means absent; unknown fields are ignored, never forwarded.</li>
 * </ul>
 *
 * <h2>Output, as the SDK builds it</h2>
 * {@code event}, {@code event_version "1.0.0"}, {@code event_apikey} = the Klevu API key, {@code user_profile}
 * {@code {"sessionId": ...}} ({@code {}} without a session), {@code event_data}: {@code list_id}, {@code list_logic},
 * {@code list_name}, then {@code action}, {@code spot_id}, {@code spot_name} when {@code list} has them (null
 * included), {@code segment_id}/{@code segment_name} when not empty, {@code static_content} for a banner
 * ({@code content_type "image"}, {@code index 1}), and {@code items}: {@code index}, {@code item_id},
 * {@code item_group_id} (default the id), {@code item_variant_id} (default the id), {@code item_name} (default
 * {@code "unknown"}), {@code price} (an impression the product's {@code price}, a click its {@code salePrice}, then
 * its {@code price}; default {@code "0"}), and {@code currency}, {@code item_brand}, {@code item_category} when given.
 */
public final class PageEvents {
  /** Most events one body may carry. */
  public static final int MAX_EVENTS = 50;
  /** Most items one event may carry. */
  public static final int MAX_ITEMS = 100;
  /** Longest string field, in code points. */
  public static final int MAX_STRING_LENGTH = EventChecks.MAX_STRING_LENGTH;
  /** What a recsKey may look like. */
  public static final Pattern RECS_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  public static final String TYPE_IMPRESSION = "impression";
  public static final String TYPE_CLICK = "click";
  public static final String VIEW_RECS_LIST = "view_recs_list";
  public static final String SELECT_RECS_LIST = "select_recs_list";
  public static final String EVENT_VERSION = "1.0.0";

  private PageEvents() {
  }

  /** Parses and maps a raw request body; see the class comment for the contract. */
  public static List<JsonObject> toKlevu(Buffer body, String apiKey, String sessionId) {
    if (body == null || body.length() == 0) {
      throw bad("empty body: expected a JSON object with an \"events\" array");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (RuntimeException e) {
      throw bad("body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw bad("body must be a JSON object with an \"events\" array, or a single event object");
    }
    return toKlevu(object, apiKey, sessionId);
  }

  /**
   * Maps an already parsed body.
   *
   * @param apiKey the Klevu API key (the SDK's {@code event_apikey})
   * @param sessionId the shopper's Klevu session id, or null to send the events without one
   * @return the Klevu events, in input order
   * @throws OutcomeException with {@link Outcome#BAD_REQUEST} when the body breaks a rule
   */
  public static List<JsonObject> toKlevu(JsonObject body, String apiKey, String sessionId) {
    if (body == null) {
      throw bad("empty body: expected a JSON object with an \"events\" array");
    }
    if (!body.containsKey("events")) {
      return List.of(map(body, "event", apiKey, sessionId));
    }
    Object raw = body.getValue("events");
    if (!(raw instanceof JsonArray events)) {
      throw bad("events must be an array");
    }
    if (events.isEmpty()) {
      throw bad("events is empty");
    }
    if (events.size() > MAX_EVENTS) {
      throw bad("too many events: " + events.size() + " (at most " + MAX_EVENTS + " per request)");
    }
    List<JsonObject> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      String path = "events[" + i + "]";
      if (!(events.getValue(i) instanceof JsonObject event)) {
        throw bad(path + " must be an object");
      }
      out.add(map(event, path, apiKey, sessionId));
    }
    return out;
  }

  /**
   * Puts {@code sessionId} in the {@code user_profile} of events mapped without one; null leaves them without.
   *
   * @return {@code klevuEvents}, changed in place
   */
  public static List<JsonObject> withSession(List<JsonObject> klevuEvents, String sessionId) {
    if (sessionId != null) {
      klevuEvents.forEach(event -> event.getJsonObject("user_profile").put("sessionId", sessionId));
    }
    return klevuEvents;
  }

  /** The product ids of the clicks among mapped events, latest last (what feeds the shopper's recently viewed). */
  public static List<String> clickedIds(List<JsonObject> klevuEvents) {
    List<String> ids = new ArrayList<>();
    for (JsonObject event : klevuEvents) {
      if (SELECT_RECS_LIST.equals(event.getString("event"))
          && event.getJsonObject("event_data").getValue("items") instanceof JsonArray items && items.size() == 1) {
        ids.add(items.getJsonObject(0).getString("item_id"));
      }
    }
    return ids;
  }

  private static JsonObject map(JsonObject event, String path, String apiKey, String sessionId) {
    String type = EventChecks.required(event, "type", path);
    boolean click = switch (type) {
      case TYPE_IMPRESSION -> false;
      case TYPE_CLICK -> true;
      default -> throw bad(path + ".type must be impression or click");
    };
    String recsKey = EventChecks.required(event, "recsKey", path);
    if (!RECS_KEY.matcher(recsKey).matches()) {
      throw bad(path + ".recsKey must match [A-Za-z0-9_.:-]{1,128}");
    }
    JsonObject data = listData(event.getValue("list"), recsKey, path + ".list");
    Object banner = event.getValue("banner");
    if (banner != null) {
      data.put("static_content", new JsonArray().add(banner(banner, path + ".banner")));
    } else {
      data.put("items", items(event.getValue("items"), click, path + ".items"));
    }
    JsonObject profile = new JsonObject();
    if (sessionId != null) {
      profile.put("sessionId", sessionId);
    }
    return new JsonObject()
        .put("event", click ? SELECT_RECS_LIST : VIEW_RECS_LIST)
        .put("event_version", EVENT_VERSION)
        .put("event_apikey", apiKey)
        .put("user_profile", profile)
        .put("event_data", data);
  }

  private static JsonObject listData(Object raw, String recsKey, String path) {
    if (!(raw instanceof JsonObject list)) {
      throw bad(path + " is required: the analytics object of the banner");
    }
    JsonObject data = new JsonObject().put("list_id", recsKey)
        .put("list_logic", EventChecks.required(list, "logic", path))
        .put("list_name", EventChecks.required(list, "title", path));
    if (list.containsKey("action")) {
      String action = EventChecks.string(list, "action", path);
      if (action != null && !EventChecks.ACTIONS.contains(action)) {
        throw bad(path + ".action must be STATIC_CONTENT, HIDE_RECOMMENDATION, FILTER or null");
      }
      data.put("action", action);
    }
    // as the SDK: metadata values go as they are (null too), segments only when set
    if (list.containsKey("spotKey")) {
      data.put("spot_id", EventChecks.string(list, "spotKey", path));
    }
    if (list.containsKey("spotName")) {
      data.put("spot_name", EventChecks.string(list, "spotName", path));
    }
    putIfNotEmpty(data, "segment_name", EventChecks.string(list, "segmentName", path));
    putIfNotEmpty(data, "segment_id", EventChecks.string(list, "segmentKey", path));
    return data;
  }

  private static JsonObject banner(Object raw, String path) {
    if (!(raw instanceof JsonObject banner)) {
      throw bad(path + " must be an object");
    }
    String resolution = EventChecks.string(banner, "resolution", path);
    if (resolution != null && !EventChecks.RESOLUTIONS.contains(resolution)) {
      throw bad(path + ".resolution must be desktop or mobile");
    }
    return new JsonObject()
        .put("resolution", resolution == null ? "desktop" : resolution)
        .put("index", 1)
        .put("banner_alt_tag", EventChecks.required(banner, "altTag", path))
        .put("banner_image_url", EventChecks.required(banner, "imageUrl", path))
        .put("content_type", "image");
  }

  private static JsonArray items(Object raw, boolean click, String path) {
    if (raw == null) {
      throw bad(path + " is required (or a banner for a static-content banner)");
    }
    JsonArray items = EventChecks.array(raw, path, MAX_ITEMS);
    if (items.isEmpty()) {
      throw bad(path + " is empty");
    }
    if (click && items.size() != 1) {
      throw bad(path + ": a click carries exactly one item, got " + items.size());
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + "[" + i + "]";
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw bad(itemPath + " must be an object");
      }
      out.add(item(item, click, itemPath, i + 1));
    }
    return out;
  }

  private static JsonObject item(JsonObject item, boolean click, String path, int position) {
    String id = EventChecks.identifier(item, "id", path);
    if (id == null || id.isBlank()) {
      throw bad(path + ".id is required");
    }
    Object rawIndex = item.getValue("index");
    if (rawIndex != null && !EventChecks.positiveInteger(rawIndex)) {
      throw bad(path + ".index must be a positive integer");
    }
    String groupId = firstOf(item, "itemGroupId", "groupId", path);
    String variantId = firstOf(item, "variantId", "variant", path);
    String name = EventChecks.string(item, "name", path);
    String price = EventChecks.price(item, "price", path);
    String salePrice = EventChecks.price(item, "salePrice", path);
    String shown = click && salePrice != null ? salePrice : price;
    JsonObject out = new JsonObject()
        .put("index", rawIndex == null ? position : ((Number) rawIndex).intValue())
        .put("item_id", id)
        .put("item_group_id", groupId == null || groupId.isEmpty() ? id : groupId)
        .put("item_name", name == null ? "unknown" : name)
        .put("item_variant_id", variantId == null || variantId.isEmpty() ? id : variantId)
        .put("price", shown == null ? "0" : shown);
    putIfPresent(out, "currency", EventChecks.string(item, "currency", path));
    putIfPresent(out, "item_brand", EventChecks.string(item, "brand", path));
    putIfPresent(out, "item_category", EventChecks.string(item, "category", path));
    return out;
  }

  private static String firstOf(JsonObject item, String key, String alias, String path) {
    String value = EventChecks.identifier(item, key, path);
    return value != null ? value : EventChecks.identifier(item, alias, path);
  }

  private static void putIfPresent(JsonObject target, String key, String value) {
    if (value != null) {
      target.put(key, value);
    }
  }

  private static void putIfNotEmpty(JsonObject target, String key, String value) {
    if (value != null && !value.isEmpty()) {
      target.put(key, value);
    }
  }
}
