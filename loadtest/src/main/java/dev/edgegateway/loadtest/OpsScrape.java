package dev.edgegateway.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the gateway's ops {@code /metrics} (Prometheus text). Blocking, for phase boundaries only. */
final class OpsScrape {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private OpsScrape() {
  }

  /** The scrape, or "" when {@code metricsUrl} is empty or cannot be read. */
  static String text(String metricsUrl) {
    if (metricsUrl == null || metricsUrl.isEmpty()) {
      return "";
    }
    OpenLoop.checkLoopback(URI.create(metricsUrl).getHost());
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(3)).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  /** The value of a meter in a scrape (its first series, whatever its tags), or -1 when it is not there. */
  static double value(String scrape, String meter) {
    Matcher m = Pattern.compile("^" + Pattern.quote(meter) + "(\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(2)) : -1;
  }
}
