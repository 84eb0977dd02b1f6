package dev.edgegateway.config;

import java.util.List;

/** Every configurable knob of the gateway. Keep README.md's table in step: {@code java -jar edge-gateway.jar settings}. */
public final class Settings {
  private Settings() {
  }

  // HTTP front
  public static final Setting HTTP_HOST = new Setting("EDGE_HTTP_HOST", "http.host", "0.0.0.0", "Interface the storefront API listens on.", "-");
  public static final Setting HTTP_PORT = new Setting("EDGE_HTTP_PORT", "http.port", 8080, "Port of the storefront API (`/v1/*`, `/klevu/*`).", "`edge_http_request_seconds_count{route,outcome}`");
  public static final Setting HTTP_INSTANCES = new Setting("EDGE_HTTP_INSTANCES", "http.instances", 0, "HttpVerticle instances; 0 = one per core.", "-");
  public static final Setting EVENT_LOOPS = new Setting("EDGE_EVENT_LOOPS", "vertx.eventLoops", 0, "Vert.x event-loop threads; 0 = Vert.x's default, two per core. Environment only (Vert.x starts before the config file is read). Segments and recs run one instance per loop (see `EDGE_HTTP_COLOCATE_CAPABILITIES`).", "-");
  public static final Setting NATIVE_TRANSPORT = new Setting("EDGE_NATIVE_TRANSPORT", "vertx.nativeTransport", true, "Use Netty's native epoll transport where it loads (Linux x86-64 and arm64), Java NIO elsewhere or when false. Environment only. Fewer system calls per request and per upstream call; the start-up log says which transport runs.", "-");
  public static final Setting WARMUP_PAGES = new Setting("EDGE_WARMUP_PAGES", "warmUp.pages", 1500, "Rounds of synthetic page loads (a new shopper's cold page, the same page warm, its segments, the anonymous page, an impression) run before the gateway starts, through a private copy of it in front of the in-process simulator on loopback, so that the first real shoppers after a deploy do not wait on an interpreted JVM. Never calls the configured Klevu, Klaviyo or Redis. 0 = none (`--demo` never warms up).", "`edge_warmup_rounds`, `edge_warmup_seconds`; the start-up log");
  public static final Setting WARMUP_MAX_MS = new Setting("EDGE_WARMUP_MAX_MS", "warmUp.maxMs", 20000L, "Longest the warm-up may take: past it the gateway starts with the rounds done so far.", "`edge_warmup_seconds`");
  public static final Setting WARMUP_CONCURRENCY = new Setting("EDGE_WARMUP_CONCURRENCY", "warmUp.concurrency", 4, "Warm-up rounds in flight at once: enough to reach every event loop, few enough not to queue.", "`edge_warmup_seconds`");
  public static final Setting HTTP_FAST_PATH = new Setting("EDGE_HTTP_FAST_PATH", "http.fastPath", true, "Answer a page whose shopper session and banner are fresh in this process's memory in place, on the HTTP event loop, with no event-bus hop; false = every step over the bus, and no banner memo (nothing would read it).", "`edge_recs_memo_total{result=\"hit\"}`");
  public static final Setting HTTP_COALESCE_PAGES = new Setting("EDGE_HTTP_COALESCE_PAGES", "http.coalescePages", true, "While one identified shopper's page is being assembled over the bus, the same page asked for again (a burst, a reload, several banners of one page) waits for it instead of sending its own messages; off with `EDGE_CACHE_MODE=off`.", "`edge_singleflight_calls_total{flight=\"page\",role=\"follower\"}`");
  public static final Setting HTTP_COLOCATE_CAPABILITIES = new Setting("EDGE_HTTP_COLOCATE_CAPABILITIES", "http.colocateCapabilities", true, "Run an instance of the segments and recs verticles on every event loop (sharing one cache, single-flight and breaker per upstream) and send a page's messages to the one on its own thread, so a bus hop wakes no other thread. Each upstream's connection pool is split between the instances on the HTTP event loops. false = one instance each, reached from any thread.", "`edge_bus_requests_total{address,target=\"own_loop\"}`");
  public static final Setting HTTP_MAX_BODY_BYTES = new Setting("EDGE_HTTP_MAX_BODY_BYTES", "http.maxBodyBytes", 65_536, "Largest request body accepted; larger gets 413.", "`edge_http_request_seconds_count{outcome=\"payload_too_large\"}`");
  public static final Setting HTTP_MAX_QUERY_CHARS = new Setting("EDGE_HTTP_MAX_QUERY_CHARS", "http.maxQueryChars", 4_096, "Longest query string accepted; longer gets 400.", "`edge_http_request_seconds_count{outcome=\"bad_request\"}`");
  public static final Setting CORS_ORIGINS = new Setting("EDGE_CORS_ORIGINS", "http.corsOrigins", List.of(), "Storefront origins allowed to call from a browser (exact origins, comma-separated); empty = no CORS.", "-");
  public static final Setting PUBLIC_BASE_URL = new Setting("EDGE_PUBLIC_BASE_URL", "http.publicBaseUrl", "", "Public URL of this gateway as browsers reach it (e.g. `https://edge.shop.example`); the rewritten `search.basePath` points here. Empty = taken from the request's Host.", "-");
  public static final Setting TLS_PORT = new Setting("EDGE_TLS_PORT", "http.tls.port", 0, "Port of an optional HTTPS listener for the same API; 0 = off.", "-");
  public static final Setting TLS_CERT_PATH = new Setting("EDGE_TLS_CERT_PATH", "http.tls.certPath", "", "PEM certificate chain of the HTTPS listener.", "-");
  public static final Setting TLS_KEY_PATH = new Setting("EDGE_TLS_KEY_PATH", "http.tls.keyPath", "", "PEM private key of the HTTPS listener.", "-");
  public static final Setting REQUEST_TIMEOUT_MS = new Setting("EDGE_REQUEST_TIMEOUT_MS", "http.requestTimeoutMs", 1_500L, "The one deadline of a request, split across identity, segments and recs.", "`edge_http_request_seconds_count{outcome=\"timeout\"}`");
  public static final Setting SEGMENTS_BUDGET_MS = new Setting("EDGE_SEGMENTS_BUDGET_MS", "http.segmentsBudgetMs", 600L, "Most of the deadline the segments phase may use before recs go on unsegmented.", "`edge_degraded_total{step=\"segments\"}`");
  public static final Setting OPS_HOST = new Setting("EDGE_OPS_HOST", "ops.host", "127.0.0.1", "Interface of the ops port.", "-");
  public static final Setting OPS_PORT = new Setting("EDGE_OPS_PORT", "ops.port", 9090, "Port of `/health/live`, `/health/ready`, `/metrics`.", "-");
  // logs
  public static final Setting LOG_FORMAT = new Setting("EDGE_LOG_FORMAT", "log.format", "json", "`json`: one JSON object a line (logback's `JsonEncoder`: `timestamp`, `level`, `threadName`, `loggerName`, `message`, then the line's own fields); `text`: one readable line an event (fields as `name=value`). Environment only (logging starts before the config file is read); anything else is `json`.", "-");
  public static final Setting ACCESS_LOG = new Setting("EDGE_ACCESS_LOG", "log.access", true, "One line per request on the `edge.access` logger when its answer ends: route, method, status, outcome, `X-Cache`, `Server-Timing` phases, duration, request id, trace id, hashed shopper. Written from a thread of its own through a bounded queue that never blocks a request (a full queue drops the line).", "`edge_access_log_lines_total`, `edge_access_log_dropped_total`");
  public static final Setting ACCESS_LOG_SAMPLE = new Setting("EDGE_ACCESS_LOG_SAMPLE", "log.accessSample", 1.0, "Fraction (0 to 1) of successful requests (2xx, outcome `ok`) given an access line; errors, degraded answers and connections closed before the answer always get theirs.", "`edge_access_log_lines_total{result=\"sampled_out\"}`");
  // Klevu
  public static final Setting KLEVU_API_KEY = new Setting("EDGE_KLEVU_API_KEY", "klevu.apiKey", "klevu-demo-api-key", "Klevu JS API key used by `/v1/*` (the Klevu-compatible routes take it from the path).", "-");
  public static final Setting KLEVU_VISITOR_URL = new Setting("EDGE_KLEVU_VISITOR_URL", "klevu.visitorUrl", "https://visitor.service.ksearchnet.com/public/1.0", "Klevu visitor service base URL (as `@klevu/core`'s `visitorServiceUrl`).", "`edge_upstream_request_seconds{upstream=\"visitor\"}`");
  public static final Setting KLEVU_CONFIG_URL = new Setting("EDGE_KLEVU_CONFIG_URL", "klevu.configUrl", "https://config-cdn.ksearchnet.com/recommendations/", "Klevu recommendation config base URL (as `recommendationsApiUrl`).", "`edge_upstream_request_seconds{upstream=\"config\"}`");
  public static final Setting KLEVU_STATS_URL = new Setting("EDGE_KLEVU_STATS_URL", "klevu.statsUrl", "https://stats.ksearchnet.com/analytics/collect", "Klevu analytics collect URL (as `eventsApiV2Url`).", "`edge_events_total`");
  public static final Setting SEARCH_ALLOWED_HOSTS = new Setting("EDGE_SEARCH_ALLOWED_HOSTS", "klevu.searchAllowedHosts", List.of("*.ksearchnet.com"), "Hosts (`host` or `host:port`, `*.` wildcard) a config's `search.basePath` may point to; anything else is refused.", "`edge_recs_search_refused_total`");
  public static final Setting SEARCH_SCHEME = new Setting("EDGE_SEARCH_SCHEME", "klevu.searchScheme", "https", "Scheme put in front of `search.basePath` (Klevu gives host+path only).", "-");
  // Klaviyo
  public static final Setting KLAVIYO_URL = new Setting("EDGE_KLAVIYO_URL", "klaviyo.url", "https://a.klaviyo.com", "Klaviyo REST API base URL.", "`edge_upstream_request_seconds{upstream=\"klaviyo\"}`");
  public static final Setting KLAVIYO_PRIVATE_KEY = new Setting("EDGE_KLAVIYO_PRIVATE_KEY", "klaviyo.privateKey", "", "Klaviyo private API key (secret: env or secret store only; never logged). Empty = no Klaviyo calls.", "-");
  public static final Setting KLAVIYO_REVISION = new Setting("EDGE_KLAVIYO_REVISION", "klaviyo.revision", "2026-07-15", "Klaviyo API `revision` header.", "-");
  // identity
  public static final Setting COOKIE_SECRET = new Setting("EDGE_COOKIE_SECRET", "identity.cookieSecret", "", "Secret sealing the gateway's `edge_id` cookie (AES-GCM). Empty = random per process (cookies die with it).", "-");
  public static final Setting HASH_PEPPER = new Setting("EDGE_HASH_PEPPER", "identity.hashPepper", "edge-gateway-v1", "Pepper of the keyed hash that replaces exchange ids and emails in keys, logs and metrics; same on every gateway sharing a Redis.", "-");
  public static final Setting CUSTOMER_TOKEN_SECRET = new Setting("EDGE_CUSTOMER_TOKEN_SECRET", "identity.customerTokenSecret", "", "HS256 secret of storefront customer tokens for `POST /v1/identify`; empty = identify off (404).", "`edge_identify_total`");
  public static final Setting CUSTOMER_TOKEN_ISSUER = new Setting("EDGE_CUSTOMER_TOKEN_ISSUER", "identity.customerTokenIssuer", "", "Required `iss` of customer tokens (e.g. `bc/apps`); empty = not checked.", "`edge_identify_total{result=\"unauthorized\"}`");
  public static final Setting CUSTOMER_TOKEN_AUDIENCE = new Setting("EDGE_CUSTOMER_TOKEN_AUDIENCE", "identity.customerTokenAudience", "", "Required `aud` of customer tokens; empty = not checked.", "`edge_identify_total{result=\"unauthorized\"}`");
  public static final Setting CUSTOMER_TOKEN_LEEWAY_S = new Setting("EDGE_CUSTOMER_TOKEN_LEEWAY_S", "identity.customerTokenLeewaySeconds", 30, "Clock skew tolerated on a customer token's `exp` and `iat`.", "`edge_identify_total{result=\"unauthorized\"}`");
  public static final Setting COOKIE_MAX_AGE_DAYS = new Setting("EDGE_COOKIE_MAX_AGE_DAYS", "identity.cookieMaxAgeDays", 30, "Lifetime of the sealed `edge_id` cookie.", "`edge_identity_resolutions_total{source=\"gateway_cookie\"}`");
  public static final Setting LINK_TTL_DAYS = new Setting("EDGE_LINK_TTL_DAYS", "identity.linkTtlDays", 30, "How long a customer stays linked to an exchange id after `POST /v1/identify`.", "`edge_identify_total{result=\"found\"}`");
  public static final Setting KLAVIYO_LOOKUP = new Setting("EDGE_KLAVIYO_LOOKUP", "identity.klaviyoLookup", true, "On identify, tell Klaviyo about the email/exchange-id link and look profiles up (needs the private key).", "`edge_upstream_request_seconds{upstream=\"klaviyo\"}`");
  // cache
  public static final Setting CACHE_MODE = new Setting("EDGE_CACHE_MODE", "cache.mode", "", "`memory`, `redis` or `off` (plain proxy: no cache, no single-flight). Empty = `redis` when a Redis URL is set, else `memory`.", "`edge_cache_lookups_total`");
  public static final Setting REDIS_URL = new Setting("EDGE_REDIS_URL", "cache.redis.connectionString", "", "Redis URL; set = Redis is the shared L2 behind the in-memory L1.", "`edge_redis_up`");
  public static final Setting REDIS_ENDPOINTS = new Setting("EDGE_REDIS_ENDPOINTS", "cache.redis.endpoints", List.of(), "Sentinels or cluster seed nodes (Redis URLs, comma-separated); set = used instead of `EDGE_REDIS_URL` (which still decides whether Redis is used at all).", "`edge_redis_up`");
  public static final Setting REDIS_TYPE = new Setting("EDGE_REDIS_TYPE", "cache.redis.type", "STANDALONE", "`STANDALONE`, `SENTINEL` or `CLUSTER` (list nodes under `cache.redis.endpoints` in config.yaml).", "-");
  public static final Setting REDIS_MASTER_NAME = new Setting("EDGE_REDIS_MASTER_NAME", "cache.redis.masterName", "mymaster", "`SENTINEL` only: name of the monitored master.", "-");
  public static final Setting REDIS_ROLE = new Setting("EDGE_REDIS_ROLE", "cache.redis.role", "MASTER", "`SENTINEL` only: `MASTER`, `REPLICA` or `SENTINEL`, the node the cache talks to; it writes, so the master.", "-");
  public static final Setting REDIS_COMMAND_TIMEOUT_MS = new Setting("EDGE_REDIS_COMMAND_TIMEOUT_MS", "cache.redis.commandTimeoutMs", 50L, "Bound on every Redis command; past it the read is a miss (fail open).", "`edge_redis_commands_total{result=\"timeout\"}`");
  public static final Setting REDIS_CONNECT_TIMEOUT_MS = new Setting("EDGE_REDIS_CONNECT_TIMEOUT_MS", "cache.redis.connectTimeoutMs", 500, "TCP connect timeout of a new Redis connection; with the command timeout, also bounds one recovery PING.", "`edge_redis_up`");
  public static final Setting REDIS_POOL_SIZE = new Setting("EDGE_REDIS_POOL_SIZE", "cache.redis.maxPoolSize", 16, "Redis connections (= commands in flight at once).", "`edge_redis_command_seconds`");
  public static final Setting REDIS_POOL_WAITING = new Setting("EDGE_REDIS_POOL_WAITING", "cache.redis.maxPoolWaiting", 1_024, "Commands that may queue for a connection; more fail at once (a miss).", "`edge_redis_commands_total{result=\"error\"}`");
  public static final Setting REDIS_MAX_WAITING_HANDLERS = new Setting("EDGE_REDIS_MAX_WAITING_HANDLERS", "cache.redis.maxWaitingHandlers", 2_048, "Commands that may be in the air on one Redis connection before new ones are refused (a miss).", "`edge_redis_commands_total{result=\"error\"}`");
  public static final Setting REDIS_FAILURES_BEFORE_DOWN = new Setting("EDGE_REDIS_FAILURES_BEFORE_DOWN", "cache.redis.failuresBeforeDown", 3, "Failed or timed-out commands in a row after which Redis counts as down (a refused connection does at once); while down, reads are misses and PINGs probe it.", "`edge_redis_up`, `edge_redis_state_changes_total`");
  public static final Setting REDIS_RECONNECT_INITIAL_BACKOFF_MS = new Setting("EDGE_REDIS_RECONNECT_INITIAL_BACKOFF_MS", "cache.redis.reconnectInitialBackoffMs", 100L, "First pause between PING probes while Redis is down; doubles up to `EDGE_REDIS_RECONNECT_MAX_BACKOFF_MS`.", "`edge_redis_up`");
  public static final Setting REDIS_RECONNECT_MAX_BACKOFF_MS = new Setting("EDGE_REDIS_RECONNECT_MAX_BACKOFF_MS", "cache.redis.reconnectMaxBackoffMs", 1_000L, "Longest pause between PING probes while Redis is down (from 100 ms, doubling): at most this long a recovered Redis goes unused. One PING per pause is all a down Redis costs.", "`edge_redis_up`");
  public static final Setting REDIS_KEY_PREFIX = new Setting("EDGE_REDIS_KEY_PREFIX", "cache.redis.keyPrefix", "edge:v1:", "Namespace and version of every Redis key.", "-");
  public static final Setting REDIS_CLIENT_NAME = new Setting("EDGE_REDIS_CLIENT_NAME", "cache.redis.clientName", "default", "Value of the `client` tag of the Redis metrics.", "`edge_redis_up{client}`");
  public static final Setting L1_MAX_TTL_MS = new Setting("EDGE_L1_MAX_TTL_MS", "cache.l1MaxTtlMs", 10_000L, "With Redis: longest an entry is served from local memory before Redis is asked again (bounds how long gateways disagree). A hot page read in place keeps being answered from memory past it while one background read checks Redis.", "`edge_cache_lookups_total{status=\"hit-l2\"}`, `edge_cache_l1_revalidations_total`, `edge_recs_memo_rechecks_total`");
  public static final Setting CACHE_LEASE_ENABLED = new Setting("EDGE_CACHE_LEASE_ENABLED", "cache.lease.enabled", true, "With Redis: a key missing on several gateways at once is loaded by the one holding a short Redis lease (`SET NX PX`); the others wait for its result. No effect without Redis.", "`edge_cache_lease_total{result=\"acquired\"}`");
  public static final Setting CACHE_LEASE_TTL_MS = new Setting("EDGE_CACHE_LEASE_TTL_MS", "cache.lease.ttlMs", 2_000L, "Lifetime of a lease; a gateway that dies holding one frees the key after this.", "`edge_cache_lease_total`");
  public static final Setting CACHE_LEASE_WAIT_MS = new Setting("EDGE_CACHE_LEASE_WAIT_MS", "cache.lease.waitMs", 300L, "Longest a gateway waits for the lease holder's value before loading itself (the most a dead holder costs).", "`edge_cache_lease_total{result=\"waited_fallback\"}`, `edge_cache_lease_wait_seconds`");
  public static final Setting CACHE_LEASE_POLL_MS = new Setting("EDGE_CACHE_LEASE_POLL_MS", "cache.lease.pollMs", 15L, "How often a waiting gateway looks at Redis for the value (two commands per look).", "`edge_cache_lease_total{result=\"waited_hit\"}`");
  public static final Setting CACHE_MAX_ENTRIES = new Setting("EDGE_CACHE_MAX_ENTRIES", "cache.memory.maxEntries", 100_000L, "Entry bound of each in-memory cache (and of the banner memo); W-TinyLFU eviction. With the byte budget on, each entry is charged at least its cache's budget / this, so the bytes decide unless entries are tiny or this is set low.", "`edge_cache_memory_entries{cache}`, `edge_cache_memory_evictions_total{cause=\"size\"}`");
  // a fixed figure rather than a fraction of -Xmx, so the bound reads the same in the table and the metrics on every
  // machine; it leaves room for the estimate being low (it counts the JSON trees, not GC headroom)
  public static final Setting CACHE_MEMORY_MAX_BYTES = new Setting("EDGE_CACHE_MEMORY_MAX_BYTES", "cache.memory.maxBytes", 134_217_728L, "Estimated heap bytes all in-memory caches may hold together (128 MiB; about a quarter of a 512 MB heap), shared out: `search` 40 %, `segments` 30 %, `banners` (the banner memo) 15 %, `config` 10 %, `links` 5 %; `cache.caches.<name>.maxBytes` sets one cache's own. Each entry is weighed once, when written, from its JSON tree (a banner: its page body). 0 = entry bound only.", "`edge_cache_memory_bytes{cache}`, `edge_cache_memory_max_bytes{cache}`, `edge_cache_memory_evictions_total{cache,cause=\"size\"}`");
  public static final Setting SEGMENTS_MIN_TTL_S = new Setting("EDGE_SEGMENTS_MIN_TTL_S", "cache.segments.minTtlSeconds", 30, "Klevu's `ttl` is clamped up to this.", "`edge_segments_ttl_seconds`");
  public static final Setting SEGMENTS_MAX_TTL_S = new Setting("EDGE_SEGMENTS_MAX_TTL_S", "cache.segments.maxTtlSeconds", 86_400, "Klevu's `ttl` is clamped down to this.", "`edge_segments_ttl_seconds`");
  public static final Setting TTL_JITTER = new Setting("EDGE_TTL_JITTER", "cache.ttlJitter", 0.1, "Random spread (±fraction) on every TTL so keys written together do not expire together.", "-");
  public static final Setting STALE_WHILE_REVALIDATE_S = new Setting("EDGE_STALE_WHILE_REVALIDATE_S", "cache.staleWhileRevalidateSeconds", 30, "Past its TTL an entry is served at once for this long while one background refresh runs.", "`edge_cache_background_refreshes_total`");
  public static final Setting STALE_IF_ERROR_S = new Setting("EDGE_STALE_IF_ERROR_S", "cache.staleIfErrorSeconds", 3_600, "After that, an entry is kept this long to serve when a refresh fails.", "`edge_cache_stale_on_error_total`");
  public static final Setting CONFIG_TTL_S = new Setting("EDGE_CONFIG_TTL_S", "cache.config.ttlSeconds", 300, "TTL of recommendation configs.", "`edge_cache_lookups_total{cache=\"config\"}`");
  public static final Setting SEARCH_TTL_S = new Setting("EDGE_SEARCH_TTL_S", "cache.search.ttlSeconds", 60, "TTL of recommendation search results.", "`edge_cache_lookups_total{cache=\"search\"}`");
  public static final Setting NEGATIVE_TTL_S = new Setting("EDGE_NEGATIVE_TTL_S", "cache.negativeTtlSeconds", 30, "TTL of typed negative answers (upstream 4xx); never used for 5xx or timeouts.", "`edge_cache_lookups_total{status=\"negative\"}`");
  public static final Setting RECENT_CLICKS_MAX = new Setting("EDGE_RECENT_CLICKS_MAX", "recs.recentClicks.maxProducts", 20, "Product ids kept in a shopper's server-side last clicked list (fed by `POST /v1/events` clicks, read by HOME `RECENTLY_VIEWED` and `TRENDING_PERSONALIZED` banners, which search with the latest 10, as `@klevu/core` does with its 20 in `localStorage`).", "`edge_recs_recent_clicks_total{op=\"record\"}`");
  public static final Setting RECENT_CLICKS_MAX_BYTES = new Setting("EDGE_RECENT_CLICKS_MAX_BYTES", "recs.recentClicks.maxBytes", 4_096, "Encoded bytes of one shopper's last clicked list (64 to 65536); the oldest ids go first.", "`edge_recs_recent_clicks_total{op=\"record\"}`");
  public static final Setting RECENT_CLICKS_TTL_DAYS = new Setting("EDGE_RECENT_CLICKS_TTL_DAYS", "recs.recentClicks.ttlDays", 30, "How long a shopper's last clicked list is kept after its latest click (in Redis when configured, keyed by the shopper's hashed exchange id, else its Klevu session).", "`edge_recs_recent_clicks_total{op=\"read\"}`");
  public static final Setting FLIGHT_MAX_AGE_MS = new Setting("EDGE_FLIGHT_MAX_AGE_MS", "cache.singleFlight.maxFlightAgeMs", 10_000L, "A flight older than this takes no more followers.", "`edge_singleflight_calls_total`");
  public static final Setting FLIGHT_MAX_WAITERS = new Setting("EDGE_FLIGHT_MAX_WAITERS", "cache.singleFlight.maxWaitersPerKey", 10_000, "Followers per key; more are answered with a fallback.", "`edge_singleflight_calls_total{role=\"rejected\"}`");
  public static final Setting FLIGHT_MAX_FLIGHTS = new Setting("EDGE_FLIGHT_MAX_FLIGHTS", "cache.singleFlight.maxFlights", 50_000, "Flights in the air at once, all keys together; more leaders are answered with a fallback.", "`edge_singleflight_inflight`, `edge_singleflight_calls_total{role=\"rejected\"}`");
  // events
  public static final Setting OUTBOX_CAPACITY = new Setting("EDGE_OUTBOX_CAPACITY", "events.outboxCapacity", 100_000, "Events the outbox holds; a full outbox answers 503 + Retry-After.", "`edge_outbox_depth`, `edge_events_total{result=\"rejected_full\"}`");
  public static final Setting EVENTS_BATCH_SIZE = new Setting("EDGE_EVENTS_BATCH_SIZE", "events.batchSize", 50, "Events per POST to Klevu.", "`edge_events_batches_total`");
  public static final Setting EVENTS_FLUSH_MS = new Setting("EDGE_EVENTS_FLUSH_MS", "events.flushIntervalMs", 250L, "Longest an event waits for its batch to fill.", "`edge_outbox_depth`");
  public static final Setting EVENTS_MAX_ATTEMPTS = new Setting("EDGE_EVENTS_MAX_ATTEMPTS", "events.maxAttempts", 8, "Sends of one batch before it is dead-lettered (counted and logged, without payload).", "`edge_events_total{result=\"dead\"}`");
  public static final Setting EVENTS_RETRY_BACKOFF_MS = new Setting("EDGE_EVENTS_RETRY_BACKOFF_MS", "events.retryBackoffMs", 500L, "First pause after a failed batch; doubles per attempt (capped by `EDGE_EVENTS_RETRY_BACKOFF_MAX_MS`), at least the upstream's Retry-After.", "`edge_events_batches_total{result=\"retried\"}`");
  public static final Setting EVENTS_RETRY_BACKOFF_MAX_MS = new Setting("EDGE_EVENTS_RETRY_BACKOFF_MAX_MS", "events.retryBackoffMaxMs", 30_000L, "Cap of the batch retry pause, and of the upstream's Retry-After that the sender honours.", "`edge_events_batches_total{result=\"retried\"}`");
  public static final Setting EVENTS_IN_FLIGHT = new Setting("EDGE_EVENTS_IN_FLIGHT", "events.maxInFlightBatches", 4, "Batches being sent to Klevu at once.", "`edge_events_batches_total`");
  public static final Setting EVENTS_DRAIN_MS = new Setting("EDGE_EVENTS_DRAIN_MS", "events.shutdownDrainMs", 5_000L, "On shutdown, how long the outbox keeps sending before it gives up (and logs the count left).", "`edge_outbox_depth`");
  public static final Setting EVENTS_FULL_RETRY_AFTER_S = new Setting("EDGE_EVENTS_FULL_RETRY_AFTER_S", "events.fullRetryAfterSeconds", 1L, "`Retry-After` answered while the outbox is full (raised to the sender's backoff while it backs off).", "`edge_events_total{result=\"rejected_full\"}`");
  // upstream resilience (one set of defaults; override per upstream in config.yaml under upstream.<name>)
  public static final Setting UPSTREAM_TIMEOUT_MS = new Setting("EDGE_UPSTREAM_TIMEOUT_MS", "upstream.defaults.timeoutMs", 1_500L, "Longest one upstream attempt may take, from waiting for a pooled connection to the answer's last byte, however slowly the upstream trickles it (the request deadline caps it further).", "`edge_upstream_request_seconds{outcome=\"timeout\"}`");
  public static final Setting UPSTREAM_MAX_RETRIES = new Setting("EDGE_UPSTREAM_MAX_RETRIES", "upstream.defaults.maxRetries", 1, "Retries of a failed upstream call (5xx, 429, timeout), when the deadline allows.", "`edge_upstream_retries_total`");
  public static final Setting UPSTREAM_RETRY_BACKOFF_MS = new Setting("EDGE_UPSTREAM_RETRY_BACKOFF_MS", "upstream.defaults.retryBackoffMs", 50L, "First pause before an upstream retry; doubles per attempt, with jitter, unless the upstream sent `Retry-After`.", "`edge_upstream_retries_total`");
  public static final Setting UPSTREAM_MAX_RETRY_AFTER_MS = new Setting("EDGE_UPSTREAM_MAX_RETRY_AFTER_MS", "upstream.defaults.maxRetryAfterMs", 2_000L, "Longest upstream `Retry-After` waited for; a longer one fails the call instead.", "`edge_upstream_request_seconds{outcome=\"upstream_throttled\"}`");
  public static final Setting BREAKER_MAX_FAILURES = new Setting("EDGE_BREAKER_MAX_FAILURES", "upstream.defaults.breakerMaxFailures", 10, "Failures in the window that open an upstream's circuit.", "`edge_upstream_circuit_open`");
  public static final Setting BREAKER_RESET_MS = new Setting("EDGE_BREAKER_RESET_MS", "upstream.defaults.breakerResetMs", 5_000L, "How long an open circuit stays open before a trial call.", "`edge_upstream_circuit_open`");
  public static final Setting BREAKER_WINDOW_MS = new Setting("EDGE_BREAKER_WINDOW_MS", "upstream.defaults.breakerWindowMs", 10_000L, "Rolling window in which failures count towards opening an upstream's circuit.", "`edge_upstream_circuit_open`");
  public static final Setting UPSTREAM_POOL_SIZE = new Setting("EDGE_UPSTREAM_POOL_SIZE", "upstream.defaults.maxPoolSize", 64, "Connections per upstream, in total: split between the instances of its verticle (one per event loop, see `EDGE_HTTP_COLOCATE_CAPABILITIES`), as is `EDGE_UPSTREAM_MAX_WAIT_QUEUE`.", "`edge_upstream_in_flight{upstream}`");
  public static final Setting UPSTREAM_MAX_WAIT_QUEUE = new Setting("EDGE_UPSTREAM_MAX_WAIT_QUEUE", "upstream.defaults.maxWaitQueue", 2_048, "Calls that may queue for a pooled connection, in total, split like the pool; past it a call fails at once. -1 = unbounded.", "`edge_upstream_request_seconds{outcome=\"overloaded\"}`");
  public static final Setting UPSTREAM_CONNECT_TIMEOUT_MS = new Setting("EDGE_UPSTREAM_CONNECT_TIMEOUT_MS", "upstream.defaults.connectTimeoutMs", 1_000, "TCP (and TLS) connect timeout of a new upstream connection.", "`edge_upstream_request_seconds{outcome=\"upstream_error\"}`");

