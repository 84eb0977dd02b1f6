package dev.edgegateway.metrics;

import static java.util.Map.entry;

import java.util.Map;
import java.util.Set;

/**
 * The help text of every {@code edge_*} meter, one per name: Prometheus publishes one {@code # HELP} line per
 * metric family, so meters of one name registered in several places must agree on it.
 */
final class MeterDescriptions {
  private static final Map<String, String> BY_NAME = Map.ofEntries(
      // the request
      entry("edge_http_request_seconds",
          "Storefront API requests from arrival to the end of the answer, by route and outcome, in seconds"),
      entry("edge_http_connections", "Open client connections, by listener (api, api_tls, ops)"),
      entry("edge_http_connections_closed_total",
          "Client connections the gateway closed, by listener and reason (header: headers not complete in time, body:"
              + " body not complete in time, idle: nothing sent for the idle timeout, cap: past the connection cap)"),
      entry("edge_degraded_total",
          "Steps of a request that failed and were worked around (the answer's degraded list), by step and outcome"),
      entry("edge_bus_requests_total",
          "Event-bus requests to a capability, by address and target (own_loop: the handler on the sender's event loop)"),
      entry("edge_cdn_answers_total",
          "Answers of the cacheable routes by route and cacheability (public: a CDN may keep it, not_modified: 304, private)"),
      entry("edge_cache_purges_total", "Purges of a recsKey on the ops port, by result"),
      entry("edge_warmup_rounds", "Rounds of synthetic page loads run before the gateway started"),
      entry("edge_warmup_seconds", "Time the warm-up took before the gateway started, in seconds"),
      entry("edge_rate_limited_total",
          "Requests refused with 429 because their client (scope client) or customer (scope customer) spent its budget, by route"),
      entry("edge_shutdown_phase",
          "Where the gateway is in its shutdown: 0 serving, 1 draining (not ready, still serving), 2 closing"),
      // identity
      entry("edge_identify_total", "POST /v1/identify answers, by result"),
      entry("edge_identity_resolutions_total", "Shoppers resolved, by where their identity came from"),
      entry("edge_identity_cookie_decode_failures_total",
          "Identity values (Klaviyo cookie, _kx, edge_id) that did not decode, by reason"),
      entry("edge_klaviyo_limiter_total",
          "Klaviyo calls through the client-side rate limiter, by result (sent at once, waited, dropped: skipped over the"
              + " limit; paused: Klaviyo's answer stopped all calls for a while)"),
      entry("edge_klaviyo_limiter_queued", "Klaviyo calls waiting for the client-side rate limiter"),
      // upstreams
      entry("edge_upstream_request_seconds",
          "Calls to an upstream (Klevu, Klaviyo), one per attempt, by upstream and outcome, in seconds"),
      entry("edge_upstream_retries_total", "Calls to an upstream made again after a retryable failure, by upstream"),
      entry("edge_upstream_in_flight", "Calls to an upstream sent and not yet answered, over all event loops"),
      entry("edge_upstream_circuit_open",
          "1 while the circuit breaker of an upstream is open or half-open (calls are not made), 0 while closed"),
      entry("edge_upstream_oversize_total",
          "Upstream answers cut off because their body was over the upstream's size cap, by upstream"),
      entry("edge_recs_search_refused_total",
          "Searches refused before any call, by reason (not_allowed: off the allowlist; not_named: matched only by a "
              + "wildcard and never named by a Klevu config)"),
      entry("edge_recs_search_hosts",
          "Search hosts the gateway may call that it learnt from Klevu config answers (each with breakers of its own)"),
      entry("edge_recs_recent_clicks_total",
          "Reads and writes of shoppers' server-side last clicked products, by op (record, read) and result"),
      // caches
      entry("edge_cache_lookups_total", "Read-through cache lookups, by cache and status (the X-Cache values)"),
      entry("edge_cache_store_errors_total", "Cache store reads or writes that failed and counted as a miss, by cache"),
      entry("edge_cache_stale_on_error_total", "Stale entries served because their refresh failed, by cache"),
      entry("edge_cache_background_refreshes_total", "Background refreshes of entries answered stale, by cache"),
      entry("edge_cache_lease_total", "Cross-gateway load leases taken or waited for on a miss, by cache and result"),
      entry("edge_cache_lease_wait_seconds",
          "Time a gateway waited for another gateway's load of the same key, by cache, in seconds"),
      entry("edge_cache_l2_errors_total", "Redis (L2) operations of a tiered cache that failed, by cache and op"),
      entry("edge_cache_l1_revalidations_total",
          "In-memory (L1) entries past their hold time checked against Redis, by cache and result"),
      entry("edge_cache_memory_bytes", "Estimated heap bytes held by an in-memory cache, in bytes"),
      entry("edge_cache_memory_max_bytes", "Byte budget of an in-memory cache, in bytes"),
      entry("edge_cache_memory_entries", "Entries held by an in-memory cache"),
      entry("edge_cache_memory_evictions_total",
          "Entries dropped by an in-memory cache, by cause (size: to stay within its bounds, expired: past keep time)"),
      entry("edge_recs_memo_total", "Banner memo reads of the page's fast path, by result (hit: answered in place)"),
      entry("edge_recs_memo_rechecks_total", "Banners past their hold time checked again against Redis in the background"),
      entry("edge_segments_ttl_seconds", "Klevu's segment ttl after clamping, in seconds"),
      // single-flight
      entry("edge_singleflight_calls_total",
          "Calls into a single-flight, by flight and role (leader: loads, follower: shares a load, rejected: over a bound)"),
      entry("edge_singleflight_waiter_timeouts_total", "Callers that stopped waiting for a load at their deadline, by flight"),
      entry("edge_singleflight_inflight", "Loads in the air in a single-flight, by flight"),
      // Redis
      entry("edge_redis_up", "1 while the Redis cache tier answers, 0 while it is considered down"),
      entry("edge_redis_state_changes_total", "Times the Redis client was marked down or up again, by client and state"),
      entry("edge_redis_commands_total",
          "Redis commands, by client, command and result (down: not sent while Redis is considered down)"),
      entry("edge_redis_command_seconds", "Redis command latency, timeouts included, by client and command, in seconds"),
      entry("edge_redis_decode_errors_total", "Redis cache entries that did not decode and counted as a miss, by cache"),
      // analytics events
      entry("edge_access_log_lines_total", "Requests given an access line (logged) or left without one by sampling (sampled_out)"),
      entry("edge_access_log_dropped_total", "Log lines dropped because the log writer's queue was full"),
      entry("edge_tracing_spans_total",
          "Sampled spans sent to the OTLP receiver (exported) or lost on the way (failed), with EDGE_OTEL_ENDPOINT set"),
      entry("edge_events_total", "Analytics events, by what became of them"),
      entry("edge_events_batches_total", "POSTs of analytics batches to Klevu's stats endpoint, by result"),
      entry("edge_outbox_depth", "Analytics events held by the outbox: queued plus being sent"),
      entry("edge_outbox_bytes", "Encoded bytes of the analytics events held by the outbox: queued plus being sent"),
      entry("edge_outbox_pending", "Events of the Redis outbox stream taken by a gateway and not yet settled"),
      entry("edge_outbox_stream_total", "Redis outbox stream entries, by what this gateway did with them"),
      entry("edge_outbox_consumers_removed_total",
          "Consumers of gone gateways (none pending, idle past the claim timeout) removed from the outbox group"));

  private MeterDescriptions() {
  }

  /** The help text of {@code name}; a meter with none is a bug, found the first time it is registered. */
  static String of(String name) {
    String description = BY_NAME.get(name);
    if (description == null) {
      throw new IllegalArgumentException("meter " + name + " has no description in MeterDescriptions");
    }
    return description;
  }

  static Set<String> names() {
    return BY_NAME.keySet();
  }
}
