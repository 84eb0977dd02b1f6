package dev.edgegateway.http;

import dev.edgegateway.cache.CacheStatus;
import dev.edgegateway.cache.SingleFlight;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.http.AssembledPage.Banner;
import dev.edgegateway.identity.Identity;
import dev.edgegateway.identity.IdentityResolver;
import dev.edgegateway.recs.BannerMemo;
import dev.edgegateway.recs.RecentClicks;
import dev.edgegateway.recs.RecsRequest;
import dev.edgegateway.recs.RecsResult;
import dev.edgegateway.recs.RecsService;
import dev.edgegateway.segments.SegmentRequest;
import dev.edgegateway.segments.SegmentResult;
import dev.edgegateway.wire.CookieHeader;
import dev.edgegateway.wire.QueryParams;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/recommendations/{recsKey}}: the shopper, its segments, the banner for them, the answer. A page
 * whose session and banner are fresh in this process's memory is answered in place, with the memo's encoded body;
 * any other goes over the bus to the segment and recs verticles, one assembly per shopper and page at a time.
 * Optional personalisation never turns into a 5xx: a failed step degrades the answer and says so.
 */
final class PageRoute implements Handler<RoutingContext> {
  private final HttpOptions options;
  private final ShopperIdentity identity;
  private final ShopperCookies cookies;
  private final ShopperSegments segments;
  private final BannerMemo memo;
  /** Null when pages are not coalesced. */
  private final SingleFlight<CoalescedPage> pages;
  private final RecsService recs;
  private final MeterRegistry registry;
  private final boolean readsInPlace;
  private final CdnAnswers cdn;
  private final ClientRateLimit limit;
  /** The route's name in metrics (as HttpVerticle names it). */
  private static final String ROUTE = "recommendations";
  /** A page depends on the shopper's cookies (and on its URL, {@code _kx} included). */
  private static final String VARY = "Cookie";

  PageRoute(HttpOptions options, ShopperIdentity identity, ShopperCookies cookies, ShopperSegments segments,
      PageSources sources, RecsService recs, MeterRegistry registry, CdnAnswers cdn, ClientRateLimit limit) {
    this.options = options;
    this.identity = identity;
    this.cookies = cookies;
    this.segments = segments;
    this.memo = sources.banners();
    this.pages = options.coalescePages() ? sources.pages() : null;
    this.recs = recs;
    this.registry = registry;
    this.readsInPlace = options.fastPath();
    this.cdn = cdn;
    this.limit = limit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String recsKey = ctx.pathParam("recsKey");
    if (!RequestValues.isKey(recsKey)) {
      Responses.error(ctx, Outcome.BAD_REQUEST, "recsKey must match " + RequestValues.KEY.pattern(), 0);
      return;
    }
    QueryParams query = QueryParams.parse(ctx.request().query());
    String pid = RequestValues.bounded(query.get("pid"));
    String gpid = RequestValues.bounded(query.get("gpid"));
    String cp = RequestValues.bounded(query.get("cp"));
    List<String> cart = RequestValues.idList(query.get("cart"));
    PhaseTimer timing = new PhaseTimer();
    Map<String, String> sent = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    IdentityResolver.Unsealed shopper = identity.resolveUnsealed(sent, query);
    RequestIds ids = RequestIds.of(ctx);
    ids.shopper(shopper.identity().exchangeIdHash());
    timing.mark("identity");
    String sessionCookie = sent.get(ShopperCookies.SESSION);
    // the same answer for every anonymous visitor who sends no shopper signal: a CDN may keep it
    boolean shareable = !shopper.identity().identified() && !ShopperCookies.signalsShopper(sent, query.get("_kx"));
    SegmentRequest segmentsRequest = segments.requestFor(shopper.identity(), sessionCookie);
    SegmentResult inMemory = segments.inMemory(segmentsRequest);
    String clicks = RecentClicks.shopperKey(shopper.identity().exchangeIdHash(), segmentsRequest.klevuSessionId());
    BannerMemo.Read banner = inMemory == null ? null
        : memo.read(new RecsRequest(options.apiKey(), recsKey, inMemory.segments(), pid, gpid, cp, cart, clicks));
    if (banner instanceof BannerMemo.FreshBanner fresh) {
      answerFromMemory(ctx, recsKey, shopper, sessionCookie, inMemory, fresh, timing, shareable);
      return;
    }
    PageRequest page = new PageRequest(recsKey, pid, gpid, cp, cart, clicks, shopper.identity(), segmentsRequest, sessionCookie,
        ids.deadline(options.requestTimeoutMs()), new DegradedSteps(registry, ids), timing);
    // only a page that may cost upstream calls is charged to the client's budget
    limit.admit(ctx, ROUTE).onSuccess(admitted -> {
      if (admitted) {
        answerOverTheBus(ctx, page, shopper, inMemory, (BannerMemo.Missed) banner, shareable);
      }
    });
  }

