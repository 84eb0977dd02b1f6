package dev.edgegateway.http;

import dev.edgegateway.events.EventBatch;
import dev.edgegateway.events.EventsService;
import dev.edgegateway.events.KlevuCollect;
import dev.edgegateway.events.PageEvents;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.identity.Identity;
import dev.edgegateway.identity.IdentityService;
import dev.edgegateway.identity.IdentitySource;
import dev.edgegateway.segments.SegmentResult;
import dev.edgegateway.wire.CookieHeader;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/events} (the page's impressions and clicks) and {@code POST /klevu/analytics/collect}
 * (the Klevu SDK's own events): validated on the event loop, then handed to the outbox. An accepted event
 * is the outbox's to deliver; a full outbox answers 503 with {@code Retry-After}.
 */
final class EventRoutes {
  private final HttpOptions options;
  private final EventsService events;
  private final IdentityService identity;
  private final ShopperSegments sessions;
  private final ShopperIdentity shoppers;
  private final ShopperCookies cookies;

  EventRoutes(HttpOptions options, EventsService events, IdentityService identity, ShopperSegments sessions,
      ShopperIdentity shoppers, ShopperCookies cookies) {
    this.options = options;
    this.events = events;
    this.identity = identity;
    this.sessions = sessions;
    this.shoppers = shoppers;
    this.cookies = cookies;
  }

  void pageEvents(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    Deadline deadline = RequestIds.of(ctx).deadline(options.requestTimeoutMs());
    Map<String, String> sent = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    String session = RequestValues.validSession(sent.get(ShopperCookies.SESSION));
    // validate before any lookup: a bad body costs nothing upstream
    PageEvents.toKlevu(body, null);
    // the first event of a shopper without a session is what makes one (a page never does for an anonymous one)
    Future<String> sessionId = session != null ? Future.succeededFuture(session)
        : identity.resolve(ShopperCookies.identityRequest(sent, null), deadline)
            .compose(shopper -> sessionFor(shopper, deadline))
            .otherwise((String) null);
    sessionId.compose(id -> enqueue(PageEvents.toKlevu(body, id), deadline).map(accepted -> {
          cookies.setSession(ctx, session, id);
          return accepted;
        }))
        .onSuccess(accepted -> Responses.json(ctx, 202, Outcome.OK, new JsonObject().put("accepted", accepted)))
        .onFailure(t -> Responses.error(ctx, t));
  }

  private Future<String> sessionFor(Identity shopper, Deadline deadline) {
    if (shopper.identified()) {
      return sessions.klevuSession(options.apiKey(), shopper, null, deadline)
          .map(SegmentResult::klevuSessionId);
    }
    if (shopper.source() == IdentitySource.OPTED_OUT) {
      return Future.succeededFuture();
    }
    return sessions.visitorSession(shoppers.visitorHash(shopper), deadline)
        .map(SegmentResult::klevuSessionId);
  }

  void klevuCollect(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    List<JsonObject> parsed = KlevuCollect.parse(ctx.request().getHeader("Content-Type"), body);
    enqueue(parsed, RequestIds.of(ctx).deadline(options.requestTimeoutMs()))
        .onSuccess(accepted -> Responses.json(ctx, 200, Outcome.OK, new JsonObject().put("accepted", accepted)))
        .onFailure(t -> Responses.error(ctx, t));
  }

  private Future<Integer> enqueue(List<JsonObject> klevuEvents, Deadline deadline) {
    return events.enqueue(new EventBatch(klevuEvents), deadline).map(receipt -> receipt.accepted());
  }
}
