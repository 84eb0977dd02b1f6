package dev.edgegateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code edge_*} meter is built through {@link Metrics} with its description from {@link MeterDescriptions}:
 * read from the sources, so a meter on a path no test takes cannot lack help text, nor fail to register.
 */
class MeterDescriptionsTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern THROUGH_METRICS =
      Pattern.compile("Metrics\\.(?:counter\\([^,]+,|timer\\(|summary\\(|gauge\\(|functionCounter\\()\\s*\"(edge_[a-z0-9_]+)\"");
  private static final Pattern AROUND_METRICS = Pattern.compile(
      "(?:\\b(?:Counter|Timer|Gauge|FunctionCounter|FunctionTimer|DistributionSummary|LongTaskTimer)\\.builder"
          + "|(?<!Metrics)\\.(?:counter|timer|gauge|summary|more\\(\\)\\.\\w+))\\(\\s*\"edge_");

  @Test
  void everyMeterBuiltThroughMetricsHasADescription() {
    TreeSet<String> built = new TreeSet<>();
    for (String source : sources()) {
      Matcher m = THROUGH_METRICS.matcher(source);
      while (m.find()) {
        built.add(m.group(1));
      }
    }
    assertThat(built).contains("edge_http_request_seconds", "edge_cache_lookups_total", "edge_redis_up");
    assertThat(MeterDescriptions.names()).as("descriptions of meters nothing builds").isSubsetOf(built);
    assertThat(built).as("meters without a description").isSubsetOf(MeterDescriptions.names());
  }

  @Test
  void noEdgeMeterIsBuiltAroundMetrics() {
    List<String> around = new ArrayList<>();
    for (String source : sources()) {
      Matcher m = AROUND_METRICS.matcher(source);
      while (m.find()) {
        around.add(source.substring(m.start(), Math.min(source.length(), m.end() + 40)));
      }
    }
    assertThat(around).as("edge_* meters registered without Metrics (no description)").isEmpty();
  }

  @Test
  void theBuildersCarryTheOneDescription() {
    MeterRegistry registry = new SimpleMeterRegistry();
    assertThat(Metrics.counter(registry, "edge_cache_lookups_total", "cache", "c", "status", "miss").getId()
        .getDescription()).isEqualTo(MeterDescriptions.of("edge_cache_lookups_total"));
    assertThat(Metrics.timer("edge_http_request_seconds").register(registry).getId().getDescription())
        .isEqualTo(MeterDescriptions.of("edge_http_request_seconds"));
    assertThatThrownBy(() -> Metrics.counter(registry, "edge_undescribed_total"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("edge_undescribed_total");
  }

  private static List<String> sources() {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files.filter(p -> p.toString().endsWith(".java")).map(p -> {
        try {
          return Files.readString(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
