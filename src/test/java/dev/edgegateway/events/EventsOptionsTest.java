package dev.edgegateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EventsOptionsTest {
  @Test
  void defaultsFromAnEmptyConfig() {
    EventsOptions o = EventsOptions.from(new JsonObject());
    assertThat(o.outboxCapacity()).isEqualTo(100_000);
    assertThat(o.batchSize()).isEqualTo(50);
    assertThat(o.flushIntervalMs()).isEqualTo(250);
    assertThat(o.maxAttempts()).isEqualTo(8);
    assertThat(o.retryBackoffMs()).isEqualTo(500);
    assertThat(o.retryBackoffMaxMs()).isEqualTo(30_000);
    assertThat(o.maxInFlightBatches()).isEqualTo(4);
    assertThat(o.shutdownDrainMs()).isEqualTo(5_000);
    assertThat(o.fullRetryAfterSeconds()).isEqualTo(1);
    assertThat(o.statsUrl()).isEqualTo("https://stats.ksearchnet.com/analytics/collect");
    assertThat(o.stats().timeoutMs()).isEqualTo(1_500);
  }

  @Test
  void readsItsSectionsOfTheWholeConfig() {
    EventsOptions o = EventsOptions.from(new JsonObject()
        .put("events", new JsonObject().put("outboxCapacity", 10).put("batchSize", 5).put("flushIntervalMs", 20)
            .put("maxAttempts", 2).put("retryBackoffMs", 7).put("retryBackoffMaxMs", 70).put("maxInFlightBatches", 1)
            .put("shutdownDrainMs", 0).put("fullRetryAfterSeconds", 3))
        .put("klevu", new JsonObject().put("statsUrl", "http://127.0.0.1:9/collect"))
        .put("upstream", new JsonObject().put("stats", new JsonObject().put("timeoutMs", 300).put("maxRetries", 0))));
    assertThat(o.outboxCapacity()).isEqualTo(10);
    assertThat(o.batchSize()).isEqualTo(5);
    assertThat(o.flushIntervalMs()).isEqualTo(20);
    assertThat(o.maxAttempts()).isEqualTo(2);
    assertThat(o.retryBackoffMs()).isEqualTo(7);
    assertThat(o.retryBackoffMaxMs()).isEqualTo(70);
    assertThat(o.maxInFlightBatches()).isEqualTo(1);
    assertThat(o.shutdownDrainMs()).isZero();
    assertThat(o.fullRetryAfterSeconds()).isEqualTo(3);
    assertThat(o.statsUrl()).isEqualTo("http://127.0.0.1:9/collect");
    assertThat(o.stats().timeoutMs()).isEqualTo(300);
    assertThat(o.stats().maxRetries()).isZero();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> EventsOptions.from(new JsonObject().put("events", new JsonObject().put("batchSize", 0))))
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> EventsOptions.from(new JsonObject().put("klevu", new JsonObject().put("statsUrl", "stats.ksearchnet.com"))))
        .hasMessageContaining("statsUrl");
    assertThatThrownBy(() -> EventsOptions.from(ConfigReader.defaults()
        .with(Settings.EVENTS_DRAIN_MS, -1))).hasMessageContaining("shutdownDrainMs");
  }
}