  /** The fast path: session and banner fresh in memory, answered on this event loop with no bus hop. */
  private void answerFromMemory(RoutingContext ctx, String recsKey, IdentityResolver.Unsealed shopper,
      String sessionCookie, SegmentResult seg, BannerMemo.FreshBanner banner, PhaseTimer timing, boolean shareable) {
    timing.mark("memory");
    cookies.setIdentity(ctx, identity.sealDue(shopper));
    cookies.setSession(ctx, sessionCookie, seg.klevuSessionId());
    ctx.response()
        .putHeader("X-Cache", xCache(banner.result(), seg, shopper.identity()))
        .putHeader("Server-Timing", timing.header());
    if (shareable) {
      cdn.sendPublic(ctx, ROUTE, banner.pageBody(), true, cdn.options().bannerMaxAgeSeconds(),
          CdnAnswers.surrogateKey(recsKey), VARY);
    } else {
      cdn.sendPrivate(ctx, ROUTE, 200, Outcome.OK, banner.pageBody(), VARY);
    }
  }

  /**
   * The bus path: {@code inMemory} (with {@code missed}, the memo's miss for them) when the segments were fresh here
   * but the banner was not; both null when the segments need their verticle.
   */
  private void answerOverTheBus(RoutingContext ctx, PageRequest page, IdentityResolver.Unsealed shopper,
      SegmentResult inMemory, BannerMemo.Missed missed, boolean shareable) {
    Future<AssembledPage> assembled = inMemory == null && page.shopper().identified() && pages != null
        ? coalesced(page)
        : assemble(page, inMemory, missed);
    // a new shopper's cookie is sealed while the first upstream call is in flight, and set before the answer below
    cookies.setIdentity(ctx, identity.sealDue(shopper));
    assembled.recover(unexpected -> {
      // every step recovers on its own; this only guards against a bug: still no 5xx, still a page
      page.degraded().record("recs", unexpected);
      return Future.succeededFuture(new AssembledPage(SegmentResult.unavailable(null),
          new Banner(RecsResult.empty("unavailable"), null)));
    }).onSuccess(done -> answer(ctx, page, done, shareable));
  }

  /**
   * The page assembled once for this shopper: one asked for again while it is being assembled (a burst, a reload,
   * the banners of one page) waits for that one instead of sending its own messages over the bus.
   */
  private Future<AssembledPage> coalesced(PageRequest page) {
    // the assembly never fails and keeps to this request's deadline: its leader needs no timer of its own
    return pages.runSettling(page.coalescingKey(), page.deadline(), flightDeadline -> {
      PageRequest flight = page.withDegraded(page.degraded().another());
      return assemble(flight, null, null).map(done -> new CoalescedPage(page, done, flight.degraded().list()));
    }).compose(shared -> {
      if (shared.assembledFor(page)) {
        page.degraded().addAll(shared.degraded());
        return Future.succeededFuture(shared.page());
      }
      page.timing().mark("coalesced");
      if (shared.degraded().isEmpty() || page.deadline().remainingMillis() <= 0) {
        page.degraded().addAll(shared.degraded());
        return Future.succeededFuture(shared.page());
      }
      // the page came back degraded: this request still has its own time and tries on its own, as it would have
      // without coalescing, instead of inheriting the leader's timeout
      return assemble(page, null, null);
    });
  }

