#!/usr/bin/env python3
"""Regenerates BENCHMARKS.md at the repository root from the latest result of every scenario.

    python3 loadtest/scripts/report.py [REPO_ROOT [OUT]]

Reads loadtest/results/<scenario>/<timestamp>.json (the newest per scenario), writes BENCHMARKS.md (or OUT, e.g. to
preview a partial set of results without overwriting BENCHMARKS.md).
Nothing in BENCHMARKS.md is typed by hand: edit this script instead.
"""
import glob
import json
import os
import statistics
import sys

from lt.stats import median_difference

ORDER = ["burst", "cold", "shoppers", "ttl-expiry", "ceiling", "browser-flow", "l2-hit", "redis-down", "sentinel",
         "startup", "cdn", "hostile", "faults", "rolling", "crash"]

WHAT = {
    "hostile": "Issue 15: one gateway (`memory`), legitimate shoppers (the `cdn` mix: half cookie-less, a quarter "
               "anonymous with cookies, a quarter identified, Zipf) at a steady open-loop rate, once alone and once "
               "while, at the same time and from another process, an attacker sends junk searches to random hosts "
               "under an allowed wildcard suffix (`*.ksearchnet.com`), Klevu settings and session calls with foreign "
               "API keys, oversized events (100 KB bodies, 60 KB events) and keeps 500 slowloris sockets open "
               "(a header byte a second each; one the gateway closes is opened again); the order alternates per run. "
               "Legitimate p50/p99 from the scheduled send time, degraded pages, 5xx, gateway RSS; what the attack "
               "got. The per-client rate limit is off (every request comes from 127.0.0.1).",
    "rolling": "Three gateways on one private `redis-server` behind HAProxy (Debian's `haproxy`, the shipped "
               "`conf/lb/haproxy.cfg`: round robin, `GET /health/ready` on each gateway's ops port every 500 ms, out "
               "after 3 failures in a row, back after 2 successes and then given its share over 10 s (`slowstart`), a request that meets a closed or refused connection "
               "retried on another gateway). A steady open-loop load through HAProxy (`SteadyLoad`: identified Zipf "
               "shoppers), then each gateway restarted in turn: SIGTERM (its drain sequence: not ready but still "
               "serving for `EDGE_SHUTDOWN_DRAIN_MS`, answers with `Connection: close`; then it stops accepting, "
               "finishes what is in flight and exits), then started again on the same ports. Phases by intended "
               "start: steady, each restart (from the SIGTERM until the new process is ready plus HAProxy's rise), "
               "after; `restarts` = the three restart phases together.",
    "faults": "One gateway (`memory`) under a steady open-loop load (`SteadyLoad` with the faults mix: Zipf identified "
              "shoppers and anonymous visitors without cookies, 4 banners x 50 products, every 10th request a "
              "`POST /v1/events` (Klevu analytics through the outbox), every 40th a `POST /v1/identify` of a new "
              "customer (Klaviyo)). A baseline phase, then for each upstream x fault a phase with the fault set "
              "through the simulator's run-time fault control (`PUT /__sim/config`) and a recovery phase with it "
              "lifted. Faults: `refuse` (TCP reset as the request arrives: the simulator serves every upstream on one "
              "port, so this stands in for a refused connection), `hang` (no answer ever), `error` (500), `slow` "
              "(2 s, past the 1.5 s request deadline), `throttle` (429 + `Retry-After: 1`), `malformed` (200 with a "
              "cut-off JSON body), `wrongshape` (200 with JSON of the wrong shape). Every request belongs to the phase "
              "its intended start falls in; the breakers (`edge_upstream_circuit_open{upstream}`) and the simulator's "
              "counters are polled every 0.25 s.",
    "crash": "Two gateways and the simulator's collector; an open loop of analytics events (one `view_recs_list` per "
             "`POST /klevu/analytics/collect`, each with its own `list_id`, round robin over the gateways). Quarter 1: "
             "collector up; quarter 2: collector down (`PUT /__sim/config` stats fault `down`), gateway A SIGKILLed "
             "halfway through it; quarter 3: A started again (a new process, a new consumer name), collector still "
             "down until its end; quarter 4: collector up; then until the simulator's count stops moving. Accepted = "
             "2xx answers counted by the client; delivered = the simulator's `events` counter; duplicates = its "
             "`duplicate_events` (an event whose exact payload it took before: Klevu's collector takes no event id). "
             "Mode `redis`: the durable outbox (a Redis Stream on the harness's private `redis-server`, "
             "`EDGE_EVENTS_CLAIM_IDLE_MS=3000`); mode `memory`: each gateway's in-memory outbox, side by side.",
    "cdn": "Varnish 7 (Debian's) with the shipped `conf/cdn/varnish.vcl` in front of one gateway (`memory`), and in the "
           "same run the same load straight at the gateway (mode `memory`): an open-loop mix of cookie-less anonymous "
           "visitors (half; a new one per request, some with `utm_*`/`gclid`), anonymous visitors with a Klaviyo client "
           "id and analytics cookies (a quarter) and identified shoppers (a quarter, Zipf). Per class p50/p99 from the "
           "scheduled send time; share of answers Varnish served from its cache; Klevu calls per 1,000 pages "
           "(simulator counters); leaks: an identified answer shared or carrying a segment not its shopper's "
           "(`GET /v1/segments` after the load), a private or cookie-setting answer served from Varnish's cache, a "
           "personalised anonymous answer. Service times are from each request's send to its answer (the Python "
           "client's own backlog left out); *returning* identified pages are those of a shopper already seen in the "
           "run, warm at the gateway, where what a Varnish pass adds is not hidden under first visits' upstream calls. "
           "Both modes replay one visitor sequence of the run, passed once straight at the gateway first (not "
           "measured; its Klevu calls per 1,000 pages are the *first pass (cold)* column), so each meets the same "
           "warm gateway whichever goes first. Then the same visitors at `BareServer` answering an identified page "
           "captured from the gateway, straight (`bare`) and through a second `varnishd` with the same VCL "
           "(`varnish-bare`): what Varnish's pass itself costs at this load on this machine; *beyond Varnish's own* "
           "= (varnish − memory) − (varnish-bare − bare).",
    "burst": "N simultaneous first page loads (`GET /v1/recommendations/{recsKey}`) of one new identified shopper, "
             "fired at once on N pre-opened connections by `BurstClient` (plain NIO, every response timestamped on "
             "arrival), next to bare Vert.x releasing the same number of held requests at once. Counts the Klevu "
             "session/config/search calls each burst caused (simulator counters) and how long after the first answer "
             "the others came.",
    "cold": "Cold page loads, one at a time: a shopper never seen before on a recsKey and product never seen "
            "before, so the gateway makes all three Klevu calls (session, config, search) and nothing it holds helps. "
            "Each is paired with the same three calls made by the same client (`ColdClient`, Vert.x HttpClient, "
            "keep-alive) straight at the simulator, in sequence, for another new shopper, recsKey and product; which of "
            "the two goes first in a pair is random. The simulator answers at once, so the difference is what the "
            "gateway adds on top of its upstream calls: the loopback hop to it and its own work around the calls. "
            "A third arm, in the same random order, loads the page through `BareProxy`: plain Vert.x making the same "
            "three calls with the same client code and nothing else (no identity, cache, single-flight, breaker, bus "
            "or metrics), so `bare proxy − direct` is what the extra hop alone costs on this machine and `gateway − "
            "bare proxy` is the gateway's own work.",
    "shoppers": "Open-loop page loads at a constant arrival rate (Gatling `constantUsersPerSec`) from many distinct "
                "identified shoppers picked by Zipf popularity. Latency (µs HdrHistogram), hit ratio (`X-Cache`), "
                "upstream calls per 1,000 page loads (simulator counters), gateway RSS sampled every second.",
    "ttl-expiry": "A few hot shoppers, warmed first, with a short Klevu segment TTL (simulator `sessionTtlSeconds`; "
                  "the gateway's `EDGE_SEGMENTS_MIN_TTL_S` lowered so the TTL is honoured). Latency per second; "
                  "seconds in which the gateway refreshed sessions (simulator session counter moved) are the "
                  "expiry seconds; their p99 is compared with the other seconds'.",
    "ceiling": "Warm-cache `GET /v1/recommendations` at full speed: wrk (closed loop, fixed connections and "
               "duration) against the gateway, and in the same run against `BareServer`, a bare Vert.x core server "
               "answering the same captured body and headers. Server and wrk pinned to separate cores.",
    "browser-flow": "The same page loads done the way the Klevu browser SDK does them (session POST, config GET, "
                    "search POST, in sequence, straight at the simulator) next to one gateway call per page "
                    "(gateway warmed with one page per shopper first), same rate, same shoppers, same run.",
    "l2-hit": "Two gateways, A and B, on one Redis. Every shopper's page is loaded once through A (Redis then holds "
              "the shopper's session and segments, and the page's config and search). Then, on B, at a fixed open-loop "
              "rate (`L2HitClient`, Vert.x HttpClient, latency from the intended start into an HdrHistogram): each "
              "shopper's first request on B, whose segments B can only find in Redis (**L2 hit**), interleaved with "
              "another shopper's second request on B, whose segments B now holds in memory (**L1 hit**); which of the "
              "two goes first in a pair is random. Every answer's `X-Cache` is checked (`hit-l2` resp. `hit-l1`).",
    "startup": "The first shoppers after a deploy: a fresh gateway JVM (in-memory cache) started with its warm-up "
               "switched off (`EDGE_WARMUP_PAGES=0`) and with its default warm-up (`WarmUp`: synthetic rounds through "
               "a private copy of the gateway and the in-process simulator before the real one opens its ports), in "
               "turn, the order alternating between runs. Time from starting the JVM to `/health/ready`, then cold "
               "pages one at a time on one keep-alive connection (Python `http.client`), each a new identified shopper "
               "on a new recsKey and product, so every page makes all three Klevu calls. The simulator answers at "
               "once and stays up across runs, warmed first through a throwaway gateway, so only the gateway is cold.",
    "redis-down": "One gateway on the harness's private `redis-server`, a steady open-loop load (`SteadyLoad`: "
                  "constant arrival rate, Zipf shoppers, so new shoppers (misses) keep coming while most come back) "
                  "through five phases: Redis up; Redis killed (`SIGKILL`); Redis restarted (empty, same port); Redis "
                  "hung (`SIGSTOP`: connections stay open, nothing answers, the case the command timeout is for); "
                  "Redis resumed (`SIGCONT`). Every request belongs to the phase its start falls in. `edge_redis_up` "
                  "is read from the ops port every 0.25 s.",
    "sentinel": "One gateway configured for Redis Sentinel (`EDGE_REDIS_TYPE=SENTINEL`, the three sentinels in "
                "`EDGE_REDIS_ENDPOINTS`) on a private Sentinel set-up started per run (one primary, one replica, three "
                "sentinels, quorum 2, `down-after-milliseconds` 1000, all on loopback), under the same steady open-loop "
                "Zipf load as `redis-down` (`SteadyLoad`). The primary is SIGKILLed after phase 1. Every 0.1 s the "
                "harness reads the master the sentinels name, the GET calls on the replica (`INFO commandstats`; GETs "
                "are not replicated, so they are the gateway's reads) and `edge_redis_up`. *switch* = kill → sentinels "
                "name the replica; *new primary used* = kill → the gateway's GETs reach it; the target is *used after "
                "switch* ≤ 5 s.",
}

