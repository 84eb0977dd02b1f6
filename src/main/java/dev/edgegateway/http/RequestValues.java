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
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9-]{8,64}");
  private static final int MAX_CONTEXT_CHARS = 512;

  private RequestValues() {
  }

  /** An api key or recsKey we are willing to put in an upstream URL. */
  static boolean isKey(String value) {
    return value != null && KEY.matcher(value).matches();
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
    return value != null && SESSION_ID.matcher(value).matches() ? value : null;
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
