package dev.edgegateway.sim;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * {@code POST /public/1.0/{apiKey}/session}: Klevu visitor service (docs/upstream-apis.md §2).
 *
 * <p>Body {@code {"apiKey"|"apikey":..., "sessionId"?:..., "sessionInfo"?:{"connectorInfo":[{"connectorType":"klaviyo","exchangeId":...}]}}}.
 * No {@code sessionId}: a new UUID session is minted; an unknown one is accepted as is. A klaviyo
 * connector's {@code exchangeId} is remembered for the session (latest wins); segments are derived from the
 * session's exchange id ({@code []} without one).
 */
final class KlevuVisitorHandler implements Handler<RoutingContext> {

  private final SimulatorState state;

  KlevuVisitorHandler(SimulatorState state) {
    this.state = state;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!(Replies.parseBody(ctx) instanceof JsonObject body)) {
      Replies.klevuError(ctx, state, 400, "request body must be a JSON object");
      return;
    }
    String apiKey = ctx.pathParam("apiKey");
    Object k = body.getValue("apiKey");
    if (k == null) {
      k = body.getValue("apikey");
    }
    if (k != null) {
      if (!(k instanceof String s) || s.isEmpty()) {
        Replies.klevuError(ctx, state, 400, "apiKey must be a non-empty string");
        return;
      }
      apiKey = s;
    }
    Object sid = body.getValue("sessionId");
    String sessionId;
    if (sid == null || (sid instanceof String s0 && s0.isEmpty())) {
      sessionId = Det.randomUuid();
    } else if (sid instanceof String s) {
      sessionId = s;
    } else {
      Replies.klevuError(ctx, state, 400, "sessionId must be a string");
      return;
    }
    String exchangeId = null;
    Object info = body.getValue("sessionInfo");
    if (info != null) {
      if (!(info instanceof JsonObject infoObj)) {
        Replies.klevuError(ctx, state, 400, "sessionInfo must be an object");
        return;
      }
      Object connectors = infoObj.getValue("connectorInfo");
      if (connectors != null) {
        if (!(connectors instanceof JsonArray arr)) {
          Replies.klevuError(ctx, state, 400, "sessionInfo.connectorInfo must be an array");
          return;
        }
        for (Object c : arr) {
          if (!(c instanceof JsonObject conn)) {
            Replies.klevuError(ctx, state, 400, "sessionInfo.connectorInfo[] must hold objects");
            return;
          }
          if (conn.getValue("connectorType") instanceof String t && t.equalsIgnoreCase("klaviyo")
              && conn.getValue("exchangeId") instanceof String x && !x.isBlank()) {
            exchangeId = x;
          }
        }
      }
    }
    if (exchangeId != null) {
      state.linkSession(sessionId, exchangeId);
    } else {
      exchangeId = state.exchangeIdOf(sessionId);
    }
    List<String> segments = exchangeId == null ? List.of() : Catalog.segmentsFor(exchangeId, state.segmentSeed());
    JsonObject out = new JsonObject()
        .put("apikey", apiKey)
        .put("sessionId", sessionId)
        .put("segmentInfo", new JsonObject()
            .put("segments", new JsonArray(segments))
            .put("ttl", state.sessionTtlSeconds()));
    Replies.json(ctx, 200, out.encode());
  }
}
