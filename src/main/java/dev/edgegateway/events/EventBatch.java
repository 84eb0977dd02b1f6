package dev.edgegateway.events;

import dev.edgegateway.bus.LocalMessage;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Klevu analytics events, already validated and in Klevu's shape, to send to the stats endpoint. */
public record EventBatch(List<JsonObject> events) implements LocalMessage {
}
