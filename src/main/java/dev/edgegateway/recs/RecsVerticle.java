package dev.edgegateway.recs;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.cache.Cache;
import dev.edgegateway.cache.CacheKeys;
import dev.edgegateway.cache.MemoryCache;
import dev.edgegateway.cache.MemoryCacheOptions;
import dev.edgegateway.cache.ReadThroughCache;
import dev.edgegateway.config.ConfiguredVerticle;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.upstream.UpstreamClient;
import dev.edgegateway.upstream.UpstreamRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Owns the KMC recommendation config and the product search it describes (docs/upstream-apis.md §3, §4). Both are
 * cached and single-flighted by canonical keys (segments sorted, page context normalised). The search host
 * comes from a remote value or a client's path, so it is checked before any call ({@link SearchHosts}: on the
 * allowlist, and named by a config answer unless listed exactly), and each host has breakers of its own.
 */
public final class RecsVerticle extends ConfiguredVerticle implements RecsService {
  private static final String REJECTED = "rejected";
  /** Time a background check of a memoised banner may take. */
  static final long RECHECK_BUDGET_MS = 2_000;

  private final Shared shared;
  private RecsOptions options;
  private BannerMemo memo;
  private UpstreamClient configClient;
  private UpstreamClient searchClient;
  private ReadThroughCache<JsonObject> configs;
  private ReadThroughCache<JsonObject> searches;
  private RecentClicks clicks;

  /**
   * What the instances of this verticle share (one per event loop, see {@code Bus}): the config and search
   * stores with their single-flights, the banner memo, the two upstreams' guards and the search hosts with their
   * breakers. Each instance sends from its own event loop, with its own connections.
   */
  public static final class Shared {
    private final Cache<JsonObject> configStore;
    private final Cache<JsonObject> searchStore;
    private final Cache<JsonArray> clicksStore;
    private final long clicksHoldMs;
    private final BannerMemo memo;
    private final int senders;
    private RecsOptions options;
    private UpstreamClient.Guard config;
    private UpstreamClient.Guard search;
    private ReadThroughCache<JsonObject> configs;
    private ReadThroughCache<JsonObject> searches;
    private SearchHosts hosts;
    private RecentClicks clicks;

    /**
     * @param clicksStore where shoppers' last clicked products live ({@link RecentClicks}); null for one in memory
     * @param memo where fresh banners are memoised for the HTTP front's in-place reads
     * @param senders the instances that send pages' calls (those on the HTTP event loops): each gets its share
     *     of each upstream's connection budget
     */
    public Shared(Cache<JsonObject> configStore, Cache<JsonObject> searchStore, Cache<JsonArray> clicksStore,
        BannerMemo memo, int senders) {
      this(configStore, searchStore, clicksStore, RecentClicks.DEFAULT_EMPTY_HOLD_MS, memo, senders);
    }

    /** @param clicksHoldMs how long a shopper read to have no clicks counts as such here (the cache's L1 hold) */
    public Shared(Cache<JsonObject> configStore, Cache<JsonObject> searchStore, Cache<JsonArray> clicksStore,
        long clicksHoldMs, BannerMemo memo, int senders) {
      this.clicksHoldMs = clicksHoldMs;
      this.configStore = configStore;
      this.searchStore = searchStore;
      this.clicksStore = clicksStore != null ? clicksStore
          : new MemoryCache<JsonArray>(MemoryCacheOptions.defaults());
      this.memo = memo;
      this.senders = senders;
    }

    /** Shoppers' last clicked products in memory only. */
    public Shared(Cache<JsonObject> configStore, Cache<JsonObject> searchStore, BannerMemo memo, int senders) {
      this(configStore, searchStore, null, memo, senders);
    }