  /** The shopper's segments, then the banner for them (for an anonymous shopper both at once). Never fails. */
  private Future<AssembledPage> assemble(PageRequest page, SegmentResult inMemory, BannerMemo.Missed missed) {
    Future<SegmentResult> segmentsLookup = inMemory != null ? Future.succeededFuture(inMemory)
        : segments.lookup(page.segments(), page.deadline(), page.degraded());
    if (!page.shopper().identified()) {
      // an anonymous shopper has no segments: fetch recs while its session is made, not after
      Future<Banner> unsegmented = banner(page, List.of(), missed);
      return Future.all(segmentsLookup, unsegmented).map(all -> {
        page.timing().mark("segments_recs");
        return new AssembledPage(all.resultAt(0), all.resultAt(1));
      });
    }
    return segmentsLookup.compose(seg -> {
      page.timing().mark("segments");
      return banner(page, seg.segments(), missed).map(banner -> {
        page.timing().mark("recs");
        return new AssembledPage(seg, banner);
      });
    });
  }

  /**
   * The banner for {@code sids}: from the memo (read here unless the page already missed it), else segmented from
   * the recs verticle, then unsegmented, then an empty banner. Never fails.
   */
  private Future<Banner> banner(PageRequest page, List<String> sids, BannerMemo.Missed missed) {
    BannerMemo.Missed miss = missed;
    if (miss == null && readsInPlace) {
      // the segments needed their verticle (an L2 hit, say); the banner may still be fresh right here
      BannerMemo.Read read = memo.read(page.recs(sids));
      if (read instanceof BannerMemo.FreshBanner fresh) {
        return Future.succeededFuture(new Banner(fresh.result(), fresh.pageBody()));
      }
      miss = (BannerMemo.Missed) read;
    }
    BannerMemo.Missed filling = miss;
    RecsRequest request = miss != null ? miss.page() : page.recs(sids);
    Future<RecsResult> first = recs.fetch(request, page.deadline());
    Future<RecsResult> fallback = sids.isEmpty() ? first : first.recover(t -> {
      if (OutcomeException.outcomeOf(t) == Outcome.NOT_FOUND) {
        return Future.failedFuture(t);
      }
      page.degraded().record("personalisation", t);
      return recs.fetch(page.recs(List.of()), page.deadline());
    });
    return fallback.transform(ar -> {
      if (ar.succeeded()) {
        // the recs verticle memoised what it just fetched, body encoded: this page and its followers send that body
        Buffer body = filling != null && page.degraded().isEmpty() ? memo.bodyFilledFor(filling) : null;
        return Future.succeededFuture(new Banner(ar.result(), body));
      }
      boolean unknown = OutcomeException.outcomeOf(ar.cause()) == Outcome.NOT_FOUND;
      page.degraded().record(unknown ? "unknown_recs_key" : "recs", ar.cause());
      return Future.succeededFuture(new Banner(RecsResult.empty(unknown ? "unknown_recs_key" : "unavailable"), null));
    });
  }

  /** What the answer came from: the banner's lookups, and the shopper's session only when it was looked up. */
  private static String xCache(RecsResult banner, SegmentResult segments, Identity shopper) {
    return (shopper.identified() ? banner.cacheStatus().worst(segments.cacheStatus()) : banner.cacheStatus()).header();
  }

  private void answer(RoutingContext ctx, PageRequest page, AssembledPage done, boolean shareable) {
    cookies.setSession(ctx, page.sessionCookie(), done.segments().klevuSessionId());
    RecsResult result = done.banner().result();
    ctx.response()
        .putHeader("X-Cache", xCache(result, done.segments(), page.shopper()))
        .putHeader("Server-Timing", page.timing().header());
    boolean degraded = !page.degraded().isEmpty();
    Buffer memoised = degraded ? null : done.banner().memoisedBody();
    Buffer body = memoised != null ? memoised : result.toPage(page.recsKey(), page.degraded().list()).toBuffer();
    if (shareable && !degraded) {
      // a stale banner is being refreshed here: a CDN may serve it stale meanwhile, not keep it as fresh
      long maxAge = result.cacheStatus() == CacheStatus.STALE ? 0 : cdn.options().bannerMaxAgeSeconds();
      cdn.sendPublic(ctx, ROUTE, body, memoised != null, maxAge, CdnAnswers.surrogateKey(page.recsKey()), VARY);
    } else {
      cdn.sendPrivate(ctx, ROUTE, 200, degraded ? Outcome.DEGRADED : Outcome.OK, body, VARY);
    }
  }
}
