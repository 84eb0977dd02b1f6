package dev.edgegateway.http;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * How long a client connection may stay silent, take over its headers and over its body, and how many may be open
 * at once (see {@link Settings} for docs and env names); {@link ConnectionGuard} enforces them.
 *
 * @param idleTimeoutSeconds a connection with no byte read or written for this long is closed (Netty's idle timer)
 * @param headerTimeoutMs a connection's request headers must be complete this long after it opened (after a
 *     keep-alive answer: the idle timeout plus this)
 * @param bodyTimeoutMs a request's body must be complete this long after its headers
 * @param maxConnections open connections of the listener, every instance together; past it a new one is closed
 */
public record ConnectionLimits(int idleTimeoutSeconds, long headerTimeoutMs, long bodyTimeoutMs, int maxConnections) {
  /** The ops port's cap: probes and scrapes need a handful, and nobody may crowd them out with a thousand. */
  static final int OPS_MAX_CONNECTIONS = 128;

  public static ConnectionLimits from(ConfigReader config) {
    return new ConnectionLimits(
        config.intBetween(Settings.HTTP_IDLE_TIMEOUT_S, 1, 86_400),
        config.longBetween(Settings.HTTP_HEADER_TIMEOUT_MS, 1, 3_600_000),
        config.longBetween(Settings.HTTP_BODY_TIMEOUT_MS, 1, 3_600_000),
        config.positiveInt(Settings.HTTP_MAX_CONNECTIONS));
  }

  public static ConnectionLimits from(JsonObject config) {
    return from(ConfigReader.of(config));
  }

  /** The same timeouts with the ops port's cap. */
  ConnectionLimits forOps() {
    return new ConnectionLimits(idleTimeoutSeconds, headerTimeoutMs, bodyTimeoutMs,
        Math.min(maxConnections, OPS_MAX_CONNECTIONS));
  }

  long idleTimeoutMs() {
    return idleTimeoutSeconds * 1000L;
  }

  /** Netty's idle timer: the silent connection. */
  HttpServerOptions applyTo(HttpServerOptions options) {
    return options.setIdleTimeout(idleTimeoutSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS);
  }
}
