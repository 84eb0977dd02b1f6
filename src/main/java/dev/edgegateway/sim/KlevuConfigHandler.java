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
 * {@code static-} gives {@code STATIC_CONTENT} (with a {@code staticContent} image banner), {@code threshold-} gives
 * a {@code productThreshold} of {@code maxProducts + 1} (more than search ever returns for the payload's limit).
 * After them, a recsKey {@code kmc.<PAGE TYPE>.<LOGIC>[.anything]} (e.g. {@code kmc.PRODUCT.VISUALLY_SIMILAR.1})
 * fixes the page type (HOME, CATEGORY, PRODUCT or CHECKOUT) and the logic; any other recsKey gets its page type from
 * the query ({@code pid}: PRODUCT, else {@code cp}: CATEGORY, else HOME) and a logic picked by its hash. The search
 * payload carries no page context: the client adds it, as {@code kmcRecommendation} does.
 *
 * <p>The query must be one {@code @klevu/core} builds ({@link KlevuShapes#configQuery}: {@code ?&cp=..&pid=..&sids=..}
 * with raw {@code ;} and {@code ,}); any other gets 400. Answers are generated once and kept (pre-encoded) in a
 * bounded per-instance map.
 */
final class KlevuConfigHandler implements Handler<RoutingContext> {

  private static final List<String> PAGE_TYPES = List.of("HOME", "CATEGORY", "PRODUCT", "CHECKOUT");
  private static final List<String> LOGICS = List.of("TRENDING", "TRENDING_PERSONALIZED", "NEWEST_ARRIVALS",
      "RECENTLY_VIEWED", "HAND_PICKED", "OTHER_ALSO_VIEWED", "SIMILAR", "BOUGHT_TOGETHER", "BOUGHT_TOGETHER_PDP",
      "VISUALLY_SIMILAR", "CUSTOM_LOGIC");

  private final SimulatorState state;
  private final Supplier<String> advertisedAddress;
  private final int cacheSize;
  private final ConcurrentHashMap<String, Buffer> cache = new ConcurrentHashMap<>();

  KlevuConfigHandler(SimulatorState state, Supplier<String> advertisedAddress, int cacheSize) {
    this.state = state;
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
    String wrong = !state.strictShapes() ? null : KlevuShapes.configQuery(ctx.request().query());
    if (wrong != null) {
      Replies.klevuError(ctx, state, 400, "not a config query @klevu/core sends: " + wrong);
      return;
    }
    Map<String, String> q = QueryParams.parse(ctx.request().query()).asMap();
    String cp = q.getOrDefault("cp", "");
    String pid = q.getOrDefault("pid", "");
    String gpid = q.getOrDefault("gpid", "");
    List<String> sids = sids(q.getOrDefault("sids", ""));
    String[] fixed = fixedPageAndLogic(recsKey);
    String pageType = fixed != null ? fixed[0] : !pid.isEmpty() ? "PRODUCT" : !cp.isEmpty() ? "CATEGORY" : "HOME";
    String key = apiKey + '\n' + recsKey + '\n' + String.join(",", sids) + '\n' + pageType + '\n' + pid + '\n' + gpid + '\n' + cp;
    Buffer body = cache.get(key);
    if (body == null) {
      body = Buffer.buffer(generate(recsKey, sids, pageType, fixed == null ? null : fixed[1]).encode());
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

  /** {@code [pageType, logic]} of a recsKey {@code [prefix-]kmc.<PAGE>.<LOGIC>[.anything]}, else null. */
  static String[] fixedPageAndLogic(String recsKey) {
    String rest = recsKey;
    for (String prefix : new String[] {"hidden-", "static-", "threshold-"}) {
      if (rest.startsWith(prefix)) {
        rest = rest.substring(prefix.length());
      }
    }
    String[] parts = rest.split("\\.", 4);
    if (parts.length < 3 || !parts[0].equals("kmc") || !PAGE_TYPES.contains(parts[1]) || !LOGICS.contains(parts[2])) {
      return null;
    }
    return new String[] {parts[1], parts[2]};
  }

  JsonObject generate(String recsKey, List<String> sids, String pageType, String fixedLogic) {
    long h = Det.hash(recsKey);
    String[] logics = switch (pageType) {
      case "PRODUCT" -> Catalog.PRODUCT_LOGIC;
      case "CATEGORY" -> Catalog.CATEGORY_LOGIC;
      case "CHECKOUT" -> Catalog.CHECKOUT_LOGIC;
      default -> Catalog.HOME_LOGIC;
    };
    String logic = fixedLogic != null ? fixedLogic : logics[Det.pick(h >>> 8, logics.length)];
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
    JsonObject payload = new JsonObject().put("recordQueries", new JsonArray().add(new JsonObject()
        .put("id", "klevuRECSItemList")
        .put("typeOfRequest", "RECS_" + logic)
        .put("settings", settings)));

    String template = "STATIC_CONTENT".equals(action)
        ? "<div class=\"klevu-recs klevu-recs-static\" data-recs-key=\"" + html(recsKey) + "\"><a href=\"/sale\">"
            + "<img src=\"http://" + advertisedAddress.get() + SimImages.PATH + "banner-" + html(recsKey)
            + "-desktop.svg\" alt=\"" + html(title) + "\"></a></div>"
        : "<div class=\"klevu-recs\" data-recs-key=\"" + html(recsKey) + "\"><h2 class=\"klevu-recs-title\">" + html(title)
            + "</h2><ul class=\"klevu-recs-list\"><% records.forEach(function(r){ %><li class=\"klevu-recs-item\">"
            + "<a href=\"<%= r.url %>\"><img src=\"<%= r.image %>\" alt=\"<%= r.name %>\"><span><%= r.name %></span>"
            + "<span class=\"price\"><%= r.salePrice %> <%= r.currency %></span></a></li><% }) %></ul></div>";

    JsonObject config = new JsonObject()
        .put("metadata", metadata)
        .put("search", new JsonObject()
            .put("basePath", advertisedAddress.get() + "/cs/v2/search")
            .put("payload", payload.encode()))
        .put("templates", new JsonObject().put("base", template))
        .put("styles", new JsonObject().put("base",
            ".klevu-recs{font-family:inherit}.klevu-recs-list{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));"
                + "gap:16px;list-style:none;padding:0}.klevu-recs-item img{width:100%;height:auto}"))
        .put("scripts", new JsonObject().put("recsObject", new JsonObject()));
    if ("STATIC_CONTENT".equals(action)) {
      String image = "http://" + advertisedAddress.get() + SimImages.PATH + "banner-" + recsKey;
      config.put("staticContent", new JsonArray().add(new JsonObject()
          .put("targetUrl", "https://shop.example.test/sale")
          .put("contentType", "image")
          .put("image", new JsonArray()
              .add(new JsonObject().put("resolution", "desktop").put("url", image + "-desktop.svg")
                  .put("altTag", title).put("maxWidth", 1920))
              .add(new JsonObject().put("resolution", "mobile").put("url", image + "-mobile.svg")
                  .put("altTag", title).put("maxWidth", 768)))));
    }
    return config;
  }

  private static String html(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  int cachedEntries() {
    return cache.size();
  }

}
