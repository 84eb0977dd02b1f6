package dev.edgegateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EventsOptionsTest {
  @Test
  void defaultsFromAnEmptyConfig() {
    EventsOptions o = new EventsOptions(new JsonObject());
    assertThat(o.getOutboxCapacity()).isEqualTo(100_000);
    assertThat(o.getBatchSize()).isEqualTo(50);
    assertThat(o.getFlushIntervalMs()).isEqualTo(250);
    assertThat(o.getMaxAttempts()).isEqualTo(8);
    assertThat(o.getRetryBackoffMs()).isEqualTo(500);
    assertThat(o.getRetryBackoffMaxMs()).isEqualTo(30_000);
    assertThat(o.getMaxInFlightBatches()).isEqualTo(4);
    assertThat(o.getShutdownDrainMs()).isEqualTo(5_000);
    assertThat(o.getFullRetryAfterSeconds()).isEqualTo(1);
    assertThat(o.getStatsUrl()).isEqualTo("https://stats.ksearchnet.com/analytics/collect");
    assertThat(o.getStats().getTimeoutMs()).isEqualTo(1_500);
  }

  @Test
  void readsItsSectionsOfTheWholeConfig() {
    EventsOptions o = new EventsOptions(new JsonObject()
        .put("events", new JsonObject().put("outboxCapacity", 10).put("batchSize", 5).put("flushIntervalMs", 20)
            .put("maxAttempts", 2).put("retryBackoffMs", 7).put("retryBackoffMaxMs", 70).put("maxInFlightBatches", 1)
            .put("shutdownDrainMs", 0).put("fullRetryAfterSeconds", 3))
        .put("klevu", new JsonObject().put("statsUrl", "http://127.0.0.1:9/collect"))
        .put("upstream", new JsonObject().put("stats", new JsonObject().put("timeoutMs", 300).put("maxRetries", 0))));
    assertThat(o.getOutboxCapacity()).isEqualTo(10);
    assertThat(o.getBatchSize()).isEqualTo(5);
    assertThat(o.getFlushIntervalMs()).isEqualTo(20);
    assertThat(o.getMaxAttempts()).isEqualTo(2);
    assertThat(o.getRetryBackoffMs()).isEqualTo(7);
    assertThat(o.getRetryBackoffMaxMs()).isEqualTo(70);
    assertThat(o.getMaxInFlightBatches()).isEqualTo(1);
    assertThat(o.getShutdownDrainMs()).isZero();
    assertThat(o.getFullRetryAfterSeconds()).isEqualTo(3);
    assertThat(o.getStatsUrl()).isEqualTo("http://127.0.0.1:9/collect");
    assertThat(o.getStats().getTimeoutMs()).isEqualTo(300);
    assertThat(o.getStats().getMaxRetries()).isZero();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new EventsOptions(new JsonObject().put("events", new JsonObject().put("batchSize", 0))))
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> new EventsOptions(new JsonObject().put("klevu", new JsonObject().put("statsUrl", "stats.ksearchnet.com"))))
        .hasMessageContaining("statsUrl");
    assertThatThrownBy(() -> new EventsOptions().setShutdownDrainMs(-1)).hasMessageContaining("shutdownDrainMs");
  }
}
