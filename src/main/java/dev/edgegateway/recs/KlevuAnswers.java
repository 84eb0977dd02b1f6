package dev.edgegateway.recs;

import dev.edgegateway.flow.FailureClass;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Reads Klevu's 2xx answers as part of their calls ({@code UpstreamClient.send(.., read)}): an answer cut off or of
 * the wrong shape fails its call, so it counts against the upstream's breaker, is never cached nor memoised as a
 * banner, and the stale entry it would have replaced is served instead (stale-if-error). Only what the gateway then
 * reads is checked: the parts whose wrong type would otherwise fail every page built on the cached answer.
 */
final class KlevuAnswers {
  /** Actions after which Klevu's own SDK makes no search call. */
  private static final Set<String> NO_SEARCH_ACTIONS = Set.of("HIDE_RECOMMENDATION", "STATIC_CONTENT");

  private KlevuAnswers() {
  }

  /** Why Klevu's metadata says to show nothing, or null to go on and search. */
  static String skipReason(JsonObject metadata) {
    if (Boolean.FALSE.equals(metadata.getValue("enabled"))) {
      return "disabled";
    }
    Object action = metadata.getValue("action");
    if (action instanceof String a && NO_SEARCH_ACTIONS.contains(a)) {
      return a.toLowerCase(java.util.Locale.ROOT);
    }
    return null;
  }

  /** A KMC config: {@code metadata} an object, and a {@code search} section whenever the metadata asks for a search. */
  static Future<JsonObject> config(UpstreamResponse response) {
    JsonObject json = object(response.body(), "config");
    if (!(json.getValue("metadata") instanceof JsonObject metadata)) {
      throw unreadable("config answer has no metadata object");
    }
    Object search = json.getValue("search");
    if (search == null && skipReason(metadata) != null) {
      return Future.succeededFuture(json);
    }
    if (!(search instanceof JsonObject section) || section.containsKey("basePath")
        && !(section.getValue("basePath") instanceof String)) {
      throw unreadable("config answer has no usable search section");
    }
    Object payload = section.getValue("payload");
    if (payload instanceof String text) {
      try {
        new JsonObject(text);
      } catch (DecodeException | ClassCastException e) {
        throw unreadable("config search payload is not JSON");
      }
    } else if (!(payload instanceof JsonObject)) {
      throw unreadable("config search payload is not JSON");
    }
    return Future.succeededFuture(json);
  }

  /** A search answer: {@code queryResults} a list, each result's {@code records} a list and {@code meta} an object. */
  static Future<JsonObject> search(UpstreamResponse response) {
    JsonObject json = object(response.body(), "search");
    if (!(json.getValue("queryResults") instanceof JsonArray results)) {
      throw unreadable("search answer has no queryResults list");
    }
    for (Object result : results) {
      if (result instanceof JsonObject one && (wrong(one.getValue("records"), JsonArray.class)
          || wrong(one.getValue("meta"), JsonObject.class))) {
        throw unreadable("search answer has a query result of the wrong shape");
      }
    }
    return Future.succeededFuture(json);
  }

  /** Present and not of the type read. */
  private static boolean wrong(Object value, Class<?> type) {
    return value != null && !type.isInstance(value);
  }

  private static JsonObject object(Buffer body, String what) {
    try {
      return new JsonObject(body == null ? Buffer.buffer("null") : body);
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      throw unreadable(what + " answer is not a JSON object");
    }
  }

  private static OutcomeException unreadable(String message) {
    return new OutcomeException(Outcome.UPSTREAM_ERROR, FailureClass.UPSTREAM_UNREADABLE, message);
  }
}
