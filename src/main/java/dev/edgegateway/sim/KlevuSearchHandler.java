package dev.edgegateway.sim;

import io.vertx.core.Handler;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /cs/v2/search}: Klevu search (docs/upstream-apis.md §4).
 *
 * <p>Body = config payload + {@code context.apiKeys}. Over {@code searchMaxBodyBytes} (8 KB) gives 413;
 * not a JSON object, missing {@code context.apiKeys}, no/invalid {@code recordQueries} or duplicate query ids
 * give 400, as does a body {@code @klevu/core} would not send ({@link KlevuShapes#search}: unknown top-level or query
 * fields, a malformed or empty {@code settings.context}, a logic's missing page context). One queryResult per recordQuery; records are picked deterministically from a fixed catalogue by a
 * hash of (api key, typeOfRequest, segment, recentObjects and sourceObjects ids, categoryPath), except for
 * {@code RECS_RECENTLY_VIEWED}, which answers the catalogue products named in {@code settings.topIds}, in order; {@code settings.limit}
 * (default 5, max 250) and {@code settings.offset} are honoured; {@code isPersonalised} is true when the query
 * carries {@code settings.segmentKey} or a non-empty {@code settings.sids}.
 */
final class KlevuSearchHandler implements Handler<RoutingContext> {

  static final int DEFAULT_LIMIT = 5;
  static final int MAX_LIMIT = 250;

  private final SimulatorState state;
  private final int maxBodyBytes;
  /** host:port the simulator is reached at: its product images are served there. */
  private final Supplier<String> advertisedAddress;

  KlevuSearchHandler(SimulatorState state, int maxBodyBytes, Supplier<String> advertisedAddress) {
    this.state = state;
    this.maxBodyBytes = maxBodyBytes;
    this.advertisedAddress = advertisedAddress;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.body().length() > maxBodyBytes) {
      Replies.klevuError(ctx, state, 413, "request body exceeds " + maxBodyBytes + " bytes");
      return;
    }
    if (!(Replies.parseBody(ctx) instanceof JsonObject body)) {
      Replies.klevuError(ctx, state, 400, "request body must be a JSON object");
      return;
    }
    String apiKey = null;
    if (body.getValue("context") instanceof JsonObject c && c.getValue("apiKeys") instanceof JsonArray keys
        && !keys.isEmpty() && keys.getValue(0) instanceof String k && !k.isEmpty()) {
      apiKey = k;
    }
    if (apiKey == null) {
      Replies.klevuError(ctx, state, 400, "context.apiKeys must be a non-empty array of api keys");
      return;
    }
    String wrong = !state.strictShapes() ? null : KlevuShapes.search(body);
    if (wrong != null) {
      Replies.klevuError(ctx, state, 400, "not a search @klevu/core sends: " + wrong);
      return;
    }
    if (!(body.getValue("recordQueries") instanceof JsonArray queries) || queries.isEmpty()) {
      Replies.klevuError(ctx, state, 400, "recordQueries must be a non-empty array");
      return;
    }
    Set<String> ids = new HashSet<>();
    List<JsonObject> qs = new ArrayList<>(queries.size());
    for (Object o : queries) {
      if (!(o instanceof JsonObject q) || !(q.getValue("id") instanceof String id) || id.isEmpty()) {
        Replies.klevuError(ctx, state, 400, "every recordQuery needs a non-empty string id");
        return;
      }
      if (!ids.add(id)) {
        Replies.klevuError(ctx, state, 400, "duplicate recordQuery id '" + id + "'");
        return;
      }
      Object s = q.getValue("settings");
      if (s != null && !(s instanceof JsonObject)) {
        Replies.klevuError(ctx, state, 400, "recordQuery settings must be an object");
        return;
      }
      qs.add(q);
    }

    StringBuilder sb = new StringBuilder(512 + qs.size() * 4096);
    String baseUrl = "http://" + advertisedAddress.get();
    long requestSeed = Det.hash(apiKey);
    sb.append("{\"meta\":{\"qTime\":").append(1 + Det.pick(requestSeed ^ qs.size(), 7))
        .append(",\"responseCode\":200},\"queryResults\":[");
    for (int qi = 0; qi < qs.size(); qi++) {
      JsonObject q = qs.get(qi);
      JsonObject settings = q.getJsonObject("settings", new JsonObject());
      int limit = intOr(settings.getValue("limit"), DEFAULT_LIMIT);
      int offset = intOr(settings.getValue("offset"), 0);
      if (limit < 0 || offset < 0) {
        Replies.klevuError(ctx, state, 400, "settings.limit and settings.offset must be >= 0");
        return;
      }
      limit = Math.min(limit, MAX_LIMIT);
      String typeOfRequest = q.getValue("typeOfRequest") instanceof String t ? t : "SEARCH";
      String segment = segmentOf(settings);
      long seed = Det.hash(requestSeed, typeOfRequest);
      seed = Det.hash(seed, segment);
      seed = Det.hash(seed, recentIds(settings));
      seed = Det.hash(seed, settings.getValue("query") instanceof JsonObject query
          && query.getValue("categoryPath") instanceof String cp ? cp : null);
      List<Integer> viewed = "RECS_RECENTLY_VIEWED".equals(typeOfRequest) ? viewed(settings) : null;
      int total = viewed != null ? viewed.size() : 20 + Det.pick(seed, 81);
      int n = Math.max(0, Math.min(limit, total - offset));
      int start = Det.pick(seed >>> 11, Catalog.PRODUCTS);
      int stride = 1 + Det.pick(Det.mix(seed), Catalog.PRODUCTS - 1);
      if (qi > 0) {
        sb.append(',');
      }
      sb.append("{\"id\":").append(Json.encode(q.getString("id")))
          .append(",\"meta\":{\"totalResultsFound\":").append(total)
          .append(",\"noOfResults\":").append(n)
          .append(",\"paginationStartsFrom\":").append(offset)
          .append(",\"typeOfRequest\":").append(Json.encode(typeOfRequest))
          .append(",\"isPersonalised\":").append(segment != null)
          .append("},\"records\":[");
      for (int i = 0; i < n; i++) {
        int k = viewed != null ? viewed.get(offset + i) : (int) ((start + (long) (offset + i) * stride) % Catalog.PRODUCTS);
        if (i > 0) {
          sb.append(',');
        }
        Catalog.appendRecord(sb, k, baseUrl);
      }
      sb.append("]}");
    }
    sb.append("]}");
    Replies.json(ctx, 200, sb.toString());
  }

  /** Catalogue positions of the products in {@code settings.topIds} (the shopper's last clicks), in order. */
  private static List<Integer> viewed(JsonObject settings) {
    List<Integer> out = new ArrayList<>();
    if (settings.getValue("topIds") instanceof JsonArray ids) {
      for (Object o : ids) {
        Integer k = o instanceof JsonObject pair ? Catalog.position(String.valueOf(pair.getValue("value"))) : null;
        if (k != null && !out.contains(k)) {
          out.add(k);
        }
      }
    }
    return out;
  }

  /** The segment a query carries ({@code settings.segmentKey}, else sorted {@code settings.sids}), or null. */
  static String segmentOf(JsonObject settings) {
    if (settings.getValue("segmentKey") instanceof String s && !s.isEmpty()) {
      return s;
    }
    if (settings.getValue("sids") instanceof JsonArray a && !a.isEmpty()) {
      List<String> l = new ArrayList<>();
      for (Object o : a) {
        l.add(String.valueOf(o));
      }
      l.sort(null);
      return String.join(",", l);
    }
    return null;
  }

  private static String recentIds(JsonObject settings) {
    if (!(settings.getValue("context") instanceof JsonObject c)) {
      return null;
    }
    JsonArray ros = new JsonArray();
    for (String key : new String[] {"recentObjects", "sourceObjects"}) {
      if (c.getValue(key) instanceof JsonArray sets) {
        ros.addAll(sets);
      }
    }
    StringBuilder sb = new StringBuilder();
    for (Object ro : ros) {
      if (ro instanceof JsonObject r && r.getValue("records") instanceof JsonArray recs) {
        for (Object rec : recs) {
          if (rec instanceof JsonObject x) {
            sb.append(x.getValue("id", x.getValue("itemGroupId"))).append(',');
          }
        }
      }
    }
    return sb.toString();
  }

  private static int intOr(Object v, int def) {
    if (v instanceof Number n) {
      return n.intValue();
    }
    if (v instanceof String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        return def;
      }
    }
    return def;
  }
}
