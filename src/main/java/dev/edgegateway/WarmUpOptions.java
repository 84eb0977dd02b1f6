package dev.edgegateway;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * The {@code warmUp} settings: how much synthetic traffic {@link WarmUp} runs before the gateway starts.
 *
 * @param pages rounds to run; 0 (or less) = none
 * @param maxMs a slow or busy machine stops warming up here and starts anyway
 * @param concurrency rounds in flight at once
 */
public record WarmUpOptions(int pages, long maxMs, int concurrency) {

  public static WarmUpOptions from(ConfigReader config) {
    return new WarmUpOptions(
        Math.max(0, config.intValue(Settings.WARMUP_PAGES)),
        Math.max(0, config.longValue(Settings.WARMUP_MAX_MS)),
        config.positiveInt(Settings.WARMUP_CONCURRENCY));
  }

  public static WarmUpOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }

  public boolean enabled() {
    return pages > 0 && maxMs > 0;
  }
}
