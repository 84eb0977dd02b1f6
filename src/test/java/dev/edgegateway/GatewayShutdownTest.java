package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.Upstream;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Gateway#shutdown} in process, over loopback: readiness goes red at once while pages are still answered
 * (with {@code Connection: close}), then the API stops accepting while the request in flight still gets its whole
 * answer. DrainIT does the same to the packaged jar with SIGTERM.
 */
class GatewayShutdownTest {
  private Vertx vertx;
  private TestGateway gw;

  @AfterEach
  void close() throws Exception {
    if (gw != null) {
      Main.await(gw.stop(), 20_000);
    }
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void drainingIsNotReadyButStillServesAndAsksClientsToCloseThenStopsAccepting() throws Exception {
    vertx = Vertx.vertx();
    gw = Main.await(TestGateway.start(vertx, Map.of()));
    WebClient ops = WebClient.create(vertx);
    assertThat(ready(ops)).isEqualTo(200);
    HttpResponse<Buffer> before = Main.await(GatewayTraffic.page(gw, null));
    assertThat(before.statusCode()).isEqualTo(200);
    assertThat(before.getHeader("Connection")).isNull();
    assertThat(phase()).isEqualTo(0);

    long started = System.nanoTime();
    Future<Void> shutdown = gw.gateway.shutdown(new ShutdownOptions(1_500, 1_000, 1_000));
    assertThat(ready(ops)).as("readiness turns red first").isEqualTo(503);
    assertThat(phase()).isEqualTo(1);
    HttpResponse<Buffer> during = Main.await(GatewayTraffic.page(gw, null));
    assertThat(during.statusCode()).as("still serving while the load balancers catch up").isEqualTo(200);
    assertThat(during.getHeader("Connection")).isEqualToIgnoringCase("close");
    assertThat(during.bodyAsJsonObject().getJsonArray("products")).isNotNull();

    Main.await(shutdown, 20_000);
    assertThat((System.nanoTime() - started) / 1_000_000L).as("served through the drain").isGreaterThanOrEqualTo(1_500);
    assertThat(phase()).isEqualTo(2);
    Throwable refused = Main.await(vertx.createNetClient().connect(gw.gateway.httpPort(), "127.0.0.1")
        .transform(ar -> Future.succeededFuture(ar.cause())));
    assertThat(refused).as("no new connection after the drain").isNotNull();
    assertThat(Main.await(gw.gateway.shutdown(new ShutdownOptions(0, 0, 0)), 1_000)).as("a second call is a no-op").isNull();
  }

  @Test
  void aRequestInFlightWhenAcceptingStopsGetsItsWholeAnswer() throws Exception {
    vertx = Vertx.vertx();
    // a new shopper's page waits for Klevu's visitor service: long enough to be in flight when accepting stops
    gw = Main.await(TestGateway.start(vertx, new SimulatorOptions().setPort(0).setLatencyMs(Upstream.VISITOR, 300), Map.of()));
    assertThat(Main.await(GatewayTraffic.page(gw, null)).statusCode()).isEqualTo(200);
    String shopper = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("in-flight"));
    long sessionsBefore = gw.count(SimCounter.SESSION);
    Future<HttpResponse<Buffer>> inFlight = GatewayTraffic.page(gw, shopper);
    Main.await(Awaits.until(vertx, () -> gw.count(SimCounter.SESSION) > sessionsBefore, 10_000));

    Main.await(gw.gateway.shutdown(new ShutdownOptions(0, 5_000, 1_000)), 20_000);
    assertThat(inFlight.isComplete()).as("the shutdown waited for the request in flight").isTrue();
    HttpResponse<Buffer> answer = Main.await(inFlight);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.bodyAsJsonObject().getString("recsKey")).isEqualTo(GatewayTraffic.RECS_KEY);
    assertThat(answer.bodyAsJsonObject().getJsonArray("products")).as("the whole page").isNotNull();
  }

  private int ready(WebClient ops) throws Exception {
    return Main.await(ops.get(gw.gateway.opsPort(), "127.0.0.1", "/health/ready").send()).statusCode();
  }

  private double phase() {
    Gauge gauge = dev.edgegateway.metrics.Metrics.of(vertx).find("edge_shutdown_phase").gauge();
    assertThat(gauge).as("edge_shutdown_phase is registered").isNotNull();
    return gauge.value();
  }
}
