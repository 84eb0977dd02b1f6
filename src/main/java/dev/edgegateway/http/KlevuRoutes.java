package dev.edgegateway.http;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.FailureClass;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.identity.Identity;
import dev.edgegateway.identity.IdentityRequest;
import dev.edgegateway.identity.IdentityService;
import dev.edgegateway.recs.ConfigAnswer;
import dev.edgegateway.recs.ConfigRequest;
import dev.edgegateway.recs.RecsRequest;
import dev.edgegateway.recs.RecsService;
import dev.edgegateway.recs.SearchBasePath;
import dev.edgegateway.recs.SearchRequest;
import dev.edgegateway.segments.SegmentResult;
import dev.edgegateway.wire.CookieHeader;
import dev.edgegateway.wire.QueryParams;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Klevu routes @klevu/core reaches when its base URLs point at the gateway: the visitor session (segment
 * verticle), the KMC settings (recs verticle's config, with {@code search.basePath} pointed back at us) and the
 * search (recs verticle). The SDK's analytics collect is in {@code EventRoutes}. They serve only the configured
 * Klevu API keys ({@link KlevuRoutesOptions}): any other answers 403 before any call, so nobody borrows the gateway
 * (its caches, its connections, its standing with Klevu) for another store.
 */
final class KlevuRoutes {
  private final HttpOptions options;
  private final KlevuRoutesOptions keys;
  private final IdentityService identity;
  private final RecsService recs;
  private final ShopperSegments segments;
  private final ShopperIdentity shoppers;
  private final PublicAuthority publicAuthority;
  private final CdnAnswers cdn;

  KlevuRoutes(HttpOptions options, KlevuRoutesOptions keys, IdentityService identity, RecsService recs,
      ShopperSegments segments, ShopperIdentity shoppers, CdnAnswers cdn) {
    this.options = options;
    this.publicAuthority = new PublicAuthority(options.publicBaseUrl(), options.publicHosts());
    this.keys = keys;
    this.identity = identity;
    this.recs = recs;
    this.segments = segments;
    this.shoppers = shoppers;
    this.cdn = cdn;
  }

  /** {@code POST /klevu/visitor/public/1.0/{apiKey}/session}. */
  void session(RoutingContext ctx) {
    String apiKey = ctx.pathParam("apiKey");
    if (!RequestValues.isKey(apiKey)) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "bad api key");
    }
    served(apiKey);
    JsonObject body = RequestValues.jsonBody(ctx);
    String sessionId = RequestValues.validSession(body.getValue("sessionId") instanceof String s ? s : null);
    String exchangeId = null;
    JsonObject info = body.getValue("sessionInfo") instanceof JsonObject i ? i : null;
    JsonArray connectors = info != null && info.getValue("connectorInfo") instanceof JsonArray a ? a : null;
    if (connectors != null) {
      for (Object c : connectors) {
        if (c instanceof JsonObject connector && "klaviyo".equals(connector.getValue("connectorType"))
            && connector.getValue("exchangeId") instanceof String id) {
          exchangeId = id;
        }
      }
    }
    Deadline deadline = RequestIds.of(ctx).deadline(options.requestTimeoutMs());
    // the identity service validates and hashes the exchange id, exactly as for a _kx link parameter
    Future<Identity> shopper = exchangeId == null ? Future.succeededFuture(Identity.ANONYMOUS)
        : identity.resolve(new IdentityRequest(null, null, exchangeId, null), deadline).otherwise(Identity.ANONYMOUS);
    Map<String, String> sent = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    shopper.compose(id -> sessionOf(apiKey, id, sessionId, sent, deadline))
        .onSuccess(seg -> {
          ctx.response().putHeader("X-Cache", seg.cacheStatus().header());
          Responses.json(ctx, 200, seg.degraded() ? Outcome.DEGRADED : Outcome.OK, new JsonObject()
              .put("apikey", apiKey)
              .put("sessionId", seg.klevuSessionId())
              .put("segmentInfo", new JsonObject()
                  .put("segments", new JsonArray(new ArrayList<>(seg.segments())))
                  // never 0: the SDK would ask again in a tight loop
                  .put("ttl", Math.max(seg.ttlSeconds(), 30))));
        })
        .onFailure(t -> Responses.error(ctx, t));
  }

  /**
   * An anonymous visitor without a session id in the body keeps the one its {@code edge_ks} cookie holds, else gets
   * the one kept under its Klaviyo client id (single-flighted, reused for its TTL): a burst of SDK calls from one
   * browser makes one Klevu session. A visitor that names nothing gets its own.
   */
  private Future<SegmentResult> sessionOf(String apiKey, Identity shopper, String sessionId, Map<String, String> sent,
      Deadline deadline) {
    if (shopper.identified() || sessionId != null) {
      return segments.klevuSession(apiKey, shopper, sessionId, deadline);
    }
    String held = RequestValues.validSession(sent.get(ShopperCookies.SESSION));
    if (held != null) {
      return segments.klevuSession(apiKey, shopper, held, deadline);
    }
    Identity visitor = shoppers.resolve(sent, QueryParams.parse(null));
    String visitorHash = visitor.identified() ? null : shoppers.visitorHash(visitor);
    return visitorHash == null ? segments.klevuSession(apiKey, shopper, null, deadline)
        : segments.visitorSession(apiKey, visitorHash, deadline);
  }

  /** {@code GET /klevu/recommendations/{apiKey}/settings/{recsKey}}. */
  void settings(RoutingContext ctx) {
    String apiKey = ctx.pathParam("apiKey");
    String recsKey = ctx.pathParam("recsKey");
    if (!RequestValues.isKey(apiKey) || !RequestValues.isKey(recsKey)) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "bad api key or recsKey");
    }
    served(apiKey);
    QueryParams query = QueryParams.parse(ctx.request().query());
    List<String> sids = RequestValues.canonicalSids(query.get("sids"));
    RecsRequest page = new RecsRequest(apiKey, recsKey, sids, RequestValues.bounded(query.get("pid")),
        RequestValues.bounded(query.get("gpid")), RequestValues.bounded(query.get("cp")));
    recs.config(new ConfigRequest(page), RequestIds.of(ctx).deadline(options.requestTimeoutMs()))
        .onSuccess(answer -> {
          ctx.response().putHeader("X-Cache", answer.cacheStatus().header());
          // the config for these sids and page context, the same for everyone (its basePath may name the Host)
          cdn.sendPublic(ctx, "klevu_settings", rewriteBasePath(ctx, answer).toBuffer(), false,
              CdnAnswers.secondsLeft(answer.freshUntil(), cdn.options().configTtlSeconds()),
              CdnAnswers.surrogateKey(recsKey), publicAuthority.variesByHost() ? "Host" : null);
        })
        .onFailure(t -> Responses.error(ctx, t));
  }

  /** {@code POST /klevu/search/{host}/{path}}: where the rewritten {@code basePath} sends the SDK's searches. */
  void search(RoutingContext ctx) {
    String host = ctx.pathParam("host");
    String path = ctx.pathParam("*");
    JsonObject body = RequestValues.jsonBody(ctx);
    // Klevu reads the store from the payload: every key in it must be one we serve
    JsonArray apiKeys = body.getValue("context") instanceof JsonObject context
        && context.getValue("apiKeys") instanceof JsonArray listed ? listed : new JsonArray();
    if (apiKeys.isEmpty()) {
      throw new OutcomeException(Outcome.FORBIDDEN_UPSTREAM, FailureClass.API_KEY_NOT_SERVED, "search names no api key");
    }
    apiKeys.forEach(key -> served(key instanceof String s ? s : null));
    recs.search(new SearchRequest(host, "/" + (path == null ? "" : path), body),
            RequestIds.of(ctx).deadline(options.requestTimeoutMs()))
        .onSuccess(answer -> {
          ctx.response().putHeader("X-Cache", answer.cacheStatus().header());
          if (CdnAnswers.namesVisitor(body)) {
            cdn.sendPrivate(ctx, "klevu_search", 200, Outcome.OK, answer.response().toBuffer(), null);
          } else {
            cdn.sendPublic(ctx, "klevu_search", answer.response().toBuffer(), false,
                CdnAnswers.secondsLeft(answer.freshUntil(), cdn.options().searchTtlSeconds()),
                CdnAnswers.SEARCH_SURROGATE_KEY, null);
          }
        })
        .onFailure(t -> Responses.error(ctx, t));
  }

  private void served(String apiKey) {
    if (!keys.serves(apiKey)) {
      throw new OutcomeException(Outcome.FORBIDDEN_UPSTREAM, FailureClass.API_KEY_NOT_SERVED, "api key not served");
    }
  }

  /** Points {@code search.basePath} at our search route, keeping the original host in the path. */
  private JsonObject rewriteBasePath(RoutingContext ctx, ConfigAnswer answer) {
    JsonObject config = answer.config().copy();
    JsonObject search = config.getValue("search") instanceof JsonObject s ? s : null;
    if (search == null || !(search.getValue("basePath") instanceof String basePath)) {
      return config;
    }
    SearchBasePath original = SearchBasePath.parse(basePath);
    // our public host, without scheme (Klevu's SDK puts https:// in front)
    search.put("basePath", publicAuthority.of(ctx) + "/klevu/search/" + original.host() + original.path());
    return config;
  }
}
