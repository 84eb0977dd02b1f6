package dev.edgegateway.sim;

import dev.edgegateway.wire.QueryParams;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Klaviyo REST API subset (docs/upstream-apis.md §1): profile lookup by filter, profile import (upsert) and a
 * profile's segments. Every call needs {@code Authorization: Klaviyo-API-Key <non-empty>} (else 401) and a
 * {@code revision} header (else 400); answers are JSON:API ({@code application/vnd.api+json}) and carry
 * {@code RateLimit-Limit/Remaining/Reset}.
 *
 * <p>Lookups: {@code filter=equals(_kx,"<kx>")}, {@code equals(email,"<email>")}, {@code equals(external_id,"..")},
 * {@code equals(id,"..")}; values must be JSON-quoted (unquoted gives 400). Not found ({@code data: []}): emails
 * ending {@code @unknown.test} or without {@code @}, exchange ids not of form {@code <IDENT>.<6 alnum>}. A found
 * exchange id maps to a synthetic email (or to the email it was imported with); profile ids are derived from
 * the email. {@code _kx} is never returned.
 */
final class KlaviyoHandler {

  static final String UNKNOWN_EMAIL_SUFFIX = "@unknown.test";
  private static final Pattern EQUALS = Pattern.compile("^\\s*equals\\(\\s*([A-Za-z_]+)\\s*,\\s*(.*?)\\s*\\)\\s*$", Pattern.DOTALL);
  private static final Pattern KX = Pattern.compile("^[^.\\s]+\\.[A-Za-z0-9]{6}$");
  private static final Pattern PROFILE_ID = Pattern.compile("^01[0-9A-HJKMNP-TV-Z]{24}$");
  private static final String[] FIRST = {"Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas"};
  private static final String[] LAST = {"Lovelace", "Okafor", "Martin", "Patel", "Yilmaz", "Adeyemi", "Berg", "Sato", "Costa", "Weber"};

  private final SimulatorState state;
  private final Supplier<String> advertisedAddress;

  KlaviyoHandler(SimulatorState state, Supplier<String> advertisedAddress) {
    this.state = state;
    this.advertisedAddress = advertisedAddress;
  }

  // ------------------------------------------------------------------ shared checks

  /** Auth, revision and rate-limit headers; returns false when the request was already answered. */
  private boolean admit(RoutingContext ctx, KlaviyoLimits.Endpoint endpoint) {
    KlaviyoLimits.Use use = state.klaviyoUse(endpoint, System.currentTimeMillis());
    ctx.response()
        .putHeader("RateLimit-Limit", Integer.toString(use.limit()))
        .putHeader("RateLimit-Remaining", Long.toString(use.remaining()))
        .putHeader("RateLimit-Reset", Integer.toString(use.resetSeconds()));
    String auth = ctx.request().getHeader("authorization");
    String prefix = "klaviyo-api-key ";
    if (auth == null || auth.length() <= prefix.length()
        || !auth.regionMatches(true, 0, prefix, 0, prefix.length()) || auth.substring(prefix.length()).isBlank()) {
      error(ctx, 401, "not_authenticated", "Authentication credentials were not provided.",
          "Missing or invalid private key.", new JsonObject().put("pointer", "/data/"));
      return false;
    }
    String revision = ctx.request().getHeader("revision");
    if (revision == null || revision.isBlank()) {
      error(ctx, 400, "invalid", "Invalid input.", "The 'revision' header is required.",
          new JsonObject().put("header", "revision"));
      return false;
    }
    if (state.klaviyoRateLimitEnforced() && use.over()) {
      state.increment(SimCounter.FAULTED);
      ctx.response().putHeader("Retry-After", Integer.toString(use.resetSeconds()));
      Replies.jsonApi(ctx, 429, throttledBody(use.resetSeconds()));
      return false;
    }
    return true;
  }

  private void error(RoutingContext ctx, int status, String code, String title, String detail, JsonObject source) {
    state.increment(SimCounter.REJECTED);
    Replies.jsonApi(ctx, status, errorBody(status, code, title, detail, source));
  }

  static JsonObject errorBody(int status, String code, String title, String detail, JsonObject source) {
    JsonObject e = new JsonObject()
        .put("id", Det.randomUuid())
        .put("status", status)
        .put("code", code)
        .put("title", title)
        .put("detail", detail);
    if (source != null) {
      e.put("source", source);
    }
    e.put("links", new JsonObject()).put("meta", new JsonObject());
    return new JsonObject().put("errors", new JsonArray().add(e));
  }

  /** Klaviyo's 429 body. */
  static JsonObject throttledBody(int retryAfterSeconds) {
    return errorBody(429, "throttled", "Request was throttled.",
        "Request was throttled. Expected available in " + retryAfterSeconds + " second" + (retryAfterSeconds == 1 ? "" : "s") + ".",
        null);
  }