  /** Every setting, in the README table's order; the loader and the defaults walk this list. */
  public static final List<Setting> ALL = List.of(
      HTTP_HOST, HTTP_PORT, HTTP_INSTANCES, EVENT_LOOPS, NATIVE_TRANSPORT, WARMUP_PAGES, WARMUP_MAX_MS,
      WARMUP_CONCURRENCY, HTTP_FAST_PATH, HTTP_COALESCE_PAGES, HTTP_COLOCATE_CAPABILITIES, HTTP_MAX_BODY_BYTES,
      HTTP_MAX_QUERY_CHARS, CORS_ORIGINS, PUBLIC_BASE_URL, TLS_PORT, TLS_CERT_PATH, TLS_KEY_PATH, REQUEST_TIMEOUT_MS,
      SEGMENTS_BUDGET_MS, OPS_HOST, OPS_PORT,
      LOG_FORMAT, ACCESS_LOG, ACCESS_LOG_SAMPLE,
      KLEVU_API_KEY, KLEVU_VISITOR_URL, KLEVU_CONFIG_URL, KLEVU_STATS_URL, SEARCH_ALLOWED_HOSTS, SEARCH_SCHEME,
      KLAVIYO_URL, KLAVIYO_PRIVATE_KEY, KLAVIYO_REVISION,
      COOKIE_SECRET, HASH_PEPPER, CUSTOMER_TOKEN_SECRET, CUSTOMER_TOKEN_ISSUER, CUSTOMER_TOKEN_AUDIENCE,
      CUSTOMER_TOKEN_LEEWAY_S, COOKIE_MAX_AGE_DAYS, LINK_TTL_DAYS, KLAVIYO_LOOKUP,
      CACHE_MODE, REDIS_URL, REDIS_ENDPOINTS, REDIS_TYPE, REDIS_MASTER_NAME, REDIS_ROLE, REDIS_COMMAND_TIMEOUT_MS,
      REDIS_CONNECT_TIMEOUT_MS, REDIS_POOL_SIZE, REDIS_POOL_WAITING, REDIS_MAX_WAITING_HANDLERS,
      REDIS_FAILURES_BEFORE_DOWN, REDIS_RECONNECT_INITIAL_BACKOFF_MS, REDIS_RECONNECT_MAX_BACKOFF_MS,
      REDIS_KEY_PREFIX, REDIS_CLIENT_NAME, L1_MAX_TTL_MS, CACHE_LEASE_ENABLED, CACHE_LEASE_TTL_MS,
      CACHE_LEASE_WAIT_MS, CACHE_LEASE_POLL_MS, CACHE_MAX_ENTRIES, CACHE_MEMORY_MAX_BYTES, SEGMENTS_MIN_TTL_S,
      SEGMENTS_MAX_TTL_S, TTL_JITTER, STALE_WHILE_REVALIDATE_S, STALE_IF_ERROR_S, CONFIG_TTL_S, SEARCH_TTL_S,
      NEGATIVE_TTL_S, RECENT_CLICKS_MAX, RECENT_CLICKS_MAX_BYTES, RECENT_CLICKS_TTL_DAYS, FLIGHT_MAX_AGE_MS, FLIGHT_MAX_WAITERS, FLIGHT_MAX_FLIGHTS,
      OUTBOX_CAPACITY, EVENTS_BATCH_SIZE, EVENTS_FLUSH_MS, EVENTS_MAX_ATTEMPTS, EVENTS_RETRY_BACKOFF_MS,
      EVENTS_RETRY_BACKOFF_MAX_MS, EVENTS_IN_FLIGHT, EVENTS_DRAIN_MS, EVENTS_FULL_RETRY_AFTER_S,
      UPSTREAM_TIMEOUT_MS, UPSTREAM_MAX_RETRIES, UPSTREAM_RETRY_BACKOFF_MS, UPSTREAM_MAX_RETRY_AFTER_MS,
      BREAKER_MAX_FAILURES, BREAKER_RESET_MS, BREAKER_WINDOW_MS, UPSTREAM_POOL_SIZE, UPSTREAM_MAX_WAIT_QUEUE,
      UPSTREAM_CONNECT_TIMEOUT_MS);

  /** The README table. */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder("| env | config.yaml | default | what it does | metric that shows it |\n|---|---|---|---|---|\n");
    for (Setting s : ALL) {
      Object d = s.defaultValue();
      String shown = d instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(d);
      out.append("| `").append(s.env()).append("` | `").append(s.path()).append("` | ")
          .append(shown.isEmpty() ? "(empty)" : "`" + shown + "`").append(" | ").append(s.doc()).append(" | ")
          .append(s.metric()).append(" |\n");
    }
    return out.toString();
  }
}
