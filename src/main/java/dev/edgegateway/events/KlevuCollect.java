package dev.edgegateway.events;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validates a body posted to the gateway's Klevu-compatible {@code POST /klevu/analytics/collect}, i.e. what
 * the {@code @klevu/core} browser SDK sends to {@code eventsApiV2Url} (docs/upstream-apis.md §5). Pure and static.
 *
 * <h2>Rules (any violation: 400, {@link Outcome#BAD_REQUEST}, with a message naming the field)</h2>
 * <ul>
 *   <li>The body is JSON: an array of 1 to {@value #MAX_EVENTS} objects, or a single object (wrapped into an
 *       array). The content type is not required to be {@code application/json} ({@code sendBeacon} posts
 *       strings as {@code text/plain}), but {@code multipart/form-data} and
 *       {@code application/x-www-form-urlencoded} are refused outright: that is the SDK's {@code sendBeacon}
 *       replay, which posts {@code 0=[object Object]} and carries no event at all. Anything else that is not
 *       JSON (a form body without a content type, a JSON string or number, an empty body) is refused too.</li>
 *   <li>{@code event} is a string matching {@code [a-z_]{1,64}}: {@code view_recs_list} and
 *       {@code select_recs_list} are checked further, other Klevu event names pass through.</li>
 *   <li>{@code event_apikey} is a string matching {@code [A-Za-z0-9_.:-]{1,128}}.</li>
 *   <li>{@code event_version}, when present, is a string of at most {@value PageEvents#MAX_STRING_LENGTH}
 *       characters; the recs events get {@code "1.0.0"} when it is absent.</li>
 *   <li>{@code user_profile}, when present, is an object; its session id may be written {@code session_id}
 *       (Klevu's guide) or {@code sessionId} (@klevu/core), a string of at most 128 characters. The output
 *       always writes {@code session_id} and keeps nothing else of {@code user_profile}.</li>
 *   <li>{@code event_data} is an object (required for the recs events, optional otherwise). For
 *       {@code view_recs_list} and {@code select_recs_list} it carries {@code items}, an array of 1 to
 *       {@value PageEvents#MAX_ITEMS} objects, exactly one for {@code select_recs_list}.</li>
 *   <li>Top-level fields other than {@code event}, {@code event_version}, {@code event_apikey},
 *       {@code user_profile} and {@code event_data} are dropped. {@code event_data} is forwarded as sent
 *       (a copy); the HTTP layer's body-size limit bounds it.</li>
 * </ul>
 */
public final class KlevuCollect {
  /** Most events one body may carry. */
  public static final int MAX_EVENTS = 50;
  /** What an event name may look like. */
  public static final Pattern EVENT_NAME = Pattern.compile("[a-z_]{1,64}");
  /** Longest accepted session id. */
  public static final int MAX_SESSION_ID_LENGTH = 128;

  static final String FORM_MESSAGE = "form-encoded analytics body refused (the @klevu/core sendBeacon replay posts "
      + "multipart form data such as 0=[object Object], which carries no event): post a JSON array of events";

  private KlevuCollect() {
  }

  /**
   * Validates and normalises a collect body.
   *
   * @param contentType the request's {@code Content-Type}, or null
   * @param body the raw body, or null
   * @return the events to enqueue, in order, in Klevu's shape with {@code user_profile.session_id}
   * @throws OutcomeException with {@link Outcome#BAD_REQUEST} when the body breaks a rule
   */
  public static List<JsonObject> parse(String contentType, Buffer body) {
    if (contentType != null) {
      String type = contentType.trim().toLowerCase(Locale.ROOT);
      if (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded")) {
        throw PageEvents.bad(FORM_MESSAGE);
      }
    }
    if (body == null || body.length() == 0) {
      throw PageEvents.bad("empty body: expected a JSON array of analytics events");
    }
    int start = firstNonBlank(body);
    if (start < 0) {
      throw PageEvents.bad("empty body: expected a JSON array of analytics events");
    }
    byte first = body.getByte(start);
    if (first != '[' && first != '{') {
      boolean multipart = first == '-' && start + 1 < body.length() && body.getByte(start + 1) == '-';
      if (multipart || looksLikeForm(body, start)) {
        // "--boundary..." or "0=[object Object]" sent without (or with a wrong) content type
        throw PageEvents.bad(FORM_MESSAGE);
      }
      throw PageEvents.bad("body must be a JSON array of analytics events or a single event object");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (RuntimeException e) {
      throw PageEvents.bad("body is not valid JSON");
    }
    JsonArray events;
    if (parsed instanceof JsonArray array) {
      events = array;
    } else if (parsed instanceof JsonObject object) {
      events = new JsonArray().add(object);
    } else {
      throw PageEvents.bad("body must be a JSON array of analytics events or a single event object");
    }
    return validate(events);
  }

  /** Validates already parsed events; see {@link #parse}. */
  public static List<JsonObject> validate(JsonArray events) {
    if (events == null || events.isEmpty()) {
      throw PageEvents.bad("no events");
    }
    if (events.size() > MAX_EVENTS) {
      throw PageEvents.bad("too many events: " + events.size() + " (at most " + MAX_EVENTS + " per request)");
    }
    List<JsonObject> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      String path = "[" + i + "]";
      if (!(events.getValue(i) instanceof JsonObject event)) {
        throw PageEvents.bad(path + " must be an object");
      }
      out.add(normalise(event, path));
    }
    return out;
  }

  private static JsonObject normalise(JsonObject event, String path) {
    String name = PageEvents.string(event, "event", path);
    if (name == null) {
      throw PageEvents.bad(path + ".event is required");
    }
    if (!EVENT_NAME.matcher(name).matches()) {
      throw PageEvents.bad(path + ".event must match [a-z_]{1,64}");
    }
    boolean recs = PageEvents.VIEW_RECS_LIST.equals(name) || PageEvents.SELECT_RECS_LIST.equals(name);
    String apiKey = PageEvents.string(event, "event_apikey", path);
    if (apiKey == null) {
      throw PageEvents.bad(path + ".event_apikey is required");
    }
    if (!PageEvents.RECS_KEY.matcher(apiKey).matches()) {
      throw PageEvents.bad(path + ".event_apikey must match [A-Za-z0-9_.:-]{1,128}");
    }
    String version = PageEvents.string(event, "event_version", path);
    if (version == null && recs) {
      version = PageEvents.EVENT_VERSION;
    }

    JsonObject profile = new JsonObject();
    Object rawProfile = event.getValue("user_profile");
    if (rawProfile != null) {
      if (!(rawProfile instanceof JsonObject p)) {
        throw PageEvents.bad(path + ".user_profile must be an object");
      }
      String profilePath = path + ".user_profile";
      String sessionId = PageEvents.string(p, "session_id", profilePath);
      if (sessionId == null) {
        sessionId = PageEvents.string(p, "sessionId", profilePath);
      }
      if (sessionId != null) {
        if (sessionId.length() > MAX_SESSION_ID_LENGTH) {
          throw PageEvents.bad(profilePath + ".session_id is longer than " + MAX_SESSION_ID_LENGTH + " characters");
        }
        profile.put("session_id", sessionId);
      }
    }

    Object rawData = event.getValue("event_data");
    JsonObject data = null;
    if (rawData != null) {
      if (!(rawData instanceof JsonObject d)) {
        throw PageEvents.bad(path + ".event_data must be an object");
      }
      data = d.copy();
    }
    if (recs) {
      if (data == null) {
        throw PageEvents.bad(path + ".event_data is required for " + name);
      }
      Object rawItems = data.getValue("items");
      if (!(rawItems instanceof JsonArray items)) {
        throw PageEvents.bad(path + ".event_data.items is required and must be an array");
      }
      if (items.isEmpty()) {
        throw PageEvents.bad(path + ".event_data.items is empty");
      }
      if (items.size() > PageEvents.MAX_ITEMS) {
        throw PageEvents.bad(path + ".event_data.items has " + items.size() + " entries (at most "
            + PageEvents.MAX_ITEMS + ")");
      }
      if (PageEvents.SELECT_RECS_LIST.equals(name) && items.size() != 1) {
        throw PageEvents.bad(path + ": select_recs_list carries exactly one item, got " + items.size());
      }
      for (int i = 0; i < items.size(); i++) {
        if (!(items.getValue(i) instanceof JsonObject)) {
          throw PageEvents.bad(path + ".event_data.items[" + i + "] must be an object");
        }
      }
    }

    JsonObject out = new JsonObject().put("event", name);
    if (version != null) {
      out.put("event_version", version);
    }
    out.put("event_apikey", apiKey).put("user_profile", profile);
    if (data != null) {
      out.put("event_data", data);
    }
    return out;
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
