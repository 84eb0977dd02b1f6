package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class MultiInstanceSimTest {

  Vertx vertx;

  @AfterEach
  void close(VertxTestContext ctx) throws Throwable {
    if (vertx != null) {
      vertx.close().onComplete(ctx.succeedingThenComplete());
      ctx.awaitCompletion(10, TimeUnit.SECONDS);
    } else {
      ctx.completeNow();
    }
  }

  @Test
  void instancesShareOnePortAndOneState(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    SimulatorVerticle.start(vertx, new SimulatorOptions().setPort(0).setInstances(3)).compose(sim -> {
      // many connections so the accepting instances (event loops) differ
      WebClient client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(16));
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        calls.add(client.post(sim.port(), "127.0.0.1", "/public/1.0/k/session").sendJsonObject(new JsonObject()));
      }
      return Future.all(calls).compose(x -> client.get(sim.port(), "127.0.0.1", "/__sim/stats").send()).map(r -> {
        ctx.verify(() -> {
          assertThat(sim.deploymentIds()).hasSize(1);
          assertThat(r.bodyAsJsonObject().getLong("session")).isEqualTo(30);
          assertThat(sim.state().count(SimCounter.SESSION)).isEqualTo(30);
        });
        return sim;
      });
    }).compose(RunningSimulator::close).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sharedStatePassedExplicitly(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    SimulatorOptions opts = new SimulatorOptions().setPort(0);
    SimulatorState shared = new SimulatorState(opts);
    SimulatorVerticle v = new SimulatorVerticle(opts, shared);
    vertx.deployVerticle(v).compose(id -> WebClient.create(vertx)
            .get(v.actualPort(), "127.0.0.1", "/recommendations/k/settings/r").send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(v.actualPort()).isPositive();
          assertThat(v.state()).isSameAs(shared);
          assertThat(shared.count(SimCounter.CONFIG)).isEqualTo(1);
          assertThat(r.bodyAsJsonObject().getJsonObject("search").getString("basePath"))
              .isEqualTo("127.0.0.1:" + v.actualPort() + "/cs/v2/search");
          ctx.completeNow();
        })));
  }
}