    /** True for the first instance to start: it also runs the memo's background checks. */
    private synchronized boolean init(Vertx vertx, JsonObject settings) {
      if (options != null) {
        return false;
      }
      options = RecsOptions.from(settings);
      config = new UpstreamClient.Guard(vertx, "config", options.configUpstream(), senders);
      search = new UpstreamClient.Guard(vertx, "search", options.searchUpstream(), senders);
      configs = new ReadThroughCache<>(vertx, "config", configStore, options.singleFlight(), options.cacheDisabled());
      searches = new ReadThroughCache<>(vertx, "search", searchStore, options.singleFlight(), options.cacheDisabled());
      hosts = new SearchHosts(options.allowedHosts(), options.searchMaxHosts(), search::newBreaker, search::forget,
          Metrics.of(vertx));
      clicks = new RecentClicks(clicksStore, options.recentClicks(), Metrics.of(vertx), clicksHoldMs);
      memo.clickedNothingWith(clicks::clickedNothing);
      return true;
    }
  }

  /** A single instance. */
  public RecsVerticle(Cache<JsonObject> configStore, Cache<JsonObject> searchStore, BannerMemo memo) {
    this(new Shared(configStore, searchStore, memo, 1));
  }

  /** One of several instances sharing {@code shared}. */
  public RecsVerticle(Shared shared) {
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    Bus.install(vertx);
    boolean first = shared.init(vertx, config());
    options = shared.options;
    memo = shared.memo;
    configs = shared.configs;
    searches = shared.searches;
    clicks = shared.clicks;
    configClient = new UpstreamClient(vertx, shared.config);
    searchClient = new UpstreamClient(vertx, shared.search);
    if (first) {
      // banners past their hold are checked on one instance's event loop, off the pages' way
      Context own = vertx.getOrCreateContext();
      memo.recheckWith(page -> own.runOnContext(v -> fetch(page, Deadline.in(RECHECK_BUDGET_MS))));
    }
    return Future.all(
        Bus.<RecsRequest, RecsResult>bind(vertx, FETCH_ADDRESS, this::fetch).completion(),
        Bus.<ConfigRequest, ConfigAnswer>bind(vertx, CONFIG_ADDRESS, this::config).completion(),
        Bus.<SearchRequest, SearchAnswer>bind(vertx, SEARCH_ADDRESS, this::search).completion(),
        Bus.<ClicksRequest, ClicksRecorded>bind(vertx, CLICKS_ADDRESS, this::clicked).completion());
  }

  @Override
  public Future<?> stop() {
    return Future.all(configClient.close(), searchClient.close());
  }

  @Override
  public Future<RecsResult> fetch(RecsRequest request, Deadline deadline) {
    return loadConfig(request, deadline).compose(config -> {
      JsonObject metadata = config.config().getJsonObject("metadata", new JsonObject());
      String skipped = KlevuAnswers.skipReason(metadata);
      if (skipped != null) {
        RecsResult result = new RecsResult(metadata, new JsonArray(), false, skipped, config.cacheStatus(),
            config.config().getValue("staticContent") instanceof JsonArray banners ? banners : null);
        if (BannerMemo.memoisable(config.cacheStatus())) {
          memo.remember(request, result, config.freshUntil());
        }
        return Future.succeededFuture(result);
      }
      // a banner built from a shopper's clicks is memoised only when there were none: then it is the same for every
      // shopper who has clicked nothing, and the memo serves it to those only
      boolean perShopper = KmcSearch.usesClicks(metadata);
      Future<List<String>> lastClicks = perShopper ? clicks.latestFirst(request.shopper())
          : Future.succeededFuture(List.of());
      return lastClicks.compose(last -> {
        SearchRequest searchRequest;
        try {
          searchRequest = searchRequestFor(config.config().getJsonObject("search"), metadata, request, last);
        } catch (OutcomeException e) {
          return Future.failedFuture(e);
        }
        if (searchRequest == null) {
          // as @klevu/core, which throws: no search without the page context the logic needs
          return Future.succeededFuture(RecsResult.withoutProducts(metadata, "missing_page_context",
              config.cacheStatus()));
        }
        return search(searchRequest, deadline, SearchHosts.Origin.BANNER).map(answer -> {
          RecsResult result = toResult(request, metadata, answer, config.cacheStatus().worst(answer.cacheStatus()));
          if ((!perShopper || last.isEmpty()) && BannerMemo.memoisable(config.cacheStatus())
              && BannerMemo.memoisable(answer.cacheStatus())) {
            memo.remember(request, result, Math.min(config.freshUntil(), answer.freshUntil()), perShopper);
          }
          return result;
        });
      });
    });
  }

