package dev.edgegateway;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.cache.Cache;
import dev.edgegateway.cache.CacheFactory;
import dev.edgegateway.cache.SingleFlight;
import dev.edgegateway.cache.SingleFlightOptions;
import dev.edgegateway.cache.ValueCodecs;
import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.events.EventsVerticle;
import dev.edgegateway.http.CoalescedPage;
import dev.edgegateway.http.HttpOptions;
import dev.edgegateway.http.HttpVerticle;
import dev.edgegateway.http.OpsVerticle;
import dev.edgegateway.http.PageSources;
import dev.edgegateway.identity.IdentityVerticle;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.recs.BannerMemo;
import dev.edgegateway.recs.RecentClicks;
import dev.edgegateway.recs.RecsVerticle;
import dev.edgegateway.segments.SegmentStore;
import dev.edgegateway.segments.SegmentVerticle;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys one gateway into a Vert.x instance: the capability verticles first (identity, segments, recs,
 * events), then the HTTP front (one instance per core) and the ops port. Stopping drains in the reverse
 * order: readiness goes red, the front stops taking requests, then the outbox flushes.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final CacheFactory caches;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger httpPort = new AtomicInteger();
  private final AtomicInteger opsPort = new AtomicInteger();
  private final List<String> frontDeployments = new ArrayList<>();
  private final List<String> capabilityDeployments = new ArrayList<>();
  private String eventsDeployment;

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
    PageSources pageSources = new PageSources(segmentStore, banners, pages);
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
            vertx.deployVerticle(new IdentityVerticle(linkStore).withSettings(config), bare)
                .onSuccess(capabilityDeployments::add),
            vertx.deployVerticle(new EventsVerticle().withSettings(config), bare).onSuccess(id -> eventsDeployment = id)))
        .compose(v -> vertx.deployVerticle(() -> new HttpVerticle(httpPort::set, pageSources),
            new DeploymentOptions().setConfig(config).setInstances(httpInstances)))
        .onSuccess(frontDeployments::add)
        .compose(v -> vertx.deployVerticle(new OpsVerticle(List.of(
                new OpsVerticle.ReadinessCheck("redis", () -> caches.isHealthy() ? null : "redis unreachable")),
            draining::get, opsPort::set), one))
        .onSuccess(frontDeployments::add)
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

  public Future<Void> stop() {
    draining.set(true);
    Future<Void> front = Future.all(frontDeployments.stream().map(vertx::undeploy).toList()).mapEmpty();
    return front
        .compose(v -> eventsDeployment == null ? Future.succeededFuture() : vertx.undeploy(eventsDeployment))
        .compose(v -> Future.all(capabilityDeployments.stream().map(vertx::undeploy).toList()))
        .compose(v -> caches.close())
        .mapEmpty();
  }
}
