package dev.edgegateway.events;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns the body of the gateway's own {@code POST /v1/events} into Klevu analytics events
 * (docs/upstream-apis.md §5). Pure and static: no I/O, no clock, no state.
 *
 * <h2>Request body</h2>
 * <pre>{@code
 * {"events": [
 *   {"type": "impression" | "click",
 *    "recsKey": "k-...",
 *    "list": {"title": "...", "logic": "...", "pageType": "...", "spotKey": "...", "spotName": "...",
 *             "segmentKey": "...", "segmentName": "..."},
 *    "items": [{"id": "39814", "index": 1, "name": "...", "price": "25.00" | 25.0, "currency": "USD",
 *               "brand": "...", "groupId": "...", "variant": "..."}]}
 * ]}
 * }</pre>
 * A single event object without the {@code events} wrapper is accepted too. {@code list} is the
 * {@code analytics} object that {@code GET /v1/recommendations} returned for the list being reported.
 *
 * <h2>Rules (any violation: 400, {@link Outcome#BAD_REQUEST}, message naming the field, never its value)</h2>
 * <ul>
 *   <li>The body is a JSON object; {@code events}, when present, is an array of 1 to {@value #MAX_EVENTS} objects.</li>
 *   <li>{@code type} is {@code impression} (Klevu {@code view_recs_list}, all items) or {@code click}
 *       (Klevu {@code select_recs_list}, exactly one item).</li>
 *   <li>{@code recsKey} is required and matches {@code [A-Za-z0-9_.:-]{1,128}}; it becomes both
 *       {@code event_apikey} and {@code list_id}.</li>
 *   <li>{@code list} is optional; when present it is an object whose fields are optional strings.</li>
 *   <li>{@code items} is an array of 1 to {@value #MAX_ITEMS} objects. {@code id} is required (a string or an
 *       integer); {@code groupId} and {@code variant} may also be integers; {@code variant} defaults to {@code id}.</li>
 *   <li>{@code index} is a positive integer (JSON number); when absent it is the item's 1-based position.</li>
 *   <li>{@code price} is a non-negative JSON number or a decimal string such as {@code "25.00"}; it is sent as a
 *       number. Absent, null or an empty string: no price is sent. Anything else: 400.</li>
 *   <li>Every string is at most {@value #MAX_STRING_LENGTH} characters (Unicode code points); longer is 400,
 *       not truncated. Unicode is passed through unchanged.</li>
 *   <li>Null means absent. Unknown fields are ignored and never forwarded: the output is built field by field.</li>
 * </ul>
 *
 * <h2>Output (one Klevu event per input event)</h2>
 * {@code event}, {@code event_version} "1.0.0", {@code event_apikey} = recsKey,
 * {@code user_profile.session_id} = the Klevu session id the gateway holds for the shopper ({@code user_profile}
 * is an empty object when there is none), and {@code event_data}: {@code tags.recsPageType} (pageType lower-cased),
 * {@code list_id}, {@code list_name} (title), {@code list_logic}, {@code spot_id}, {@code spot_name},
 * {@code segment_id}, {@code segment_name}, and {@code items} with {@code index}, {@code item_id},
 * {@code item_name}, {@code price}, {@code currency}, {@code item_brand}, {@code item_variant},
 * {@code item_group_id}, {@code quantity} 1. Fields whose source is absent are left out.
 */
public final class PageEvents {
  /** Most events one body may carry. */
  public static final int MAX_EVENTS = 50;
  /** Most items one event may carry. */
  public static final int MAX_ITEMS = 100;
  /** Longest string field, in code points. */
  public static final int MAX_STRING_LENGTH = 512;
  /** What a recsKey (and so an {@code event_apikey}) may look like. */
  public static final Pattern RECS_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  public static final String TYPE_IMPRESSION = "impression";
  public static final String TYPE_CLICK = "click";
  public static final String VIEW_RECS_LIST = "view_recs_list";
  public static final String SELECT_RECS_LIST = "select_recs_list";
  public static final String EVENT_VERSION = "1.0.0";

  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,15}(\\.[0-9]{1,10})?");

  private PageEvents() {
  }

  /** Parses and maps a raw request body; see the class comment for the contract. */
  public static List<JsonObject> toKlevu(Buffer body, String sessionId) {
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
    return toKlevu(object, sessionId);
  }

  /**
   * Maps an already parsed body.
   *
   * @param sessionId the shopper's Klevu session id, or null to send the events without one
   * @return the Klevu events, in input order
   * @throws OutcomeException with {@link Outcome#BAD_REQUEST} when the body breaks a rule
   */
  public static List<JsonObject> toKlevu(JsonObject body, String sessionId) {
    if (body == null) {
      throw bad("empty body: expected a JSON object with an \"events\" array");
    }
    if (!body.containsKey("events")) {
      return List.of(map(body, "event", sessionId));
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
      out.add(map(event, path, sessionId));
    }
    return out;
  }

  private static JsonObject map(JsonObject event, String path, String sessionId) {
    String type = string(event, "type", path);
    if (type == null) {
      throw bad(path + ".type is required (impression or click)");
    }
    String klevuEvent = switch (type) {
      case TYPE_IMPRESSION -> VIEW_RECS_LIST;
      case TYPE_CLICK -> SELECT_RECS_LIST;
      default -> throw bad(path + ".type must be impression or click");
    };
    String recsKey = string(event, "recsKey", path);
    if (recsKey == null) {
      throw bad(path + ".recsKey is required");
    }
    if (!RECS_KEY.matcher(recsKey).matches()) {
      throw bad(path + ".recsKey must match [A-Za-z0-9_.:-]{1,128}");
    }

    JsonObject data = new JsonObject();
    Object rawList = event.getValue("list");
    JsonObject list = null;
    if (rawList != null) {
      if (!(rawList instanceof JsonObject l)) {
        throw bad(path + ".list must be an object");
      }
      list = l;
    }
    String listPath = path + ".list";
    String pageType = list == null ? null : string(list, "pageType", listPath);
    if (pageType != null) {
      data.put("tags", new JsonObject().put("recsPageType", pageType.toLowerCase(Locale.ROOT)));
    }
    data.put("list_id", recsKey);
    if (list != null) {
      putIfPresent(data, "list_name", string(list, "title", listPath));
      putIfPresent(data, "list_logic", string(list, "logic", listPath));
      putIfPresent(data, "spot_id", string(list, "spotKey", listPath));
      putIfPresent(data, "spot_name", string(list, "spotName", listPath));
      putIfPresent(data, "segment_id", string(list, "segmentKey", listPath));
      putIfPresent(data, "segment_name", string(list, "segmentName", listPath));
    }

    Object rawItems = event.getValue("items");
    if (!(rawItems instanceof JsonArray items)) {
      throw bad(path + ".items is required and must be an array");
    }
    if (items.isEmpty()) {
      throw bad(path + ".items is empty");
    }
    if (items.size() > MAX_ITEMS) {
      throw bad(path + ".items has " + items.size() + " entries (at most " + MAX_ITEMS + ")");
    }
    if (TYPE_CLICK.equals(type) && items.size() != 1) {
      throw bad(path + ": a click carries exactly one item, got " + items.size());
    }
    JsonArray outItems = new JsonArray();
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + ".items[" + i + "]";
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw bad(itemPath + " must be an object");
      }
      outItems.add(mapItem(item, itemPath, i + 1));
    }
    data.put("items", outItems);

    JsonObject profile = new JsonObject();
    if (sessionId != null) {
      profile.put("session_id", sessionId);
    }
    return new JsonObject()
        .put("event", klevuEvent)
        .put("event_version", EVENT_VERSION)
        .put("event_apikey", recsKey)
        .put("user_profile", profile)
        .put("event_data", data);
  }

  private static JsonObject mapItem(JsonObject item, String path, int position) {
    String id = identifier(item, "id", path);
    if (id == null || id.isBlank()) {
      throw bad(path + ".id is required");
    }
    JsonObject out = new JsonObject();
    out.put("index", index(item, path, position));
    out.put("item_id", id);
    putIfPresent(out, "item_name", string(item, "name", path));
    Double price = price(item, path);
    if (price != null) {
      out.put("price", price);
    }
    putIfPresent(out, "currency", string(item, "currency", path));
    putIfPresent(out, "item_brand", string(item, "brand", path));
    String variant = identifier(item, "variant", path);
    out.put("item_variant", variant == null ? id : variant);
    putIfPresent(out, "item_group_id", identifier(item, "groupId", path));
    out.put("quantity", 1);
    return out;
  }

  private static int index(JsonObject item, String path, int position) {
    Object raw = item.getValue("index");
    if (raw == null) {
      return position;
    }
    long value = integral(raw);
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw bad(path + ".index must be a positive integer");
    }
    return (int) value;
  }

  /** The value of an integral JSON number, or -1 when it is not one. */
  private static long integral(Object raw) {
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger big) {
      return big.bitLength() < 63 ? big.longValue() : -1;
    }
    if (raw instanceof Double || raw instanceof Float || raw instanceof BigDecimal) {
      double d = ((Number) raw).doubleValue();
      return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : -1;
    }
    return -1;
  }

  private static Double price(JsonObject item, String path) {
    Object raw = item.getValue("price");
    if (raw == null) {
      return null;
    }
    double value;
    if (raw instanceof Number n) {
      value = n.doubleValue();
    } else if (raw instanceof String s) {
      String trimmed = s.trim();
      if (trimmed.isEmpty()) {
        return null;
      }
      if (!DECIMAL.matcher(trimmed).matches()) {
        throw bad(path + ".price must be a number or a decimal string such as \"25.00\"");
      }
      value = Double.parseDouble(trimmed);
    } else {
      throw bad(path + ".price must be a number or a decimal string such as \"25.00\"");
    }
    if (!Double.isFinite(value) || value < 0 || value >= 1e15) {
      throw bad(path + ".price must be a non-negative finite number");
    }
    return value;
  }

  /** A string field, or null when absent; fails when it is not a string or is too long. */
  static String string(JsonObject object, String key, String path) {
    Object raw = object.getValue(key);
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s)) {
      throw bad(path + "." + key + " must be a string");
    }
    return capped(s, path + "." + key);
  }

  /** An identifier field: a string or an integral number (turned into its decimal string). */
  private static String identifier(JsonObject object, String key, String path) {
    Object raw = object.getValue(key);
    if (raw == null) {
      return null;
    }
    if (raw instanceof String s) {
      return capped(s, path + "." + key);
    }
    if (raw instanceof Number) {
      long value = integral(raw);
      if (value >= 0) {
        return Long.toString(value);
      }
    }
    throw bad(path + "." + key + " must be a string or a non-negative integer");
  }

  static String capped(String value, String path) {
    if (value.length() > MAX_STRING_LENGTH && value.codePointCount(0, value.length()) > MAX_STRING_LENGTH) {
      throw bad(path + " is longer than " + MAX_STRING_LENGTH + " characters");
    }
    return value;
  }

  private static void putIfPresent(JsonObject target, String key, String value) {
    if (value != null) {
      target.put(key, value);
    }
  }

  static OutcomeException bad(String message) {
    return new OutcomeException(Outcome.BAD_REQUEST, message);
  }
}