  @Override
  public Future<ClicksRecorded> clicked(ClicksRequest request, Deadline deadline) {
    if (request.shopper() == null || request.productIds().isEmpty()) {
      return Future.succeededFuture(new ClicksRecorded(0));
    }
    return clicks.record(request.shopper(), request.productIds()).map(ClicksRecorded::new);
  }

  @Override
  public Future<ConfigAnswer> config(ConfigRequest request, Deadline deadline) {
    return loadConfig(request.page(), deadline);
  }

  /** A client's search, through the Klevu-compatible route: on the host's breaker for clients' payloads. */
  @Override
  public Future<SearchAnswer> search(SearchRequest request, Deadline deadline) {
    return search(request, deadline, SearchHosts.Origin.PROXY);
  }

  private Future<SearchAnswer> search(SearchRequest request, Deadline deadline, SearchHosts.Origin origin) {
    SearchHosts.Host host;
    try {
      host = shared.hosts.lookup(request.host());
    } catch (OutcomeException refused) {
      return Future.failedFuture(refused);
    }
    Buffer body = request.body().toBuffer();
    if (body.length() > RecsOptions.MAX_SEARCH_PAYLOAD_BYTES) {
      return Future.failedFuture(new OutcomeException(Outcome.PAYLOAD_TOO_LARGE, "search payload over 8 KB"));
    }
    String path = request.path() == null || request.path().isEmpty() ? SearchBasePath.DEFAULT_PATH : request.path();
    String url = options.searchScheme() + "://" + host.authority + path;
    String key = CacheKeys.digest("srch", host.authority, path, body.toString());
    return searches.get(key, deadline, flightDeadline -> searchClient.send(
                UpstreamRequest.postJson(url, body).header("Accept", "application/json"), flightDeadline,
                host.breaker(origin), KlevuAnswers::search)
            .map(json -> options.ttl().entry(json, options.searchTtlSeconds())))
        .map(loaded -> new SearchAnswer(loaded.value(), loaded.status(), loaded.freshUntil()));
  }

  private Future<ConfigAnswer> loadConfig(RecsRequest page, Deadline deadline) {
    if (page.recsKey() == null || page.recsKey().isBlank()) {
      return Future.failedFuture(new OutcomeException(Outcome.BAD_REQUEST, "no recsKey"));
    }
    String sids = String.join(",", page.sids());
    // under its recsKey's namespace, so a purge finds every page context's config
    String key = CacheKeys.digest(RecsPurge.configNamespace(page.apiKey(), page.recsKey()),
        page.apiKey(), page.recsKey(), sids, page.pid(), page.gpid(), page.cp());
    String url = configUrl(page);
    return configs.get(key, deadline, flightDeadline -> configClient.send(
                UpstreamRequest.get(url).header("Accept", "application/json"), flightDeadline, KlevuAnswers::config)
            .map(json -> options.ttl().entry(json, options.configTtlSeconds()))
            .recover(t -> OutcomeException.outcomeOf(t) == Outcome.UPSTREAM_REJECTED
                // an unknown recsKey stays unknown for a while: remember the 4xx instead of asking again
                ? Future.succeededFuture(options.ttl().<JsonObject>negative(new JsonObject().put("reason", REJECTED)))
                : Future.failedFuture(t)))
        .compose(loaded -> {
          if (loaded.negative()) {
            return Future.failedFuture(new OutcomeException(Outcome.NOT_FOUND, "Klevu has no such recommendation"));
          }
          nameSearchHost(loaded.value());
          return Future.succeededFuture(new ConfigAnswer(loaded.value(), loaded.status(), loaded.freshUntil()));
        });
  }

