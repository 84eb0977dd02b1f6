package dev.edgegateway.tracing;

import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.vertx.core.VertxBuilder;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Span export, installed into a Vert.x as it is built when {@link OtelOptions#enabled()}: an OpenTelemetry SDK of its
 * own (never the global one), W3C trace context, a sampler on the trace id, a batch processor with a bounded queue,
 * and OTLP/HTTP protobuf to the receiver; Vert.x's tracer from {@code vertx-opentelemetry} records the spans, behind
 * {@link RedactingTracer}. Closing the Vert.x flushes what is queued and stops the exporter.
 */
public final class OtelTracing {
  /** Spans waiting for export; past it new spans are dropped, so a slow or absent receiver costs no memory. */
  static final int MAX_QUEUE = 2_048;
  static final int MAX_BATCH = 512;
  static final Duration SCHEDULE_DELAY = Duration.ofSeconds(2);
  static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(OtelTracing.class);
  // the exporter reports failures to java.util.logging, outside the JSON log; CountingExporter logs them instead.
  // Held here: java.util.logging keeps its loggers weakly, and a collected one forgets its level.
  private static final java.util.logging.Logger EXPORTER_JUL = java.util.logging.Logger.getLogger("io.opentelemetry.exporter");

  private OtelTracing() {
  }

  /** {@code builder} with a tracer exporting to {@code options}' receiver; as it was when export is off. */
  public static VertxBuilder install(VertxBuilder builder, OtelOptions options, MeterRegistry registry) {
    if (!options.enabled()) {
      return builder;
    }
    EXPORTER_JUL.setLevel(Level.OFF);
    OpenTelemetrySdk sdk = sdk(options, registry);
    @SuppressWarnings("unchecked")
    VertxTracer<Object, Object> otel = (VertxTracer<Object, Object>)
        new OpenTelemetryTracingFactory(sdk).tracer(new OpenTelemetryOptions());
    LOG.info("tracing: spans of {} of the traces exported to {} as service {} (EDGE_OTEL_ENDPOINT empty turns it off)",
        options.sampleRatio(), options.tracesUrl(), options.serviceName());
    return builder.withTracer(tracingOptions -> new RedactingTracer(otel,
        () -> sdk.getSdkTracerProvider().shutdown().join(EXPORT_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS)));
  }

  static OpenTelemetrySdk sdk(OtelOptions options, MeterRegistry registry) {
    SpanExporter otlp = OtlpHttpSpanExporter.builder()
        .setEndpoint(options.tracesUrl())
        .setTimeout(EXPORT_TIMEOUT)
        .setMeterProvider(MeterProvider::noop)
        .build();
    BatchSpanProcessor batches = BatchSpanProcessor.builder(new CountingExporter(otlp, registry))
        .setMaxQueueSize(MAX_QUEUE)
        .setMaxExportBatchSize(MAX_BATCH)
        .setScheduleDelay(SCHEDULE_DELAY)
        .setExporterTimeout(EXPORT_TIMEOUT)
        .build();
    SdkTracerProvider traces = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), options.serviceName()))))
        .setSampler(new OnTheTraceId(options.sampleRatio()))
        .addSpanProcessor(batches)
        .build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(traces)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /**
   * The sample ratio decides on the trace id, for the gateway's own traces and for a caller's: a sampled flag sent
   * from outside does not force export, and every gateway and every span of one trace make the same choice. A span
   * with a parent recorded in this process follows it.
   */
  static final class OnTheTraceId implements Sampler {
    private final Sampler ratio;

    OnTheTraceId(double ratio) {
      this.ratio = Sampler.traceIdRatioBased(ratio);
    }

    @Override
    public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
        Attributes attributes, List<LinkData> links) {
      SpanContext parentSpan = Span.fromContext(parent).getSpanContext();
      if (parentSpan.isValid() && !parentSpan.isRemote()) {
        return parentSpan.isSampled() ? SamplingResult.recordAndSample() : SamplingResult.drop();
      }
      return ratio.shouldSample(parent, traceId, name, kind, attributes, links);
    }

    @Override
    public String getDescription() {
      return "OnTheTraceId{" + ratio.getDescription() + "}";
    }
  }

  /** {@code edge_tracing_spans_total{result}}: spans the receiver took, or that failed to reach it. */
  static final class CountingExporter implements SpanExporter {
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final SpanExporter delegate;
    private final Counter exported;
    private final Counter failed;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    CountingExporter(SpanExporter delegate, MeterRegistry registry) {
      this.delegate = delegate;
      this.exported = Metrics.counter(registry, "edge_tracing_spans_total", "result", "exported");
      this.failed = Metrics.counter(registry, "edge_tracing_spans_total", "result", "failed");
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      CompletableResultCode result = delegate.export(spans);
      result.whenComplete(() -> {
        if (result.isSuccess()) {
          exported.increment(spans.size());
        } else {
          failed.increment(spans.size());
          logFailure(spans.size(), result.getFailureThrowable());
        }
      });
      return result;
    }

    /** At most one line a minute, however often the receiver fails. */
    private void logFailure(int spans, Throwable why) {
      long now = System.nanoTime();
      long last = lastLogged.get();
      if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
        LOG.warn("tracing: {} spans not exported ({}); edge_tracing_spans_total{result=\"failed\"} counts them all",
            spans, why == null ? "the receiver refused them" : why.toString());
      }
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}
