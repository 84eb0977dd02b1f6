package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.config.ConfiguredVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void eventLoopsAreVertxsDefaultUnlessSet() {
    int vertxDefault = 2 * Runtime.getRuntime().availableProcessors();
    assertThat(Main.eventLoops(Map.of())).isEqualTo(vertxDefault);
    assertThat(Main.eventLoops(Map.of("EDGE_EVENT_LOOPS", "0"))).isEqualTo(vertxDefault);
    assertThat(Main.eventLoops(Map.of("EDGE_EVENT_LOOPS", "3"))).isEqualTo(3);
    assertThatThrownBy(() -> Main.eventLoops(Map.of("EDGE_EVENT_LOOPS", "many")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EDGE_EVENT_LOOPS");
  }

  @Test
  void theNativeTransportIsPreferredUnlessTurnedOffAndLoadsHere() throws Exception {
    assertThat(Main.nativeTransport(Map.of())).isTrue();
    assertThat(Main.nativeTransport(Map.of("EDGE_NATIVE_TRANSPORT", "false"))).isFalse();
    // the jar carries Netty's epoll library for Linux: on this Linux machine it must load, or the knob does nothing
    if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      Vertx vertx = Vertx.builder().with(new io.vertx.core.VertxOptions().setPreferNativeTransport(true)).build();
      try {
        assertThat(vertx.isNativeTransportEnabled()).as("native epoll: %s", vertx.unavailableNativeTransportCause())
            .isTrue();
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Records what config() answered in start(). */
  static final class Probe extends ConfiguredVerticle {
    volatile JsonObject seen;

    @Override
    public Future<?> start() {
      seen = config();
      return Future.succeededFuture();
    }
  }

  @Test
  void aConfiguredVerticleReadsTheSettingsItWasHandedAndOtherwiseItsDeploymentsConfig() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject handed = new JsonObject().put("segments", new JsonObject().put("minTtlSeconds", 7));
      Probe byHand = new Probe();
      byHand.withSettings(handed);
      vertx.deployVerticle(byHand, new DeploymentOptions()).await(10, TimeUnit.SECONDS);
      assertThat(byHand.seen).isEqualTo(handed);

      JsonObject deployed = new JsonObject().put("recs", new JsonObject());
      Probe usual = new Probe();
      vertx.deployVerticle(usual, new DeploymentOptions().setConfig(deployed)).await(10, TimeUnit.SECONDS);
      assertThat(usual.seen).isEqualTo(deployed);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
