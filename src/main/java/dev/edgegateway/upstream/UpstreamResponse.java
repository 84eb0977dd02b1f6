package dev.edgegateway.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** An upstream's answer, read whole ({@link UpstreamClient#send} fails the call unless it is a 2xx). */
public record UpstreamResponse(int statusCode, MultiMap headers, Buffer body) {
  public String header(String name) {
    return headers.get(name);
  }

  public String bodyAsString() {
    return body == null ? null : body.toString();
  }
}
