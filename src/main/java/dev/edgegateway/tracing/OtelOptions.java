package dev.edgegateway.tracing;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Span export over OTLP/HTTP (see {@link Settings#OTEL_ENDPOINT}): off while the endpoint is empty.
 *
 * @param endpoint base URL of the OTLP/HTTP receiver, spans go to {@code <endpoint>/v1/traces}; empty = off
 * @param serviceName {@code service.name} of the spans
 * @param sampleRatio fraction of traces exported, 0 to 1
 */
public record OtelOptions(String endpoint, String serviceName, double sampleRatio) {
  public OtelOptions {
    if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
      throw new IllegalArgumentException(Settings.OTEL_SAMPLE_RATIO.path() + " (" + Settings.OTEL_SAMPLE_RATIO.env()
          + ") must be between 0 and 1, got " + sampleRatio);
    }
  }

  public static OtelOptions from(ConfigReader config) {
    boolean on = !config.string(Settings.OTEL_ENDPOINT).isBlank();
    String endpoint = on ? config.httpUrl(Settings.OTEL_ENDPOINT) : "";
    return new OtelOptions(endpoint, config.stringOrDefault(Settings.OTEL_SERVICE_NAME).trim(),
        config.doubleValue(Settings.OTEL_SAMPLE_RATIO));
  }

  /** From the environment alone: the tracer is installed with Vert.x, before the config file is read. */
  public static OtelOptions fromEnvironment(Map<String, String> env) {
    return from(ConfigReader.of(GatewayConfig.resolve(new JsonObject(), env)));
  }

  public boolean enabled() {
    return !endpoint.isEmpty();
  }

  /** Where the spans are posted. */
  public String tracesUrl() {
    return (endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint) + "/v1/traces";
  }
}
