package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

/** Starts a simulator on a free loopback port before each test; Vert.x is closed after each test. */
@ExtendWith(VertxExtension.class)
abstract class SimTestBase {

  static final String HOST = "127.0.0.1";

  Vertx vertx;
  RunningSimulator sim;
  WebClient client;

  /** Options of the simulator under test; override to change them. */
  SimulatorOptions options() {
    return new SimulatorOptions().setPort(0);
  }

  @BeforeEach
  void startSimulator(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    SimulatorVerticle.start(vertx, options()).onComplete(ctx.succeeding(s -> {
      sim = s;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void closeVertx(VertxTestContext ctx) throws Throwable {
    // VertxExtension also closes injected instances; closing here keeps the test explicit about it
    vertx.close().onComplete(ctx.succeedingThenComplete());
    ctx.awaitCompletion(10, TimeUnit.SECONDS);
  }

  int port() {
    return sim.port();
  }

  HttpRequest<Buffer> get(String uri) {
    return client.get(port(), HOST, uri);
  }

  HttpRequest<Buffer> post(String uri) {
    return client.post(port(), HOST, uri);
  }

  HttpRequest<Buffer> put(String uri) {
    return client.put(port(), HOST, uri);
  }

  Future<HttpResponse<Buffer>> setConfig(JsonObject patch) {
    return put("/__sim/config").sendJsonObject(patch);
  }

  Future<JsonObject> stats() {
    return get("/__sim/stats").send().map(HttpResponse::bodyAsJsonObject);
  }
}
