package dev.edgegateway;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.cache.Cache;
import dev.edgegateway.cache.CacheFactory;
import dev.edgegateway.cache.SingleFlight;
import dev.edgegateway.cache.SingleFlightOptions;
import dev.edgegateway.cache.TokenBucketStores;
import dev.edgegateway.cache.ValueCodecs;
import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.events.EventsVerticle;
import dev.edgegateway.http.CoalescedPage;
import dev.edgegateway.http.Drain;
import dev.edgegateway.http.HttpOptions;
import dev.edgegateway.http.ConnectionGuard;
import dev.edgegateway.http.HttpVerticle;
import dev.edgegateway.http.OpsVerticle;
import dev.edgegateway.http.PageSources;
import dev.edgegateway.identity.IdentityVerticle;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.recs.BannerMemo;
import dev.edgegateway.recs.RecsPurge;
import dev.edgegateway.recs.RecentClicks;
import dev.edgegateway.recs.RecsVerticle;
import dev.edgegateway.segments.SegmentStore;
import dev.edgegateway.segments.SegmentVerticle;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys one gateway into a Vert.x instance: the capability verticles first (identity, segments, recs,
 * events), then the HTTP front (one instance per core) and the ops port. {@link #shutdown} takes it down in the
 * reverse order, draining: readiness goes red while the front keeps serving, the front stops accepting and
 * finishes what it has, the outbox flushes, the clients close. {@link #stop} is the same without the waits.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** Clients whose buckets are kept in memory (without Redis); the idle and least used are forgotten first. */
  private static final long CLIENT_BUCKETS = 100_000;

  private final Vertx vertx;
  private final CacheFactory caches;
  private final Drain drain = new Drain();
  private final AtomicInteger httpPort = new AtomicInteger();
  private final AtomicInteger opsPort = new AtomicInteger();
  private final List<String> apiDeployments = new ArrayList<>();
  private final List<String> capabilityDeployments = new ArrayList<>();
  private String eventsDeployment;
  private String opsDeployment;
  private Future<Void> stopped;

  private Gateway(Vertx vertx, CacheFactory caches) {
    this.vertx = vertx;
    this.caches = caches;
  }

  public static Future<Gateway> start(Vertx vertx, JsonObject config) {
    Bus.install(vertx);
    Gateway gateway = new Gateway(vertx, new CacheFactory(vertx, cacheConfig(config)));
    return gateway.deploy(config).map(gateway);
  }

  /** The {@code cache} section as the cache factory wants it: Redis only when the mode allows it. */
  static JsonObject cacheConfig(JsonObject config) {
    JsonObject cache = GatewayConfig.section(config, "cache").copy();
    String mode = GatewayConfig.cacheMode(config);
    if (GatewayConfig.CACHE_MEMORY.equals(mode) || GatewayConfig.CACHE_OFF.equals(mode)) {
      cache.remove("redis");
    }
    return cache;
  }

  private Future<Void> deploy(JsonObject config) {
    DeploymentOptions one = new DeploymentOptions().setConfig(config);
    HttpOptions http = HttpOptions.from(config);
    SegmentStore segmentStore = new SegmentStore(vertx, caches.create("segments", ValueCodecs.json()), Metrics.of(vertx));
    Cache<JsonObject> configStore = caches.create("config", ValueCodecs.json());
    Cache<JsonObject> searchStore = caches.create("search", ValueCodecs.json());
    Cache<String> linkStore = caches.create("links", ValueCodecs.string());
    // shoppers' last clicked products: in Redis when configured, so they survive restarts and follow a shopper
    Cache<JsonArray> clicksStore = caches.create("clicks", ValueCodecs.jsonArray());
    // with the fast path off the HTTP front never reads the memo: keeping one would encode every page twice
    BannerMemo banners = http.fastPath()
        ? new BannerMemo(caches.memoryOptions(BannerMemo.CACHE_NAME), caches.l1HoldMs(), Metrics.of(vertx))
        : BannerMemo.unread(Metrics.of(vertx));
    // page coalescing is a single-flight too: a plain proxy (cache mode off) has none
    SingleFlight<CoalescedPage> pages = GatewayConfig.CACHE_OFF.equals(GatewayConfig.cacheMode(config))
        ? null
        : new SingleFlight<>(vertx, "page", SingleFlightOptions.from(ConfigReader.of(config)));
    // the HTTP front reads sessions and banners in place from the stores the capability verticles write
    // one budget per client for every HTTP verticle, and with Redis for every gateway sharing it
    PageSources pageSources = new PageSources(segmentStore, banners, pages, http.rateLimitPerSecond() == 0 ? null
        : TokenBucketStores.of(caches.redis(), "client", http.rateLimitPerSecond(), http.rateLimitBurst(),
            CLIENT_BUCKETS));
    // the connection cap counts a listener's connections over all its instances
    ConnectionGuard.Open[] open = HttpVerticle.openConnections(Metrics.of(vertx));
    int httpInstances = http.instances() > 0 ? http.instances() : Runtime.getRuntime().availableProcessors();
    // segments and recs get an instance on every event loop, so that a page's messages to them stay on its thread
    int loops = eventLoops(vertx);
    int perLoop = http.colocateCapabilities() ? loops : 1;
    // pages reach Klevu through the instances on the HTTP loops: they split the connection budget between them
    int senders = Math.min(perLoop, httpInstances);
    SegmentVerticle.Shared segments = new SegmentVerticle.Shared(segmentStore, senders);
    // a shopper read to have clicked nothing is believed for as long as gateways may disagree on cache entries
    long clicksHoldMs = caches.l1HoldMs() > 0 ? caches.l1HoldMs() : RecentClicks.DEFAULT_EMPTY_HOLD_MS;
    RecsVerticle.Shared recs = new RecsVerticle.Shared(configStore, searchStore, clicksStore, clicksHoldMs, banners,
        senders);
    // the verticles that call upstream get their config by hand, not in DeploymentOptions (see ConfiguredVerticle)
    DeploymentOptions bare = new DeploymentOptions();
    DeploymentOptions everyLoop = new DeploymentOptions().setInstances(perLoop);
    // one after the other: Vert.x hands event loops out in turn, so perLoop instances in a row cover every loop
    return vertx.deployVerticle(() -> new SegmentVerticle(segments).withSettings(config), everyLoop)
        .onSuccess(capabilityDeployments::add)
        .compose(v -> vertx.deployVerticle(() -> new RecsVerticle(recs).withSettings(config), everyLoop))
        .onSuccess(capabilityDeployments::add)
        .compose(v -> Future.all(
            vertx.deployVerticle(new IdentityVerticle(linkStore, caches.redis()).withSettings(config), bare)
                .onSuccess(capabilityDeployments::add),
            vertx.deployVerticle(new EventsVerticle(caches.redis()).withSettings(config), bare).onSuccess(id -> eventsDeployment = id)))
        .compose(v -> vertx.deployVerticle(() -> new HttpVerticle(httpPort::set, pageSources, drain, open[0], open[1]),
            new DeploymentOptions().setConfig(config).setInstances(httpInstances)))
        .onSuccess(apiDeployments::add)
        .compose(v -> vertx.deployVerticle(new OpsVerticle(drain::draining, opsPort::set, new RecsPurge(configStore, banners)), one))
        .onSuccess(id -> opsDeployment = id)
        .onSuccess(v -> Metrics.gauge("edge_shutdown_phase", drain, Drain::phase).register(Metrics.of(vertx)))
        .onSuccess(v -> LOG.info("gateway up: api on {}:{}, ops on port {}, cache mode {}, load lease {}, {} http instances",
            http.host(), httpPort.get(), opsPort.get(), GatewayConfig.cacheMode(config),
            caches.lease().isEnabled() ? caches.lease().options().toJson().encode() : "off", httpInstances))
        .onSuccess(v -> LOG.info("segments and recs: {} instance(s) each, {} event loop(s)", perLoop, loops))
        .mapEmpty();
  }

  /** The event-loop threads of this Vert.x instance (the count is not in its public API). */
  static int eventLoops(Vertx vertx) {
    int loops = 0;
    for (EventExecutor ignored : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops++;
    }
    return Math.max(1, loops);
  }

  public int httpPort() {
    return httpPort.get();
  }

  public int opsPort() {
    return opsPort.get();
  }

  /**
   * Stops at once: the listeners close with whatever they were answering, the outbox still flushes (for up to
   * {@code EDGE_EVENTS_DRAIN_MS}). For tests and the warm-up's private gateway; a deployment uses {@link #shutdown}.
   * Every later call of either method gets the first one's future.
   */
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      drain.startDraining();
      List<String> front = new ArrayList<>(apiDeployments);
      if (opsDeployment != null) {
        front.add(opsDeployment);
      }
      stopped = Future.all(front.stream().map(vertx::undeploy).toList()).compose(v -> stopBehindTheFront());
    }
    return stopped;
  }

  /**
   * The drain on SIGTERM: not ready (readiness 503) while still serving for {@code drainMs}, every answer with
   * {@code Connection: close}; then the API listeners stop accepting and the requests in flight get {@code graceMs}
   * to finish; then the outbox flushes (for up to {@code EDGE_EVENTS_DRAIN_MS}), the capabilities and the Redis
   * client close. The ops port stays up to the end, answering 503 on readiness. A step that fails is logged and
   * the next one still runs.
   */
  public synchronized Future<Void> shutdown(ShutdownOptions options) {
    if (stopped == null) {
      stopped = drainAndStop(options);
    }
    return stopped;
  }

  private Future<Void> drainAndStop(ShutdownOptions options) {
    long started = System.nanoTime();
    drain.startDraining();
    LOG.info("shutdown: not ready; serving for {} ms more, answers with Connection: close", options.drainMs());
    Promise<Void> drained = Promise.promise();
    if (options.drainMs() > 0) {
      vertx.setTimer(options.drainMs(), id -> drained.complete());
    } else {
      drained.complete();
    }
    return drained.future()
        .compose(v -> {
          LOG.info("shutdown: stopped accepting; requests in flight have {} ms to finish", options.graceMs());
          return tolerant("closing the API listeners", drain.closeServers(options.graceMs()));
        })
        .compose(v -> tolerant("undeploying the API", Future.all(apiDeployments.stream().map(vertx::undeploy).toList())))
        .compose(v -> {
          LOG.info("shutdown: API closed after {} ms; flushing the outbox, closing clients", sinceMs(started));
          return tolerant("stopping the capabilities", stopBehindTheFront());
        })
        .compose(v -> opsDeployment == null ? Future.<Void>succeededFuture() : tolerant("undeploying the ops port",
            vertx.undeploy(opsDeployment)))
        .onComplete(ar -> LOG.info("shutdown: done after {} ms", sinceMs(started)));
  }

  private static Future<Void> tolerant(String step, Future<?> future) {
    return future.<Void>mapEmpty().recover(t -> {
      LOG.warn("shutdown: {} failed ({})", step, t.toString());
      return Future.succeededFuture();
    });
  }

  private Future<Void> stopBehindTheFront() {
    return (eventsDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(eventsDeployment))
        .compose(v -> Future.all(capabilityDeployments.stream().map(vertx::undeploy).toList()))
        .compose(v -> caches.close())
        .mapEmpty();
  }

  private static long sinceMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000L;
  }
}
