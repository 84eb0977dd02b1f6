package dev.edgegateway.sim;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HTTP simulator of the Klevu and Klaviyo upstreams, on one port, at the real upstream paths (a client only
 * changes its base URL):
 * <ul>
 *   <li>{@code POST /public/1.0/{apiKey}/session}: Klevu visitor service;</li>
 *   <li>{@code GET  /recommendations/{apiKey}/settings/{recsKey}}: Klevu recommendation config CDN;</li>
 *   <li>{@code POST /cs/v2/search}: Klevu search;</li>
 *   <li>{@code POST /analytics/collect}: Klevu analytics;</li>
 *   <li>{@code GET /api/profiles}, {@code POST /api/profile-import}, {@code GET /api/profiles/{id}/segments}: Klaviyo;</li>
 *   <li>control plane: {@code GET /__sim/stats}, {@code POST /__sim/reset}, {@code GET|PUT /__sim/config},
 *       {@code GET /__sim/events}, {@code GET /__sim/headers} (the latest {@code traceparent} per upstream),
 *       {@code GET /__sim/health}; {@code GET /__sim/images/{id}.svg}, the catalogue's product images.</li>
 * </ul>
 *
 * <p>Several instances may be deployed on the same port; give them the same {@link SimulatorState} (constructor
 * {@link #SimulatorVerticle(SimulatorOptions, SimulatorState)}) so counters, sessions, events and faults are
 * shared. {@link #start(Vertx, SimulatorOptions)} does that for you.
 */
public final class SimulatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatorVerticle.class);

  private final SimulatorOptions options;
  private final SimulatorState state;
  private final Bind bind;
  private volatile int actualPort = -1;
  private volatile String advertised;

  /** One instance with its own fresh {@link SimulatorState}. */
  public SimulatorVerticle(SimulatorOptions options) {
    this(options, new SimulatorState(options));
  }

  /** An instance using (and sharing) {@code state}; the state's run-time config wins over {@code options}'. */
  public SimulatorVerticle(SimulatorOptions options, SimulatorState state) {
    this(options, state, Bind.AS_CONFIGURED);
  }

  private SimulatorVerticle(SimulatorOptions options, SimulatorState state, Bind bind) {
    this.options = new SimulatorOptions(options);
    this.state = state;
    this.bind = bind;
  }

  private enum Bind { AS_CONFIGURED, SHARED_RANDOM }

  /**
   * Deploys {@code options.getInstances()} verticles sharing one new {@link SimulatorState} and completes once
   * all listen. With port 0 and several instances, all instances share one random port (Vert.x negative-port
   * sharing); instances deployed by hand with port 0 would each get their own port.
   */
  public static Future<RunningSimulator> start(Vertx vertx, SimulatorOptions options) {
    return start(vertx, options, new SimulatorState(options));
  }

  /** As {@link #start(Vertx, SimulatorOptions)} with a caller-provided shared state. */
  public static Future<RunningSimulator> start(Vertx vertx, SimulatorOptions options, SimulatorState state) {
    List<SimulatorVerticle> created = new CopyOnWriteArrayList<>();
    // Vert.x shares a *random* port between server instances only when it is asked for with a negative port
    // (port 0 gives every instance its own port)
    SimulatorVerticle.Bind bind = options.getPort() == 0 && options.getInstances() > 1 ? Bind.SHARED_RANDOM : Bind.AS_CONFIGURED;
    return vertx.deployVerticle(() -> {
          SimulatorVerticle v = new SimulatorVerticle(options, state, bind);
          created.add(v);
          return v;
        }, new DeploymentOptions().setInstances(options.getInstances()))
        .compose(id -> {
          long ports = created.stream().mapToInt(SimulatorVerticle::actualPort).distinct().count();
          if (ports != 1) {
            return vertx.undeploy(id).transform(x -> Future.failedFuture(
                new IllegalStateException("simulator instances bound different ports")));
          }
          SimulatorVerticle first = created.get(0);
          return Future.succeededFuture(
              new RunningSimulator(vertx, List.of(id), first.actualPort(), first.advertisedAddress(), state));
        });
  }

  /** The bound port once started ({@code -1} before). */
  public int actualPort() {
    return actualPort;
  }

  /** {@code host:port} this simulator advertises (search {@code basePath}, Klaviyo links); null before start. */
  public String advertisedAddress() {
    return advertised;
  }

  /** The shared state: counters ({@link SimulatorState#count(SimCounter)}), faults, sessions, events. */
  public SimulatorState state() {
    return state;
  }

  @Override
  public Future<?> start() {
    Router router = buildRouter();
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(options.getHost())
        .setPort(bind == Bind.SHARED_RANDOM ? -1 : options.getPort())
        .setTcpNoDelay(true)
        .setCompressionSupported(false)
        // in a Vert.x that exports spans (--demo, tests) the stand-in upstreams record none of their own
        .setTracingPolicy(TracingPolicy.IGNORE);
    return vertx.createHttpServer(serverOptions)
        .requestHandler(router)
        .listen()
        .onSuccess(server -> {
          actualPort = server.actualPort();
          if (options.getAdvertisedAddress() != null && !options.getAdvertisedAddress().isBlank()) {
            advertised = options.getAdvertisedAddress();
          } else {
            String h = options.getHost();
            if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.isEmpty()) {
              h = "127.0.0.1";
            } else if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
              h = "[" + h + "]";
            }
            advertised = h + ":" + actualPort;
          }
          LOG.info("Klevu/Klaviyo upstream simulator listening on http://{}:{} (advertised as {})",
              options.getHost(), actualPort, advertised);
        });
  }

  private Router buildRouter() {
    Router router = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(options.getMaxBodyBytes()).setMergeFormAttributes(false);

    KlevuConfigHandler config = new KlevuConfigHandler(state, () -> advertised, options.getConfigCacheSize());
    KlaviyoHandler klaviyo = new KlaviyoHandler(state, () -> advertised);

    router.post("/public/1.0/:apiKey/session").handler(body)
        .handler(upstream(Upstream.VISITOR, new KlevuVisitorHandler(state)));
    // regex without groups: vertx-web then leaves the query alone (path params would make it parse the query
    // strictly and answer 400 on a stray '%'); the handler splits the path itself
    router.get().pathRegex("/recommendations/[^/]+/settings/[^/]+/?").handler(upstream(Upstream.CONFIG, config));
    router.post("/cs/v2/search").handler(body)
        .handler(upstream(Upstream.SEARCH, new KlevuSearchHandler(state, options.getSearchMaxBodyBytes(), () -> advertised)));
    router.post("/analytics/collect").handler(body).handler(upstream(Upstream.STATS, new KlevuAnalyticsHandler(state)));
    router.get("/api/profiles/:id/segments").handler(upstream(Upstream.KLAVIYO, klaviyo::getSegments));
    router.get("/api/profiles").handler(upstream(Upstream.KLAVIYO, klaviyo::getProfiles));
    router.get("/api/profiles/").handler(upstream(Upstream.KLAVIYO, klaviyo::getProfiles));
    router.post("/api/profile-import").handler(body).handler(upstream(Upstream.KLAVIYO, klaviyo::importProfile));
    router.post("/api/profile-import/").handler(body).handler(upstream(Upstream.KLAVIYO, klaviyo::importProfile));

    // CORS preflight for the Klevu browser endpoints (the SDK sets Content-Type even on GET)
    router.options().pathRegex("/(public|recommendations|cs|analytics)/.*").handler(ctx -> ctx.response()
        .setStatusCode(204)
        .putHeader("access-control-allow-origin", "*")
        .putHeader("access-control-allow-methods", "GET, POST, OPTIONS")
        .putHeader("access-control-allow-headers", "content-type")
        .putHeader("access-control-max-age", "600")
        .end());

    router.get(SimImages.PATH + ":file").handler(SimImages::serve);
    router.get("/__sim/health").handler(ctx -> Replies.json(ctx, 200, "{\"status\":\"UP\"}"));
    router.get("/__sim/stats").handler(ctx -> Replies.json(ctx, 200, state.statsJson().encode()));
    router.get("/__sim/headers").handler(ctx -> Replies.json(ctx, 200, state.headersJson().encode()));
    router.post("/__sim/reset").handler(ctx -> {
      state.reset();
      Replies.json(ctx, 200, state.statsJson().encode());
    });
    router.get("/__sim/config").handler(ctx -> Replies.json(ctx, 200, state.runtimeConfigJson().encode()));
    router.put("/__sim/config").handler(body).handler(this::putConfig);
    router.get("/__sim/requests").handler(this::requests);
    router.get("/__sim/events").handler(ctx -> {
      int limit = -1;
      String l = ctx.request().getParam("limit");
      if (l != null) {
        try {
          limit = Math.max(0, Integer.parseInt(l));
        } catch (NumberFormatException e) {
          Replies.json(ctx, 400, "{\"error\":\"limit must be an integer\"}");
          return;
        }
      }
      Replies.json(ctx, 200, new JsonArray(List.copyOf(state.events(limit))).encode());
    });

    router.errorHandler(404, ctx -> Replies.json(ctx, 404, "{\"status\":404,\"error\":\"Not Found\"}"));
    router.errorHandler(405, ctx -> Replies.json(ctx, 405, "{\"status\":405,\"error\":\"Method Not Allowed\"}"));
    router.errorHandler(413, ctx -> Replies.json(ctx, 413, "{\"status\":413,\"error\":\"Payload Too Large\"}"));
    router.errorHandler(400, ctx -> Replies.json(ctx, 400, "{\"status\":400,\"error\":\"Bad Request\"}"));
    router.errorHandler(500, ctx -> {
      if (ctx.failure() != null) {
        LOG.warn("simulator handler failed on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      }
      Replies.json(ctx, 500, "{\"status\":500,\"error\":\"Internal Server Error\"}");
    });
    return router;
  }

  /** {@code GET /__sim/requests[?upstream=config|search|stats][&after=seq][&limit=n]}. */
  private void requests(RoutingContext ctx) {
    Upstream upstream = null;
    long after;
    int limit;
    try {
      String u = ctx.request().getParam("upstream");
      if (u != null) {
        upstream = Upstream.fromKey(u);
      }
      after = Long.parseLong(ctx.request().getParam("after", "0"));
      limit = Math.max(0, Integer.parseInt(ctx.request().getParam("limit", "1000")));
    } catch (IllegalArgumentException e) {
      Replies.json(ctx, 400, new JsonObject().put("error", "upstream, after or limit is not valid").encode());
      return;
    }
    Replies.json(ctx, 200, state.requestsJson(upstream, after, limit).encode());
  }

  private void putConfig(RoutingContext ctx) {
    if (!(Replies.parseBody(ctx) instanceof JsonObject patch)) {
      Replies.json(ctx, 400, "{\"error\":\"body must be a JSON object\"}");
      return;
    }
    try {
      state.applyRuntimeConfig(patch);
    } catch (IllegalArgumentException e) {
      Replies.json(ctx, 400, new JsonObject().put("error", e.getMessage()).encode());
      return;
    }
    JsonObject now = state.runtimeConfigJson();
    LOG.info("simulator run-time config changed: {}", now.encode());
    Replies.json(ctx, 200, now.encode());
  }

  /**
   * Wraps an upstream handler: counts the request, tracks in-flight, then applies the upstream's current
   * latency and fault before (maybe) calling {@code handler}.
   */
  private Handler<RoutingContext> upstream(Upstream upstream, Handler<RoutingContext> handler) {
    return ctx -> {
      state.increment(upstream.counter());
      // every value, comma-joined as one header line would carry them: a request that sent two shows both
      List<String> traceparents = ctx.request().headers().getAll("traceparent");
      state.sawTraceparent(upstream, traceparents.isEmpty() ? null : String.join(",", traceparents));
      if (upstream == Upstream.CONFIG || upstream == Upstream.SEARCH || upstream == Upstream.STATS) {
        // never the visitor or Klaviyo calls: those carry exchange ids and emails
        RequestLog.Entry seen = state.requests().add(upstream, ctx.request().method().name(), ctx.request().path(),
            ctx.request().query(), ctx.request().getHeader("traceparent"), ctx.body() == null ? null : ctx.body().buffer());
        if (seen != null) {
          ctx.addEndHandler(ar -> seen.status = ctx.response().getStatusCode());
        }
      }
      UpstreamFault f = state.fault(upstream);
      if (f.fault() == FaultMode.DOWN) {
        state.increment(SimCounter.FAULTED);
        ctx.request().connection().close();
        return;
      }
      if (f.fault() == FaultMode.REFUSE) {
        state.increment(SimCounter.FAULTED);
        reset(ctx.request().connection());
        return;
      }
      state.enter(upstream);
      ctx.addEndHandler(ar -> state.exit(upstream));
      if (f.fault() == FaultMode.HANG) {
        // held until the client gives up: its reset or close ends the exchange (and the in-flight count)
        state.increment(SimCounter.FAULTED);
        return;
      }
      boolean flakyFail = f.fault() == FaultMode.FLAKY && state.flakyShouldFail(upstream);
      long delay = f.latencyMs();
      if (f.jitterMs() > 0) {
        delay += ThreadLocalRandom.current().nextLong(f.jitterMs() + 1);
      }
      if (f.fault() == FaultMode.SLOW) {
        delay += f.slowMs();
      }
      if (delay > 0) {
        vertx.setTimer(delay, id -> answer(ctx, upstream, f, flakyFail, handler));
      } else {
        answer(ctx, upstream, f, flakyFail, handler);
      }
    };
  }

  private void answer(RoutingContext ctx, Upstream upstream, UpstreamFault f, boolean flakyFail,
                      Handler<RoutingContext> handler) {
    if (Replies.gone(ctx)) {
      return;
    }
    HttpServerResponse resp = ctx.response();
    switch (f.fault()) {
      case ERROR -> {
        state.increment(SimCounter.FAULTED);
        faultReply(ctx, upstream, 500, "internal_error", "Simulated upstream error.");
        return;
      }
      case THROTTLE -> {
        state.increment(SimCounter.FAULTED);
        resp.putHeader("Retry-After", Integer.toString(f.retryAfterSeconds()));
        if (upstream == Upstream.KLAVIYO) {
          Replies.jsonApi(ctx, 429, KlaviyoHandler.throttledBody(f.retryAfterSeconds()));
        } else {
          faultReply(ctx, upstream, 429, "throttled", "Simulated throttling.");
        }
        return;
      }
      case FLAKY -> {
        if (flakyFail) {
          state.increment(SimCounter.FAULTED);
          resp.putHeader("Retry-After", Integer.toString(f.retryAfterSeconds()));
          faultReply(ctx, upstream, 503, "service_unavailable", "Simulated flaky upstream.");
          return;
        }
      }
      case MALFORMED -> {
        state.increment(SimCounter.FAULTED);
        // a JSON content type and an answer cut off half-way, as a proxy dropping the connection mid-body would leave
        resp.setStatusCode(200).putHeader("content-type", upstream == Upstream.KLAVIYO ? Replies.JSON_API : Replies.JSON)
            .end("{\"data\":[{\"id\":\"1\",\"attri");
        return;
      }
      case WRONGSHAPE -> {
        state.increment(SimCounter.FAULTED);
        String body = "{\"ok\":true,\"message\":\"simulated answer of the wrong shape\",\"data\":\"not-a-list\","
            + "\"queryResults\":7,\"segments\":{\"nope\":1},\"metadata\":[]}";
        resp.setStatusCode(200).putHeader("content-type", upstream == Upstream.KLAVIYO ? Replies.JSON_API : Replies.JSON)
            .end(body);
        return;
      }
      default -> {
      }
    }
    try {
      handler.handle(ctx);
    } catch (RuntimeException e) {
      LOG.warn("simulator {} handler failed", upstream.key(), e);
      if (!Replies.gone(ctx)) {
        Replies.json(ctx, 500, "{\"status\":500,\"error\":\"Internal Server Error\"}");
      }
    }
  }

  /**
   * TCP reset: linger 0, then close, so the kernel sends RST rather than FIN. Needs Netty's channel (Vert.x
   * internal API, acceptable in the simulator); any other connection type is closed plainly.
   */
  private static void reset(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      Channel ch = base.channel();
      try {
        ch.config().setOption(ChannelOption.SO_LINGER, 0);
      } catch (RuntimeException e) {
        LOG.debug("simulator: SO_LINGER not settable, closing plainly", e);
      }
      ch.close();
    } else {
      connection.close();
    }
  }

  private static void faultReply(RoutingContext ctx, Upstream upstream, int status, String code, String detail) {
    if (upstream == Upstream.KLAVIYO) {
      Replies.jsonApi(ctx, status, KlaviyoHandler.errorBody(status, code, Replies.reason(status) + ".", detail, null));
    } else {
      Replies.json(ctx, status, new JsonObject().put("status", status).put("error", Replies.reason(status))
          .put("message", detail).encode());
    }
  }

}