  private String base() {
    return "http://" + advertisedAddress.get();
  }

  // ------------------------------------------------------------------ GET /api/profiles

  void getProfiles(RoutingContext ctx) {
    if (!admit(ctx, KlaviyoLimits.Endpoint.PROFILES)) {
      return;
    }
    Map<String, String> q = QueryParams.parse(ctx.request().query()).asMap();
    String size = q.get("page[size]");
    if (size != null) {
      int n;
      try {
        n = Integer.parseInt(size.trim());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > 100) {
        error(ctx, 400, "invalid", "Invalid input.", "page[size] must be an integer between 1 and 100.",
            new JsonObject().put("parameter", "page[size]"));
        return;
      }
    }
    JsonArray data = new JsonArray();
    String filter = q.get("filter");
    if (filter != null) {
      Matcher m = EQUALS.matcher(filter);
      if (!m.matches()) {
        invalidFilter(ctx, "Invalid filter provided: expected equals(field,\"value\").");
        return;
      }
      String field = m.group(1);
      String raw = m.group(2);
      if (raw.length() < 2 || raw.charAt(0) != '"' || raw.charAt(raw.length() - 1) != '"') {
        invalidFilter(ctx, "Invalid filter provided: values must be quoted strings.");
        return;
      }
      String value;
      try {
        value = (String) Json.decodeValue(raw);
      } catch (RuntimeException e) {
        invalidFilter(ctx, "Invalid filter provided: malformed quoted string.");
        return;
      }
      JsonObject profile = switch (field) {
        case "_kx" -> byKx(value);
        case "email" -> byEmail(value);
        case "external_id" -> value.isBlank() ? null : profile(syntheticEmail("ext", value), value);
        case "id" -> PROFILE_ID.matcher(value).matches() ? profileForId(value) : null;
        default -> {
          invalidFilter(ctx, "Invalid filter provided: filtering on '" + field + "' is not supported.");
          yield null;
        }
      };
      if (Replies.gone(ctx)) {
        return;
      }
      if (profile != null) {
        data.add(profile);
      }
    }
    JsonObject links = new JsonObject()
        .put("self", base() + ctx.request().uri())
        .putNull("next")
        .putNull("prev");
    Replies.jsonApi(ctx, 200, new JsonObject().put("data", data).put("links", links));
  }

  private void invalidFilter(RoutingContext ctx, String detail) {
    error(ctx, 400, "invalid", "Invalid input.", detail, new JsonObject().put("parameter", "filter"));
  }

  private JsonObject byKx(String kx) {
    String email = state.emailForKx(kx);
    if (email != null) {
      return byEmail(email);
    }
    if (!KX.matcher(kx).matches()) {
      return null;
    }
    return profile(syntheticEmail("shopper", kx), null);
  }

  private JsonObject byEmail(String email) {
    String key = email.toLowerCase(Locale.ROOT);
    JsonObject imported = state.importedProfile(key);
    if (imported != null) {
      return profileFromAttributes(imported);
    }
    if (email.indexOf('@') <= 0 || key.endsWith(UNKNOWN_EMAIL_SUFFIX)) {
      return null;
    }
    return profile(email, null);
  }

  private static String syntheticEmail(String prefix, String secret) {
    return prefix + "-" + Long.toHexString(Det.hash(0x5eed, secret)).substring(0, 10) + "@example.test";
  }

  private JsonObject profile(String email, String externalId) {
    return profileFromAttributes(attributesFor(email, externalId));
  }

  private static JsonObject attributesFor(String email, String externalId) {
    long h = Det.hash(0x4b1a, email.toLowerCase(Locale.ROOT));
    String created = new StringBuilder(25).append("2024-").append(two(1 + Det.pick(h >>> 3, 12))).append('-')
        .append(two(1 + Det.pick(h >>> 9, 28))).append('T').append(two(Det.pick(h >>> 15, 24))).append(':')
        .append(two(Det.pick(h >>> 21, 60))).append(':').append(two(Det.pick(h >>> 27, 60))).append("+00:00").toString();
    return new JsonObject()
        .put("email", email)
        .putNull("phone_number")
        .put("external_id", externalId != null ? externalId : "cust-" + (100000 + Det.pick(h >>> 33, 900000)))
        .putNull("anonymous_id")
        .put("first_name", FIRST[Det.pick(h >>> 40, FIRST.length)])
        .put("last_name", LAST[Det.pick(h >>> 48, LAST.length)])
        .putNull("organization")
        .putNull("locale")
        .putNull("title")
        .putNull("image")
        .put("created", created)
        .put("updated", created)
        .putNull("last_event_date")
        .put("properties", new JsonObject());
  }

  private static String two(int n) {
    return n < 10 ? "0" + n : Integer.toString(n);
  }

