package dev.edgegateway.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** A 2xx answer of an upstream, read whole. */
public record UpstreamResponse(int statusCode, MultiMap headers, Buffer body) {
  public String header(String name) {
    return headers.get(name);
  }

  public String bodyAsString() {
    return body == null ? null : body.toString();
  }
}