# metric -> (label, format)
COLUMNS = {
    "hostile": [("p50_ms", "legitimate p50 (ms)", "{:.2f}"), ("p99_ms", "legitimate p99 (ms)", "{:.2f}"),
                ("p99_vs_alone", "p99 / alone", "{:.2f}"), ("degraded", "legitimate degraded", "{:.0f}"),
                ("http_5xx", "legitimate 5xx", "{:.0f}"), ("failed", "legitimate failed", "{:.0f}"),
                ("pages", "legitimate pages", "{:.0f}"), ("rss_max_mb", "RSS max (MiB)", "{:.0f}"),
                ("rss_over_alone_mb", "RSS max − alone (MiB)", "{:+.0f}"),
                ("attack_requests", "attack requests", "{:.0f}"), ("attack_5xx", "attack 5xx", "{:.0f}"),
                ("slowloris_open_max", "slowloris sockets open (max)", "{:.0f}"),
                ("slowloris_closed", "slowloris sockets closed by the gateway", "{:.0f}")],
    "rolling": [("requests", "requests", "{:.0f}"), ("p50_ms", "p50 (ms)", "{:.2f}"), ("p99_ms", "p99 (ms)", "{:.1f}"),
                ("max_ms", "max (ms)", "{:.0f}"), ("p99_vs_steady", "p99 / steady", "{:.2f}"),
                ("failed", "failed (no answer or 5xx)", "{:.0f}"), ("degraded_share", "degraded", "{:.1%}"),
                ("klevu_per_1000", "Klevu calls / 1,000 pages", "{:.0f}"),
                ("drain_exit_s", "SIGTERM to exit (s)", "{:.1f}"), ("start_ready_s", "start to ready (s)", "{:.1f}"),
                ("exit_code", "exit code", "{:.0f}"),
                ("unplanned_lb_down", "gateways HAProxy took out unplanned", "{:.0f}")],
    "faults": [("pages", "pages", "{:.0f}"), ("p50_ms", "p50 (ms)", "{:.1f}"), ("p99_ms", "p99 (ms)", "{:.0f}"),
               ("http_5xx", "5xx", "{:.0f}"), ("failed", "no answer", "{:.0f}"),
               ("degraded_share", "degraded", "{:.1%}"), ("deg_segments", "· segments", "{:.1%}"),
               ("deg_personalisation", "· personalisation", "{:.1%}"), ("deg_recs", "· recs", "{:.1%}"),
               ("faulted_per_1000", "faulted upstream calls / 1,000 pages", "{:.0f}"),
               ("upstream_per_1000", "all upstream calls / 1,000 pages", "{:.0f}"),
               ("breaker_opened", "breaker opened", "{:.0f}"), ("breaker_open_end", "open at phase end", "{:.0f}"),
               ("calls_while_open", "calls while open", "{:.0f}"), ("calls_beyond_trials", "beyond trials", "{:.0f}"),
               ("recover_s", "s to recover", "{:.2f}")],
    "crash": [("sent", "events sent", "{:.0f}"), ("accepted", "accepted (2xx)", "{:.0f}"),
              ("not_accepted", "not accepted", "{:.0f}"), ("delivered", "delivered", "{:.0f}"),
              ("duplicates", "duplicates", "{:.0f}"), ("duplicate_share", "duplicates / accepted", "{:.3%}"),
              ("delivered_not_accepted", "delivered, answered 503", "{:.0f}"),
              ("lost", "lost (accepted, never delivered)", "{:.0f}"), ("lost_share", "lost / accepted", "{:.2%}"),
              ("claimed", "claimed from the dead gateway", "{:.0f}"), ("settle_s", "s to settle after the load", "{:.1f}")],
    "cdn": [("cookieless_p50_ms", "cookie-less p50 (ms)", "{:.2f}"), ("cookieless_p99_ms", "cookie-less p99 (ms)", "{:.2f}"),
            ("anon_cookies_p50_ms", "anon+cookies p50 (ms)", "{:.2f}"), ("anon_cookies_p99_ms", "anon+cookies p99 (ms)", "{:.2f}"),
            ("identified_p50_ms", "identified p50 (ms)", "{:.2f}"), ("identified_p99_ms", "identified p99 (ms)", "{:.2f}"),
            ("identified_p50_over_direct_ms", "identified p50 − direct (ms)", "{:+.2f}"),
            ("identified_service_p50_over_direct_ms", "identified service p50 − direct (ms)", "{:+.2f}"),
            ("identified_p50_over_floor_ms", "identified p50 − direct, beyond Varnish's own (ms)", "{:+.2f}"),
            ("identified_service_p50_over_floor_ms", "identified service p50 − direct, beyond Varnish's own (ms)", "{:+.2f}"),
            ("identified_returning_service_p50_ms", "returning identified service p50 (ms)", "{:.2f}"),
            ("identified_returning_service_p50_over_direct_ms", "returning identified service p50 − direct (ms)", "{:+.2f}"),
            ("anonymous_varnish_share", "anonymous served by Varnish", "{:.1%}"),
            ("klevu_per_1000", "Klevu calls / 1,000 pages", "{:.1f}"),
            ("klevu_per_1000_first_pass", "Klevu calls / 1,000 pages, first pass (cold)", "{:.1f}"),
            ("identified_shoppers", "identified shoppers", "{:.0f}"),
            ("leaks", "leaks", "{:.0f}")],
    "burst": [("session_calls", "Klevu session calls (most in a burst)", "{:.0f}"),
              ("config_calls", "config calls (most in a burst)", "{:.0f}"),
              ("session_calls_min", "Klevu session calls (fewest in a burst)", "{:.0f}"),
              ("config_calls_min", "config calls (fewest in a burst)", "{:.0f}"),
              ("search_calls", "search calls (most in a burst)", "{:.0f}"),
              ("upstream_per_1000", "upstream calls / 1,000 pages", "{:.1f}"),
              ("leader_ms", "first response (ms)", "{:.1f}"), ("last_ms", "last response (ms)", "{:.1f}"),
              ("spread_ms", "spread first→last (ms)", "{:.2f}"),
              ("bare_spread_ms", "bare, held: spread (ms)", "{:.2f}"),
              ("follower_lag_p50_ms", "follower lag behind the leader p50 (ms)", "{:.2f}"),
              ("bare_follower_lag_p50_ms", "bare, held: follower lag p50 (ms)", "{:.2f}"),
              ("lag_over_bare_p50_ms", "lag over bare, per rank, p50 (ms)", "{:+.2f}"),
              ("lag_over_bare_p90_ms", "lag over bare p90 (ms)", "{:+.2f}"),
              ("lag_over_bare_max_ms", "lag over bare max (ms)", "{:+.2f}"),
              ("small_follower_lag_p50_ms", "burst of small_n: follower lag p50 (ms)", "{:.2f}"),
              ("small_bare_follower_lag_p50_ms", "burst of small_n, bare: follower lag p50 (ms)", "{:.2f}"),
              ("small_lag_over_bare_p50_ms", "burst of small_n: lag over bare p50 (ms)", "{:+.2f}"),
              ("warm_spread_ms", "same burst when cached: spread (ms)", "{:.2f}"),
              ("send_span_ms", "burst send span (ms)", "{:.1f}"), ("p99_ms", "p99 (ms)", "{:.1f}"),
              ("ok_responses", "200 responses (fewest in a burst)", "{:.0f}"), ("degraded_share", "degraded", "{:.1%}"),
              ("warm_bursts", "bursts of JIT warm-up", "{:.0f}")],
    "cold": [("gateway_p50_ms", "gateway page p50 (ms)", "{:.3f}"), ("direct_p50_ms", "3 calls direct p50 (ms)", "{:.3f}"),
             ("delta_p50_ms", "Δ p50 (ms)", "{:+.3f}"),
             ("bare_proxy_p50_ms", "bare proxy p50 (ms)", "{:.3f}"), ("hop_p50_ms", "bare proxy − direct p50 (ms)", "{:+.3f}"),
             ("over_bare_p50_ms", "gateway − bare proxy p50 (ms)", "{:+.3f}"),
             ("gateway_work_mean_ms", "gateway's own work beside its calls, mean (ms)", "{:.3f}"),
             ("gateway_p90_ms", "gateway p90 (ms)", "{:.3f}"),
             ("direct_p90_ms", "direct p90 (ms)", "{:.3f}"), ("delta_p90_ms", "Δ p90 (ms)", "{:+.3f}"),
             ("gateway_p99_ms", "gateway p99 (ms)", "{:.2f}"), ("direct_p99_ms", "direct p99 (ms)", "{:.2f}"),
             ("server_total_p50_ms", "gateway's own Server-Timing total p50 (ms)", "{:.3f}"),
             ("upstream_calls_per_page", "upstream calls / page", "{:.2f}"), ("not_miss", "pages not a miss", "{:.0f}"),
             ("gateway_cpu_ms_per_page", "gateway CPU ms / page", "{:.2f}"), ("errors", "errors", "{:.0f}"),
             ("pairs", "rounds measured", "{:.0f}"), ("warm_rounds", "rounds of warm-up", "{:.0f}")],
    "shoppers": [("achieved_rps", "req/s", "{:.0f}"), ("p50_ms", "p50 (ms)", "{:.2f}"), ("p90_ms", "p90 (ms)", "{:.2f}"),
                 ("p99_ms", "p99 (ms)", "{:.1f}"), ("p999_ms", "p99.9 (ms)", "{:.1f}"), ("max_ms", "max (ms)", "{:.1f}"),
                 ("hit_ratio", "hit ratio", "{:.1%}"), ("upstream_per_1000", "upstream calls / 1,000 pages", "{:.0f}"),
                 ("session_per_1000", "session / 1,000", "{:.0f}"), ("rss_max_mb", "RSS max (MiB)", "{:.0f}"),
                 ("rss_growth_after_25pct_mb", "RSS growth after 25% (MiB)", "{:+.0f}"),
                 ("degraded_share", "degraded", "{:.1%}"), ("errors", "errors", "{:.0f}"),
                 ("gateway_cpu_ms_per_page", "gateway CPU ms / page", "{:.2f}"),
                 ("machine_busy_pct", "machine CPU busy", "{:.0f}%")],
    "ttl-expiry": [("p50_ms", "p50 (ms)", "{:.2f}"), ("p99_ms", "p99 (ms)", "{:.2f}"), ("max_ms", "max (ms)", "{:.1f}"),
                   ("expiry_seconds", "expiry seconds", "{:.0f}"), ("p99_expiry_ms", "p99 in expiry s (ms)", "{:.2f}"),
                   ("p99_steady_ms", "p99 in steady s (ms)", "{:.2f}"),
                   ("p99_expiry_over_steady", "p99 expiry / steady", "{:.2f}"),
                   ("session_per_1000", "session calls / 1,000 pages", "{:.1f}"), ("hit_ratio", "hit ratio", "{:.1%}"),
                   ("degraded_share", "degraded", "{:.1%}"), ("errors", "errors", "{:.0f}")],
    "ceiling": [("gateway_rps", "gateway req/s", "{:,.0f}"), ("bare_rps", "bare Vert.x req/s", "{:,.0f}"),
                ("rps_ratio", "ratio", "{:.2f}"), ("gateway_p50_ms", "gateway p50 (ms)", "{:.3f}"),
                ("bare_p50_ms", "bare p50 (ms)", "{:.3f}"), ("delta_p50_ms", "Δ p50 (ms)", "{:+.3f}"),
                ("gateway_p99_ms", "gateway p99 (ms)", "{:.2f}"), ("bare_p99_ms", "bare p99 (ms)", "{:.2f}"),
                ("delta_p99_ms", "Δ p99 (ms)", "{:+.2f}"), ("gateway_errors", "gateway errors", "{:.0f}"),
                ("access_log_cost_pct", "access log cost (vs memory-nolog)", "{:.1f}%"),
                ("klevu_per_1000", "Klevu calls / 1,000 pages", "{:.1f}")],
    "browser-flow": [("p50_ms", "page p50 (ms)", "{:.2f}"), ("p99_ms", "page p99 (ms)", "{:.2f}"),
                     ("max_ms", "page max (ms)", "{:.1f}"), ("speedup_p50", "SDK p50 / this p50", "{:.0f}×"),
                     ("speedup_p99", "SDK p99 / this p99", "{:.0f}×"),
                     ("upstream_per_1000", "upstream calls / 1,000 pages", "{:.0f}"),
                     ("hit_ratio", "hit ratio", "{:.1%}"), ("degraded_share", "degraded", "{:.1%}"),
                     ("errors", "errors", "{:.0f}")],
    "l2-hit": [("l2_p50_ms", "L2 hit p50 (ms)", "{:.3f}"), ("l1_p50_ms", "L1 hit p50 (ms)", "{:.3f}"),
               ("delta_p50_ms", "Δ p50 (ms)", "{:+.3f}"), ("ratio_p50", "p50 L2 / L1", "{:.2f}"),
               ("l2_p90_ms", "L2 p90 (ms)", "{:.3f}"), ("l1_p90_ms", "L1 p90 (ms)", "{:.3f}"),
               ("l2_p99_ms", "L2 p99 (ms)", "{:.2f}"), ("l1_p99_ms", "L1 p99 (ms)", "{:.2f}"),
               ("delta_p99_ms", "Δ p99 (ms)", "{:+.2f}"),
               ("server_delta_p50_ms", "Δ p50 in B's Server-Timing (ms)", "{:+.3f}"),
               ("redis_gets_per_l2_hit", "Redis GETs / L2 hit", "{:.2f}"),
               ("xcache_mismatches", "X-Cache mismatches", "{:.0f}"), ("errors", "errors", "{:.0f}"),
               ("upstream_calls", "upstream calls during measurement", "{:.0f}"),
               ("valid", "valid (1: latencies counted)", "{:.0f}"),
               ("pairs", "requests per side", "{:.0f}"), ("gateway_cpu_ms_per_page", "B CPU ms / page", "{:.2f}"),
               ("machine_busy_pct", "machine CPU busy", "{:.0f}%")],
    "startup": [("ready_s", "JVM start → ready (s)", "{:.1f}"), ("warmup_rounds", "warm-up rounds", "{:.0f}"),
                ("first_ms", "first page (ms)", "{:.1f}"), ("first10_p50_ms", "pages 1-10 p50 (ms)", "{:.2f}"),
                ("rest_p50_ms", "pages 11+ p50 (ms)", "{:.2f}"), ("max_ms", "slowest page (ms)", "{:.1f}"),
                ("total_ms", "all measured pages together (ms)", "{:.0f}"),
                ("first_vs_cold_start", "first page / without warm-up, same run", "{:.3f}"),
                ("total_vs_cold_start", "all pages / without warm-up, same run", "{:.3f}"),
                ("errors", "errors", "{:.0f}")],
    "redis-down": [("requests", "requests", "{:.0f}"), ("p50_ms", "p50 (ms)", "{:.2f}"), ("p99_ms", "p99 (ms)", "{:.1f}"),
                   ("max_ms", "max (ms)", "{:.1f}"), ("target_ms", "target p99 (ms)", "{:.0f}"),
                   ("http_5xx", "5xx", "{:.0f}"), ("errors", "non-200", "{:.0f}"),
                   ("degraded_share", "degraded", "{:.1%}"), ("miss_share", "X-Cache miss", "{:.1%}"),
                   ("upstream_per_1000", "upstream calls / 1,000 pages", "{:.0f}"),
                   ("redis_timeouts", "Redis command timeouts", "{:.0f}"),
                   ("redis_up_end", "edge_redis_up at phase end", "{:.0f}"),
                   ("redis_flip_s", "s until edge_redis_up flipped", "{:.2f}"),
                   ("recovered", "recovered", "{:.0f}")],
    "sentinel": [("requests", "requests", "{:.0f}"), ("p50_ms", "p50 (ms)", "{:.2f}"), ("p99_ms", "p99 (ms)", "{:.1f}"),
                 ("max_ms", "max (ms)", "{:.1f}"), ("http_5xx", "5xx", "{:.0f}"), ("errors", "non-200", "{:.0f}"),
                 ("degraded_share", "degraded", "{:.1%}"), ("hit_ratio", "hit ratio", "{:.1%}"),
                 ("hit_ratio_last_2s", "hit ratio, last 2 s of the phase", "{:.1%}"),
                 ("switch_s", "s kill → sentinels switch", "{:.2f}"),
                 ("new_primary_used_s", "s kill → gateway reads the new primary", "{:.2f}"),
                 ("used_after_switch_s", "s switch → new primary used", "{:.2f}"),
                 ("redis_up_again_s", "s kill → edge_redis_up 1 again", "{:.2f}")],
}

