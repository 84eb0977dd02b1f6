package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** What the routes accept from a request: keys, page-context values, session ids, sids and JSON bodies. */
final class RequestValues {
  /** What {@link #isKey} accepts, for error messages; checked by table, as every page checks one. */
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final boolean[] KEY_CHARS = chars("_.:-");
  private static final boolean[] SESSION_CHARS = chars("-");
  private static final int MAX_CONTEXT_CHARS = 512;

  private RequestValues() {
  }

  /** An api key or recsKey we are willing to put in an upstream URL. */
  static boolean isKey(String value) {
    return matches(value, KEY_CHARS, 1, 128);
  }

  /** A page-context value ({@code pid}, {@code gpid}, {@code cp}) cut to a bounded length. */
  static String bounded(String value) {
    return value == null ? null : value.length() > MAX_CONTEXT_CHARS ? value.substring(0, MAX_CONTEXT_CHARS) : value;
  }

  /** Most product ids a {@code cart} parameter may name. */
  static final int MAX_CART_IDS = 50;

  /**
   * A comma-separated list of product ids ({@code cart}), in the page's order, blanks dropped, each cut to the
   * page-context bound, at most {@value #MAX_CART_IDS}; null when the parameter is absent (an empty cart is empty).
   */
  static List<String> idList(String raw) {
    if (raw == null) {
      return null;
    }
    List<String> ids = new java.util.ArrayList<>();
    for (String id : raw.split(",")) {
      String trimmed = id.trim();
      if (!trimmed.isEmpty() && ids.size() < MAX_CART_IDS) {
        ids.add(bounded(trimmed));
      }
    }
    return List.copyOf(ids);
  }

  /** A session id we are willing to send upstream: Klevu mints UUIDs. */
  static String validSession(String value) {
    return matches(value, SESSION_CHARS, 8, 64) ? value : null;
  }

  /** ASCII letters and digits, and {@code extra}. */
  private static boolean[] chars(String extra) {
    boolean[] allowed = new boolean[128];
    for (int c = 0; c < 128; c++) {
      allowed[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra.indexOf(c) >= 0;
    }
    return allowed;
  }

  private static boolean matches(String value, boolean[] allowed, int min, int max) {
    if (value == null || value.length() < min || value.length() > max) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 128 || !allowed[c]) {
        return false;
      }
    }
    return true;
  }

  /** {@code sids} sorted, de-duplicated and bounded, as the config cache keys them. */
  static List<String> canonicalSids(String raw) {
    if (raw == null) {
      return List.of();
    }
    TreeSet<String> sids = new TreeSet<>();
    for (String sid : raw.split(",")) {
      String trimmed = sid.trim();
      if (!trimmed.isEmpty() && trimmed.length() <= 128 && sids.size() < 50) {
        sids.add(trimmed);
      }
    }
    return List.copyOf(sids);
  }

  /** The request body as a JSON object, or a BAD_REQUEST. */
  static JsonObject jsonBody(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "a JSON body is required");
    }
    try {
      Object parsed = Json.decodeValue(ctx.body().buffer());
      if (parsed instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException e) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "body is not valid JSON");
    }
    throw new OutcomeException(Outcome.BAD_REQUEST, "body must be a JSON object");
  }
}
