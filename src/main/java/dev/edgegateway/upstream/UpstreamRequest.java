package dev.edgegateway.upstream;

import io.netty.handler.codec.http.QueryStringEncoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * One call to an upstream, as data: method, absolute URL, headers and body. {@link UpstreamClient} turns it into
 * a fresh HTTP request for every attempt, so a retry sends exactly what the first attempt sent.
 */
public final class UpstreamRequest {
  static final String USER_AGENT = "edge-gateway";

  private final HttpMethod method;
  private final String url;
  private final Buffer body;
  private final MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("User-Agent", USER_AGENT);

  private UpstreamRequest(HttpMethod method, String url, Buffer body) {
    this.method = method;
    this.url = url;
    this.body = body;
  }

  public static UpstreamRequest get(String url) {
    return new UpstreamRequest(HttpMethod.GET, url, null);
  }

  /** A POST of {@code body}, sent as {@code Content-Type: application/json} unless {@link #header} says otherwise. */
  public static UpstreamRequest postJson(String url, Buffer body) {
    return new UpstreamRequest(HttpMethod.POST, url, body).header("Content-Type", "application/json");
  }

  /** Adds {@code name=value} to the query string, percent-encoded. */
  public static String withQuery(String url, String... namesAndValues) {
    QueryStringEncoder encoder = new QueryStringEncoder(url);
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      encoder.addParam(namesAndValues[i], namesAndValues[i + 1]);
    }
    return encoder.toString();
  }

  /** Sets a header, replacing any earlier value of the same name. */
  public UpstreamRequest header(String name, String value) {
    headers.set(name, value);
    return this;
  }

  public HttpMethod method() {
    return method;
  }

  public String url() {
    return url;
  }

  /** The body to send, or null for none. */
  public Buffer body() {
    return body;
  }

  /** Waits at most {@code connectTimeoutMs} for a pooled connection; the exchange itself is bounded by its caller. */
  RequestOptions toOptions(long connectTimeoutMs) {
    return new RequestOptions().setMethod(method).setAbsoluteURI(url).setHeaders(headers)
        .setConnectTimeout(connectTimeoutMs);
  }
}
