package dev.edgegateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
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

  /**
   * The JVM under the gateway: heap and GC pauses, threads, JIT compile time, CPU, uptime, open files
   * ({@code jvm_*}, {@code process_*}, {@code system_*}).
   */
  public static void bindJvm(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry); // lives as long as the process: never closed
    new JvmThreadMetrics().bindTo(registry);
    new JvmCompilationMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  public static synchronized MeterRegistry of(Vertx vertx) {
    return REGISTRIES.computeIfAbsent(vertx, v -> new SimpleMeterRegistry());
  }
}
