package dev.edgegateway.http;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * What the Klevu-compatible routes read from the gateway config (see {@link Settings}).
 *
 * @param apiKeys the Klevu API keys they serve: {@code EDGE_KLEVU_API_KEYS}, or {@code EDGE_KLEVU_API_KEY} alone
 */
public record KlevuRoutesOptions(Set<String> apiKeys) {
  public static KlevuRoutesOptions from(ConfigReader config) {
    List<String> keys = config.list(Settings.KLEVU_API_KEYS);
    return new KlevuRoutesOptions(Set.copyOf(keys.isEmpty() ? List.of(config.stringOrDefault(Settings.KLEVU_API_KEY)) : keys));
  }

  public static KlevuRoutesOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }

  /** Whether the routes serve {@code apiKey}. */
  boolean serves(String apiKey) {
    return apiKey != null && apiKeys.contains(apiKey);
  }
}
