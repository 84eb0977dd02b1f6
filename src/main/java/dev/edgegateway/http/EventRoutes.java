package dev.edgegateway.http;

import dev.edgegateway.events.EventBatch;
import dev.edgegateway.events.EventsReceipt;
import dev.edgegateway.events.EventsService;
import dev.edgegateway.events.KlevuCollect;
import dev.edgegateway.events.PageEvents;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.identity.Identity;
import dev.edgegateway.identity.IdentityService;
import dev.edgegateway.identity.IdentitySource;
import dev.edgegateway.recs.ClicksRecorded;
import dev.edgegateway.recs.ClicksRequest;
import dev.edgegateway.recs.RecentClicks;
import dev.edgegateway.recs.RecsService;
import dev.edgegateway.segments.SegmentResult;
import dev.edgegateway.wire.CookieHeader;
import dev.edgegateway.wire.QueryParams;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/events} (the page's impressions and clicks) and {@code POST /klevu/analytics/collect}
 * (the Klevu SDK's own events): validated on the event loop, then handed to the outbox. An accepted event
 * is the outbox's to deliver; a full outbox answers 503 with {@code Retry-After}. The products clicked through
 * {@code /v1/events} also go to the shopper's last clicked list (as the SDK's clicks go to its localStorage) before
 * the answer, so the shopper's next page sees them; a list that cannot be written costs the page nothing. An event
 * over the size limit of one event is refused alone: the answer lists it under {@code rejected} and the request's
 * other events are accepted (413 when none is left).
 */
final class EventRoutes {
  private final HttpOptions options;
  private final EventsService events;
  private final IdentityService identity;
  private final ShopperSegments sessions;
  private final ShopperIdentity shoppers;
  private final ShopperCookies cookies;
  private final RecsService recs;

  EventRoutes(HttpOptions options, EventsService events, IdentityService identity, ShopperSegments sessions,
      ShopperIdentity shoppers, ShopperCookies cookies, RecsService recs) {
    this.options = options;
    this.events = events;
    this.identity = identity;
    this.sessions = sessions;
    this.shoppers = shoppers;
    this.cookies = cookies;
    this.recs = recs;
  }

  void pageEvents(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    Deadline deadline = RequestIds.of(ctx).deadline(options.requestTimeoutMs());
    Map<String, String> sent = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    String session = RequestValues.validSession(sent.get(ShopperCookies.SESSION));
    // validate and map before any lookup: a bad body costs nothing upstream; the session is filled in once known
    List<JsonObject> mapped = PageEvents.toKlevu(body, options.apiKey(), null);
    List<String> clicked = PageEvents.clickedIds(mapped);
    String clicks = clicked.isEmpty() ? null : RecentClicks.shopperKey(shoppers.resolveUnsealed(sent,
        QueryParams.parse(ctx.request().query())).identity().exchangeIdHash(), session);
    // the first event of a shopper without a session is what makes one (a page never does for an anonymous one);
    // within the segments budget, as a page's lookup: a hanging visitor service must leave time to queue the events
    Deadline lookup = deadline.cap(options.segmentsBudgetMs());
    Future<String> sessionId = session != null ? Future.succeededFuture(session)
        : identity.resolve(ShopperCookies.identityRequest(sent, null), lookup)
            .compose(shopper -> sessionFor(shopper, lookup))
            .otherwise((String) null);
    sessionId.compose(id -> {
      Future<EventsReceipt> queued = enqueue(PageEvents.withSession(mapped, id), deadline);
      Future<?> remembered = clicks == null ? Future.succeededFuture()
          : recs.clicked(new ClicksRequest(clicks, clicked), deadline).otherwise((ClicksRecorded) null);
      return Future.join(queued, remembered).transform(done -> queued).map(accepted -> {
        cookies.setSession(ctx, session, id);
        return accepted;
      });
    })
        .onSuccess(receipt -> Responses.json(ctx, 202, Outcome.OK, answer(receipt)))
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
    Map<String, String> sent = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    // forwarded as the SDK sent it; only an event without a session gets the one the shopper's cookie holds
    List<JsonObject> parsed = KlevuCollect.parse(ctx.request().getHeader("Content-Type"), body, options.apiKey(),
        RequestValues.validSession(sent.get(ShopperCookies.SESSION)));
    enqueue(parsed, RequestIds.of(ctx).deadline(options.requestTimeoutMs()))
        .onSuccess(receipt -> Responses.json(ctx, 200, Outcome.OK, answer(receipt)))
        .onFailure(t -> Responses.error(ctx, t));
  }

  private Future<EventsReceipt> enqueue(List<JsonObject> klevuEvents, Deadline deadline) {
    return events.enqueue(new EventBatch(klevuEvents), deadline);
  }

  /** {@code {"accepted":n}}, plus {@code rejected} (position and reason of each event refused alone) when any. */
  private static JsonObject answer(EventsReceipt receipt) {
    JsonObject body = new JsonObject().put("accepted", receipt.accepted());
    if (!receipt.tooLarge().isEmpty()) {
      JsonArray rejected = new JsonArray();
      receipt.tooLarge().forEach(i -> rejected.add(new JsonObject().put("index", i)
          .put("error", Outcome.PAYLOAD_TOO_LARGE.tag()).put("message", "event over the size limit of one event")));
      body.put("rejected", rejected);
    }
    return body;
  }
}
