package dev.edgegateway.sim;

import dev.edgegateway.wire.QueryParams;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code GET /recommendations/{apiKey}/settings/{recsKey}?cp=&pid=&gpid=&sids=a,b}: Klevu KMC config CDN
 * (docs/upstream-apis.md §3).
 *
 * <p>Deterministic per (recsKey, sorted distinct sids, page type, pid, gpid, cp). {@code segmentKey} is the
 * first sid in sorted order. recsKey prefixes: {@code hidden-} gives {@code action: HIDE_RECOMMENDATION},
 * {@code static-} gives {@code STATIC_CONTENT}, {@code threshold-} gives a {@code productThreshold} of
 * {@code maxProducts + 1} (more than search ever returns for the payload's limit). Answers are generated once
 * and kept (pre-encoded) in a bounded per-instance map.
 */
final class KlevuConfigHandler implements Handler<RoutingContext> {

  private final Supplier<String> advertisedAddress;
  private final int cacheSize;
  private final ConcurrentHashMap<String, Buffer> cache = new ConcurrentHashMap<>();

  KlevuConfigHandler(Supplier<String> advertisedAddress, int cacheSize) {
    this.advertisedAddress = advertisedAddress;
    this.cacheSize = cacheSize;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // path is /recommendations/{apiKey}/settings/{recsKey}[/] (matched by the route regex)
    String path = ctx.request().path();
    int a = "/recommendations/".length();
    int slash = path.indexOf('/', a);
    String apiKey = QueryParams.decodePath(path.substring(a, slash));
    int r = slash + "/settings/".length();
    int end = path.indexOf('/', r);
    String recsKey = QueryParams.decodePath(end < 0 ? path.substring(r) : path.substring(r, end));
    Map<String, String> q = QueryParams.parse(ctx.request().query()).asMap();
    String cp = q.getOrDefault("cp", "");
    String pid = q.getOrDefault("pid", "");
    String gpid = q.getOrDefault("gpid", "");
    List<String> sids = sids(q.getOrDefault("sids", ""));
    String pageType = !pid.isEmpty() ? "PRODUCT" : !cp.isEmpty() ? "CATEGORY" : "HOME";
    String key = apiKey + '\n' + recsKey + '\n' + String.join(",", sids) + '\n' + pageType + '\n' + pid + '\n' + gpid + '\n' + cp;
    Buffer body = cache.get(key);
    if (body == null) {
      body = Buffer.buffer(generate(recsKey, sids, pageType, cp, pid, gpid).encode());
      if (cacheSize > 0) {
        if (cache.size() >= cacheSize) {
          cache.clear();
        }
        cache.put(key, body);
      }
    }
    ctx.response().putHeader("access-control-allow-origin", "*");
    Replies.json(ctx, 200, body);
  }

  static List<String> sids(String raw) {
    if (raw.isEmpty()) {
      return List.of();
    }
    String[] parts = raw.split(",");
    List<String> out = new ArrayList<>(parts.length);
    for (String p : parts) {
      String s = p.trim();
      if (!s.isEmpty() && !out.contains(s)) {
        out.add(s);
      }
    }
    out.sort(null);
    return out;
  }

  JsonObject generate(String recsKey, List<String> sids, String pageType, String cp, String pid, String gpid) {
    long h = Det.hash(recsKey);
    String[] logics = switch (pageType) {
      case "PRODUCT" -> Catalog.PRODUCT_LOGIC;
      case "CATEGORY" -> Catalog.CATEGORY_LOGIC;
      default -> Catalog.HOME_LOGIC;
    };
    String logic = logics[Det.pick(h >>> 8, logics.length)];
    int maxProducts = Catalog.MAX_PRODUCTS[Det.pick(h >>> 16, Catalog.MAX_PRODUCTS.length)];
    int threshold = recsKey.startsWith("threshold-") ? maxProducts + 1 : 1;
    String action = recsKey.startsWith("hidden-") ? "HIDE_RECOMMENDATION"
        : recsKey.startsWith("static-") ? "STATIC_CONTENT" : null;
    String title = Catalog.TITLES[Det.pick(h, Catalog.TITLES.length)];
    String segmentKey = sids.isEmpty() ? null : sids.get(0);
    String pageWord = pageType.charAt(0) + pageType.substring(1).toLowerCase(java.util.Locale.ROOT);

    JsonObject metadata = new JsonObject()
        .put("title", title)
        .put("recsKey", recsKey)
        .put("pageType", pageType)
        .put("logic", logic)
        .put("maxProducts", maxProducts)
        .put("productThreshold", threshold)
        .put("enabled", true)
        .put("spotKey", "spot-" + Det.shortId(Det.hash(7, recsKey), 12))
        .put("spotName", pageWord + " spot " + (1 + Det.pick(h >>> 24, 3)))
        .put("segmentKey", segmentKey)
        .put("segmentName", segmentKey == null ? null : Catalog.segmentName(segmentKey))
        .put("action", action);

    JsonObject settings = new JsonObject()
        .put("typeOfRecords", new JsonArray().add("KLEVU_PRODUCT"))
        .put("limit", maxProducts);
    if (segmentKey != null) {
      settings.put("segmentKey", segmentKey).put("sids", new JsonArray(new ArrayList<>(sids)));
    }
    if (!pid.isEmpty()) {
      JsonObject rec = new JsonObject().put("id", pid);
      if (!gpid.isEmpty()) {
        rec.put("itemGroupId", gpid);
      }
      settings.put("context", new JsonObject().put("recentObjects", new JsonArray().add(
          new JsonObject().put("typeOfRecord", "KLEVU_PRODUCT").put("records", new JsonArray().add(rec)))));
    } else if (!cp.isEmpty()) {
      settings.put("query", new JsonObject().put("categoryPath", cp));
    }
    JsonObject payload = new JsonObject().put("recordQueries", new JsonArray().add(new JsonObject()
        .put("id", "klevuRECSItemList")
        .put("typeOfRequest", "RECS_" + logic)
        .put("settings", settings)));

    String template = "STATIC_CONTENT".equals(action)
        ? "<div class=\"klevu-recs klevu-recs-static\" data-recs-key=\"" + html(recsKey) + "\"><a href=\"/sale\">"
            + "<img src=\"https://shop.example.test/banners/" + html(recsKey) + ".jpg\" alt=\"" + html(title) + "\"></a></div>"
        : "<div class=\"klevu-recs\" data-recs-key=\"" + html(recsKey) + "\"><h2 class=\"klevu-recs-title\">" + html(title)
            + "</h2><ul class=\"klevu-recs-list\"><% records.forEach(function(r){ %><li class=\"klevu-recs-item\">"
            + "<a href=\"<%= r.url %>\"><img src=\"<%= r.image %>\" alt=\"<%= r.name %>\"><span><%= r.name %></span>"
            + "<span class=\"price\"><%= r.salePrice %> <%= r.currency %></span></a></li><% }) %></ul></div>";

    return new JsonObject()
        .put("metadata", metadata)
        .put("search", new JsonObject()
            .put("basePath", advertisedAddress.get() + "/cs/v2/search")
            .put("payload", payload.encode()))
        .put("templates", new JsonObject().put("base", template))
        .put("styles", new JsonObject().put("base",
            ".klevu-recs{font-family:inherit}.klevu-recs-list{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));"
                + "gap:16px;list-style:none;padding:0}.klevu-recs-item img{width:100%;height:auto}"))
        .put("scripts", new JsonObject().put("recsObject", new JsonObject()));
  }

  private static String html(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  int cachedEntries() {
    return cache.size();
  }

}
