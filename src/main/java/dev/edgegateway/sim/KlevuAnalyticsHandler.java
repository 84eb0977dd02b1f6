package dev.edgegateway.sim;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * {@code POST /analytics/collect}: Klevu analytics (docs/upstream-apis.md §5). Body must be a JSON array of events
 * shaped as {@code @klevu/core} sends them ({@link KlevuShapes#events}): 200 with an empty body, {@code events}
 * counter += array size ({@code duplicate_events} += those whose payload it took before), events kept in the ring for {@code GET /__sim/events}. Form posts (the sendBeacon
 * {@code 0=[object Object]} replay), anything that is not a JSON array of objects, and any event the SDK would not
 * have sent (a guide-style {@code session_id}, a numeric price, an unknown field...) get 400 and store nothing. A body
 * over the simulator's {@code maxBodyBytes} (64 KiB) gets 413 before it gets here, as a collector's size limit would.
 */
final class KlevuAnalyticsHandler implements Handler<RoutingContext> {

  private final SimulatorState state;

  KlevuAnalyticsHandler(SimulatorState state) {
    this.state = state;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String ct = ctx.request().getHeader("content-type");
    if (ct != null) {
      String c = ct.toLowerCase(Locale.ROOT);
      if (c.startsWith("multipart/") || c.startsWith("application/x-www-form-urlencoded")) {
        Replies.klevuError(ctx, state, 400, "body must be a JSON array of events, not form data");
        return;
      }
    }
    if (!(Replies.parseBody(ctx) instanceof JsonArray events)) {
      Replies.klevuError(ctx, state, 400, "body must be a JSON array of events");
      return;
    }
    String wrong = !state.strictShapes() ? null : KlevuShapes.events(events);
    if (wrong != null) {
      Replies.klevuError(ctx, state, 400, "not an event @klevu/core sends: " + wrong);
      return;
    }
    // counted last: a reader that sees the count sees the events
    state.countDuplicates(events);
    state.storeEvents(events);
    state.add(SimCounter.EVENTS, events.size());
    if (!Replies.gone(ctx)) {
      ctx.response().setStatusCode(200).end();
    }
  }
}
