package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} as Prometheus reads it, after a little of every kind of traffic: every {@code edge_*} family has
 * help text (Prometheus keeps one per name), and {@code promtool check metrics} has nothing to say about them.
 */
class MetricHelpTextTest {
  private static Vertx vertx;
  private static PrometheusScrape scrape;

  @BeforeAll
  static void scrapeAfterTraffic() throws Exception {
    vertx = Main.createVertx(); // the launcher's Vert.x: its Prometheus registry is what the ops port serves
    TestGateway gw = Main.await(TestGateway.start(vertx, Map.of()));
    try {
      Main.await(GatewayTraffic.everyKind(gw));
      scrape = Main.await(PrometheusScrape.of(gw));
    } finally {
      Main.await(gw.stop());
    }
  }

  @AfterAll
  static void close() throws Exception {
    Main.await(vertx.close());
  }

  @Test
  void everyEdgeFamilyHasHelpText() {
    List<String> families = scrape.types().keySet().stream().filter(name -> name.startsWith("edge_")).toList();
    // the traffic reached the capabilities, the caches, the upstreams, the outbox and the degraded path
    assertThat(families).contains("edge_http_request_seconds", "edge_bus_requests_total", "edge_cache_lookups_total",
        "edge_upstream_request_seconds", "edge_events_total", "edge_identify_total", "edge_degraded_total");
    for (String family : families) {
      assertThat(scrape.help().get(family)).as("# HELP of " + family).isNotBlank();
    }
    for (String sample : scrape.samples()) {
      if (sample.startsWith("edge_")) {
        assertThat(Stream.of("", "_total", "_count", "_sum", "_bucket")
            .anyMatch(suffix -> sample.endsWith(suffix)
                && scrape.help().containsKey(sample.substring(0, sample.length() - suffix.length()))))
            .as("a # HELP for the family of " + sample).isTrue();
      }
    }
  }

  @Test
  void promtoolHasNoComplaintAboutTheGatewaysOwnMeters() throws Exception {
    String promtool = onPath("promtool");
    Assumptions.assumeTrue(promtool != null,
        "promtool not installed (Debian: apt-get install prometheus); the help text is still checked above");
    Process process = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(scrape.text().getBytes(StandardCharsets.UTF_8));
    }
    String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // promtool also lints Micrometer's own JVM meters (e.g. jvm_compilation_time_ms_total): not the gateway's to rename
    assertThat(report.lines().filter(line -> line.startsWith("edge_"))).as(report).isEmpty();
  }

  private static String onPath(String command) throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(dir, command);
      if (candidate.canExecute()) {
        return candidate.getCanonicalPath();
      }
    }
    return null;
  }
}
