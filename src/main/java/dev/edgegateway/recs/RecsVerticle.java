package dev.edgegateway.recs;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.cache.Cache;
import dev.edgegateway.cache.CacheKeys;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Owns the KMC recommendation config and the product search it describes (docs/upstream-apis.md §3, §4). Both are
 * cached and single-flighted by canonical keys (segments sorted, page context normalised). The search host
 * comes from a remote value or a client's path, so it is checked before any call ({@link SearchHosts}: on the
 * allowlist, and named by a config answer unless listed exactly), and each host has breakers of its own.
 */
public final class RecsVerticle extends ConfiguredVerticle implements RecsService {
  /** Actions after which Klevu's own SDK makes no search call. */
  private static final Set<String> NO_SEARCH_ACTIONS = Set.of("HIDE_RECOMMENDATION", "STATIC_CONTENT");
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

  /**
   * What the instances of this verticle share (one per event loop, see {@code Bus}): the config and search
   * stores with their single-flights, the banner memo, the two upstreams' guards and the search hosts with their
   * breakers. Each instance sends from its own event loop, with its own connections.
   */
  public static final class Shared {
    private final Cache<JsonObject> configStore;
    private final Cache<JsonObject> searchStore;
    private final BannerMemo memo;
    private final int senders;
    private RecsOptions options;
    private UpstreamClient.Guard config;
    private UpstreamClient.Guard search;
    private ReadThroughCache<JsonObject> configs;
    private ReadThroughCache<JsonObject> searches;
    private SearchHosts hosts;

    /**
     * @param memo where fresh banners are memoised for the HTTP front's in-place reads
     * @param senders the instances that send pages' calls (those on the HTTP event loops): each gets its share
     *     of each upstream's connection budget
     */
    public Shared(Cache<JsonObject> configStore, Cache<JsonObject> searchStore, BannerMemo memo, int senders) {
      this.configStore = configStore;
      this.searchStore = searchStore;
      this.memo = memo;
      this.senders = senders;
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
        Bus.<SearchRequest, SearchAnswer>bind(vertx, SEARCH_ADDRESS, this::search).completion());
  }

  @Override
  public Future<?> stop() {
    return Future.all(configClient.close(), searchClient.close());
  }

  @Override
  public Future<RecsResult> fetch(RecsRequest request, Deadline deadline) {
    return loadConfig(request, deadline).compose(config -> {
      JsonObject metadata = config.config().getJsonObject("metadata", new JsonObject());
      String skipped = skipReason(metadata);
      if (skipped != null) {
        RecsResult result = RecsResult.withoutProducts(metadata, skipped, config.cacheStatus());
        if (BannerMemo.memoisable(config.cacheStatus())) {
          memo.remember(request, result, config.freshUntil());
        }
        return Future.succeededFuture(result);
      }
      JsonObject search = config.config().getJsonObject("search");
      SearchRequest searchRequest;
      try {
        searchRequest = searchRequestFor(search, request);
      } catch (OutcomeException e) {
        return Future.failedFuture(e);
      }
      return search(searchRequest, deadline, SearchHosts.Origin.BANNER).map(answer -> {
        RecsResult result = toResult(request, metadata, answer, config.cacheStatus().worst(answer.cacheStatus()));
        if (BannerMemo.memoisable(config.cacheStatus()) && BannerMemo.memoisable(answer.cacheStatus())) {
          memo.remember(request, result, Math.min(config.freshUntil(), answer.freshUntil()));
        }
        return result;
      });
    });
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
                host.breaker(origin))
            .compose(response -> parseJson(response.body(), "search"))
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
    String url = configUrl(page, sids);
    return configs.get(key, deadline, flightDeadline -> configClient.send(
                UpstreamRequest.get(url).header("Accept", "application/json"), flightDeadline)
            .compose(response -> parseJson(response.body(), "config"))
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

  private String configUrl(RecsRequest page, String sids) {
    StringBuilder url = new StringBuilder(options.configUrl())
        .append(encode(page.apiKey())).append("/settings/").append(encode(page.recsKey())).append('?');
    appendParam(url, "cp", page.cp());
    appendParam(url, "pid", page.pid());
    appendParam(url, "gpid", page.gpid());
    appendParam(url, "sids", sids);
    return url.toString();
  }

  private static void appendParam(StringBuilder url, String name, String value) {
    if (value != null && !value.isEmpty()) {
      if (url.charAt(url.length() - 1) != '?') {
        url.append('&');
      }
      url.append(name).append('=').append(encode(value));
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Why Klevu's metadata says to show nothing, or null to go on and search. */
  static String skipReason(JsonObject metadata) {
    if (Boolean.FALSE.equals(metadata.getValue("enabled"))) {
      return "disabled";
    }
    Object action = metadata.getValue("action");
    if (action instanceof String a && NO_SEARCH_ACTIONS.contains(a)) {
      return a.toLowerCase(java.util.Locale.ROOT);
    }
    return null;
  }

  /** The search the config describes, with our api key and the page's context added. */
  SearchRequest searchRequestFor(JsonObject search, RecsRequest page) {
    if (search == null) {
      throw new OutcomeException(Outcome.UPSTREAM_ERROR, "config has no search section");
    }
    SearchBasePath base = SearchBasePath.parse(search.getString("basePath", ""));
    Object rawPayload = search.getValue("payload");
    JsonObject payload;
    try {
      payload = rawPayload instanceof JsonObject json ? json.copy() : new JsonObject(String.valueOf(rawPayload));
    } catch (DecodeException e) {
      throw new OutcomeException(Outcome.UPSTREAM_ERROR, "config search payload is not JSON");
    }
    payload.put("context", new JsonObject().put("apiKeys", new JsonArray().add(page.apiKey())));
    JsonArray queries = payload.getJsonArray("recordQueries");
    if (queries != null) {
      for (Object q : queries) {
        if (q instanceof JsonObject query) {
          addPageContext(query, page);
        }
      }
    }
    return new SearchRequest(base.host(), base.path(), payload);
  }

  private static void addPageContext(JsonObject query, RecsRequest page) {
    JsonObject settings = query.getJsonObject("settings");
    if (settings == null) {
      settings = new JsonObject();
      query.put("settings", settings);
    }
    JsonObject context = settings.getJsonObject("context");
    if (context == null) {
      context = new JsonObject();
      settings.put("context", context);
    }
    if (page.pid() != null && !context.containsKey("recentObjects")) {
      context.put("recentObjects", new JsonArray().add(new JsonObject().put("typeOfRecord", "KLEVU_PRODUCT")
          .put("records", new JsonArray().add(new JsonObject().put("id", page.pid())))));
    }
    if (page.cp() != null && !settings.containsKey("query")) {
      settings.put("query", new JsonObject().put("categoryPath", page.cp()));
    }
  }

  private static RecsResult toResult(RecsRequest request, JsonObject metadata, SearchAnswer answer,
      dev.edgegateway.cache.CacheStatus cacheStatus) {
    JsonArray results = answer.response().getJsonArray("queryResults", new JsonArray());
    JsonObject chosen = null;
    for (Object r : results) {
      if (r instanceof JsonObject result && (chosen == null || "klevuRECSItemList".equals(result.getString("id")))) {
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

  private static Future<JsonObject> parseJson(Buffer body, String what) {
    try {
      return Future.succeededFuture(new JsonObject(body == null ? Buffer.buffer("null") : body));
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_ERROR, what + " answer is not a JSON object"));
    }
  }

}