MODE_LABEL = {"off": "off (plain proxy)", "memory": "memory", "memory-bus": "memory, fast path off (every step over the bus)", "memory-colocated": "memory, segments and recs on every event loop (EDGE_HTTP_COLOCATE_CAPABILITIES)", "memory-shared": "memory, one segments and one recs instance (EDGE_HTTP_COLOCATE_CAPABILITIES=false)", "memory-nolog": "memory, access log off (EDGE_ACCESS_LOG=false)", "memory-anon": "memory, cookie-less anonymous visitor (no Cookie header)", "redis": "redis", "sdk-direct": "browser SDK, direct", "redis-cluster": "redis, Redis Cluster of 3 primaries (EDGE_REDIS_TYPE=CLUSTER)",
              # redis-down phases
              "warmup": "0. warm-up, Redis up (not judged)", "up": "1. Redis up", "killed": "2. Redis killed (SIGKILL)", "restarted": "3. Redis restarted (empty)",
              "hung": "4. Redis hung (SIGSTOP)", "resumed": "5. Redis resumed (SIGCONT)",
              # sentinel phases
              "failover": "2. primary killed (SIGKILL), Sentinel failover",
              # startup
              "unwarmed": "no warm-up (EDGE_WARMUP_PAGES=0)", "warmed": "warm-up (default)",
              # rolling
              "steady": "1. steady", "restart-gw1": "2. gw1 restarting", "restart-gw2": "3. gw2 restarting",
              "restart-gw3": "4. gw3 restarting", "after": "5. after", "restarts": "restarts (2-4 together)",
              # cdn
              "varnish": "through Varnish (conf/cdn/varnish.vcl)",
              "bare": "bare Vert.x (BareServer, the captured identified page)",
              "varnish-bare": "bare Vert.x through Varnish (its own pass cost)",
              # hostile
              "alone": "legitimate load alone", "attacked": "legitimate load under attack"}


