package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every metric the Grafana dashboard and the alert rules query is on {@code /metrics} of a gateway with Redis,
 * after a warm-up and a little of every kind of traffic: a panel or an alert on a name that never exists shows
 * nothing and never fires. So is every JVM, process and Vert.x meter that {@code .ci/check-deploy} takes as given.
 */
class DashboardMetricsTest {
  static final Path DASHBOARD = Path.of("ops/grafana/edge-gateway.json");
  static final Path RULES = Path.of("k8s/components/monitoring/prometheusrule.yaml");
  static final Path RUNTIME_METERS = Path.of(".ci/deploy-check/runtime-meters.txt");
  /** The gateway's own meters, Micrometer's JVM and process meters and Vert.x's. */
  private static final Pattern METRIC = Pattern.compile("\\b(?:edge|jvm|process|system|vertx)_[a-z0-9_]*[a-z0-9]\\b");
  private static final String SHARED_REDIS = System.getenv().getOrDefault("EDGE_REDIS_URL", "redis://127.0.0.1:6379");

  private static Vertx vertx;
  private static PrometheusScrape scrape;

  @BeforeAll
  static void scrapeAfterTraffic() throws Exception {
    vertx = Main.createVertx(); // the launcher's Vert.x: JVM and Vert.x meters bound as in production
    // edge_warmup_*: a few rounds, in a Vert.x of their own as at start-up
    Main.warmUp(vertx, Map.of(), WarmUpOptions.from(ConfigReader.defaults()
        .with(Settings.WARMUP_PAGES, 2).with(Settings.WARMUP_CONCURRENCY, 1)));
    String prefix = "edge:test:" + UUID.randomUUID() + ":";
    TestGateway gw = Main.await(TestGateway.start(vertx, Map.of("EDGE_REDIS_URL", SHARED_REDIS,
        "EDGE_REDIS_KEY_PREFIX", prefix, "EDGE_REDIS_COMMAND_TIMEOUT_MS", "500")));
    try {
      Main.await(GatewayTraffic.everyKind(gw));
      // jvm_gc_pause_seconds appears with the first collection after the JVM meters were bound: make one
      System.gc();
      Main.await(Awaits.until(vertx, () -> Metrics.of(vertx).find("jvm.gc.pause").timer() != null, 10_000));
      scrape = Main.await(PrometheusScrape.of(gw));
    } finally {
      Main.await(TestGateway.deleteRedisKeys(vertx, SHARED_REDIS, prefix).eventually(gw::stop));
    }
  }

  @AfterAll
  static void close() throws Exception {
    Main.await(vertx.close());
  }

  @Test
  void everyMetricTheDashboardQueriesIsOnMetrics() throws IOException {
    Map<String, String> used = new TreeMap<>();
    dashboardQueries(new JsonObject(Files.readString(DASHBOARD)), "dashboard", used);
    assertThat(used).containsKeys("edge_http_request_seconds_count", "edge_redis_up", "jvm_memory_used_bytes");
    assertThat(missing(used)).as("queried by the dashboard, absent from /metrics").isEmpty();
  }

  @Test
  void everyMetricTheAlertRulesQueryIsOnMetrics() throws IOException {
    Map<String, String> used = new TreeMap<>();
    Set<String> recorded = new TreeSet<>();
    for (Map<String, Object> rule : rules()) {
      if (rule.get("record") instanceof String name) {
        recorded.add(name);
      }
      if (rule.get("expr") instanceof String expr) {
        metricNames(expr).forEach(name -> used.putIfAbsent(name, "alert " + rule.get("alert")));
      }
    }
    used.keySet().removeAll(recorded);
    assertThat(used).containsKeys("edge_upstream_request_seconds_count", "edge_outbox_depth", "edge_redis_up");
    assertThat(missing(used)).as("queried by the alert rules, absent from /metrics").isEmpty();
  }

  @Test
  void everyRuntimeMeterTheDeployCheckAssumesIsOnMetrics() throws IOException {
    // .ci/check-deploy checks the dashboard and rules offline against this list of JVM, process and Vert.x meters
    Map<String, String> listed = new TreeMap<>();
    for (String line : Files.readAllLines(RUNTIME_METERS)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        listed.put(line.trim(), RUNTIME_METERS.toString());
      }
    }
    assertThat(listed).containsKeys("jvm_memory_used_bytes", "vertx_pool_in_use");
    assertThat(missing(listed)).as("listed in " + RUNTIME_METERS + ", absent from /metrics").isEmpty();
  }

  @Test
  void metricNamesAreReadFromPromQl() {
    assertThat(metricNames("sum by (upstream) (rate(edge_upstream_request_seconds_count{namespace=\"$namespace\", "
        + "outcome=~\"edge_not_a_metric|timeout\"}[$__rate_interval])) / max(edge_outbox_depth)"))
        .containsExactly("edge_outbox_depth", "edge_upstream_request_seconds_count");
    assertThat(metricNames("label_values(edge_http_request_seconds_count{namespace=\"$namespace\"}, pod)"))
        .containsExactly("edge_http_request_seconds_count");
    assertThat(metricNames("max by (namespace, pod, client) (edge_redis_up) == 0")).containsExactly("edge_redis_up");
  }

  /**
   * The metric names of a PromQL expression: label matchers, strings and range selectors taken out first, so a
   * label value or a regex that looks like a name is not read as one. Names are kept as queried: Prometheus
   * stores the sample names ({@code _total}, {@code _count}, {@code _sum}, {@code _max} included), so those are what
   * must appear on {@code /metrics}.
   */
  static Set<String> metricNames(String promQl) {
    String bare = promQl.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*\\}", "{}")
        .replaceAll("\\[[^\\]]*\\]", "[]");
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(bare);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  private static Map<String, String> missing(Map<String, String> used) {
    Map<String, String> missing = new TreeMap<>(used);
    missing.keySet().removeAll(scrape.samples());
    return missing;
  }

  /** Every panel's (and nested panel's) target {@code expr} and every query variable of the dashboard. */
  private static void dashboardQueries(Object node, String where, Map<String, String> used) {
    if (node instanceof JsonObject object) {
      String here = object.getValue("title") instanceof String title ? "panel \"" + title + "\""
          : object.getValue("name") instanceof String name ? "variable " + name : where;
      for (Map.Entry<String, Object> field : object) {
        if ((field.getKey().equals("expr") || field.getKey().equals("query")) && field.getValue() instanceof String q) {
          metricNames(q).forEach(name -> used.putIfAbsent(name, here));
        } else {
          dashboardQueries(field.getValue(), here, used);
        }
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> dashboardQueries(item, where, used));
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules() throws IOException {
    Map<String, Object> rule = new Yaml().load(Files.readString(RULES));
    Map<String, Object> spec = (Map<String, Object>) rule.get("spec");
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
      rules.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return rules;
  }
}
