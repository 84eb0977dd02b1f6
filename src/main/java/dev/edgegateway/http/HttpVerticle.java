package dev.edgegateway.http;

import dev.edgegateway.wire.QueryParams;
import dev.edgegateway.wire.CookieHeader;
import dev.edgegateway.bus.Bus;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.cache.SingleFlight;
import dev.edgegateway.cache.CacheStatus;
import dev.edgegateway.identity.Identity;
import dev.edgegateway.identity.IdentityOptions;
import dev.edgegateway.identity.IdentityRequest;
import dev.edgegateway.identity.IdentityResolver;
import dev.edgegateway.identity.IdentityService;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.recs.BannerMemo;
import dev.edgegateway.recs.ConfigAnswer;
import dev.edgegateway.recs.ConfigRequest;
import dev.edgegateway.recs.RecsRequest;
import dev.edgegateway.recs.RecsResult;
import dev.edgegateway.recs.RecsService;
import dev.edgegateway.recs.SearchRequest;
import dev.edgegateway.segments.FreshSegments;
import dev.edgegateway.segments.SegmentRequest;
import dev.edgegateway.segments.SegmentResult;
import dev.edgegateway.segments.SegmentService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storefront-facing API. One instance per core; it owns no state: every step is a request over the
 * event bus to the capability that owns it, under the request's one deadline. Optional personalisation
 * never turns into a 5xx: a failed step degrades the answer and says so.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  static final String OUTCOME_KEY = "edge.outcome";
  static final String ROUTE_KEY = "edge.route";
  public static final String KLA_ID_COOKIE = "__kla_id";
  public static final String KLA_OFF_COOKIE = "__kla_off";
  public static final String IDENTITY_COOKIE = "edge_id";
  public static final String SESSION_COOKIE = "edge_ks";
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9-]{8,64}");
  private static final Pattern RULE_CONTEXT_INVALID = Pattern.compile("[^A-Za-z0-9_-]");
  private static final int MAX_RULE_CONTEXTS = 10;
  private static final int MAX_CONTEXT_CHARS = 512;

  private final Consumer<Integer> boundPort;
  private final LocalReads localReads;
  private HttpOptions options;
  private IdentityResolver resolver;
  private IdentityService identity;
  private SegmentService segments;
  private RecsService recs;
  private EventRoutes eventRoutes;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private MeterRegistry registry;

  /**
   * What the front may read in place, without a bus hop: the segment store and the banner memo the
   * capability verticles fill. Only fresh answers are read this way; everything else goes over the bus.
   */
  public record LocalReads(FreshSegments segments, BannerMemo banners, SingleFlight<CoalescedPage> pages) {
    public LocalReads(FreshSegments segments, BannerMemo banners) {
      this(segments, banners, null);
    }
  }

  /**
   * @param boundPort told the port actually bound (tests listen on port 0)
   * @param localReads in-place reads for fresh pages, or null to send every step over the bus
   */
  public HttpVerticle(Consumer<Integer> boundPort, LocalReads localReads) {
    this.boundPort = boundPort;
    this.localReads = localReads;
  }

  public HttpVerticle() {
    this(port -> { }, null);
  }

  @Override
  public Future<?> start() {
    Bus.install(vertx);
    options = HttpOptions.from(config());
    registry = Metrics.of(vertx);
    try {
      resolver = IdentityResolver.of(IdentityOptions.from(config()), registry);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    identity = IdentityService.proxy(vertx);
    segments = SegmentService.proxy(vertx);
    recs = RecsService.proxy(vertx);
    eventRoutes = new EventRoutes(vertx, options, this::klevuSession);
    Router router = router();
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setMaxInitialLineLength(Math.max(4_096, options.maxQueryChars() + 512))
        .setMaxHeaderSize(32 * 1024)
        .setCompressionSupported(false)
        .setTcpNoDelay(true);
    Future<HttpServer> plain = vertx.createHttpServer(serverOptions).requestHandler(router).listen()
        .onSuccess(server -> boundPort.accept(server.actualPort()));
    if (options.tlsPort() <= 0) {
      return plain;
    }
    HttpServerOptions tlsOptions = new HttpServerOptions(serverOptions)
        .setPort(options.tlsPort())
        .setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(options.tlsCertPath()).setKeyPath(options.tlsKeyPath()));
    return Future.all(plain, vertx.createHttpServer(tlsOptions).requestHandler(router).listen());
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(this::guard);
    if (!options.corsOrigins().isEmpty()) {
      CorsHandler cors = CorsHandler.create()
          .addOrigins(options.corsOrigins())
          .allowCredentials(true)
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
          .allowedHeaders(Set.of("Content-Type", "Accept"))
          .exposedHeaders(Set.of("X-Cache", "X-Edge-Outcome", "Server-Timing"))
          .maxAgeSeconds(600);
      // browsers send Origin on same-origin POSTs too, and vertx-web's CorsHandler answers 403 to any origin
      // not listed: pages served by the gateway itself (/demo/, or a CDN mapping it under the shop's origin)
      // must not need their own origin in EDGE_CORS_ORIGINS
      router.route().handler(ctx -> {
        if (sameOrigin(ctx.request().getHeader("Origin"), ctx.request().getHeader("Host"))) {
          ctx.next();
        } else {
          cors.handle(ctx);
        }
      });
    }
    BodyHandler body = BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()).setHandleFileUploads(false);
    router.get("/v1/recommendations/:recsKey").handler(named("recommendations", this::recommendations));
    router.get("/v1/segments").handler(named("segments", this::segmentsRoute));
    router.post("/v1/identify").handler(body).handler(named("identify", this::identify));
    router.post("/v1/events").handler(body).handler(named("events", eventRoutes::pageEvents));
    router.post("/klevu/visitor/public/1.0/:apiKey/session").handler(body)
        .handler(named("klevu_session", this::klevuSessionRoute));
    router.get("/klevu/recommendations/:apiKey/settings/:recsKey").handler(named("klevu_settings", this::klevuSettings));
    router.post("/klevu/search/:host/*").handler(body).handler(named("klevu_search", this::klevuSearch));
    router.post("/klevu/analytics/collect").handler(body).handler(named("klevu_collect", eventRoutes::klevuCollect));
    StaticAssets.mount(router);
    router.route().last().handler(ctx -> Responses.error(ctx, Outcome.NOT_FOUND, "no such route", 0));
    router.errorHandler(413, ctx -> Responses.error(ctx, Outcome.PAYLOAD_TOO_LARGE, "body over " + options.maxBodyBytes() + " bytes", 0));
    router.errorHandler(400, ctx -> Responses.error(ctx, Outcome.BAD_REQUEST, "malformed request", 0));
    router.errorHandler(500, ctx -> Responses.error(ctx, ctx.failure() == null
        ? new OutcomeException(Outcome.INTERNAL, "internal error") : ctx.failure()));
    return router;
  }

  /** Limits that apply to every route, and the per-request metric. */
  private void guard(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      Outcome outcome = ctx.get(OUTCOME_KEY, Outcome.OK);
      String route = ctx.get(ROUTE_KEY, "other");
      timers.computeIfAbsent(route + "|" + outcome.tag(), k -> Timer.builder("edge_http_request_seconds")
              .tag("route", route).tag("outcome", outcome.tag()).register(registry))
          .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    });
    String declared = ctx.request().getHeader("Content-Length");
    if (declared != null && isOver(declared, options.maxBodyBytes())) {
      // refuse before reading a byte, and close: the client may still be sending the rest
      ctx.response().putHeader("Connection", "close");
      Responses.error(ctx, Outcome.PAYLOAD_TOO_LARGE, "body over " + options.maxBodyBytes() + " bytes", 0);
      return;
    }
    String query = ctx.request().query();
    if (query != null && query.length() > options.maxQueryChars()) {
      Responses.error(ctx, Outcome.BAD_REQUEST, "query string too long", 0);
      return;
    }
    ctx.next();
  }

  private static boolean isOver(String contentLength, long limit) {
    try {
      return Long.parseLong(contentLength.trim()) > limit;
    } catch (NumberFormatException e) {
      return false; // Netty rejects malformed lengths itself
    }
  }

  private static io.vertx.core.Handler<RoutingContext> named(String route, io.vertx.core.Handler<RoutingContext> handler) {
    return ctx -> {
      ctx.put(ROUTE_KEY, route);
      try {
        handler.handle(ctx);
      } catch (OutcomeException e) {
        Responses.error(ctx, e);
      } catch (RuntimeException e) {
        Responses.error(ctx, new OutcomeException(Outcome.INTERNAL, "internal error"));
      }
    };
  }

  // ---- GET /v1/recommendations/{recsKey} -------------------------------------------------------------

  private void recommendations(RoutingContext ctx) {
    String recsKey = ctx.pathParam("recsKey");
    if (recsKey == null || !KEY.matcher(recsKey).matches()) {
      Responses.error(ctx, Outcome.BAD_REQUEST, "recsKey must match " + KEY.pattern(), 0);
      return;
    }
    QueryParams query = QueryParams.parse(ctx.request().query());
    String pid = bounded(query.get("pid"));
    String gpid = bounded(query.get("gpid"));
    String cp = bounded(query.get("cp"));
    PhaseTimer timing = new PhaseTimer();
    Map<String, String> cookies = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    IdentityResolver.Unsealed unsealed = resolveUnsealed(cookies, query);
    Identity resolved = unsealed.identity();
    timing.mark("identity");
    String sessionCookie = cookies.get(SESSION_COOKIE);
    // read once: a page whose banner is not memoised still uses it below, and counts one segments hit, not two
    SegmentResult inMemory = inPlaceReads() ? localReads.segments().lookupNow(segmentRequest(resolved, sessionCookie))
        : null;
    if (inMemory != null && answerInPlace(ctx, recsKey, unsealed, sessionCookie, inMemory, pid, gpid, cp, timing)) {
      return;
    }
    Deadline deadline = Deadline.in(options.requestTimeoutMs());
    List<String> degraded = new ArrayList<>(2);
    Future<Assembled> assembled;
    SingleFlight<CoalescedPage> pages = inMemory == null && resolved.identified() && localReads != null
        && options.coalescePages() ? localReads.pages() : null;
    if (pages == null) {
      assembled = assemble(resolved, inMemory, sessionCookie, recsKey, pid, gpid, cp, deadline, degraded, timing);
    } else {
      // one shopper's same page asked for again while it is being assembled (a burst, a reload, the banners of
      // one page) waits for that one instead of sending its own messages over the bus
      boolean[] leader = {false};
      // the assembly never fails and keeps to this request's deadline: its leader needs no timer of its own
      assembled = pages.runSettling(pageKey(resolved.exchangeIdHash(), validSession(sessionCookie), recsKey, pid, gpid, cp),
          deadline, flightDeadline -> {
            leader[0] = true;
            List<String> steps = new ArrayList<>(2);
            return assemble(resolved, null, sessionCookie, recsKey, pid, gpid, cp, deadline, steps, timing)
                .map(page -> new CoalescedPage(page, List.copyOf(steps)));
          }).compose(page -> {
            if (leader[0]) {
              degraded.addAll(page.degraded());
              return Future.succeededFuture(page.assembled());
            }
            timing.mark("coalesced");
            if (page.degraded().isEmpty() || deadline.remainingMillis() <= 0) {
              degraded.addAll(page.degraded());
              return Future.succeededFuture(page.assembled());
            }
            // the page came back degraded: this request still has its own time and tries on its own, as it
            // would have without coalescing, instead of inheriting the leader's timeout
            return assemble(resolved, null, sessionCookie, recsKey, pid, gpid, cp, deadline, degraded, timing);
          });
    }
    // a new shopper's cookie is sealed while the first upstream call is in flight, and set before the answer below
    setIdentityCookie(ctx, sealDue(unsealed));
    assembled.recover(unexpected -> {
      // every step above recovers on its own; this only guards against a bug: still no 5xx, still a page
      degrade(degraded, "recs", unexpected);
      return Future.succeededFuture(new Assembled(Identity.ANONYMOUS,
          new SegmentResult(null, List.of(), 0, CacheStatus.MISS, true),
          new Banner(new RecsResult(new JsonObject(), new JsonArray(), false, "unavailable", CacheStatus.MISS), null)));
    }).onSuccess(done -> {
      setSessionCookie(ctx, cookies.get(SESSION_COOKIE), done.segments().klevuSessionId());
      RecsResult result = done.banner().result();
      ctx.response()
          .putHeader("X-Cache", result.cacheStatus().worst(done.segments().cacheStatus()).header())
          .putHeader("Server-Timing", timing.header());
      // a banner read from the memo comes with its encoded body; the followers of a flight that just filled the
      // memo share that body instead of encoding their own
      Buffer memoised = !degraded.isEmpty() || !inPlaceReads() ? null
          : done.banner().memoisedBody() != null ? done.banner().memoisedBody()
          : pageBodyOf(localReads.banners().lookupNow(
              new RecsRequest(options.apiKey(), recsKey, done.segments().segments(), pid, gpid, cp)));
      if (memoised != null) {
        Responses.json(ctx, 200, Outcome.OK, memoised);
      } else {
        Responses.json(ctx, 200, degraded.isEmpty() ? Outcome.OK : Outcome.DEGRADED, result.toPage(recsKey, degraded));
      }
    });
  }

  private record Assembled(Identity shopper, SegmentResult segments, Banner banner) {
  }

  /** A banner, with the encoded page body when it was read from the memo (null when it came over the bus). */
  private record Banner(RecsResult result, Buffer memoisedBody) {
  }

  private static Buffer pageBodyOf(BannerMemo.FreshBanner banner) {
    return banner == null ? null : banner.pageBody();
  }

  /** A page assembled once for everyone who asked for it meanwhile, with the steps that degraded. */
  public record CoalescedPage(Assembled assembled, List<String> degraded) {
  }

  /** The shopper's segments, then the banner for them (for an anonymous shopper both at once). Never fails. */
  private Future<Assembled> assemble(Identity shopper, SegmentResult inMemory, String sessionCookie, String recsKey,
      String pid, String gpid, String cp, Deadline deadline, List<String> degraded, PhaseTimer timing) {
    Future<SegmentResult> segmentsLookup = inMemory != null ? Future.succeededFuture(inMemory)
        : lookupSegments(shopper, sessionCookie, deadline, degraded);
    if (!shopper.identified()) {
      // an anonymous shopper has no segments: fetch recs while its session is made, not after
      Future<Banner> unsegmented = fetchRecs(recsKey, List.of(), pid, gpid, cp, deadline, degraded);
      return Future.all(segmentsLookup, unsegmented).map(all -> {
        timing.mark("segments_recs");
        return new Assembled(shopper, all.resultAt(0), all.resultAt(1));
      });
    }
    return segmentsLookup.compose(seg -> {
      timing.mark("segments");
      return fetchRecs(recsKey, seg.segments(), pid, gpid, cp, deadline, degraded)
          .map(result -> {
            timing.mark("recs");
            return new Assembled(shopper, seg, result);
          });
    });
  }

  /** Length-prefixed, so no value can pass for another part of the key; the shopper only by hash. */
  static String pageKey(String exchangeIdHash, String session, String recsKey, String pid, String gpid, String cp) {
    StringBuilder key = new StringBuilder(160);
    for (String part : new String[] {exchangeIdHash, session, recsKey, pid, gpid, cp}) {
      key.append(part == null ? -1 : part.length()).append(':').append(part == null ? "" : part).append('|');
    }
    return key.toString();
  }

  /**
   * The page of a shopper whose session and banner are fresh in this process's memory, written on this event
   * loop with no bus hop; false (nothing written) when any step needs its verticle.
   */
  private boolean answerInPlace(RoutingContext ctx, String recsKey, IdentityResolver.Unsealed shopper, String sessionCookie,
      SegmentResult seg, String pid, String gpid, String cp, PhaseTimer timing) {
    BannerMemo.FreshBanner banner = localReads.banners()
        .lookupNow(new RecsRequest(options.apiKey(), recsKey, seg.segments(), pid, gpid, cp));
    if (banner == null) {
      return false;
    }
    timing.mark("memory");
    setIdentityCookie(ctx, sealDue(shopper));
    setSessionCookie(ctx, sessionCookie, seg.klevuSessionId());
    ctx.response()
        .putHeader("X-Cache", banner.result().cacheStatus().worst(seg.cacheStatus()).header())
        .putHeader("Server-Timing", timing.header());
    Responses.json(ctx, 200, Outcome.OK, banner.pageBody());
    return true;
  }

  private boolean inPlaceReads() {
    return localReads != null && options.fastPath();
  }

  /** What identifies a shopper on a request: the Klaviyo cookies, {@code _kx} and the gateway's cookie. */
  private static IdentityRequest identityRequest(Map<String, String> cookies, QueryParams query) {
    return new IdentityRequest(cookies.get(KLA_ID_COOKIE), cookies.get(KLA_OFF_COOKIE), query.get("_kx"),
        cookies.get(IDENTITY_COOKIE));
  }

  /** As {@link #resolveIdentity}, with the seal of a new gateway cookie left to {@link #sealDue}. */
  private IdentityResolver.Unsealed resolveUnsealed(Map<String, String> cookies, QueryParams query) {
    try {
      return resolver.resolveUnsealed(identityRequest(cookies, query));
    } catch (RuntimeException e) {
      return new IdentityResolver.Unsealed(Identity.ANONYMOUS, false);
    }
  }

  /** The shopper with its due gateway cookie; without one when sealing fails (the next page tries again). */
  private Identity sealDue(IdentityResolver.Unsealed shopper) {
    try {
      return resolver.sealDue(shopper);
    } catch (RuntimeException e) {
      return shopper.identity();
    }
  }

  /** Identity is best effort: whatever goes wrong, the shopper is served anonymously. */
  private Identity resolveIdentity(Map<String, String> cookies, QueryParams query) {
    try {
      return resolver.resolve(identityRequest(cookies, query));
    } catch (RuntimeException e) {
      return Identity.ANONYMOUS;
    }
  }

  /** Records one fallback: the metric says which step and why; the log says it too, without shopper data. */
  private void degrade(List<String> degraded, String step, Throwable cause) {
    Outcome outcome = cause == null ? Outcome.DEGRADED : OutcomeException.outcomeOf(cause);
    synchronized (degraded) {
      if (!degraded.contains(step)) {
        degraded.add(step);
      }
    }
    registry.counter("edge_degraded_total", "step", step, "outcome", outcome.tag()).increment();
    if (cause != null && outcome != Outcome.NOT_FOUND) {
      LOG.warn("degraded step={} outcome={} cause={}", step, outcome.tag(), cause.getMessage());
    }
  }

  /** Never fails: an unreachable Klevu means no segments (and the session the shopper already holds). */
  private Future<SegmentResult> lookupSegments(Identity shopper, String sessionCookie, Deadline deadline,
      List<String> degraded) {
    SegmentRequest request = segmentRequest(shopper, sessionCookie);
    String session = request.klevuSessionId();
    // a session fresh in the store (an L2 hit, say) is read right here; anything else is the verticle's work
    Future<SegmentResult> stored = inPlaceReads() ? localReads.segments().lookupStored(request) : Future.succeededFuture();
    return stored.compose(found -> found != null ? Future.succeededFuture(found)
        : segments.lookup(request, deadline.cap(options.segmentsBudgetMs()))).recover(t -> {
      degrade(degraded, "segments", t);
      return Future.succeededFuture(new SegmentResult(session, List.of(), 0, CacheStatus.MISS, false));
    }).map(seg -> {
      if (seg.degraded()) {
        degrade(degraded, "segments", null);
      }
      return seg;
    });
  }

  /** The shopper's segments request, with the session cookie only when it looks like a Klevu session id. */
  private SegmentRequest segmentRequest(Identity shopper, String sessionCookie) {
    return new SegmentRequest(options.apiKey(), shopper.exchangeId(), shopper.exchangeIdHash(), validSession(sessionCookie));
  }

  /** Segmented first; then unsegmented; then an empty banner. Never fails. */
  private Future<Banner> fetchRecs(String recsKey, List<String> sids, String pid, String gpid, String cp,
      Deadline deadline, List<String> degraded) {
    RecsRequest request = new RecsRequest(options.apiKey(), recsKey, sids, pid, gpid, cp);
    if (inPlaceReads()) {
      // the segments needed their verticle (an L2 hit, say); the banner may still be fresh right here
      BannerMemo.FreshBanner banner = localReads.banners().lookupNow(request);
      if (banner != null) {
        return Future.succeededFuture(new Banner(banner.result(), banner.pageBody()));
      }
    }
    Future<RecsResult> first = recs.fetch(request, deadline);
    Future<RecsResult> fallback = sids.isEmpty() ? first : first.recover(t -> {
      if (OutcomeException.outcomeOf(t) == Outcome.NOT_FOUND) {
        return Future.failedFuture(t);
      }
      degrade(degraded, "personalisation", t);
      return recs.fetch(new RecsRequest(options.apiKey(), recsKey, List.of(), pid, gpid, cp), deadline);
    });
    return fallback.recover(t -> {
      Outcome outcome = OutcomeException.outcomeOf(t);
      degrade(degraded, outcome == Outcome.NOT_FOUND ? "unknown_recs_key" : "recs", t);
      return Future.succeededFuture(new RecsResult(new JsonObject(), new JsonArray(), false,
          outcome == Outcome.NOT_FOUND ? "unknown_recs_key" : "unavailable", CacheStatus.MISS));
    }).map(result -> new Banner(result, null));
  }

  // ---- GET /v1/segments ------------------------------------------------------------------------------

  private void segmentsRoute(RoutingContext ctx) {
    QueryParams query = QueryParams.parse(ctx.request().query());
    Deadline deadline = Deadline.in(options.requestTimeoutMs());
    Map<String, String> cookies = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    List<String> degraded = new ArrayList<>(1);
    Future.succeededFuture(resolveIdentity(cookies, query)).compose(shopper -> {
      setIdentityCookie(ctx, shopper);
      return lookupSegments(shopper, cookies.get(SESSION_COOKIE), deadline, degraded)
          .map(seg -> new Object[] {shopper, seg});
    }).onSuccess(pair -> {
      Identity shopper = (Identity) pair[0];
      SegmentResult seg = (SegmentResult) pair[1];
      setSessionCookie(ctx, cookies.get(SESSION_COOKIE), seg.klevuSessionId());
      ctx.response().putHeader("X-Cache", seg.cacheStatus().header());
      Responses.json(ctx, 200, degraded.isEmpty() ? Outcome.OK : Outcome.DEGRADED, new JsonObject()
          .put("identified", shopper.identified())
          .put("segments", new JsonArray(new ArrayList<>(seg.segments())))
          .put("ruleContexts", new JsonArray(ruleContexts(seg.segments())))
          .put("ttl", seg.ttlSeconds())
          .put("degraded", new JsonArray(new ArrayList<>(degraded))));
    }).onFailure(t -> Responses.error(ctx, t));
  }

  /** Algolia's {@code ruleContexts}: at most 10 strings of {@code [A-Za-z0-9_-]}. */
  static List<String> ruleContexts(List<String> segments) {
    TreeSet<String> contexts = new TreeSet<>();
    for (String segment : segments) {
      String clean = RULE_CONTEXT_INVALID.matcher(segment).replaceAll("_");
      if (!clean.isEmpty() && contexts.size() < MAX_RULE_CONTEXTS) {
        contexts.add(clean.length() > 64 ? clean.substring(0, 64) : clean);
      }
    }
    return new ArrayList<>(contexts);
  }

  // ---- POST /v1/identify -----------------------------------------------------------------------------

  private void identify(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    Object token = body.getValue("customerToken");
    if (!(token instanceof String tokenText) || tokenText.isBlank() || tokenText.length() > 8_192) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "customerToken (a signed storefront customer token) is required");
    }
    Map<String, String> cookies = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    QueryParams query = QueryParams.parse(ctx.request().query());
    IdentityRequest seen = identityRequest(cookies, query);
    identity.identify(new dev.edgegateway.identity.IdentifyRequest(tokenText, seen), Deadline.in(options.requestTimeoutMs()))
        .onSuccess(result -> {
          setIdentityCookie(ctx, result.identity());
          Responses.json(ctx, 200, Outcome.OK, new JsonObject()
              .put("linked", result.linked())
              .put("identified", result.identity().identified()));
        })
        .onFailure(t -> Responses.error(ctx, t));
  }

  // ---- Klevu-compatible routes (for @klevu/core pointed at the gateway) ------------------------------

  private void klevuSessionRoute(RoutingContext ctx) {
    String apiKey = ctx.pathParam("apiKey");
    if (apiKey == null || !KEY.matcher(apiKey).matches()) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "bad api key");
    }
    JsonObject body = jsonBody(ctx);
    String sessionId = validSession(body.getValue("sessionId") instanceof String s ? s : null);
    String exchangeId = null;
    JsonObject info = body.getValue("sessionInfo") instanceof JsonObject i ? i : null;
    JsonArray connectors = info != null && info.getValue("connectorInfo") instanceof JsonArray a ? a : null;
    if (connectors != null) {
      for (Object c : connectors) {
        if (c instanceof JsonObject connector && "klaviyo".equals(connector.getValue("connectorType"))
            && connector.getValue("exchangeId") instanceof String id) {
          exchangeId = id;
        }
      }
    }
    Deadline deadline = Deadline.in(options.requestTimeoutMs());
    String finalSession = sessionId;
    // the identity service validates and hashes the exchange id, exactly as for a _kx link parameter
    Future<Identity> shopper = exchangeId == null ? Future.succeededFuture(Identity.ANONYMOUS)
        : identity.resolve(new IdentityRequest(null, null, exchangeId, null), deadline).otherwise(Identity.ANONYMOUS);
    shopper.compose(id -> klevuSession(apiKey, id, finalSession, deadline))
        .onSuccess(seg -> {
          ctx.response().putHeader("X-Cache", seg.cacheStatus().header());
          Responses.json(ctx, 200, seg.degraded() ? Outcome.DEGRADED : Outcome.OK, new JsonObject()
              .put("apikey", apiKey)
              .put("sessionId", seg.klevuSessionId())
              .put("segmentInfo", new JsonObject()
                  .put("segments", new JsonArray(new ArrayList<>(seg.segments())))
                  // never 0: the SDK would ask again in a tight loop
                  .put("ttl", Math.max(seg.ttlSeconds(), 30))));
        })
        .onFailure(t -> Responses.error(ctx, t));
  }

  /** A session for the SDK route and the events route; degrades to the caller's own session id. */
  Future<SegmentResult> klevuSession(String apiKey, Identity shopper, String sessionId, Deadline deadline) {
    SegmentRequest request = new SegmentRequest(apiKey, shopper.exchangeId(), shopper.exchangeIdHash(), sessionId);
    return segments.lookup(request, deadline).recover(t -> sessionId == null
        ? Future.failedFuture(t)
        : Future.succeededFuture(new SegmentResult(sessionId, List.of(), 0, CacheStatus.MISS, true)));
  }

  private void klevuSettings(RoutingContext ctx) {
    String apiKey = ctx.pathParam("apiKey");
    String recsKey = ctx.pathParam("recsKey");
    if (apiKey == null || !KEY.matcher(apiKey).matches() || recsKey == null || !KEY.matcher(recsKey).matches()) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "bad api key or recsKey");
    }
    QueryParams query = QueryParams.parse(ctx.request().query());
    List<String> sids = canonicalSids(query.get("sids"));
    RecsRequest page = new RecsRequest(apiKey, recsKey, sids, bounded(query.get("pid")), bounded(query.get("gpid")),
        bounded(query.get("cp")));
    recs.config(new ConfigRequest(page), Deadline.in(options.requestTimeoutMs()))
        .onSuccess(answer -> {
          ctx.response().putHeader("X-Cache", answer.cacheStatus().header());
          Responses.json(ctx, 200, Outcome.OK, rewriteBasePath(ctx, answer));
        })
        .onFailure(t -> Responses.error(ctx, t));
  }

  /** Points {@code search.basePath} at our search route, keeping the original host in the path. */
  private JsonObject rewriteBasePath(RoutingContext ctx, ConfigAnswer answer) {
    JsonObject config = answer.config().copy();
    JsonObject search = config.getValue("search") instanceof JsonObject s ? s : null;
    if (search == null || !(search.getValue("basePath") instanceof String basePath)) {
      return config;
    }
    String stripped = basePath.replaceFirst("^https?://", "");
    int slash = stripped.indexOf('/');
    String host = slash < 0 ? stripped : stripped.substring(0, slash);
    String path = slash < 0 ? "/cs/v2/search" : stripped.substring(slash);
    search.put("basePath", publicAuthority(ctx) + "/klevu/search/" + host + path);
    return config;
  }

  /** Our public host+path prefix, without scheme (Klevu's SDK puts {@code https://} in front). */
  private String publicAuthority(RoutingContext ctx) {
    String base = options.publicBaseUrl();
    if (base.isEmpty()) {
      String host = ctx.request().authority() == null ? null : ctx.request().authority().toString();
      return host == null ? "localhost" : host;
    }
    return base.replaceFirst("^https?://", "");
  }

  private void klevuSearch(RoutingContext ctx) {
    String host = ctx.pathParam("host");
    String path = ctx.pathParam("*");
    JsonObject body = jsonBody(ctx);
    recs.search(new SearchRequest(host, "/" + (path == null ? "" : path), body), Deadline.in(options.requestTimeoutMs()))
        .onSuccess(answer -> {
          ctx.response().putHeader("X-Cache", answer.cacheStatus().header());
          Responses.json(ctx, 200, Outcome.OK, answer.response());
        })
        .onFailure(t -> Responses.error(ctx, t));
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  /** The request body as a JSON object, or a BAD_REQUEST. */
  static JsonObject jsonBody(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "a JSON body is required");
    }
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
      if (parsed instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException e) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "body is not valid JSON");
    }
    throw new OutcomeException(Outcome.BAD_REQUEST, "body must be a JSON object");
  }

  static List<String> canonicalSids(String raw) {
    if (raw == null) {
      return List.of();
    }
    TreeSet<String> sids = new TreeSet<>();
    for (String sid : raw.split(",")) {
      String trimmed = sid.trim();
      if (!trimmed.isEmpty() && trimmed.length() <= 128 && sids.size() < 50) {
        sids.add(trimmed);
      }
    }
    return List.copyOf(sids);
  }

  /**
   * Whether a request's {@code Origin} is the gateway itself: its {@code host[:port]} is the request's
   * {@code Host} (either scheme: both are this gateway's own pages). A cross-site page cannot produce this
   * pair, so CORS has nothing to decide.
   */
  static boolean sameOrigin(String origin, String host) {
    if (origin == null || host == null || host.isBlank()) {
      return false;
    }
    String authority = origin.startsWith("https://") ? origin.substring(8)
        : origin.startsWith("http://") ? origin.substring(7) : null;
    return authority != null && authority.equalsIgnoreCase(host.trim());
  }

  private static String bounded(String value) {
    return value == null ? null : value.length() > MAX_CONTEXT_CHARS ? value.substring(0, MAX_CONTEXT_CHARS) : value;
  }

  /** A session id we are willing to send upstream: Klevu mints UUIDs. */
  static String validSession(String value) {
    return value != null && SESSION_ID.matcher(value).matches() ? value : null;
  }

  private boolean secureCookies(RoutingContext ctx) {
    return ctx.request().isSSL() || options.publicBaseUrl().startsWith("https://")
        || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }

  private void setIdentityCookie(RoutingContext ctx, Identity shopper) {
    if (shopper.gatewayCookie() != null) {
      ctx.response().addCookie(Cookie.cookie(IDENTITY_COOKIE, shopper.gatewayCookie())
          .setPath("/").setHttpOnly(true).setSecure(secureCookies(ctx)).setSameSite(CookieSameSite.LAX)
          .setMaxAge(HttpOptions.IDENTITY_COOKIE_MAX_AGE_S));
    }
  }

  private void setSessionCookie(RoutingContext ctx, String current, String sessionId) {
    if (sessionId != null && !sessionId.equals(current)) {
      ctx.response().addCookie(Cookie.cookie(SESSION_COOKIE, sessionId)
          .setPath("/").setHttpOnly(true).setSecure(secureCookies(ctx)).setSameSite(CookieSameSite.LAX)
          .setMaxAge(HttpOptions.SESSION_COOKIE_MAX_AGE_S));
    }
  }

}
