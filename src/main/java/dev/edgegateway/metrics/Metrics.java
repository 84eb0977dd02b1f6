package dev.edgegateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The meter registry of one Vert.x instance. The launcher binds the Prometheus registry it scrapes;
 * tests and tools that bind none get a private in-memory registry, so figures never leak between instances.
 * Tag values are always bounded enums or configured names, never shopper data.
 */
public final class Metrics {
  private static final Map<Vertx, MeterRegistry> REGISTRIES = new WeakHashMap<>();

  private Metrics() {
  }

  public static synchronized void bind(Vertx vertx, MeterRegistry registry) {
    REGISTRIES.put(vertx, registry);
  }

  public static synchronized MeterRegistry of(Vertx vertx) {
    return REGISTRIES.computeIfAbsent(vertx, v -> new SimpleMeterRegistry());
  }
}
