package dev.edgegateway.http;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.identity.Identity;
import dev.edgegateway.wire.CookieHeader;
import dev.edgegateway.wire.QueryParams;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** {@code GET /v1/segments}: the shopper's Klevu segments, and the same as Algolia {@code ruleContexts}. */
final class SegmentsRoute implements Handler<RoutingContext> {
  private static final Pattern RULE_CONTEXT_INVALID = Pattern.compile("[^A-Za-z0-9_-]");
  private static final int MAX_RULE_CONTEXTS = 10;

  private final HttpOptions options;
  private final ShopperIdentity identity;
  private final ShopperCookies cookies;
  private final ShopperSegments segments;
  private final MeterRegistry registry;

  SegmentsRoute(HttpOptions options, ShopperIdentity identity, ShopperCookies cookies, ShopperSegments segments,
      MeterRegistry registry) {
    this.options = options;
    this.identity = identity;
    this.cookies = cookies;
    this.segments = segments;
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    QueryParams query = QueryParams.parse(ctx.request().query());
    RequestIds ids = RequestIds.of(ctx);
    Deadline deadline = ids.deadline(options.requestTimeoutMs());
    Map<String, String> sent = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    DegradedSteps degraded = new DegradedSteps(registry, ids);
    Identity shopper = identity.resolve(sent, query);
    ids.shopper(shopper.exchangeIdHash());
    cookies.setIdentity(ctx, shopper);
    String sessionCookie = sent.get(ShopperCookies.SESSION);
    segments.lookup(segments.requestFor(shopper, sessionCookie), deadline, degraded).onSuccess(seg -> {
      cookies.setSession(ctx, sessionCookie, seg.klevuSessionId());
      ctx.response().putHeader("X-Cache", seg.cacheStatus().header());
      Responses.json(ctx, 200, degraded.isEmpty() ? Outcome.OK : Outcome.DEGRADED, new JsonObject()
          .put("identified", shopper.identified())
          .put("segments", new JsonArray(new ArrayList<>(seg.segments())))
          .put("ruleContexts", new JsonArray(ruleContexts(seg.segments())))
          .put("ttl", seg.ttlSeconds())
          .put("degraded", new JsonArray(new ArrayList<>(degraded.list()))));
    }).onFailure(t -> Responses.error(ctx, t));
  }

  /** Algolia's {@code ruleContexts}: at most 10 strings of {@code [A-Za-z0-9_-]}. */
  static List<String> ruleContexts(List<String> segments) {
    TreeSet<String> contexts = new TreeSet<>();
    for (String segment : segments) {
      String clean = RULE_CONTEXT_INVALID.matcher(segment).replaceAll("_");
      if (!clean.isEmpty() && contexts.size() < MAX_RULE_CONTEXTS) {
        contexts.add(clean.length() > 64 ? clean.substring(0, 64) : clean);
      }
    }
    return new ArrayList<>(contexts);
  }
}
