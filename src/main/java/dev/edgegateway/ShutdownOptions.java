package dev.edgegateway;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * The shutdown settings: what the gateway does between SIGTERM and its exit (see {@link Gateway#shutdown}).
 *
 * @param drainMs not ready but still serving, every answer with {@code Connection: close}
 * @param graceMs after accepting stops, how long requests in flight may take to finish
 * @param eventsDrainMs then how long the outbox keeps sending
 */
public record ShutdownOptions(long drainMs, long graceMs, long eventsDrainMs) {
  /** Closing the clients and Vert.x, and the JVM's exit, after the three phases. */
  static final long CLOSE_MARGIN_MS = 5_000;

  public static ShutdownOptions from(ConfigReader config) {
    boolean graceUnset = config.string(Settings.SHUTDOWN_GRACE_MS).isBlank();
    return new ShutdownOptions(
        config.nonNegativeLong(Settings.SHUTDOWN_DRAIN_MS),
        graceUnset ? config.positiveLong(Settings.REQUEST_TIMEOUT_MS) : config.nonNegativeLong(Settings.SHUTDOWN_GRACE_MS),
        config.nonNegativeLong(Settings.EVENTS_DRAIN_MS));
  }

  public static ShutdownOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }

  /** The longest the whole sequence may take before the process gives up waiting and exits anyway. */
  public long boundMs() {
    return drainMs + graceMs + eventsDrainMs + CLOSE_MARGIN_MS;
  }
}
