package dev.edgegateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.Main;
import dev.edgegateway.ShutdownOptions;
import dev.edgegateway.WarmUpOptions;
import dev.edgegateway.cache.LeaseOptions;
import dev.edgegateway.cache.MemoryCacheOptions;
import dev.edgegateway.cache.RedisCacheOptions;
import dev.edgegateway.cache.SingleFlightOptions;
import dev.edgegateway.cache.TieredCacheOptions;
import dev.edgegateway.events.EventsOptions;
import dev.edgegateway.http.AccessLogOptions;
import dev.edgegateway.http.CdnOptions;
import dev.edgegateway.http.ConnectionLimits;
import dev.edgegateway.http.HttpOptions;
import dev.edgegateway.http.KlevuRoutesOptions;
import dev.edgegateway.identity.IdentityOptions;
import dev.edgegateway.logs.LogFormat;
import dev.edgegateway.recs.RecsOptions;
import dev.edgegateway.segments.SegmentsOptions;
import dev.edgegateway.tracing.OtelOptions;
import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every setting reaches the component that owns it: set through the environment to a value other than its default,
 * the accessor named for it in {@link #TABLE} shows that value. A setting missing from the table fails the test, so a
 * new setting cannot be left unread.
 */
class SettingsOwnershipTest {
  /** What must see a setting: a name for the failure message and the accessor, given the environment. */
  private record Probe(String owner, Function<Map<String, String>, Object> read) {
  }

  /** The value put in the environment, what the owners must then show, and the owners. */
  private record Ownership(String envValue, Object expected, List<Probe> probes) {
  }

  private static final Map<Setting, Ownership> TABLE = new LinkedHashMap<>();

  private static final Map<String, Function<JsonObject, UpstreamOptions>> UPSTREAMS = Map.of(
      "visitor", c -> SegmentsOptions.from(c).upstream(),
      "config", c -> RecsOptions.from(c).configUpstream(),
      "search", c -> RecsOptions.from(c).searchUpstream(),
      "stats", c -> EventsOptions.from(c).stats(),
      "klaviyo", c -> IdentityOptions.from(c).klaviyoUpstream());

  static {
    own(Settings.HTTP_HOST, "127.0.0.2", "127.0.0.2", http("host", HttpOptions::host));
    own(Settings.HTTP_PORT, http("port", HttpOptions::port));
    own(Settings.HTTP_INSTANCES, http("instances", HttpOptions::instances));
    own(Settings.EVENT_LOOPS, new Probe("Main.eventLoops", Main::eventLoops));
    own(Settings.NATIVE_TRANSPORT, new Probe("Main.nativeTransport", Main::nativeTransport));
    own(Settings.WARMUP_PAGES, warmUp("pages", WarmUpOptions::pages));
    own(Settings.WARMUP_MAX_MS, warmUp("maxMs", WarmUpOptions::maxMs));
    own(Settings.WARMUP_CONCURRENCY, warmUp("concurrency", WarmUpOptions::concurrency));
    own(Settings.HTTP_FAST_PATH, http("fastPath", HttpOptions::fastPath));
    own(Settings.HTTP_COALESCE_PAGES, http("coalescePages", HttpOptions::coalescePages));
    own(Settings.HTTP_COLOCATE_CAPABILITIES, http("colocateCapabilities", HttpOptions::colocateCapabilities));
    own(Settings.HTTP_MAX_BODY_BYTES, http("maxBodyBytes", HttpOptions::maxBodyBytes));
    own(Settings.HTTP_MAX_QUERY_CHARS, http("maxQueryChars", HttpOptions::maxQueryChars));
    own(Settings.CORS_ORIGINS, "https://a.test, https://b.test", List.of("https://a.test", "https://b.test"),
        http("corsOrigins", HttpOptions::corsOrigins));
    own(Settings.PUBLIC_BASE_URL, "https://edge.test", "https://edge.test", http("publicBaseUrl", HttpOptions::publicBaseUrl));
    own(Settings.PUBLIC_HOSTS, "Edge-A.test, edge-b.test:8443", List.of("edge-a.test", "edge-b.test:8443"),
        http("publicHosts", HttpOptions::publicHosts));
    own(Settings.TRUSTED_PROXIES, "10.0.0.0/8, 2001:db8::1", List.of("10.0.0.0/8", "2001:db8::1"),
        http("trustedProxies", HttpOptions::trustedProxies));
    own(Settings.RATE_LIMIT_PER_S, http("rateLimitPerSecond", HttpOptions::rateLimitPerSecond));
    own(Settings.RATE_LIMIT_BURST, http("rateLimitBurst", HttpOptions::rateLimitBurst));
    own(Settings.HTTP_IDLE_TIMEOUT_S, connections("idleTimeoutSeconds", ConnectionLimits::idleTimeoutSeconds));
    own(Settings.HTTP_HEADER_TIMEOUT_MS, connections("headerTimeoutMs", ConnectionLimits::headerTimeoutMs));
    own(Settings.HTTP_BODY_TIMEOUT_MS, connections("bodyTimeoutMs", ConnectionLimits::bodyTimeoutMs));
    own(Settings.HTTP_MAX_CONNECTIONS, connections("maxConnections", ConnectionLimits::maxConnections));
    own(Settings.HTTP_H2C, http("h2c", HttpOptions::h2c));
    own(Settings.DEMO_PAGE, http("demoPage", HttpOptions::demoPage));
    own(Settings.TLS_PORT, http("tlsPort", HttpOptions::tlsPort));
    own(Settings.TLS_CERT_PATH, "/probe/cert.pem", "/probe/cert.pem", http("tlsCertPath", HttpOptions::tlsCertPath));
    own(Settings.TLS_KEY_PATH, "/probe/key.pem", "/probe/key.pem", http("tlsKeyPath", HttpOptions::tlsKeyPath));
    own(Settings.REQUEST_TIMEOUT_MS, http("requestTimeoutMs", HttpOptions::requestTimeoutMs));
    own(Settings.SEGMENTS_BUDGET_MS, http("segmentsBudgetMs", HttpOptions::segmentsBudgetMs));
    own(Settings.OPS_HOST, "127.0.0.3", "127.0.0.3", http("opsHost", HttpOptions::opsHost));
    own(Settings.CDN_SHAREABLE,
        new Probe("CdnOptions.shareable", env -> CdnOptions.from(config(env)).shareable()));
    own(Settings.OPS_PORT, http("opsPort", HttpOptions::opsPort));
    own(Settings.SHUTDOWN_DRAIN_MS, shutdown("drainMs", ShutdownOptions::drainMs));
    own(Settings.SHUTDOWN_GRACE_MS, "1600", 1600L, shutdown("graceMs", ShutdownOptions::graceMs));

    own(Settings.LOG_FORMAT, "text", "text", new Probe("LogFormat.of", LogFormat::of));
    own(Settings.ACCESS_LOG, new Probe("AccessLogOptions.enabled", env -> AccessLogOptions.from(config(env)).enabled()));
    own(Settings.ACCESS_LOG_SAMPLE, "0.25", 0.25,
        new Probe("AccessLogOptions.sample", env -> AccessLogOptions.from(config(env)).sample()));

    own(Settings.OTEL_ENDPOINT, "http://otel.test:4318", "http://otel.test:4318",
        new Probe("OtelOptions.endpoint", env -> OtelOptions.fromEnvironment(env).endpoint()));
    own(Settings.OTEL_SERVICE_NAME, "edge-probe", "edge-probe",
        new Probe("OtelOptions.serviceName", env -> OtelOptions.fromEnvironment(env).serviceName()));
    own(Settings.OTEL_SAMPLE_RATIO, "0.25", 0.25,
        new Probe("OtelOptions.sampleRatio", env -> OtelOptions.fromEnvironment(env).sampleRatio()));

    own(Settings.KLEVU_API_KEY, "probe-key", "probe-key", http("apiKey", HttpOptions::apiKey));
    own(Settings.KLEVU_API_KEYS, "key-a, key-b", Set.of("key-a", "key-b"),
        new Probe("KlevuRoutesOptions.apiKeys", env -> KlevuRoutesOptions.from(config(env)).apiKeys()));
    own(Settings.KLEVU_VISITOR_URL, "http://visitor.test/1.0", "http://visitor.test/1.0",
        segments("visitorUrl", SegmentsOptions::visitorUrl));
    own(Settings.KLEVU_CONFIG_URL, "http://config.test/recs", "http://config.test/recs/",
        recs("configUrl", RecsOptions::configUrl));
    own(Settings.KLEVU_STATS_URL, "http://stats.test/collect", "http://stats.test/collect",
        events("statsUrl", EventsOptions::statsUrl));
    own(Settings.SEARCH_ALLOWED_HOSTS, "search.test", true,
        recs("allowedHosts", o -> o.allowedHosts().allows("search.test")));
    own(Settings.SEARCH_MAX_HOSTS, recs("searchMaxHosts", RecsOptions::searchMaxHosts));
    own(Settings.SEARCH_SCHEME, "http", "http", recs("searchScheme", RecsOptions::searchScheme));

    own(Settings.KLAVIYO_URL, "http://klaviyo.test", "http://klaviyo.test", identity("klaviyoUrl", IdentityOptions::klaviyoUrl));
    own(Settings.KLAVIYO_PRIVATE_KEY, "pk_probe", "pk_probe",
        identity("klaviyoPrivateKey", IdentityOptions::klaviyoPrivateKey));
    own(Settings.KLAVIYO_REVISION, "2030-01-01", "2030-01-01", identity("klaviyoRevision", IdentityOptions::klaviyoRevision));
    own(Settings.KLAVIYO_BURST_PER_S, identity("klaviyoBurstPerSecond", IdentityOptions::klaviyoBurstPerSecond));
    own(Settings.KLAVIYO_STEADY_PER_MIN, identity("klaviyoSteadyPerMinute", IdentityOptions::klaviyoSteadyPerMinute));
    own(Settings.KLAVIYO_MAX_QUEUED, identity("klaviyoMaxQueued", IdentityOptions::klaviyoMaxQueued));

    own(Settings.COOKIE_SECRET, "cs-probe", "cs-probe", identity("cookieSecret", IdentityOptions::cookieSecret));
    own(Settings.HASH_PEPPER, "hp-probe", "hp-probe", identity("hashPepper", IdentityOptions::hashPepper));
    own(Settings.CUSTOMER_TOKEN_SECRET, "ts-probe", "ts-probe",
        identity("customerTokenSecret", IdentityOptions::customerTokenSecret));
    own(Settings.CUSTOMER_TOKEN_ISSUER, "bc/probe", "bc/probe",
        identity("customerTokenIssuer", IdentityOptions::customerTokenIssuer));
    own(Settings.CUSTOMER_TOKEN_AUDIENCE, "probe-app", "probe-app",
        identity("customerTokenAudience", IdentityOptions::customerTokenAudience));
    own(Settings.CUSTOMER_TOKEN_MAX_LIFETIME_S,
        identity("customerTokenMaxLifetimeSeconds", IdentityOptions::customerTokenMaxLifetimeSeconds));
    own(Settings.CUSTOMER_TOKEN_LEEWAY_S, identity("customerTokenLeewaySeconds", IdentityOptions::customerTokenLeewaySeconds));
    own(Settings.COOKIE_MAX_AGE_DAYS, "7", 7 * 86_400L, identity("cookieMaxAgeSeconds", IdentityOptions::cookieMaxAgeSeconds));
    own(Settings.LINK_TTL_DAYS, identity("linkTtlDays", IdentityOptions::linkTtlDays));
    own(Settings.KLAVIYO_LOOKUP, identity("klaviyoLookup", IdentityOptions::klaviyoLookup));
    own(Settings.IDENTIFY_PER_CUSTOMER_PER_MIN,
        identity("identifyPerCustomerPerMinute", IdentityOptions::identifyPerCustomerPerMinute));

    own(Settings.CACHE_MODE, "off", true, segments("cacheDisabled", SegmentsOptions::cacheDisabled),
        recs("cacheDisabled", RecsOptions::cacheDisabled));
    own(Settings.REDIS_URL, "redis://redis.test:6390", List.of("redis://redis.test:6390"),
        redis("endpoints", RedisCacheOptions::endpoints));
    own(Settings.REDIS_ENDPOINTS, "redis://s1.test:26379,redis://s2.test:26379",
        List.of("redis://s1.test:26379", "redis://s2.test:26379"), redis("endpoints", RedisCacheOptions::endpoints));
    own(Settings.REDIS_TYPE, "cluster", RedisClientType.CLUSTER, redis("type", RedisCacheOptions::type));
    own(Settings.REDIS_MASTER_NAME, "probe-master", "probe-master", redis("masterName", RedisCacheOptions::masterName));
    // MASTER is the only role the cache accepts (it writes): the setting shows it is read by being refused
    own(Settings.REDIS_ROLE, "replica", "refused: EDGE_REDIS_ROLE", new Probe("RedisCacheOptions.role", env -> {
      try {
        return "accepted: " + RedisCacheOptions.from(ConfigReader.of(config(env))).role();
      } catch (IllegalArgumentException e) {
        return e.getMessage().contains("EDGE_REDIS_ROLE") ? "refused: EDGE_REDIS_ROLE" : e.getMessage();
      }
    }));
    own(Settings.REDIS_COMMAND_TIMEOUT_MS, redis("commandTimeoutMs", RedisCacheOptions::commandTimeoutMs));
    own(Settings.REDIS_CONNECT_TIMEOUT_MS, redis("connectTimeoutMs", RedisCacheOptions::connectTimeoutMs));
    own(Settings.REDIS_POOL_SIZE, redis("maxPoolSize", RedisCacheOptions::maxPoolSize));
    own(Settings.REDIS_POOL_WAITING, redis("maxPoolWaiting", RedisCacheOptions::maxPoolWaiting));
    own(Settings.REDIS_MAX_WAITING_HANDLERS, redis("maxWaitingHandlers", RedisCacheOptions::maxWaitingHandlers));
    own(Settings.REDIS_FAILURES_BEFORE_DOWN, redis("failuresBeforeDown", RedisCacheOptions::failuresBeforeDown));
    own(Settings.REDIS_RECONNECT_INITIAL_BACKOFF_MS,
        redis("reconnectInitialBackoffMs", RedisCacheOptions::reconnectInitialBackoffMs));
    own(Settings.REDIS_RECONNECT_MAX_BACKOFF_MS, redis("reconnectMaxBackoffMs", RedisCacheOptions::reconnectMaxBackoffMs));
    own(Settings.REDIS_KEY_PREFIX, "probe:", "probe:", redis("keyPrefix", RedisCacheOptions::keyPrefix));
    own(Settings.REDIS_CLIENT_NAME, "probe", "probe", redis("clientName", RedisCacheOptions::clientName));
    own(Settings.L1_MAX_TTL_MS, cache("TieredCacheOptions.l1MaxTtlMs", c -> TieredCacheOptions.from(c, "search").l1MaxTtlMs()));
    own(Settings.CACHE_LEASE_ENABLED, cache("LeaseOptions.enabled", c -> LeaseOptions.from(c).enabled()));
    own(Settings.CACHE_LEASE_TTL_MS, cache("LeaseOptions.ttlMs", c -> LeaseOptions.from(c).ttlMs()));
    own(Settings.CACHE_LEASE_WAIT_MS, cache("LeaseOptions.waitMs", c -> LeaseOptions.from(c).waitMs()));
    own(Settings.CACHE_LEASE_POLL_MS, cache("LeaseOptions.pollMs", c -> LeaseOptions.from(c).pollMs()));
    own(Settings.CACHE_MAX_ENTRIES, cache("MemoryCacheOptions.maxEntries", c -> MemoryCacheOptions.from(c, "search").maxEntries()),
        cache("TieredCacheOptions.l1TrackedEntries", c -> TieredCacheOptions.from(c, "search").l1TrackedEntries()));
    own(Settings.CACHE_MEMORY_MAX_BYTES, "100000000", 40_000_000L,
        cache("MemoryCacheOptions.maxBytes of search", c -> MemoryCacheOptions.from(c, "search").maxBytes()));
    own(Settings.SEGMENTS_MIN_TTL_S, segments("ttl.minSeconds", o -> o.ttl().minSeconds()));
    own(Settings.SEGMENTS_MAX_TTL_S, segments("ttl.maxSeconds", o -> o.ttl().maxSeconds()));
    own(Settings.TTL_JITTER, "0.25", 0.25, segments("ttl.jitter", o -> o.ttl().jitter()), recs("ttl.jitter", o -> o.ttl().jitter()));
    own(Settings.STALE_WHILE_REVALIDATE_S, segments("ttl.staleWhileRevalidateSeconds", o -> o.ttl().staleWhileRevalidateSeconds()),
        recs("ttl.staleWhileRevalidateSeconds", o -> o.ttl().staleWhileRevalidateSeconds()));
    own(Settings.STALE_IF_ERROR_S, segments("ttl.staleIfErrorSeconds", o -> o.ttl().staleIfErrorSeconds()),
        recs("ttl.staleIfErrorSeconds", o -> o.ttl().staleIfErrorSeconds()));
    own(Settings.CONFIG_TTL_S, recs("configTtlSeconds", RecsOptions::configTtlSeconds));
    own(Settings.SEARCH_TTL_S, recs("searchTtlSeconds", RecsOptions::searchTtlSeconds));
    own(Settings.NEGATIVE_TTL_S, segments("ttl.negativeSeconds", o -> o.ttl().negativeSeconds()),
        recs("ttl.negativeSeconds", o -> o.ttl().negativeSeconds()));
    own(Settings.RECENT_CLICKS_MAX, recs("recentClicks.maxProducts", o -> o.recentClicks().maxProducts()));
    own(Settings.RECENT_CLICKS_MAX_BYTES, recs("recentClicks.maxBytes", o -> o.recentClicks().maxBytes()));
    own(Settings.RECENT_CLICKS_TTL_DAYS, "3", 3 * 86_400L, recs("recentClicks.ttlSeconds", o -> o.recentClicks().ttlSeconds()));
    own(Settings.FLIGHT_MAX_AGE_MS, flights(SingleFlightOptions::maxFlightAgeMs));
    own(Settings.FLIGHT_MAX_WAITERS, flights(SingleFlightOptions::maxWaitersPerKey));
    own(Settings.FLIGHT_MAX_FLIGHTS, flights(SingleFlightOptions::maxFlights));

    own(Settings.OUTBOX_CAPACITY, events("outboxCapacity", EventsOptions::outboxCapacity));
    own(Settings.EVENTS_BATCH_SIZE, events("batchSize", EventsOptions::batchSize));
    own(Settings.EVENTS_FLUSH_MS, events("flushIntervalMs", EventsOptions::flushIntervalMs));
    own(Settings.EVENTS_MAX_ATTEMPTS, events("maxAttempts", EventsOptions::maxAttempts));
    own(Settings.EVENTS_RETRY_BACKOFF_MS, events("retryBackoffMs", EventsOptions::retryBackoffMs));
    own(Settings.EVENTS_RETRY_BACKOFF_MAX_MS, events("retryBackoffMaxMs", EventsOptions::retryBackoffMaxMs));
    own(Settings.EVENTS_IN_FLIGHT, events("maxInFlightBatches", EventsOptions::maxInFlightBatches));
    own(Settings.EVENTS_DRAIN_MS, events("shutdownDrainMs", EventsOptions::shutdownDrainMs),
        shutdown("eventsDrainMs", ShutdownOptions::eventsDrainMs));
    own(Settings.EVENTS_FULL_RETRY_AFTER_S, events("fullRetryAfterSeconds", EventsOptions::fullRetryAfterSeconds));
    own(Settings.EVENTS_MAX_EVENT_BYTES, events("maxEventBytes", EventsOptions::maxEventBytes));
    own(Settings.EVENTS_OUTBOX_MAX_BYTES, events("outboxMaxBytes", EventsOptions::outboxMaxBytes));
    own(Settings.EVENTS_BATCH_MAX_BYTES, events("batchMaxBytes", EventsOptions::batchMaxBytes));
    own(Settings.EVENTS_CLAIM_IDLE_MS, events("claimIdleMs", EventsOptions::claimIdleMs));
    own(Settings.EVENTS_APPEND_TIMEOUT_MS, events("appendTimeoutMs", EventsOptions::appendTimeoutMs));
    own(Settings.EVENTS_CONSUMER, "gw-probe", "gw-probe", events("consumer", EventsOptions::consumer));

    own(Settings.UPSTREAM_TIMEOUT_MS, upstreams(UpstreamOptions::timeoutMs));
    own(Settings.UPSTREAM_MAX_RETRIES, upstreams(UpstreamOptions::maxRetries));
    own(Settings.UPSTREAM_RETRY_BACKOFF_MS, upstreams(UpstreamOptions::retryBackoffMs));
    own(Settings.UPSTREAM_MAX_RETRY_AFTER_MS, upstreams(UpstreamOptions::maxRetryAfterMs));
    own(Settings.BREAKER_MAX_FAILURES, upstreams(UpstreamOptions::breakerMaxFailures));
    own(Settings.BREAKER_RESET_MS, upstreams(UpstreamOptions::breakerResetMs));
    own(Settings.BREAKER_WINDOW_MS, upstreams(UpstreamOptions::breakerWindowMs));
    own(Settings.UPSTREAM_POOL_SIZE, upstreams(UpstreamOptions::maxPoolSize));
    own(Settings.UPSTREAM_MAX_WAIT_QUEUE, upstreams(UpstreamOptions::maxWaitQueue));
    own(Settings.UPSTREAM_CONNECT_TIMEOUT_MS, upstreams(UpstreamOptions::connectTimeoutMs));
    // the search has a cap of its own (upstream.search.maxResponseBytes), which the defaults do not reach
    own(Settings.UPSTREAM_MAX_RESPONSE_BYTES, Stream.of(upstreams(UpstreamOptions::maxResponseBytes))
        .filter(probe -> !probe.owner().equals("upstream search")).toArray(Probe[]::new));
    own(Settings.SEARCH_MAX_RESPONSE_BYTES,
        recs("searchUpstream.maxResponseBytes", o -> o.searchUpstream().maxResponseBytes()));
  }

  @Test
  void everySettingReachesTheComponentThatOwnsIt() {
    List<String> problems = new ArrayList<>();
    for (Setting setting : Settings.ALL) {
      Ownership ownership = TABLE.get(setting);
      if (ownership == null) {
        problems.add(setting.env() + " has no owner in SettingsOwnershipTest.TABLE");
        continue;
      }
      Map<String, String> env = Map.of(setting.env(), ownership.envValue());
      for (Probe probe : ownership.probes()) {
        Object unset = probe.read().apply(Map.of());
        Object seen = probe.read().apply(env);
        if (same(ownership.expected(), unset)) {
          problems.add(setting.env() + ": the test value is the default of " + probe.owner() + "; pick another");
        } else if (!same(ownership.expected(), seen)) {
          problems.add(setting.env() + "=" + ownership.envValue() + ": " + probe.owner() + " shows " + seen
              + ", not " + ownership.expected());
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(Settings.ALL).containsAll(TABLE.keySet());
  }

  @ParameterizedTest
  @ValueSource(strings = {"visitor", "config", "search", "stats", "klaviyo"})
  void everyUpstreamTakesTheUpstreamDefaultsAndItsOwnSectionOverThem(String upstream) {
    JsonObject config = GatewayConfig.resolve(new JsonObject(), Map.of("EDGE_UPSTREAM_TIMEOUT_MS", "300",
        "EDGE_UPSTREAM_MAX_RETRIES", "3", "EDGE_BREAKER_MAX_FAILURES", "4", "EDGE_BREAKER_RESET_MS", "700",
        "EDGE_UPSTREAM_POOL_SIZE", "9"));
    UpstreamOptions options = UPSTREAMS.get(upstream).apply(config);
    assertThat(options.timeoutMs()).isEqualTo(300);
    assertThat(options.maxRetries()).isEqualTo(3);
    assertThat(options.breakerMaxFailures()).isEqualTo(4);
    assertThat(options.breakerResetMs()).isEqualTo(700);
    assertThat(options.maxPoolSize()).isEqualTo(9);

    JsonObject fromFile = new JsonObject().put("upstream", new JsonObject()
        .put(upstream, new JsonObject().put("timeoutMs", 250).put("breakerMaxFailures", 2)));
    UpstreamOptions own = UPSTREAMS.get(upstream).apply(GatewayConfig.resolve(fromFile,
        Map.of("EDGE_UPSTREAM_TIMEOUT_MS", "300", "EDGE_UPSTREAM_MAX_RETRIES", "3")));
    assertThat(own.timeoutMs()).as("upstream.%s beats upstream.defaults", upstream).isEqualTo(250);
    assertThat(own.breakerMaxFailures()).isEqualTo(2);
    assertThat(own.maxRetries()).as("what upstream.%s leaves out comes from upstream.defaults", upstream).isEqualTo(3);
  }

  @Test
  void eachSettingIsNamedAfterItsVariable() throws IllegalAccessException {
    List<Setting> named = new ArrayList<>();
    for (Field field : Settings.class.getFields()) {
      if (field.getType() == Setting.class && Modifier.isStatic(field.getModifiers())) {
        Setting setting = (Setting) field.get(null);
        assertThat("EDGE_" + field.getName()).isEqualTo(setting.env());
        named.add(setting);
      }
    }
    assertThat(named).containsExactlyInAnyOrderElementsOf(Settings.ALL);
  }

  @Test
  void aBadValueNamesItsPathAndVariable() {
    JsonObject config = new JsonObject().put("upstream", new JsonObject().put("stats", new JsonObject().put("timeoutMs", 0)));
    assertThatThrownBy(() -> EventsOptions.from(config))
        .hasMessageContaining("upstream.stats.timeoutMs").hasMessageContaining("EDGE_UPSTREAM_TIMEOUT_MS");
    assertThatThrownBy(() -> HttpOptions.from(
            GatewayConfig.resolve(new JsonObject(), Map.of("EDGE_HTTP_MAX_BODY_BYTES", "-1"))))
        .hasMessageContaining("http.maxBodyBytes").hasMessageContaining("EDGE_HTTP_MAX_BODY_BYTES");
  }

  private static void own(Setting setting, Probe... probes) {
    Object d = setting.defaultValue();
    String value = switch (setting.kind()) {
      case INT, LONG -> String.valueOf(((Number) d).longValue() + 7);
      case BOOLEAN -> String.valueOf(!(Boolean) d);
      default -> throw new IllegalArgumentException(setting.env() + ": give the table a value");
    };
    own(setting, value, setting.kind() == Setting.Kind.BOOLEAN ? !(Boolean) d : ((Number) d).longValue() + 7, probes);
  }

  private static void own(Setting setting, String envValue, Object expected, Probe... probes) {
    TABLE.put(setting, new Ownership(envValue, expected, List.of(probes)));
  }

  private static boolean same(Object expected, Object actual) {
    if (expected instanceof Number e && actual instanceof Number a) {
      return e.doubleValue() == a.doubleValue();
    }
    return expected.equals(actual);
  }

  private static JsonObject config(Map<String, String> env) {
    return GatewayConfig.resolve(new JsonObject(), env);
  }

  private static Probe connections(String accessor, Function<ConnectionLimits, Object> read) {
    return new Probe("ConnectionLimits." + accessor, env -> read.apply(ConnectionLimits.from(config(env))));
  }

  private static Probe http(String accessor, Function<HttpOptions, Object> read) {
    return new Probe("HttpOptions." + accessor, env -> read.apply(HttpOptions.from(config(env))));
  }

  private static Probe shutdown(String accessor, Function<ShutdownOptions, Object> read) {
    return new Probe("ShutdownOptions." + accessor, env -> read.apply(ShutdownOptions.from(config(env))));
  }

  private static Probe warmUp(String accessor, Function<WarmUpOptions, Object> read) {
    return new Probe("WarmUpOptions." + accessor, env -> read.apply(WarmUpOptions.from(config(env))));
  }

  private static Probe segments(String accessor, Function<SegmentsOptions, Object> read) {
    return new Probe("SegmentsOptions." + accessor, env -> read.apply(SegmentsOptions.from(config(env))));
  }

  private static Probe recs(String accessor, Function<RecsOptions, Object> read) {
    return new Probe("RecsOptions." + accessor, env -> read.apply(RecsOptions.from(config(env))));
  }

  private static Probe events(String accessor, Function<EventsOptions, Object> read) {
    return new Probe("EventsOptions." + accessor, env -> read.apply(EventsOptions.from(config(env))));
  }

  private static Probe identity(String accessor, Function<IdentityOptions, Object> read) {
    return new Probe("IdentityOptions." + accessor, env -> read.apply(IdentityOptions.from(config(env))));
  }

  private static Probe redis(String accessor, Function<RedisCacheOptions, Object> read) {
    return cache("RedisCacheOptions." + accessor, c -> read.apply(RedisCacheOptions.from(c)));
  }

  private static Probe cache(String owner, Function<ConfigReader, Object> read) {
    return new Probe(owner, env -> read.apply(ConfigReader.of(config(env))));
  }

  /** The single-flights of segments, of recs and of the gateway's page coalescing. */
  private static Probe[] flights(Function<SingleFlightOptions, Object> read) {
    return new Probe[] {
        segments("singleFlight", o -> read.apply(o.singleFlight())),
        recs("singleFlight", o -> read.apply(o.singleFlight())),
        cache("SingleFlightOptions (pages)", c -> read.apply(SingleFlightOptions.from(c)))};
  }

  /** The five upstreams: each must see the {@code upstream.defaults} settings. */
  private static Probe[] upstreams(Function<UpstreamOptions, Object> read) {
    return UPSTREAMS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> new Probe("upstream " + e.getKey(), env -> read.apply(e.getValue().apply(config(env)))))
        .toArray(Probe[]::new);
  }
}
