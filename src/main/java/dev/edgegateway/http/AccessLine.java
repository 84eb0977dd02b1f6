package dev.edgegateway.http;

import dev.edgegateway.logs.LogFields;

/** The fields of one request's access line, read when its answer ended; rendered on the log writer's thread. */
record AccessLine(String route, String method, int status, String outcome, String cache, String serverTiming,
    long durationNanos, String requestId, String traceId, String shopperHash) implements LogFields {

  @Override
  public void appendJson(StringBuilder out) {
    json(out, "route", route).append(',');
    json(out, "method", method).append(",\"status\":").append(status).append(',');
    json(out, "outcome", outcome).append(',');
    json(out, "cache", cache).append(',');
    json(out, "serverTiming", serverTiming).append(",\"durationMs\":");
    millis(out, durationNanos).append(',');
    json(out, "requestId", requestId).append(',');
    json(out, "traceId", traceId).append(',');
    json(out, "shopperHash", shopperHash);
  }

  @Override
  public void appendText(StringBuilder out) {
    out.append("route=").append(route).append(" method=").append(method).append(" status=").append(status)
        .append(" outcome=").append(outcome).append(" cache=").append(cache).append(" durationMs=");
    millis(out, durationNanos).append(" requestId=").append(requestId).append(" traceId=").append(traceId)
        .append(" shopperHash=").append(shopperHash).append(" serverTiming=\"")
        .append(serverTiming == null ? "" : serverTiming).append('"');
  }

  private static StringBuilder json(StringBuilder out, String name, String value) {
    out.append('"').append(name).append("\":");
    LogFields.appendJsonString(out, value);
    return out;
  }

  /** Milliseconds with two decimals, as {@code Server-Timing} has them. */
  private static StringBuilder millis(StringBuilder out, long nanos) {
    long hundredths = (Math.max(0, nanos) + 5_000) / 10_000;
    long fraction = hundredths % 100;
    return out.append(hundredths / 100).append(fraction < 10 ? ".0" : ".").append(fraction);
  }
}