def fmt(f, v):
    if v is None:
        return "–"
    try:
        return f.format(v)
    except (ValueError, TypeError):
        return str(v)


def cell(f, s):
    if not s or s.get("median") is None:
        return "–"
    med = fmt(f, s["median"])
    if s.get("n", 1) > 1 and s["min"] != s["max"]:
        return f"{med} ({fmt(f, s['min'])}–{fmt(f, s['max'])})"
    return med


def latest(root):
    out = {}
    for sc in ORDER:
        files = sorted(glob.glob(os.path.join(root, "loadtest", "results", sc, "*.json")))
        if files:
            with open(files[-1]) as f:
                out[sc] = json.load(f)
    return out


KEPT_NOTE = ("> Kept from the previous BENCHMARKS.md: the machine that regenerated this file had no result of this "
             "scenario under `loadtest/results/` (results are not committed). Rerun `loadtest/run.sh {sc}` to refresh it.")


def previous(path):
    """The sections (`## name` → text) and per-scenario table rows of an existing BENCHMARKS.md."""
    sections, rows = {}, {}
    if not os.path.exists(path):
        return sections, rows
    with open(path) as f:
        text = f.read()
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
            continue
        if current is not None:
            sections[current].append(line)
        for sc in ORDER:
            if line.startswith(f"| [{sc}](#{sc}) |"):
                rows[sc] = line
    return {k: "\n".join(v).strip("\n") for k, v in sections.items()}, rows


