package dev.edgegateway.loadtest;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ceiling scenario's baseline: the least a Vert.x server can do to answer a recommendations page.
 * Plain vertx-core (no Router), one instance per available core (like the gateway's HttpVerticle), answering
 * every GET with a fixed body captured from a real gateway response, and the same response headers.
 *
 * <p>With {@code --hold-ms H}, the burst scenario's baseline: a request whose Cookie header is {@code --hold-cookie}
 * is held until a timer started by the first of them fires H ms later, then every held request is answered at once,
 * each on its own event loop: the least a Vert.x server can do to release N requests waiting on one flight.
 *
 * <pre>java -cp loadtest.jar dev.edgegateway.loadtest.BareServer --port 18081 --body body.json [--headers headers.txt] [--instances N]
 *      [--hold-ms 100 --hold-cookie hold=1]</pre>
 */
public final class BareServer extends VerticleBase {
  private final int port;
  private final Buffer body;
  private final MultiMap headers;
  private final long holdMs;
  private final String holdCookie;
  /** The pending release the held requests wait on, shared by every instance; null when none is pending. */
  private final AtomicReference<Future<Void>> release;

  BareServer(int port, Buffer body, MultiMap headers, long holdMs, String holdCookie, AtomicReference<Future<Void>> release) {
    this.port = port;
    this.body = body;
    this.headers = headers;
    this.holdMs = holdMs;
    this.holdCookie = holdCookie;
    this.release = release;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(req -> {
          if (req.path().equals("/health")) {
            req.response().end("ok");
            return;
          }
          if (holdMs > 0 && holdCookie.equals(req.getHeader(HttpHeaders.COOKIE))) {
            Context own = vertx.getOrCreateContext();
            pendingRelease().onComplete(done -> {
              if (Vertx.currentContext() == own) {
                answer(req);
              } else {
                own.runOnContext(v -> answer(req));
              }
            });
            return;
          }
          answer(req);
        })
        .listen();
  }

  private void answer(HttpServerRequest req) {
    req.response().headers().addAll(headers);
    req.response().end(body);
  }

  /** The release pending now, or a new one that a timer on this event loop completes in holdMs. */
  private Future<Void> pendingRelease() {
    Future<Void> pending = release.get();
    if (pending != null) {
      return pending;
    }
    Promise<Void> fresh = Promise.promise();
    if (!release.compareAndSet(null, fresh.future())) {
      return release.get();
    }
    vertx.setTimer(holdMs, id -> {
      release.set(null);
      fresh.complete();
    });
    return fresh.future();
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
    long holdMs = a.longOpt("--hold-ms", 0);
    String holdCookie = a.opt("--hold-cookie", "hold=1");
    AtomicReference<Future<Void>> release = new AtomicReference<>();
    // the same transport as the gateway (native epoll where it loads), or the baseline would pay for Java NIO
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    vertx.deployVerticle(() -> new BareServer(port, body, headers, holdMs, holdCookie, release), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare server on 127.0.0.1:" + port + " instances=" + instances + " body=" + body.length()
            + "B hold_ms=" + holdMs + " transport=" + (vertx.isNativeTransportEnabled() ? "epoll" : "nio")))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(1);
        });
  }
}
