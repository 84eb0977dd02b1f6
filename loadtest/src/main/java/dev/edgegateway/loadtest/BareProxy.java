package dev.edgegateway.loadtest;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The cold scenario's second baseline: the least a Vert.x server can do to turn one page request into the three
 * Klevu calls of a cold page. Plain vertx-core, one instance per core, native transport like the gateway; for
 * {@code GET /page?recsKey=&pid=&ex=} it makes the session, config and search calls in sequence exactly as the
 * {@code direct} side of {@link ColdClient} does (same code) and answers the search result. No identity, cache,
 * single-flight, circuit breaker, event bus or metrics: the gap between it and the direct calls is what one
 * more loopback hop costs on this machine, the gap between the gateway and it is the gateway's own work.
 *
 * <pre>java -cp loadtest.jar dev.edgegateway.loadtest.BareProxy --port 18082 --sim-port 8099 --api-key klevu-1</pre>
 */
public final class BareProxy extends VerticleBase {
  private final int port;
  private final int simPort;
  private final String apiKey;

  BareProxy(int port, int simPort, String apiKey) {
    this.port = port;
    this.simPort = simPort;
    this.apiKey = apiKey;
  }

  @Override
  public Future<?> start() {
    // its own client on this instance's event loop, as the gateway's co-located instances have
    ColdClient.ColdFlows upstream = new ColdClient.ColdFlows(
        vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(16)),
        0, simPort, apiKey);
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
        .requestHandler(req -> {
          if (req.path().equals("/health")) {
            req.response().end("ok");
            return;
          }
          upstream.directPage(req.getParam("recsKey"), req.getParam("pid"), req.getParam("ex")).onComplete(ar -> {
            if (ar.succeeded() && ar.result().page() != null) {
              req.response().setStatusCode(ar.result().status()).putHeader("Content-Type", "application/json")
                  .end(ar.result().page().toBuffer());
            } else {
              req.response().setStatusCode(502).end();
            }
          });
        })
        .listen();
  }

  public static void main(String[] args) {
    Args a = new Args(args);
    int port = a.intOpt("--port", 18082);
    int simPort = a.intOpt("--sim-port", 8099);
    String apiKey = a.opt("--api-key", "klevu-170000000000000001");
    int instances = a.intOpt("--instances", Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    vertx.deployVerticle(() -> new BareProxy(port, simPort, apiKey), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare proxy on 127.0.0.1:" + port + " -> simulator :" + simPort
            + " instances=" + instances + " transport=" + (vertx.isNativeTransportEnabled() ? "epoll" : "nio")))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(1);
        });
  }
}