def render(root, docs, old=None):
    """old = previous(...) of the file being replaced: its sections stand in for scenarios with no result here."""
    old_sections, old_rows = old or ({}, {})
    kept = [sc for sc in ORDER if sc not in docs and sc in old_sections]
    L = ["# Benchmarks", "",
         "Generated by `loadtest/scripts/report.py` from the newest result of each scenario under "
         "`loadtest/results/` (run `loadtest/run.sh SCENARIO`; this file is rewritten at the end of every run). "
         "Do not edit by hand.", ""]
    if not docs and kept:
        return None  # nothing new: the previous file stays as it is
    if not docs:
        L += ["No results yet: run `loadtest/run.sh burst` (or any scenario).", ""]
        return "\n".join(L)
    any_doc = next(iter(docs.values()))
    standin = [sc for sc, d in docs.items() if "StandIn" in d["versions"].get("system_under_test", "")]
    if standin:
        L += [f"> **Warning**: {', '.join(standin)} ran against the harness's StandIn (`--standin`), not the gateway: "
              "those figures only show the harness works.", ""]
    m = any_doc["machine"]
    L += ["## Machine and versions", "",
          "| | |", "|---|---|",
          f"| CPUs (`nproc`) | {m['nproc']} |",
          f"| CPU model | {m['cpu_model']} |",
          f"| memory | {m['mem_total_gib']} GiB |",
          f"| kernel | {m['kernel']} |"]
    v = any_doc["versions"]
    L += [f"| java | {v['java']} ({v['java_vm']}) |",
          f"| load tools | Gatling {v['gatling']}, {v['wrk']}, BurstClient (NIO) |", ""]
    L += ["Per scenario (each ran on the same machine, possibly at different times):", "",
          "| scenario | when (UTC) | gateway commit | runs × modes | took | load avg at start → end | command |",
          "|---|---|---|---|---|---|---|"]
    for sc in ORDER:
        if sc in kept and sc in old_rows:
            L.append(old_rows[sc])
            continue
        d = docs.get(sc)
        if not d:
            continue
        ma = d["machine"]
        L.append(f"| [{sc}](#{sc}) | {d['timestamp']} | `{d['versions']['gateway_commit']}` | {d['runs']} × "
                 f"{', '.join(d['modes'])} | {d['elapsed_s']:.0f} s | {' '.join(ma['loadavg_at_start'])} → "
                 f"{' '.join(ma.get('loadavg_at_end', []))} | `{d['command']}` |")
    # the default latencies come from a scenario that keeps them (cold sets its own, 0 ms, and says so below)
    sim_doc = next((d for d in docs.values() if "sim_latency_ms" not in d.get("options", {})), None)
    sim = sim_doc.get("simulator", {}) if sim_doc else {}
    if sim:
        lat = ", ".join(f"{k} {sim[k]['latencyMs']} ms" for k in ("visitor", "config", "search", "stats", "klaviyo") if k in sim)
        L += ["", f"Simulated upstream latency (cross-internet, per call) unless a scenario says otherwise: {lat}. "
              f"Gateway JVM options: `{any_doc.get('gateway_java_opts') or '-Xmx512m'}`. Everything on 127.0.0.1."]
    else:
        L += ["", f"Simulated upstream latency: as each scenario's section says. Gateway JVM options: "
              f"`{any_doc.get('gateway_java_opts') or '-Xmx512m'}`. Everything on 127.0.0.1."]
    L += ["", "Cells: median over the runs, with (min–max) when they differ. Targets are checked on the median "
          "unless the target says *every run*.", ""]

    for sc in ORDER:
        d = docs.get(sc)
        if not d:
            if sc in kept:
                body = old_sections[sc]
                if not body.startswith("> Kept from"):
                    body = KEPT_NOTE.format(sc=sc) + "\n\n" + body
                L += [f"## {sc}", "", body, ""]
            continue
        L += [f"## {sc}", "", WHAT[sc], "",
              f"Command: `{d['command']}` · options: `{json.dumps(d['options'])}` · {d['runs']} runs · "
              f"results: `loadtest/results/{sc}/{d['timestamp']}.json`", ""]
        cols = COLUMNS[sc]
        L.append("| mode | " + " | ".join(c[1] for c in cols) + " |")
        L.append("|---|" + "---|" * len(cols))
        for mode in d["modes"]:
            ms = d["summary"].get(mode, {})
            L.append(f"| {MODE_LABEL.get(mode, mode)} | " + " | ".join(cell(c[2], ms.get(c[0])) for c in cols) + " |")
        L.append("")
        rel = d.get("relative_to_off") or {}
        if rel:
            names = {"upstream_per_1000": "upstream calls / page", "session_per_1000": "session calls / page",
                     "session_calls": "session calls", "config_calls": "config calls", "p50_ms": "p50",
                     "p99_ms": "p99", "gateway_cpu_ms_per_page": "gateway CPU / page"}
            keys = [k for k in names if any(k in r for r in rel.values())]
            L.append("Relative to `off` (plain proxy) in the same run (median of the per-run ratios, min–max):")
            L.append("")
            L.append("| mode | " + " | ".join(names[k] for k in keys) + " |")
            L.append("|---|" + "---|" * len(keys))
            for mode, r in rel.items():
                L.append(f"| {MODE_LABEL.get(mode, mode)} | " + " | ".join(cell("×{:.3g}", r.get(k)) for k in keys) + " |")
            L.append("")
        base = d.get("relative_to_base") or {}
        if base:
            v = d.get("versions", {})
            L.append(f"This build against the baseline `{v.get('baseline_commit', '?')}` "
                     f"({v.get('baseline_commit_subject', '')}) run as `<mode>@base` in the same runs: this build's "
                     "value minus the baseline's, per run (median, min–max). Negative is better for times and CPU, "
                     "positive for ratios:")
            L.append("")
            keys = [k for k in dict.fromkeys(k for r in base.values() for k in r)]
            L.append("| mode | " + " | ".join(f"Δ {k}" for k in keys) + " |")
            L.append("|---|" + "---|" * len(keys))
            for mode, r in base.items():
                L.append(f"| {MODE_LABEL.get(mode, mode)} | " + " | ".join(cell("{:+.3g}", r.get(k)) for k in keys) + " |")
            L.append("")
        L += pooled_pairs(d) if sc == "burst" else []
        extra = scenario_notes(sc, d)
        if extra:
            L += extra + [""]
        if d.get("checks"):
            L += ["| target | mode | value | |", "|---|---|---|---|"]
            for c in d["checks"]:
                label = next((x[1] for x in cols if x[0] == c["metric"]), c["metric"])
                f = next((x[2] for x in cols if x[0] == c["metric"]), "{:.3g}")
                L.append(f"| {label} {c['target']} ({c['aggregate']}) | {c['mode']} | {fmt(f, c['value'])} | "
                         f"{'✅ met' if c['ok'] else '❌ missed'} |")
            L.append("")
        for p in d.get("plots", []):
            if os.path.exists(os.path.join(root, p)):
                L += [f"![{sc}]({p})", ""]
        for n in d.get("notes", []):
            L.append(f"- note: {n}")
        if d.get("failures"):
            L.append(f"- **{len(d['failures'])} run(s) failed**: " + "; ".join(
                f"run {x['run']}{' ' + x['mode'] if x.get('mode') else ''}: {x['error'][:160]}" for x in d["failures"]))
        L.append("")
    return "\n".join(L)


