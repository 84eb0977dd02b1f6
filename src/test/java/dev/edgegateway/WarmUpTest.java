package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.config.Settings;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.RunningSimulator;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.SimulatorVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WarmUpTest {
  private Vertx gatewayVertx;
  private RunningSimulator configuredKlevu;

  @BeforeEach
  void start() throws Exception {
    gatewayVertx = Vertx.vertx();
    // stands for the real Klevu and Klaviyo the gateway is configured with: the warm-up must never reach them
    configuredKlevu = Main.await(SimulatorVerticle.start(gatewayVertx, new SimulatorOptions().setPort(0)));
  }

  @AfterEach
  void stop() throws Exception {
    gatewayVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyRoundRunsWholeAgainstItsOwnSimulatorAndTheConfiguredUpstreamsHearNothing() throws Exception {
    Map<String, String> env = new HashMap<>();
    DemoWiring.demoEnvironment(env, configuredKlevu);
    env.put("EDGE_REDIS_URL", "redis://127.0.0.1:1"); // nobody listens: a warm-up that used it would fail its rounds

    WarmUp.Result result = Main.warmUp(gatewayVertx, env, WarmUpOptions.from(ConfigReader.defaults()
        .with(Settings.WARMUP_PAGES, 24).with(Settings.WARMUP_CONCURRENCY, 3)));

    assertThat(result.rounds()).isEqualTo(24);
    // the cold page, the warm page, the segments, the anonymous page and the impression were all accepted
    assertThat(result.failedRequests()).isZero();
    for (SimCounter counter : SimCounter.values()) {
      assertThat(configuredKlevu.state().count(counter)).as(counter.name()).isZero();
    }
    MeterRegistry registry = Metrics.of(gatewayVertx);
    assertThat(registry.get("edge_warmup_rounds").gauge().value()).isEqualTo(24.0);
    assertThat(registry.get("edge_warmup_seconds").gauge().value()).isPositive();
    // the warm-up's own pages are counted in its own registry, never in the gateway's
    assertThat(registry.find("edge_http_request_seconds").timers()).isEmpty();
  }

  @Test
  void aWarmUpOutOfTimeStopsAndTheStartGoesOn() throws Exception {
    WarmUp.Result result = Main.warmUp(gatewayVertx, Map.of(),
        WarmUpOptions.from(ConfigReader.defaults().with(Settings.WARMUP_PAGES, 1_000_000)
            .with(Settings.WARMUP_MAX_MS, 300).with(Settings.WARMUP_CONCURRENCY, 2)));

    assertThat(result.rounds()).isLessThan(1_000_000);
    assertThat(result.millis()).isLessThan(30_000);
    assertThat(result.failedRequests()).isZero();
  }

  @Test
  void theSettingsTurnItOffOrBoundIt() {
    assertThat(WarmUpOptions.from(GatewayConfig.resolve(new JsonObject(), Map.of())).pages())
        .isEqualTo(Settings.WARMUP_PAGES.defaultValue());
    assertThat(WarmUpOptions.from(GatewayConfig.resolve(new JsonObject(), Map.of("EDGE_WARMUP_PAGES", "0")))
        .enabled()).isFalse();
    WarmUpOptions bounded = WarmUpOptions.from(GatewayConfig.resolve(new JsonObject(),
        Map.of("EDGE_WARMUP_PAGES", "50", "EDGE_WARMUP_MAX_MS", "1500")));
    assertThat(bounded.pages()).isEqualTo(50);
    assertThat(bounded.maxMs()).isEqualTo(1500);
  }
}
