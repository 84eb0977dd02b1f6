package dev.edgegateway.tracing;

import dev.edgegateway.flow.TraceContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where the gateway's own trace context ({@link TraceContext}) meets the spans Vert.x's tracer records, when
 * {@link OtelTracing} installed one: the request's trace is its server span's, and every upstream call's client span
 * is a child of it, whichever event loop and verticle the call is made from. Without a tracer each of these is one
 * field read and nothing else.
 */
public final class Spans {
  /** What only traced requests use: loaded on the first of them, never without a tracer. */
  private static final class Otel {
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final TextMapGetter<TraceContext> FROM_TRACE = new TextMapGetter<>() {
      @Override
      public Iterable<String> keys(TraceContext trace) {
        return List.of(TraceContext.TRACEPARENT, TraceContext.TRACESTATE);
      }

      @Override
      public String get(TraceContext trace, String key) {
        if (trace == null) {
          return null;
        }
        return TraceContext.TRACEPARENT.equals(key) ? trace.traceparent()
            : TraceContext.TRACESTATE.equals(key) ? trace.traceState() : null;
      }
    };
  }

  private Spans() {
  }

  /** Whether {@code vertx} records spans. */
  public static boolean traced(Vertx vertx) {
    return ((VertxInternal) vertx).tracer() != null;
  }

  /**
   * The trace of the request being handled on this thread: that of the server span Vert.x's tracer started for it
   * (the caller's trace when its {@code traceparent} was valid, else a new one), so the access log names the trace
   * the spans are in; without a tracer, {@link TraceContext#fromRequest}.
   */
  public static TraceContext requestTrace(String traceparent, String tracestate) {
    TraceContext sent = TraceContext.fromRequest(traceparent, tracestate);
    SpanContext server = currentSpan();
    if (server == null) {
      return sent;
    }
    // the caller's tracestate goes on only with the caller's trace
    return TraceContext.of(server.getTraceId(), server.getSpanId(), server.isSampled(),
        sent.traceId().equals(server.getTraceId()) ? sent.traceState() : null);
  }

  /** Names the current server span for its route template ({@code GET /v1/segments}): never the path as sent. */
  public static void nameServerSpan(String method, String routeTemplate) {
    ContextInternal context = ContextInternal.current();
    if (context == null || context.tracer() == null) {
      return;
    }
    io.opentelemetry.context.Context otel = VertxContextStorage.INSTANCE.current();
    Span span = otel == null ? null : Span.fromContextOrNull(otel);
    if (span != null && span.isRecording()) {
      span.updateName(method + " " + routeTemplate);
      span.setAttribute(Otel.HTTP_ROUTE, routeTemplate);
    }
  }

  /**
   * Runs {@code call} (which starts an upstream request) where Vert.x's tracer makes its client span a child of
   * {@code trace}'s span: a context of its own per call, as the tracer reads the parent from the context the request
   * is made on, and the caller's context may serve many requests at once. A null {@code trace} gives the call a
   * trace of its own.
   */
  public static <T> Future<T> inTrace(Vertx vertx, TraceContext trace, Supplier<Future<T>> call) {
    ContextInternal own = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
    if (trace != null) {
      VertxContextStorage.INSTANCE.attach(own,
          W3CTraceContextPropagator.getInstance().extract(io.opentelemetry.context.Context.root(), trace, Otel.FROM_TRACE));
    }
    Promise<T> done = Promise.promise();
    own.emit(v -> {
      try {
        call.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  private static SpanContext currentSpan() {
    ContextInternal context = ContextInternal.current();
    if (context == null || context.tracer() == null) {
      return null;
    }
    io.opentelemetry.context.Context otel = VertxContextStorage.INSTANCE.current();
    SpanContext span = otel == null ? null : Span.fromContext(otel).getSpanContext();
    return span != null && span.isValid() ? span : null;
  }
}
