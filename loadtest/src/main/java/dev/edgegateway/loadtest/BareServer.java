package dev.edgegateway.loadtest;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The ceiling scenario's baseline: the least a Vert.x server can do to answer a recommendations page.
 * Plain vertx-core (no Router), one instance per available core (like the gateway's HttpVerticle), answering
 * every GET with a fixed body captured from a real gateway response, and the same response headers.
 *
 * <pre>java -cp loadtest.jar dev.edgegateway.loadtest.BareServer --port 18081 --body body.json [--headers headers.txt] [--instances N]</pre>
 */
public final class BareServer extends VerticleBase {
  private final int port;
  private final Buffer body;
  private final MultiMap headers;

  BareServer(int port, Buffer body, MultiMap headers) {
    this.port = port;
    this.body = body;
    this.headers = headers;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(req -> {
          if (req.path().equals("/health")) {
            req.response().end("ok");
            return;
          }
          req.response().headers().addAll(headers);
          req.response().end(body);
        })
        .listen();
  }

  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    int port = a.intOpt("--port", 18081);
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(a.opt("--body", null))));
    MultiMap headers = HttpHeaders.headers();
    String headerFile = a.opt("--headers", null);
    if (headerFile != null) {
      List<String> lines = Files.readAllLines(Path.of(headerFile));
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String name = line.substring(0, colon).trim();
        String lower = name.toLowerCase();
        if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection")
            || lower.equals("date")) {
          continue;
        }
        headers.add(name, line.substring(colon + 1).trim());
      }
    }
    if (!headers.contains(HttpHeaders.CONTENT_TYPE)) {
      headers.add(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    int instances = a.intOpt("--instances", Runtime.getRuntime().availableProcessors());
    // the same transport as the gateway (native epoll where it loads), or the baseline would pay for Java NIO
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    vertx.deployVerticle(() -> new BareServer(port, body, headers), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare server on 127.0.0.1:" + port + " instances=" + instances + " body=" + body.length()
            + "B transport=" + (vertx.isNativeTransportEnabled() ? "epoll" : "nio")))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(1);
        });
  }
}