  /** A config answer's {@code search.basePath} is where the gateway may search, if the allowlist agrees. */
  private void nameSearchHost(JsonObject config) {
    if (config.getValue("search") instanceof JsonObject search && search.getValue("basePath") instanceof String base) {
      shared.hosts.named(SearchBasePath.parse(base).host());
    }
  }

  /** As the SDK: {@code <configUrl><apiKey>/settings/<recsKey>} and {@link KmcConfigQuery}'s query. */
  private String configUrl(RecsRequest page) {
    return options.configUrl() + encode(page.apiKey()) + "/settings/" + encode(page.recsKey())
        + KmcConfigQuery.of(page.cp(), page.pid(), page.gpid(), page.sids());
  }

  /** Keys are checked to {@code [A-Za-z0-9_.:-]} before they get here: as the SDK, they go raw. */
  private static String encode(String key) {
    StringBuilder out = new StringBuilder(key.length());
    KmcConfigQuery.escape(out, key);
    return out.toString().replace("/", "%2F").replace("?", "%3F");
  }

  /**
   * The search the config describes for this page, as @klevu/core builds it ({@link KmcSearch}); null when the page
   * lacks the context the config's logic needs.
   */
  SearchRequest searchRequestFor(JsonObject search, JsonObject metadata, RecsRequest page, List<String> clicks) {
    if (search == null) {
      throw new OutcomeException(Outcome.UPSTREAM_ERROR, "config has no search section");
    }
    SearchBasePath base = SearchBasePath.parse(search.getString("basePath", ""));
    Object rawPayload = search.getValue("payload");
    JsonObject payload;
    try {
      payload = rawPayload instanceof JsonObject json ? json : new JsonObject(String.valueOf(rawPayload));
    } catch (DecodeException | ClassCastException e) {
      throw new OutcomeException(Outcome.UPSTREAM_ERROR, "config search payload is not JSON");
    }
    JsonObject body = KmcSearch.build(payload, metadata, page, clicks);
    return body == null ? null : new SearchRequest(base.host(), base.path(), body);
  }

  private static RecsResult toResult(RecsRequest request, JsonObject metadata, SearchAnswer answer,
      dev.edgegateway.cache.CacheStatus cacheStatus) {
    JsonArray results = answer.response().getJsonArray("queryResults", new JsonArray());
    JsonObject chosen = null;
    for (Object r : results) {
      if (r instanceof JsonObject result && (chosen == null || KmcSearch.QUERY_ID.equals(result.getValue("id")))) {
        chosen = result;
      }
    }
    JsonArray records = chosen == null ? new JsonArray() : chosen.getJsonArray("records", new JsonArray());
    int max = positive(metadata.getValue("maxProducts"), Integer.MAX_VALUE);
    JsonArray products = records.size() <= max ? records : new JsonArray(records.getList().subList(0, max));
    int threshold = positive(metadata.getValue("productThreshold"), 0);
    if (products.size() < threshold) {
      return RecsResult.withoutProducts(metadata, "below_threshold", cacheStatus);
    }
    boolean personalisedByKlevu = chosen != null && Boolean.TRUE.equals(
        chosen.getJsonObject("meta", new JsonObject()).getValue("isPersonalised"));
    boolean personalized = !request.sids().isEmpty() && (metadata.getValue("segmentKey") != null || personalisedByKlevu);
    return new RecsResult(metadata, products, personalized, null, cacheStatus);
  }

  private static int positive(Object value, int fallback) {
    return value instanceof Number n && n.intValue() >= 0 ? n.intValue() : fallback;
  }
}
