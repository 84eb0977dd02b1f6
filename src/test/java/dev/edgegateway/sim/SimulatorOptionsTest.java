package dev.edgegateway.sim;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorOptionsTest {

  @Test
  void defaults() {
    SimulatorOptions o = new SimulatorOptions();
    assertThat(o.getHost()).isEqualTo(SimulatorOptions.DEFAULT_HOST).isEqualTo("127.0.0.1");
    assertThat(o.getPort()).isEqualTo(SimulatorOptions.DEFAULT_PORT);
    assertThat(o.getSessionTtlSeconds()).isEqualTo(3600);
    for (Upstream u : Upstream.values()) {
      assertThat(o.getUpstream(u)).isEqualTo(UpstreamFault.DEFAULT);
      assertThat(o.getUpstream(u).latencyMs()).isZero();
      assertThat(o.getUpstream(u).slowMs()).isEqualTo(5000);
    }
  }

  @Test
  void jsonRoundTripAndPartialInput() {
    SimulatorOptions o = new SimulatorOptions().setPort(0).setSessionTtlSeconds(173).setInstances(2)
        .setLatencyMs(Upstream.SEARCH, 40).setFault(Upstream.KLAVIYO, FaultMode.THROTTLE);
    assertThat(SimulatorOptions.fromJson(o.toJson()).toJson()).isEqualTo(o.toJson());

    SimulatorOptions p = SimulatorOptions.fromJson(new JsonObject().put("port", 9000)
        .put("upstreams", new JsonObject().put("all", new JsonObject().put("latencyMs", 20))
            .put("config", new JsonObject().put("fault", "flaky"))));
    assertThat(p.getPort()).isEqualTo(9000);
    assertThat(p.getUpstream(Upstream.VISITOR).latencyMs()).isEqualTo(20);
    assertThat(p.getUpstream(Upstream.CONFIG).latencyMs()).isEqualTo(20);
    assertThat(p.getUpstream(Upstream.CONFIG).fault()).isEqualTo(FaultMode.FLAKY);
    assertThat(p.getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void invalidJsonIsRejected() {
    assertThatThrownBy(() -> SimulatorOptions.fromJson(new JsonObject().put("prot", 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prot");
    assertThatThrownBy(() -> SimulatorOptions.fromJson(new JsonObject().put("upstreams",
        new JsonObject().put("search", new JsonObject().put("fault", "boom")))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SimulatorOptions.fromJson(new JsonObject().put("upstreams",
        new JsonObject().put("search", new JsonObject().put("latencyMs", -1)))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commandLineArguments() {
    SimulatorOptions o = new SimulatorOptions().applyArgs(List.of("--port", "8099", "--host=0.0.0.0", "--ttl", "173",
        "--latency", "all=15", "--latency", "search=40", "--fault", "stats=flaky", "--instances", "2"));
    assertThat(o.getPort()).isEqualTo(8099);
    assertThat(o.getHost()).isEqualTo("0.0.0.0");
    assertThat(o.getSessionTtlSeconds()).isEqualTo(173);
    assertThat(o.getUpstream(Upstream.VISITOR).latencyMs()).isEqualTo(15);
    assertThat(o.getUpstream(Upstream.SEARCH).latencyMs()).isEqualTo(40);
    assertThat(o.getUpstream(Upstream.STATS).fault()).isEqualTo(FaultMode.FLAKY);
    assertThat(o.getInstances()).isEqualTo(2);
    assertThatThrownBy(() -> new SimulatorOptions().applyArgs(List.of("--bogus", "1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void runtimeConfigPatchIsAllOrNothing() {
    SimulatorState s = new SimulatorState(new SimulatorOptions());
    s.applyRuntimeConfig(new JsonObject().put("sessionTtlSeconds", 0)
        .put("upstreams", new JsonObject().put("search", new JsonObject().put("fault", "slow").put("slowMs", 100))));
    assertThat(s.sessionTtlSeconds()).isZero();
    assertThat(s.fault(Upstream.SEARCH)).isEqualTo(UpstreamFault.DEFAULT.withFault(FaultMode.SLOW).withSlowMs(100));
    assertThatThrownBy(() -> s.applyRuntimeConfig(new JsonObject().put("sessionTtlSeconds", 99)
        .put("visitor", new JsonObject().put("fault", "nope"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(s.sessionTtlSeconds()).isZero();
    assertThat(s.fault(Upstream.VISITOR).fault()).isEqualTo(FaultMode.NONE);
  }

  @Test
  void segmentsAreDeterministicNonEmptyAndSeedDependent() {
    for (int i = 0; i < 200; i++) {
      String kx = "id" + i + ".AbCdEf";
      List<String> a = Catalog.segmentsFor(kx, 0);
      assertThat(a).hasSizeBetween(1, 3).doesNotHaveDuplicates().isEqualTo(Catalog.segmentsFor(kx, 0));
    }
    long differs = java.util.stream.IntStream.range(0, 50)
        .filter(i -> !Catalog.segmentsFor("id" + i + ".AbCdEf", 0).equals(Catalog.segmentsFor("id" + i + ".AbCdEf", 1)))
        .count();
    assertThat(differs).isGreaterThan(25);
  }
}
