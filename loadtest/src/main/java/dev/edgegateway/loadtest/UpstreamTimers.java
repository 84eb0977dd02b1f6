package dev.edgegateway.loadtest;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's own timers of its successful upstream calls ({@code edge_upstream_request_seconds}, outcome ok)
 * from its ops {@code /metrics}: how long each call took as the gateway saw it, so that a page's time can be
 * split into the upstream calls and the gateway's work around them. Blocking, for phase boundaries only.
 */
final class UpstreamTimers {
  private static final Pattern LINE = Pattern.compile(
      "^edge_upstream_request_seconds_(sum|count)\\{outcome=\"ok\",upstream=\"([a-z]+)\"} ([0-9.eE+-]+)$", Pattern.MULTILINE);

  private final Map<String, double[]> sumAndCount;

  private UpstreamTimers(Map<String, double[]> sumAndCount) {
    this.sumAndCount = sumAndCount;
  }

  /** Empty when {@code metricsUrl} is empty or cannot be read. */
  static UpstreamTimers read(String metricsUrl) {
    Map<String, double[]> parsed = new TreeMap<>();
    Matcher m = LINE.matcher(OpsScrape.text(metricsUrl));
    while (m.find()) {
      parsed.computeIfAbsent(m.group(2), k -> new double[2])[m.group(1).equals("sum") ? 0 : 1] = Double.parseDouble(m.group(3));
    }
    return new UpstreamTimers(parsed);
  }

  /** Mean ms per call of each upstream called since {@code start}; {@code {}} when either read failed. */
  JsonObject meanMsSince(UpstreamTimers start) {
    JsonObject means = new JsonObject();
    sumAndCount.forEach((upstream, now) -> {
      double[] then = start.sumAndCount.get(upstream);
      if (then != null && now[1] > then[1]) {
        means.put(upstream, Math.round((now[0] - then[0]) / (now[1] - then[1]) * 1e6) / 1000.0);
      }
    });
    return means;
  }
}