def pooled_pairs(d):
    """Burst: every measured pair of burst size N of a mode, over all runs, against the baseline's: the per-run
    medians of a few pairs each move by several ms between runs, the pooled pairs say whether a difference is more
    than that spread. Each mode is compared with its own `@base` twin, else with the run's only `@base` mode."""
    n = d["options"].get("n")
    lags = {}
    for s in d.get("samples", []):
        for p in (s.get("info") or {}).get("pairs", []):
            if p.get("n") == n:
                lags.setdefault(s["mode"], []).append(p.get("lag_over_bare_p50_ms"))
    bases = [m for m in lags if m.endswith("@base")]
    rows = []
    for mode, values in lags.items():
        base = mode + "@base" if mode + "@base" in lags else bases[0] if len(bases) == 1 else None
        if mode.endswith("@base") or base is None:
            continue
        r = median_difference(values, lags[base])
        if r:
            rows.append(f"| {MODE_LABEL.get(mode, mode)} | {base} | {r['n']} / {r['n_base']} | {r['diff']:+.2f} | "
                        f"{r['lo']:+.2f} … {r['hi']:+.2f} | {r['z']:+.2f} |")
    if not rows:
        return []
    return ["Every measured pair of size N pooled over the runs (lag over bare, each pair's p50 over its ranks): this "
            "build's median minus the baseline's, its bootstrap 95 % interval (2,000 resamples) and the Mann-Whitney "
            "z (|z| < 2: not told apart from the baseline by these pairs):", "",
            "| mode | against | pairs | Δ median (ms) | 95 % interval (ms) | z |", "|---|---|---|---|---|---|",
            *rows, ""]


def cold_breakdown(d):
    """Where a cold page's time goes, per mode: medians over the runs of the Server-Timing phases (p50), the
    gateway's upstream calls (means, its own timers) and the direct side's calls (p50)."""
    lines = [""]
    for mode in d["modes"]:
        infos = [s["info"] for s in d["samples"] if s["mode"] == mode]

        def med(get):
            vals = [v for v in (get(i) for i in infos) if v is not None]
            return statistics.median(vals) if vals else None

        def fmt(names, get):
            parts = [f"{n} {v:.3f}" for n, v in ((n, med(lambda i, n=n: get(i, n))) for n in names) if v is not None]
            return ", ".join(parts) if parts else "n/a"
        phases = fmt(["identity", "segments", "recs", "total"],
                     lambda i, n: ((i.get("server_timing_phases") or {}).get(n) or {}).get("p50_ms"))
        gateway_calls = fmt(["visitor", "config", "search"], lambda i, n: (i.get("gateway_upstream_mean_ms") or {}).get(n))
        direct_calls = fmt(["session", "config", "search"],
                           lambda i, n: ((i.get("direct_calls") or {}).get(n) or {}).get("p50_ms"))
        lines.append(f"- where a `{mode}` page's time goes: Server-Timing p50 (ms): {phases}; the gateway's calls as it timed them, mean (ms): "
                     f"{gateway_calls}; the direct side's calls p50 (ms): {direct_calls}.")
    return lines


