package dev.edgegateway.http;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * Whether requests get an access line, and which share of the successful ones (see {@link Settings#ACCESS_LOG}).
 *
 * @param sample fraction of successful requests (2xx, outcome {@code ok}) logged, 0 to 1
 */
public record AccessLogOptions(boolean enabled, double sample) {
  public AccessLogOptions {
    if (!(sample >= 0 && sample <= 1)) {
      throw new IllegalArgumentException(Settings.ACCESS_LOG_SAMPLE.path() + " (" + Settings.ACCESS_LOG_SAMPLE.env()
          + ") must be between 0 and 1, got " + sample);
    }
  }

  public static AccessLogOptions from(ConfigReader config) {
    return new AccessLogOptions(config.bool(Settings.ACCESS_LOG), config.doubleValue(Settings.ACCESS_LOG_SAMPLE));
  }

  public static AccessLogOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }
}
