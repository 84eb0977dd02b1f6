package dev.edgegateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
import java.util.function.ToDoubleFunction;

/**
 * The meter registry of one Vert.x instance. The launcher binds the Prometheus registry it scrapes;
 * tests and tools that bind none get a private in-memory registry, so figures never leak between instances.
 * Tag values are always bounded enums or configured names, never shopper data. The gateway's own {@code edge_*}
 * meters are built here, each with its description from {@link MeterDescriptions} (the Prometheus help text).
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

  /** The counter {@code name} with these tags (key, value, ...), registered once. */
  public static Counter counter(MeterRegistry registry, String name, String... tags) {
    return Counter.builder(name).description(MeterDescriptions.of(name)).tags(tags).register(registry);
  }

  public static Timer.Builder timer(String name) {
    return Timer.builder(name).description(MeterDescriptions.of(name));
  }

  public static DistributionSummary.Builder summary(String name) {
    return DistributionSummary.builder(name).description(MeterDescriptions.of(name));
  }

  public static <T> Gauge.Builder<T> gauge(String name, T state, ToDoubleFunction<T> value) {
    return Gauge.builder(name, state, value).description(MeterDescriptions.of(name));
  }

  public static <T> FunctionCounter.Builder<T> functionCounter(String name, T state, ToDoubleFunction<T> count) {
    return FunctionCounter.builder(name, state, count).description(MeterDescriptions.of(name));
  }
}
