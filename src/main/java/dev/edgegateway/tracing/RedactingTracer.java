package dev.edgegateway.tracing;

import io.vertx.core.Context;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Vert.x's OpenTelemetry tracer with only attributes that name no shopper: Vert.x tags a server span with the whole
 * URL, path and query and a client span with the whole upstream URL, where an exchange id ({@code _kx}, a Klaviyo
 * profile filter) or an API key can sit. What is kept is on {@link #KEPT}; a client span gets the upstream's host
 * and port instead of its URL, and the server span its route template from {@link Spans#nameServerSpan}.
 */
final class RedactingTracer implements VertxTracer<Object, Object> {
  /** Attribute names that carry no identifier: methods, status codes, schemes. */
  static final Set<String> KEPT = Set.of("http.request.method", "http.response.status_code", "url.scheme");

  private final VertxTracer<Object, Object> delegate;
  private final Runnable onClose;

  RedactingTracer(VertxTracer<Object, Object> delegate, Runnable onClose) {
    this.delegate = delegate;
    this.onClose = onClose;
  }

  @Override
  public <R> Object receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
      Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tagExtractor) {
    return delegate.receiveRequest(context, kind, policy, request, operation, headers, kept(tagExtractor));
  }

  @Override
  public <R> void sendResponse(Context context, R response, Object payload, Throwable failure,
      TagExtractor<R> tagExtractor) {
    delegate.sendResponse(context, response, payload, failure, kept(tagExtractor));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> Object sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
      BiConsumer<String, String> headers, TagExtractor<R> tagExtractor) {
    TagExtractor<R> tags = request instanceof HttpRequest ? (TagExtractor<R>) ClientTags.INSTANCE : kept(tagExtractor);
    return delegate.sendRequest(context, kind, policy, request, operation, headers, tags);
  }

  @Override
  public <R> void receiveResponse(Context context, R response, Object payload, Throwable failure,
      TagExtractor<R> tagExtractor) {
    delegate.receiveResponse(context, response, payload, failure, kept(tagExtractor));
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      onClose.run();
    }
  }

  static <T> TagExtractor<T> kept(TagExtractor<T> all) {
    return new TagExtractor<>() {
      @Override
      public int len(T obj) {
        int n = 0;
        for (int i = 0, len = all.len(obj); i < len; i++) {
          if (KEPT.contains(all.name(obj, i))) {
            n++;
          }
        }
        return n;
      }

      @Override
      public String name(T obj, int index) {
        return all.name(obj, at(obj, index));
      }

      @Override
      public String value(T obj, int index) {
        return all.value(obj, at(obj, index));
      }

      /** The index in {@code all} of the {@code index}-th kept tag. */
      private int at(T obj, int index) {
        for (int i = 0, seen = 0, len = all.len(obj); i < len; i++) {
          if (KEPT.contains(all.name(obj, i)) && seen++ == index) {
            return i;
          }
        }
        throw new IndexOutOfBoundsException("Invalid tag index " + index);
      }
    };
  }

  /** An upstream call: its method, and the host and port it went to; never its path or query. */
  enum ClientTags implements TagExtractor<HttpRequest> {
    INSTANCE;

    private static final String[] NAMES = {"http.request.method", "server.address", "server.port"};

    @Override
    public int len(HttpRequest request) {
      return NAMES.length;
    }

    @Override
    public String name(HttpRequest request, int index) {
      return NAMES[index];
    }

    @Override
    public String value(HttpRequest request, int index) {
      if (index == 0) {
        return request.method().name();
      }
      URI uri;
      try {
        uri = URI.create(request.absoluteURI());
      } catch (RuntimeException e) {
        return "";
      }
      if (index == 1) {
        return uri.getHost() == null ? "" : uri.getHost();
      }
      int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      return Integer.toString(port);
    }
  }
}