ROLLING_MOMENTS = {"term": "drain (SIGTERM to drain end)", "drain_end": "closing", "exit": "new JVM starting",
                   "ready": "ready, not yet back", "up": "back in rotation"}


def rolling_windows(d):
    """What the restarts' p99 is made of: per run and restart moment, the p99 through HAProxy, and HAProxy's Tr
    (the gateway's own answer time) p99 of the restarted gateway and of the two others."""
    parts = []
    for s in d["samples"]:
        w = s["info"].get("windows")
        if not w:
            continue
        cells = [f"{ROLLING_MOMENTS.get(k, k)} {fmt('{:.0f}', v.get('p99_ms'))} ms (restarted "
                 f"{fmt('{:.0f}', v.get('restarted_gw_Tr_p99_ms'))}, others {fmt('{:.0f}', v.get('other_gws_Tr_p99_ms'))})"
                 for k, v in w.items()]
        parts.append(f"run {s['run']}: " + "; ".join(cells))
    if not parts:
        return ""
    return ("What the restarts' p99 is made of, by moment of the three restarts together: p99 through HAProxy (in "
            "brackets, HAProxy's Tr p99, the gateways' own answer time: the restarted gateway's, the two others'). "
            + " · ".join(parts) + ".")


def scenario_notes(sc, d):
    o = d["options"]
    if sc == "startup":
        return [f"{o['pages']} measured pages per start; pages 1-10 and 11+ are summarised apart, since the first ones "
                f"are where an interpreted JVM shows. Simulated upstream latency {o['sim_latency_ms']} ms, so a page's "
                f"time is the gateway's own plus three loopback calls; the simulator got {o['sim_warm']} rounds before "
                "run 1. `JVM start → ready` includes the warm-up: the price paid once per start."]
    if sc == "burst":
        return [f"N = {o['n']} and small_n = {o.get('small_n', '-')}. Per run, first bursts of N at the gateway alone "
                f"(new shoppers and recsKeys; at least {o.get('warm_min')}, at most {o.get('warm_max')}) until its JIT "
                f"compiled for at most {o.get('jit_quiet_ms')} ms during the last one (its `jvm_compilation_time_ms_total`): "
                "the first bursts run the coalesced path through the JIT, whose compiler threads would take a CPU from "
                f"the release being measured. Then {o.get('pairs', 1)} measured pairs per size after one pair of "
                "warm-up (bare server and client): a burst at the "
                "gateway, each time a new shopper on a recsKey never seen (all three Klevu calls cold), and the same "
                "burst at `BareServer` holding every request until one timer fires "
                f"{o.get('hold_ms', 100)} ms after the first arrived, then answering them all with the captured page, "
                "each on its own event loop: bare Vert.x releasing N requests that waited on one flight. The two "
                "alternate which goes first and run while both servers are up, so they share the machine's state. "
                "`off` = cache and single-flight off (plain proxy): every request goes upstream. Every connection "
                "first carries requests for another shopper's cached page (primed), so a burst measures how the "
                "followers are released, not how a server sets up N connections. Times are from the moment the burst "
                "began to be written, as seen by one client thread reading all sockets; follower lag = a follower's "
                "completion − the leader's; `lag over bare` = the k-th follower's lag behind the gateway's leader "
                "minus the k-th follower's lag behind bare's leader, for every rank k (a pair's p50 over the ranks; "
                "the cell is the median over the pairs, then over the runs): what the single-flight and the "
                "gateway's work add to releasing each follower. Klevu calls are per burst (simulator counters read "
                "after the priming and after the burst): the most and the fewest any burst caused are checked. "
                "`same burst when cached` = the last burst's page again, answered from the cache."]
    if sc == "cold":
        return [f"{o['pairs']} measured rounds at {o['rate']:.0f} rounds/s, after a warm-up (not recorded; up to "
                f"{o['warm_rate']:.0f} rounds/s) that lets the JIT of the gateway, the bare proxy and the client settle: "
                f"{o['warm']} rounds, then blocks of 2,000 while the gateway's JIT compiled for more than "
                f"{o.get('jit_quiet_ms', 100)} ms in the block before (its `jvm_compilation_time_ms_total`), up to "
                f"{o.get('warm_max', o['warm'])} rounds; a JIT still compiling takes a CPU from the pages. Simulated upstream latency {o['sim_latency_ms']} ms for this scenario. One page in flight "
                "at a time, latency from the actual send. Gateway CPU / page = the gateway's user + system CPU over warm-up "
                "and measurement divided by its pages (JIT compilation included). `off` = cache and single-flight off "
                "(`X-Cache: BYPASS`); `memory` = every lookup misses and the answers are stored. The gateway's own work "
                "= its `Server-Timing` total minus its three upstream calls as its own timers "
                "(`edge_upstream_request_seconds`, read at the start and end of the measurement) saw them, in means."] \
            + cold_breakdown(d)
    if sc == "shoppers":
        return [f"{o['shoppers']} shoppers, Zipf exponent {o['zipf']}, {o['rate']} pages/s for {o['duration']} s per run "
                "(new shopper ids every run, so every run starts cold; 2 s of JIT warm-up at up to 100 pages/s on 200 "
                "other shoppers and another recsKey come first). Hit ratio = responses whose `X-Cache` starts with HIT or STALE."]
    if sc == "ttl-expiry":
        return [f"{o['shoppers']} hot shoppers (uniform), warmed, then {o['rate']} pages/s for {o['duration']} s; "
                f"Klevu segment ttl {o['ttl']} s."]
    if sc == "ceiling":
        pinned = any(s["info"].get("pinned") for s in d["samples"])
        return [f"wrk -t1 -c{o['connections']} -d{o['duration']}s after a {o['warmup']} s warm-up; "
                + ("server (gateway or bare) on CPU 0, wrk and simulator on CPU 1 (`taskset`), so each server has one "
                   "core and one event loop. " if pinned else "not pinned. ")
                + "The order gateway/bare alternates between runs. Access log cost = 1 − (memory's ratio to bare) / "
                "(memory-nolog's ratio to bare), per run: the same warm page with and without an access line per "
                "request (`EDGE_ACCESS_LOG=false`), each against bare measured beside it. `memory-anon`: the same "
                "page asked with no Cookie header at all (a first visit, a crawler): the shared banner answered from "
                "memory with no Klevu session; Klevu calls per 1,000 pages from the simulator's counters around the "
                "gateway's measured wrk. Bare answers the page captured for the run's first mode."]
    if sc == "browser-flow":
        return [f"{o['shoppers']} shoppers, {o['rate']} pages/s for {o['duration']} s per flow. "
                "Browser SDK flow = 3 sequential calls straight to the simulator (no network between browser and "
                "Klevu here other than the simulated latency); gateway flow = 1 loopback call. Speed-up = SDK page "
                "latency / gateway page latency in the same run."]
    if sc == "l2-hit":
        pairs = [s["info"].get("interleaved_pairs") for s in d["samples"]]
        first = [s["info"].get("l2_first") for s in d["samples"]]
        order = ", ".join(f"{f}/{p}" for f, p in zip(first, pairs) if p)
        return [f"{o['shoppers']} measured shoppers (+{o['warm']} for warm-up, not recorded), {o['rate']:.0f} requests/s "
                f"on B, half L2 and half L1 hits; a shopper's second request comes {o['lag_ms']} ms after its first. "
                f"L2 went first in {order} interleaved pairs (per run). An arm that saw an upstream call or an "
                "X-Cache mismatch during the measurement, or whose L1 hits' p50 was over 10 ms (a queue, not a lookup), is invalid (on a busy machine Redis commands pass the 50 ms "
                "timeout, B marks Redis down for a moment and its L2 hits become misses): its latencies are not "
                "counted, and the Cluster-vs-standalone figure is taken from valid pairs only. "
                "B runs with `EDGE_L1_MAX_TTL_MS=600000` so the "
                "page's config and search, loaded into B's memory during the warm-up, stay there: in a measured "
                "request the shopper's segments are the only lookup that can go to Redis (checked: Redis GETs per L2 "
                "hit, and B's config/search lookups that were not L1 hits during the measurement: "
                + ", ".join(str(s["metrics"].get("config_search_not_l1")) for s in d["samples"]) + "; upstream "
                "calls during the measurement: " + ", ".join(str(s["metrics"].get("upstream_calls")) for s in d["samples"])
                + "). Latency is client-side (loopback round trip included), from the intended start; "
                "Server-Timing `total` is B's own figure for the same requests."]
    if sc == "rolling":
        return [f"{o['rate']} pages/s through HAProxy, {o['shoppers']} Zipf (s = {o['zipf']}) shoppers ({o['preload']} "
                f"most popular loaded once, then {o['warm_s']} s of the same load, not shown); {o['steady_s']} s steady, "
                f"then a restart at least every {o['slot_s']} s, then {o['after_s']} s. Gateways: "
                f"`EDGE_SHUTDOWN_DRAIN_MS={o['drain_ms']}`, the default grace (the request deadline). Latency from the "
                "intended start, through HAProxy. Klevu calls = the simulator's session + config + search counters.",
                rolling_windows(d)]
    if sc == "faults":
        return [f"{o['rate']} requests/s, {o['shoppers']} Zipf (s = {o['zipf']}) shoppers, {o['anon_share']:.0%} of pages "
                f"anonymous; {o['baseline_s']} s baseline, then {o['fault_s']} s per fault and {o['recovery_s']} s of "
                f"recovery, after {o['warm_s']} s of the same load (not shown). For the run the gateway has "
                f"`EDGE_BREAKER_RESET_MS={o['breaker_reset_ms']}` and `EDGE_BREAKER_WINDOW_MS={o['breaker_window_ms']}` "
                "(defaults 5000 and 10000: 35 phases would not fit otherwise) and `EDGE_CONFIG_TTL_S`/`EDGE_SEARCH_TTL_S` "
                f"= {o['cache_ttl_s']} (so config and search are refreshed within a phase; the defaults 300/60 would "
                "hide a short config fault behind the cache). Latency: from the intended start, pages only "
                f"(events and identifies count for 5xx and no-answer). Target p99 = the request deadline "
                f"({o['deadline_ms']} ms) + 50 ms. *calls while open* = calls reaching the faulted upstream between two "
                "polls that both saw its breaker open (half-open included); *beyond trials* = those past one trial per "
                "breaker reset of open time, plus one. *s to recover* = from lifting the fault until the breaker is "
                "closed for good and, in every 0.5 s window after, the pages degraded on that upstream's rungs (visitor: "
                "segments; config, search: personalisation, recs; none for stats and klaviyo; of the pages answered "
                "before the next phase sets its fault) are at most twice the "
                "baseline's share (at least 5 %) with no 5xx or unanswered request; a value equal to the recovery phase's "
                "length means *not recovered within the phase*. `degraded` splits by the body's `degraded` list (a page "
                "may count under several)."]
    if sc == "sentinel":
        return [f"{o['rate']} pages/s, {o['shoppers']} Zipf (s = {o['zipf']}) shoppers; phase 1 {o['duration']} s, phase 2 "
                f"(from the kill) {2 * float(o['duration']):.0f} s; before phase 1 the {o.get('preload')} most popular "
                f"shoppers are loaded once and the load runs {o.get('warm_s')} s unjudged. Timings from 0.1 s polling."]
    if sc == "crash":
        return [f"{o['rate']:.0f} events/s, {o['duration']} s per quarter; per run, both modes one after the other. "
                "`not accepted`: requests that reached the killed gateway, or were refused (503) while a bound or "
                "Redis stood in the way; the client does not resend them, so they are not counted as lost. `delivered, "
                "answered 503`: an `XADD` that timed out at the gateway after Redis took the event (at least once). "
                "Both gateways run with `EDGE_REDIS_COMMAND_TIMEOUT_MS=250` (two JVMs start next to the load on 2 "
                "cores). Lost = accepted − (delivered − duplicates), by counts."]
    if sc == "redis-down":
        first = next((s for s in d["samples"] if s["mode"] == "up"), None)
        m = first["metrics"] if first else {}
        return [f"{o['rate']} pages/s, {o['shoppers']} Zipf (s = {o['zipf']}) shoppers, {o['duration']} s per phase; "
                f"before phase 1, the {o.get('preload')} most popular shoppers are loaded once and the same load runs "
                f"{o.get('warm_s')} s (row 0), so phase 1 starts from a warm cache and JIT. "
                f"Target p99 = the gateway's Redis command timeout ({m.get('redis_command_timeout_ms')} ms, "
                f"`EDGE_REDIS_COMMAND_TIMEOUT_MS`, read from its start-up log) + the simulator's upstream chain of a "
                f"miss (visitor + config + search = {m.get('upstream_chain_ms')} ms); judged in the phases where Redis is "
                "down. `s until edge_redis_up flipped` = from the kill/hang to 0, from the restart/resume to 1 "
                "(0.25 s polling). *recovered* = edge_redis_up went 0 after both outages and was 1 again at the end of "
                "both recovery phases."]
    return []


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    root = argv[0] if argv else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = argv[1] if len(argv) > 1 else os.path.join(root, "BENCHMARKS.md")
    docs = latest(root)
    text = render(root, docs, previous(os.path.join(root, "BENCHMARKS.md")))
    if text is None:
        print("[lt] no results under loadtest/results/: BENCHMARKS.md left as it is")
        return
    with open(out, "w") as f:
        f.write(text + "\n")
    print(f"[lt] {os.path.relpath(out, root)} regenerated from {len(docs)} scenario result(s)")


if __name__ == "__main__":
    main()
