package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;
import io.vertx.core.json.JsonObject;

/** A search to run on an allowlisted Klevu search host ({@code host} may carry a port), for the proxy route. */
public record SearchRequest(String host, String path, JsonObject body) implements LocalMessage {
}
