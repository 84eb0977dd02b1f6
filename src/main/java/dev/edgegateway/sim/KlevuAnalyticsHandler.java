package dev.edgegateway.sim;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * {@code POST /analytics/collect}: Klevu analytics (docs/upstream-apis.md §5). Body must be a JSON array of event
 * objects: 200 with an empty body, {@code events} counter += array size, events kept in the ring for
 * {@code GET /__sim/events}. Form posts (the sendBeacon {@code 0=[object Object]} replay) and anything that is
 * not a JSON array of objects get 400.
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
    for (int i = 0; i < events.size(); i++) {
      if (!(events.getValue(i) instanceof JsonObject)) {
        Replies.klevuError(ctx, state, 400, "every event must be a JSON object");
        return;
      }
    }
    state.add(SimCounter.EVENTS, events.size());
    state.storeEvents(events);
    if (!Replies.gone(ctx)) {
      ctx.response().setStatusCode(200).end();
    }
  }
}
