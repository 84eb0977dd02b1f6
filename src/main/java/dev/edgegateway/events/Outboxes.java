package dev.edgegateway.events;

import dev.edgegateway.cache.RedisBackend;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.Optional;

/** The one place that picks the outbox: a Redis Stream when Redis is configured, else memory. */
public final class Outboxes {
  private Outboxes() {
  }

  public static Outbox create(Vertx vertx, EventsOptions options, Optional<RedisBackend> redis) {
    if (redis.isEmpty()) {
      return new MemoryOutbox(options.outboxCapacity(), options.outboxMaxBytes());
    }
    return new RedisOutbox(vertx, redis.get(), options, consumerName(options), Metrics.of(vertx));
  }

  /** The configured name, else host name and process id: unique per live process, a pod's name on Kubernetes. */
  static String consumerName(EventsOptions options) {
    if (options.consumer() != null && !options.consumer().isBlank()) {
      return options.consumer();
    }
    // HOSTNAME first: a name lookup may block, and on Kubernetes it is the pod's name
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        host = "gateway";
      }
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}