  private JsonObject profileFromAttributes(JsonObject attributes) {
    String id = Det.profileId(Det.hash(0x4b1a, attributes.getString("email").toLowerCase(Locale.ROOT)));
    return profileObject(id, attributes);
  }

  private JsonObject profileForId(String id) {
    return profileObject(id, attributesFor("profile-" + id.toLowerCase(Locale.ROOT) + "@example.test", null));
  }

  private JsonObject profileObject(String id, JsonObject attributes) {
    return new JsonObject()
        .put("type", "profile")
        .put("id", id)
        .put("attributes", attributes.copy())
        .put("links", new JsonObject().put("self", base() + "/api/profiles/" + id + "/"));
  }

  // ------------------------------------------------------------------ POST /api/profile-import

  void importProfile(RoutingContext ctx) {
    if (!admit(ctx, KlaviyoLimits.Endpoint.IMPORT)) {
      return;
    }
    if (!(Replies.parseBody(ctx) instanceof JsonObject body)
        || !(body.getValue("data") instanceof JsonObject data)
        || !"profile".equals(data.getValue("type"))
        || !(data.getValue("attributes") instanceof JsonObject attrs)) {
      error(ctx, 400, "invalid", "Invalid input.",
          "Body must be {\"data\":{\"type\":\"profile\",\"attributes\":{...}}}.", new JsonObject().put("pointer", "/data"));
      return;
    }
    String email = attrs.getValue("email") instanceof String e && !e.isBlank() ? e.trim() : null;
    String kx = attrs.getValue("_kx") instanceof String k && !k.isBlank() ? k : null;
    String externalId = attrs.getValue("external_id") instanceof String x && !x.isBlank() ? x : null;
    String phone = attrs.getValue("phone_number") instanceof String p && !p.isBlank() ? p : null;
    if (email != null && email.indexOf('@') <= 0) {
      error(ctx, 400, "invalid", "Invalid input.", "Invalid email address", new JsonObject().put("pointer", "/data/attributes/email"));
      return;
    }
    if (email == null && kx == null && externalId == null && phone == null) {
      error(ctx, 400, "invalid", "Invalid input.",
          "One of email, phone_number, external_id or _kx is required.", new JsonObject().put("pointer", "/data/attributes"));
      return;
    }
    if (email == null) {
      email = kx != null ? (state.emailForKx(kx) != null ? state.emailForKx(kx) : syntheticEmail("shopper", kx))
          : externalId != null ? syntheticEmail("ext", externalId) : syntheticEmail("phone", phone);
    }
    String key = email.toLowerCase(Locale.ROOT);
    JsonObject prev = state.importedProfile(key);
    JsonObject merged = prev != null ? prev.copy() : attributesFor(email, externalId);
    for (String f : attrs.fieldNames()) {
      if (!"_kx".equals(f)) {
        merged.put(f, attrs.getValue(f));
      }
    }
    merged.put("email", email);
    if (kx != null) {
      state.linkKx(kx, email);
    }
    boolean created = state.importProfile(key, merged);
    Replies.jsonApi(ctx, created ? 201 : 200, new JsonObject().put("data", profileFromAttributes(merged)));
  }

  // ------------------------------------------------------------------ GET /api/profiles/{id}/segments

  void getSegments(RoutingContext ctx) {
    if (!admit(ctx, KlaviyoLimits.Endpoint.SEGMENTS)) {
      return;
    }
    String id = ctx.pathParam("id");
    if (id == null || !PROFILE_ID.matcher(id).matches()) {
      error(ctx, 404, "not_found", "Not found.", "A profile with id " + id + " does not exist.", null);
      return;
    }
    long h = Det.hash(0x5e6, id);
    int n = Det.pick(h, 4);
    int start = Det.pick(h >>> 8, Catalog.SEGMENTS.length);
    JsonArray data = new JsonArray();
    for (int i = 0; i < n; i++) {
      int idx = (start + i * 3) % Catalog.SEGMENTS.length;
      String segId = Det.shortId(Det.hash(0x5e7, Catalog.SEGMENTS[idx]), 6);
      data.add(new JsonObject()
          .put("type", "segment")
          .put("id", segId)
          .put("attributes", new JsonObject()
              .put("name", Catalog.SEGMENT_NAMES[idx])
              .putNull("definition")
              .put("created", "2024-03-01T09:00:00+00:00")
              .put("updated", "2025-01-15T12:00:00+00:00")
              .put("is_active", true)
              .put("is_processing", false)
              .put("is_starred", false))
          .put("links", new JsonObject().put("self", base() + "/api/segments/" + segId + "/")));
    }
    Replies.jsonApi(ctx, 200, new JsonObject().put("data", data).put("links", new JsonObject()
        .put("self", base() + ctx.request().uri()).putNull("next").putNull("prev")));
  }
}
