package dev.edgegateway.http;

import static dev.edgegateway.http.ErrorMapping.named;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.events.EventsService;
import dev.edgegateway.flow.Futures;
import dev.edgegateway.identity.IdentityOptions;
import dev.edgegateway.identity.IdentityResolver;
import dev.edgegateway.identity.IdentityService;
import dev.edgegateway.identity.ShopperHash;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.recs.RecsService;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Consumer;

/**
 * The storefront-facing API server (and its TLS listener), one instance per core, holding no state of its own.
 * Every request passes the drain (which asks clients to close their connection while the gateway shuts down), the
 * access log (which gives it its request id and trace context), the per-request metric, the size limits and the
 * origin check ({@link SameOriginCors}); the routes that change state refuse cross-site pages and non-JSON bodies,
 * and those that cost an upstream call take a token from the client's budget ({@link ClientRateLimit}); then the
 * route: the page ({@link PageRoute}), the shopper's segments and
 * identify, the Klevu-compatible routes and the events. Each route asks the capability verticles over the bus; the
 * page route answers a warm page from memory first.
 */
public final class HttpVerticle extends VerticleBase {
  private final Consumer<Integer> boundPort;
  private final PageSources sources;
  private final Drain drain;
  private final ConnectionGuard.Open open;
  private final ConnectionGuard.Open openTls;
  private ConnectionGuard guard;
  private ConnectionGuard tlsGuard;

  /**
   * @param boundPort told the port actually bound (tests listen on port 0)
   * @param sources what the page route reads besides the bus, shared by every instance
   * @param drain the shutdown state every instance shares: it gets their listeners to stop
   * @param open, openTls the open connections of the plain and TLS listeners, every instance together (the cap)
   */
  public HttpVerticle(Consumer<Integer> boundPort, PageSources sources, Drain drain, ConnectionGuard.Open open,
      ConnectionGuard.Open openTls) {
    this.boundPort = boundPort;
    this.sources = sources;
    this.drain = drain;
    this.open = open;
    this.openTls = openTls;
  }

  /** The open-connection counts an API deployment shares: {@code edge_http_connections{listener="api"|"api_tls"}}. */
  public static ConnectionGuard.Open[] openConnections(MeterRegistry registry) {
    return new ConnectionGuard.Open[] {new ConnectionGuard.Open(registry, "api"), new ConnectionGuard.Open(registry, "api_tls")};
  }

  @Override
  public Future<?> start() {
    Bus.install(vertx);
    HttpOptions options = HttpOptions.from(config());
    return Futures.attempt(() -> listen(options, router(options)));
  }

  @Override
  public Future<?> stop() {
    for (ConnectionGuard g : new ConnectionGuard[] {guard, tlsGuard}) {
      if (g != null) {
        g.stop();
      }
    }
    return Future.succeededFuture();
  }

  private Future<?> listen(HttpOptions options, Router router) {
    ConnectionLimits limits = ConnectionLimits.from(config());
    guard = new ConnectionGuard(vertx, limits, open, Metrics.of(vertx), "api");
    HttpServerOptions serverOptions = limits.applyTo(new HttpServerOptions())
        .setHost(options.host())
        .setPort(options.port())
        .setMaxInitialLineLength(Math.max(4_096, options.maxQueryChars() + 512))
        .setMaxHeaderSize(32 * 1024)
        .setCompressionSupported(false)
        .setHttp2ClearTextEnabled(options.h2c())
        .setTcpNoDelay(true);
    Future<HttpServer> plain = server(serverOptions, router, guard).listen()
        .onSuccess(drain::add)
        .onSuccess(server -> boundPort.accept(server.actualPort()));
    if (options.tlsPort() <= 0) {
      return plain;
    }
    HttpServerOptions tlsOptions = new HttpServerOptions(serverOptions)
        .setPort(options.tlsPort())
        .setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(options.tlsCertPath()).setKeyPath(options.tlsKeyPath()));
    tlsGuard = new ConnectionGuard(vertx, limits, openTls, Metrics.of(vertx), "api_tls");
    return Future.all(plain, server(tlsOptions, router, tlsGuard).listen().onSuccess(drain::add));
  }

  private HttpServer server(HttpServerOptions serverOptions, Router router, ConnectionGuard connections) {
    return connections.install(vertx.createHttpServer(serverOptions), router, RequestLimits::invalid)
        .exceptionHandler(ClientHangUps::connectionFailed);
  }

  private Router router(HttpOptions options) {
    MeterRegistry registry = Metrics.of(vertx);
    IdentityOptions identityOptions = IdentityOptions.from(config());
    ShopperIdentity shoppers = new ShopperIdentity(IdentityResolver.of(identityOptions, registry));
    TrustedProxies proxies = options.proxies();
    ShopperCookies cookies = new ShopperCookies(options.publicBaseUrl(), identityOptions.cookieMaxAgeSeconds(), proxies);
    ClientRateLimit limit = new ClientRateLimit(sources.clients(), proxies, new ShopperHash(identityOptions.hashPepper()),
        registry);
    ShopperSegments segments = new ShopperSegments(sources.segments(), options);
    IdentityService identity = IdentityService.proxy(vertx);
    RecsService recs = RecsService.proxy(vertx);
    CdnAnswers cdn = new CdnAnswers(CdnOptions.from(config()), registry);
    KlevuRoutes klevu = new KlevuRoutes(options, KlevuRoutesOptions.from(config()), identity, recs, segments, shoppers, cdn);
    EventRoutes events = new EventRoutes(options, EventsService.proxy(vertx), identity, segments, shoppers, cookies, recs);

    Router router = Router.router(vertx);
    router.route().handler(drain)
        .handler(new AccessLog(AccessLogOptions.from(config()), registry))
        .handler(new RequestMetric(registry))
        .handler(new RequestLimits(options.maxBodyBytes(), options.maxQueryChars()));
    router.route().failureHandler(new ClientHangUps());
    SameOriginCors origins = new SameOriginCors(options.corsOrigins());
    router.route().handler(origins);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()).setHandleFileUploads(false);
    // the page is charged to its client only when it is not answered from memory (PageRoute)
    router.get("/v1/recommendations/:recsKey").handler(named("recommendations",
        new PageRoute(options, shoppers, cookies, segments, sources, recs, registry, cdn, limit)));
    router.get("/v1/segments").handler(limit.handler("segments")).handler(named("segments",
        new SegmentsRoute(options, shoppers, cookies, segments, registry)));
    router.post("/v1/identify").handler(origins.stateChanging("identify")).handler(body).handler(limit.handler("identify"))
        .handler(named("identify", new IdentifyRoute(options, identity, cookies)));
    router.post("/v1/events").handler(origins.stateChanging("events")).handler(body).handler(limit.handler("events"))
        .handler(named("events", events::pageEvents));
    router.post("/klevu/visitor/public/1.0/:apiKey/session").handler(body).handler(limit.handler("klevu_session"))
        .handler(named("klevu_session", klevu::session));
    router.get("/klevu/recommendations/:apiKey/settings/:recsKey").handler(limit.handler("klevu_settings"))
        .handler(named("klevu_settings", klevu::settings));
    router.post("/klevu/search/:host/*").handler(body).handler(limit.handler("klevu_search"))
        .handler(named("klevu_search", klevu::search));
    router.post("/klevu/analytics/collect").handler(origins.stateChanging("klevu_collect")).handler(body)
        .handler(limit.handler("klevu_collect")).handler(named("klevu_collect", events::klevuCollect));
    StaticAssets.mount(router, options.demoPage());
    ErrorMapping.install(router, options.maxBodyBytes());
    return router;
  }
}
