"""The scenarios. Each run_* function measures one (run, mode) or one run and returns samples:
{"run": i, "mode": m, "metrics": {flat numbers}, "series": {...for plots}, "info": {...}}."""
import http.client
import json
import math
import os
import re
import subprocess
import threading
import time

from . import procs
from .cdn import run_cdn
from .hostile import run_hostile
from .faults import run_faults
from .rolling import run_rolling
from .crash import run_crash
from .stack import (Sampler, Teardown, cpu_window, proc_cpu_s, Shoppers, delta, new_run_id, per_1000, split_mode,
                    write_page, UPSTREAM_KINDS)
from .stats import (degraded_share, hit_ratio, latency_summary_ms, parse_prometheus, percentile, read_raw,
                    read_raw_full, sum_metric)

GATLING_PKG = "dev.edgegateway.loadtest.gatling."


def env_num(name, default, cast=int):
    v = os.environ.get(name)
    return cast(v) if v not in (None, "") else default


# Scenario defaults: sized so that --runs 3 with the default modes stays under 3 minutes on 2 cores.
DEFAULTS = {
    # prime_rounds: requests per connection for another shopper's cached page before the burst (JIT of client and server);
    # pairs: measured pairs of bursts (gateway, held bare server) per run and size, after one pair of warm-up;
    # hold_ms: how long the bare server holds a burst before releasing it (the gateway's flight takes ~150 ms)
    # warm_min..warm_max: bursts at the gateway alone before the pairs, until its JIT compiled for at most jit_quiet_ms
    # during the last one
    "burst": {"modes": "off,memory,redis", "n": 200, "small_n": 20, "pairs": 5, "prime_rounds": 20, "hold_ms": 100,
              "warm_min": 3, "warm_max": 15, "jit_quiet_ms": 150},
    "shoppers": {"modes": "off,memory", "rate": 300, "duration": 10, "shoppers": 5000, "zipf": 1.0},
    "ttl-expiry": {"modes": "memory,redis", "rate": 200, "duration": 12, "shoppers": 50, "ttl": 4},
    "ceiling": {"modes": "memory,memory-anon,memory-nolog,memory-bus,redis", "duration": 6, "connections": 16, "warmup": 8},
    "browser-flow": {"modes": "off,memory", "rate": 20, "duration": 6, "shoppers": 50},
    # rate = measured pairs (one gateway page + the same three calls direct) per second, one at a time;
    # warm = pairs before that (JIT of gateway and client; as fast as they go, at most warm_rate);
    # the simulator answers at once (sim_latency_ms), so what is left is what the gateway adds
    "cold": {"modes": "off,memory,memory-shared", "rate": 150, "pairs": 2000, "warm": 8000, "warm_max": 30000,
             "jit_quiet_ms": 100, "warm_rate": 400, "sim_latency_ms": 0},
    # pages = cold pages (new shopper, recsKey and product each) measured one at a time right after a fresh gateway
    # is ready; sim_warm = rounds through a throwaway gateway first, so that only the gateway starts cold
    "startup": {"modes": "unwarmed,warmed", "pages": 40, "sim_warm": 4000, "sim_latency_ms": 0},
    # rate = requests/s on gateway B (L2 and L1 hits together); shoppers = measured shoppers (each gives one of each)
    "l2-hit": {"modes": "redis", "rate": 400, "shoppers": 2000, "warm": 3000, "warm_rate": 600, "lag_ms": 500},
    # duration = seconds of each of the five phases (up, killed, restarted, hung, resumed)
    # (after the 1,000 most popular shoppers are loaded once and 5 s of the same load, not judged)
    "redis-down": {"modes": "redis", "rate": 300, "duration": 7, "shoppers": 5000, "zipf": 1.0, "preload": 1000,
                   "warm_s": 5},
    # duration = seconds of the phase before the primary is killed; the failover phase lasts 2x that
    # (a private Sentinel set-up per run: one primary, one replica, three sentinels, down after 1 s)
    "sentinel": {"modes": "redis-sentinel", "rate": 300, "duration": 6, "shoppers": 5000, "zipf": 1.0, "preload": 1000,
                 "warm_s": 4},
    # rate = pages/s of the mix (half cookie-less, a quarter anonymous with cookies, a quarter identified of
    # `shoppers`, Zipf), open loop, once through Varnish and once straight at the gateway (mode memory)
    # 20 s at 300/s: 1,500 identified pages over 10,000 shoppers (Zipf 0.7), so >= 1,000 distinct ones are audited
    # warmup: seconds of the mix through each path on every run's fresh gateway before anything is measured
    "cdn": {"modes": "varnish,memory", "rate": 300, "duration": 20, "shoppers": 10000, "zipf": 0.7, "warmup": 5},
    # rate = legitimate pages/s (cdn's mix), open loop, once alone and once under attack, in one gateway (memory);
    # the attack: junk searches to random hosts under an allowed wildcard, foreign Klevu API keys (settings and
    # session), oversized events (100 KB bodies and 60 KB events), each at its rate a second, and slowloris sockets
    "hostile": {"modes": "alone,attacked", "rate": 200, "duration": 10, "shoppers": 3000, "zipf": 1.0,
                "junk_search_rate": 100, "foreign_key_rate": 100, "oversized_event_rate": 20, "slowloris": 500,
                "warm_s": 4},
    # one gateway (memory), 120 requests/s: a baseline, then per upstream x fault (35) fault_s seconds of the fault and
    # recovery_s seconds with it lifted; breaker reset/window shortened for the run (EDGE_BREAKER_RESET_MS/_WINDOW_MS),
    # config and search TTLs cache_ttl_s so their refreshes fall inside a phase; deadline_ms = EDGE_REQUEST_TIMEOUT_MS
    "faults": {"modes": "memory", "rate": 120, "shoppers": 5000, "zipf": 1.0, "preload": 500, "warm_s": 5,
               "baseline_s": 4, "fault_s": 3, "recovery_s": 2.5, "anon_share": 0.3, "recs_keys": 4, "pids": 50,
               "events_every": 10, "identify_every": 40, "breaker_reset_ms": 1000, "breaker_window_ms": 2000,
               "cache_ttl_s": 2, "deadline_ms": 1500},
    # three gateways on one Redis behind HAProxy (conf/lb/haproxy.cfg), rate pages/s through it: steady_s seconds,
    # then each gateway restarted in turn (SIGTERM, drain, start again on its ports; a slot lasts at least slot_s),
    # then after_s seconds; drain_ms = EDGE_SHUTDOWN_DRAIN_MS of the gateways
    "rolling": {"modes": "redis", "rate": 100, "shoppers": 5000, "zipf": 1.0, "preload": 500, "warm_s": 5,
                "steady_s": 10, "slot_s": 40, "after_s": 10, "drain_ms": 5000},
    # rate = analytics events/s (one per request) over two gateways; duration = seconds of each quarter: collector
    # up, down (one gateway SIGKILLed halfway and started again a phase later), up again, then until all settled
    "crash": {"modes": "redis,memory", "rate": 150, "duration": 5},
}

class Ctx:
    def __init__(self, paths, stack, artifacts, opts):
        self.paths = paths
        self.stack = stack
        self.artifacts = artifacts
        self.opts = opts  # dict of scenario parameters (defaults overridden by CLI/env)
        self.jit_warmup_s = env_num("LT_JIT_WARMUP_S", 2)
        self.gatling_reports = os.environ.get("LT_GATLING_REPORTS", "0") == "1"
        self.pin = os.environ.get("LT_PIN", "1") == "1" and (os.cpu_count() or 1) >= 2


# ---------------------------------------------------------------------------------------------- tools
def gatling(ctx, sim_class, props, tag, max_s):
    lt = ctx.paths.lt
    out_json = os.path.join(ctx.artifacts, f"{tag}.json")
    with open(os.path.join(lt, "target", "gatling.classpath")) as f:
        dep_cp = f.read().strip()
    cp = ":".join([os.path.join(lt, "target", "test-classes"), os.path.join(lt, "target", "classes"), dep_cp])
    props = dict(props, out=out_json)
    cmd = ["java", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Xms256m", "-Xmx1g", "-cp", cp]
    cmd += [f"-Dlt.{k}={v}" for k, v in props.items()]
    cmd += ["io.gatling.app.Gatling", "-s", GATLING_PKG + sim_class, "-rf", os.path.join(ctx.artifacts, "gatling")]
    if not ctx.gatling_reports:
        cmd.append("-nr")
    rc, text = procs.run(cmd, timeout=max_s, log_path=ctx.stack.log(f"gatling-{tag}"), name="gatling")
    if not os.path.exists(out_json):
        raise RuntimeError(f"Gatling {sim_class} wrote no result (rc={rc}); see {ctx.stack.log('gatling-' + tag)}\n{text[-2000:]}")
    with open(out_json) as f:
        return json.load(f), out_json


def raw_path(out_json, recorder):
    return out_json[:-len(".json")] + f".{recorder}.csv"


def wrk(ctx, url, seconds, connections, cookie, tag, cpus=None, script="report.lua"):
    cmd = (["taskset", "-c", cpus] if cpus else []) + [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
        "-s", os.path.join(ctx.paths.lt, "wrk", script), url]
    rc, text = procs.run(cmd, timeout=seconds + 30, env={"LT_COOKIE": cookie}, log_path=ctx.stack.log(f"wrk-{tag}"), name="wrk")
    for line in text.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line[len("WRK_JSON "):])
    if script == "report.lua":
        raise RuntimeError(f"wrk gave no summary (rc={rc}):\n{text[-1500:]}")
    return None


def jit_warmup(ctx, gw, seconds=None):
    """A few seconds of mixed hit/miss traffic on a recsKey and shoppers the measurement never uses."""
    seconds = ctx.jit_warmup_s if seconds is None else seconds
    if seconds <= 0:
        return
    sh = Shoppers("warmup-" + new_run_id())
    wrk(ctx, f"{gw.url}/v1/recommendations/k-loadtest-jit-warmup", seconds, 8, sh.cookie(0),
        f"jit-warmup-{gw.proc.name}", script="warmup.lua")


def gateway_simulation(ctx, gw, tag, zipf, warm):
    """GatewaySimulation at the scenario's rate, duration and shoppers; zipf skew and pre-warmed shoppers vary."""
    st, o = ctx.stack, ctx.opts
    return gatling(ctx, "GatewaySimulation", {
        "readyUrl": gw.ops_url + "/health/ready", "baseUrl": gw.url, "simUrl": st.sim_url, "recsKey": st.recs_key,
        "rate": o["rate"], "durationS": o["duration"], "shoppers": o["shoppers"], "zipf": zipf, "warm": warm,
        "jitWarmupS": ctx.jit_warmup_s, "runId": new_run_id()}, tag,
        max_s=int(o["duration"]) + ctx.jit_warmup_s + 120)


def prom_info(text):
    s = parse_prometheus(text)
    info = {}
    for status in ("hit", "miss", "stale", "negative", "refresh"):
        v = sum_metric(s, "edge_cache_lookups_total", status=status)
        if v is not None:
            info[f"cache_lookups_{status}"] = v
    for role in ("leader", "follower", "rejected"):
        v = sum_metric(s, "edge_singleflight_calls_total", role=role)
        if v is not None:
            info[f"singleflight_{role}"] = v
    rounds = sum_metric(s, "edge_warmup_rounds")  # absent when the gateway started without a warm-up
    if rounds is not None:
        info["warmup_rounds"] = rounds
    return info


def save_metrics(ctx, gw, tag):
    text = gw.scrape()
    with open(os.path.join(ctx.artifacts, f"metrics-{tag}.prom"), "w") as f:
        f.write(text)
    return prom_info(text)


def sim_rejected(marks, to, frm):
    """Requests the simulator refused as malformed between two marks (should be 0: a contract mismatch)."""
    a, b = marks.get(to) or {}, marks.get(frm) or {}
    return a.get("rejected", 0) - b.get("rejected", 0)


def lat_metrics(lat, prefix=""):
    return {f"{prefix}{k}": lat.get(k) for k in ("p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms") if k in lat}


# ---------------------------------------------------------------------------------------------- burst
def burst_client(ctx, port, cookie, n, out, log_tag, prime_cookie, sim=None, path=None):
    """One BurstClient burst of n requests at 127.0.0.1:port (for path, default the load-test page); its JSON goes
    to out. Every connection first carries prime rounds of the load-test page with prime_cookie (a page the server
    answers at once), so the burst measures how the followers are released, not how a server sets up n new
    connections."""
    page = f"/v1/recommendations/{ctx.stack.recs_key}"
    return procs.run(["java", "-cp", ctx.paths.lt_jar, "dev.edgegateway.loadtest.BurstClient",
                      "--port", str(port), "--path", path or page, "--prime-path", page,
                      "--cookie", cookie, "--prime-cookie", prime_cookie, "--prime-rounds", str(ctx.opts.get("prime_rounds", 20)),
                      "--n", str(n), "--out", out]
                     + (["--sim", sim] if sim else []),
                     timeout=120, log_path=ctx.stack.log(log_tag), name="burst-client")


def follower_lags(offsets_ms):
    """How long after the leader (first completed answer) each follower completed, in completion order."""
    return [v - offsets_ms[0] for v in offsets_ms[1:]] if offsets_ms else []


def lag_over_bare(burst, bare):
    """Follower k's lag behind its leader minus bare Vert.x's follower k's lag, for every rank k: what the gateway
    adds to releasing the k-th follower over what this machine needs to release k+1 held requests anyway."""
    a, b = follower_lags(burst.get("done_offsets_ms") or []), follower_lags(bare.get("done_offsets_ms") or [])
    k = min(len(a), len(b))
    return [a[i] - b[i] for i in range(k)]


def read_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def burst_pair(ctx, gw, bare_port, n, shopper_cookie, prime, recs_key, tag, gateway_first):
    """One burst of n requests at the gateway (a new shopper on a recsKey never seen: every Klevu call cold) and the
    same burst at the held bare server, back to back in the given order; the gateway's burst, bare's and the Klevu
    calls the gateway's caused."""
    st = ctx.stack
    g_out, b_out = os.path.join(ctx.artifacts, f"{tag}.json"), os.path.join(ctx.artifacts, f"{tag}-bare.json")

    def gateway():
        burst_client(ctx, gw.port, shopper_cookie, n, g_out, tag, prime, st.sim_url, path=f"/v1/recommendations/{recs_key}")
        return st.sim_stats()

    def bare():
        burst_client(ctx, bare_port, BARE_HOLD_COOKIE, n, b_out, f"{tag}-bare", "x=2")

    if gateway_first:
        after = gateway()
        bare()
    else:
        bare()
        after = gateway()
    g, b = read_json(g_out), read_json(b_out)
    if g is None or b is None:
        raise RuntimeError(f"burst client wrote no result for {tag} (see its log)")
    return g, b, delta(after, g.get("sim_before_burst"))


# the bare server holds requests carrying this cookie until its release timer fires
BARE_HOLD_COOKIE = "hold=1"


def run_burst(ctx, run, mode):
    """Pairs of bursts, the gateway's (a new shopper on a new recsKey each time) and bare Vert.x releasing as many
    held requests at once, alternating which goes first; the first pair warms both up and is not measured. Each pair
    at n (200) and at small_n (20)."""
    st, o = ctx.stack, ctx.opts
    n, small_n, pairs = int(o["n"]), int(o["small_n"]), int(o["pairs"])
    gw = st.start_gateway(mode, f"gateway-{mode}-r{run}")
    bare = None
    try:
        jit_warmup(ctx, gw)
        shopper = Shoppers(new_run_id())
        # the priming page: another shopper, loaded once here, so the priming requests are answered at once
        prime = shopper.cookie(10_000)
        page = procs.http("GET", gw.url + f"/v1/recommendations/{st.recs_key}", headers={"Cookie": prime})
        if page[0] != 200:
            raise RuntimeError(f"the priming page answered {page[0]}")
        bare, bare_port = start_held_bare(ctx, run, mode, page)
        warm_bursts = warm_until_jit_quiet(ctx, gw, shopper, prime, mode, run)
        samples = {n: [], small_n: []}
        for i in range(pairs + 1):
            for size in (n, small_n):
                k = 2 * i + (size == small_n)
                g, b, calls = burst_pair(ctx, gw, bare_port, size, shopper.cookie(k), prime,
                                         f"{st.recs_key}-burst{k}", f"burst-{mode}-r{run}-p{i}-n{size}", i % 2 == 0)
                if i > 0:  # pair 0 warms up the bare server and the client at both sizes
                    samples[size].append((g, b, calls))
        # the last pair's page again, now cached: 200 immediate answers from the gateway itself
        warm_out = os.path.join(ctx.artifacts, f"burst-warm-{mode}-r{run}.json")
        burst_client(ctx, gw.port, shopper.cookie(2 * pairs), n, warm_out, f"burst-warm-{mode}-r{run}", prime,
                     path=f"/v1/recommendations/{st.recs_key}-burst{2 * pairs}")
        prom = save_metrics(ctx, gw, f"{mode}-r{run}")
    finally:
        if bare is not None:
            bare.stop()
        gw.stop()
    warm = read_json(warm_out) or {}
    m = burst_metrics(samples[n], n)
    m.update({f"small_{k}": v for k, v in burst_metrics(samples[small_n], small_n).items()
              if k in ("lag_over_bare_p50_ms", "follower_lag_p50_ms", "bare_follower_lag_p50_ms", "session_calls",
                       "config_calls", "ok_responses")})
    m.update({"warm_spread_ms": warm.get("spread_ms"), "warm_last_ms": warm.get("last_ms"), "pairs": pairs,
              "warm_bursts": warm_bursts})
    last_g, last_b, _ = samples[n][-1]
    return [{"run": run, "mode": mode, "metrics": m,
             "series": {"done_offsets_ms": last_g.get("done_offsets_ms", []),
                        "bare_done_offsets_ms": last_b.get("done_offsets_ms", [])},
             "info": {"status": last_g["status"], "x_cache": last_g["x_cache"], "outcome": last_g.get("outcome"),
                      "server_timing_phases": last_g.get("server_timing_phases"), "prometheus": prom,
                      "warm_x_cache": warm.get("x_cache"),
                      "pairs": [{"n": size, "lag_over_bare_p50_ms": percentile(sorted(lag_over_bare(g, b)), 50),
                                 "follower_lag_p50_ms": (g.get("follower_lag") or {}).get("p50_ms"),
                                 "bare_follower_lag_p50_ms": (b.get("follower_lag") or {}).get("p50_ms"),
                                 "calls": calls}
                                for size in (n, small_n) for g, b, calls in samples[size]]}}]


def gateway_compile_ms(gw):
    """The gateway JVM's JIT compilation time so far (its ops /metrics), or None when it has no such meter."""
    return sum_metric(parse_prometheus(gw.scrape()), "jvm_compilation_time_ms_total")


def warm_until_jit_quiet(ctx, gw, shopper, prime, mode, run):
    """Bursts at the gateway alone (new shoppers, new recsKeys) until its JIT compiled for at most jit_quiet_ms
    during the last one, at least warm_min and at most warm_max: the first bursts run the coalesced path through
    the JIT, whose compiler threads then take a CPU from the release being measured. Returns the bursts made."""
    o = ctx.opts
    before = gateway_compile_ms(gw)
    made = 0
    while made < int(o["warm_max"]):
        k = 1_000 + made
        burst_client(ctx, gw.port, shopper.cookie(k), int(o["n"]), os.path.join(ctx.artifacts, f"burst-jit-{mode}-r{run}-{made}.json"),
                     f"burst-jit-{mode}-r{run}-{made}", prime, path=f"/v1/recommendations/{ctx.stack.recs_key}-jit{k}")
        made += 1
        after = gateway_compile_ms(gw)
        if made >= int(o["warm_min"]) and (before is None or after is None or after - before <= float(o["jit_quiet_ms"])):
            break
        before = after
    return made


def burst_metrics(samples, n):
    """A run's figures from its measured pairs: Klevu calls as the least and the most any burst caused, the rest as
    the median over the pairs (lag over bare: each pair's p50 over its ranks, then the median of those)."""
    med = lambda xs: percentile(sorted(x for x in xs if x is not None), 50) if any(x is not None for x in xs) else None
    per = []
    for g, b, calls in samples:
        over = sorted(lag_over_bare(g, b))
        per.append({
            "calls": calls, "ok": g["status"].get("200", 0),
            "degraded": degraded_share(g.get("outcome", {})),
            "leader_ms": g.get("leader_ms"), "last_ms": g.get("last_ms"), "spread_ms": g.get("spread_ms"),
            "bare_spread_ms": b.get("spread_ms"), "send_span_ms": g.get("send_span_ms"),
            "follower_lag_p50_ms": (g.get("follower_lag") or {}).get("p50_ms"),
            "bare_follower_lag_p50_ms": (b.get("follower_lag") or {}).get("p50_ms"),
            "lag_over_bare_p50_ms": percentile(over, 50) if over else None,
            "lag_over_bare_p90_ms": percentile(over, 90) if over else None,
            "lag_over_bare_max_ms": max(over) if over else None,
            "p99_ms": g["latency"].get("p99_ms"),
        })
    calls = [p["calls"] for p in per]
    m = {
        "session_calls": max(c["session"] for c in calls), "session_calls_min": min(c["session"] for c in calls),
        "config_calls": max(c["config"] for c in calls), "config_calls_min": min(c["config"] for c in calls),
        "search_calls": max(c["search"] for c in calls), "profiles_calls": max(c["profiles"] for c in calls),
        "upstream_per_1000": med([sum(c.values()) * 1000.0 / n for c in calls]),
        "ok_responses": min(p["ok"] for p in per), "degraded_share": max(p["degraded"] for p in per),
    }
    for k in ("leader_ms", "last_ms", "spread_ms", "bare_spread_ms", "send_span_ms", "follower_lag_p50_ms",
              "bare_follower_lag_p50_ms", "lag_over_bare_p50_ms", "lag_over_bare_p90_ms", "lag_over_bare_max_ms", "p99_ms"):
        m[k] = med([p[k] for p in per])
    if m["spread_ms"] is not None and m["bare_spread_ms"] is not None:
        m["spread_over_bare_ms"] = med([p["spread_ms"] - p["bare_spread_ms"] for p in per
                                        if p["spread_ms"] is not None and p["bare_spread_ms"] is not None])
    return m


def start_held_bare(ctx, run, mode, page):
    """BareServer answering the captured page, holding requests with BARE_HOLD_COOKIE until one timer fires
    hold_ms after the first of them: bare Vert.x releasing a burst that waited on one flight."""
    status, headers, body = page
    body_path, hdr_path = write_page(ctx, headers, body, f"burst-page-{mode}-r{run}.json",
                                     f"burst-page-headers-{mode}-r{run}.txt", leave_out=("set-cookie", "content-length"))
    return ctx.stack.start_bare(body_path, hdr_path, f"bare-burst-{mode}-r{run}",
                                hold=(int(ctx.opts["hold_ms"]), BARE_HOLD_COOKIE))


# ---------------------------------------------------------------------------------------------- cold
def run_cold(ctx, run, mode):
    """Cold pages (new shopper, new recsKey and product: three Klevu calls each) through the gateway, paired with
    the same three calls made straight at the simulator by the same client. See ColdClient."""
    st, o = ctx.stack, ctx.opts
    gw = st.start_gateway(mode, f"gateway-{mode}-r{run}")
    bare = None
    try:
        # the third arm: the same three calls behind one more hop, through a proxy that does nothing else
        bare, bare_port = st.start_bare_proxy(f"bare-proxy-{mode}-r{run}")
        tag = f"cold-{mode}-r{run}"
        out = os.path.join(ctx.artifacts, f"{tag}.json")
        pairs, warm, rate, warm_rate = int(o["pairs"]), int(o["warm"]), float(o["rate"]), float(o["warm_rate"])
        warm_max = max(warm, int(o["warm_max"]))
        budget = 90 + int(pairs * 3 / rate + warm_max * 3 / warm_rate)
        cpu0 = proc_cpu_s(gw.proc.pid)
        rc, text = procs.run(["java", "-Xmx512m", "-cp", ctx.paths.lt_jar, "dev.edgegateway.loadtest.ColdClient",
                              "--gateway-port", str(gw.port), "--sim", st.sim_url, "--api-key", st.api_key,
                              "--pairs", str(pairs), "--warm", str(warm), "--rate", str(rate),
                              "--warm-rate", str(warm_rate), "--warm-max", str(warm_max),
                              "--jit-quiet-ms", str(o["jit_quiet_ms"]), "--run-id", new_run_id(), "--out", out,
                              "--bare-proxy-port", str(bare_port), "--metrics", gw.ops_url + "/metrics"],
                             timeout=budget, log_path=st.log(tag), name="cold-client")
        cpu1 = proc_cpu_s(gw.proc.pid)
        prom = save_metrics(ctx, gw, f"{mode}-r{run}")
    finally:
        if bare is not None:
            bare.stop()
        gw.stop()
    if not os.path.exists(out):
        raise RuntimeError(f"ColdClient wrote no result (rc={rc}): {text[-1500:]}")
    with open(out) as f:
        res = json.load(f)
    g, d, b = res["recorders"]["gateway"], res["recorders"]["direct"], res["recorders"]["bare_proxy"]
    gl, dl, bl = g["latency"], d["latency"], b["latency"]
    calls = delta(res.get("sim_end"), res.get("sim_start"))
    total = res.get("gateway_server_total") or {}
    upstream = res.get("gateway_upstream_mean_ms") or {}
    m = {
        "pairs": gl["count"],
        # rounds of warm-up before the gateway's JIT went quiet (or warm_max)
        "warm_rounds": res.get("warm_rounds"),
        "gateway_p50_ms": gl["p50_ms"], "direct_p50_ms": dl["p50_ms"], "delta_p50_ms": gl["p50_ms"] - dl["p50_ms"],
        "gateway_p90_ms": gl["p90_ms"], "direct_p90_ms": dl["p90_ms"], "delta_p90_ms": gl["p90_ms"] - dl["p90_ms"],
        "gateway_p99_ms": gl["p99_ms"], "direct_p99_ms": dl["p99_ms"], "delta_p99_ms": gl["p99_ms"] - dl["p99_ms"],
        # one more hop with nothing behind it but the same three calls, and the gateway over that
        "bare_proxy_p50_ms": bl["p50_ms"], "hop_p50_ms": bl["p50_ms"] - dl["p50_ms"],
        "over_bare_p50_ms": gl["p50_ms"] - bl["p50_ms"],
        "server_total_p50_ms": total.get("p50_ms"),
        # the gateway's time per page beside its upstream calls as its own timers saw them (means: the timers keep no percentiles)
        "gateway_work_mean_ms": total["mean_ms"] - sum(upstream.get(u, 0.0) for u in ("visitor", "config", "search"))
        if total.get("mean_ms") is not None and len(upstream) >= 3 else None,
        # every measured round made 3 calls on each side: anything else means a page was not cold
        "upstream_calls_per_page": (calls["session"] + calls["config"] + calls["search"]) / (3.0 * gl["count"]) if gl["count"] else None,
        "not_miss": sum(v for k, v in g["x_cache"].items() if k != ("BYPASS" if split_mode(mode)[0] == "off" else "MISS")),
        "errors": sum(v for r in (g, d, b) for k, v in r["status"].items() if k != "200"),
        "sim_rejected": (res.get("sim_end") or {}).get("rejected", 0) - (res.get("sim_start") or {}).get("rejected", 0),
        # the gateway's CPU over warm-up and measurement together, per gateway page
        "gateway_cpu_ms_per_page": (cpu1 - cpu0) * 1000.0 / (warm + pairs) if cpu1 is not None and cpu0 is not None else None,
    }
    return [{"run": run, "mode": mode, "metrics": m, "series": {},
             "info": {"x_cache": g["x_cache"], "prometheus": prom, "gateway_first": res.get("gateway_first"),
                      "sim_calls": calls, "server_timing_phases": res.get("gateway_server_phases"),
                      "direct_calls": res.get("direct_calls"), "gateway_upstream_mean_ms": upstream}}]


# ---------------------------------------------------------------------------------------------- shoppers
def run_shoppers(ctx, run, mode):
    st = ctx.stack
    o = ctx.opts
    gw = st.start_gateway(mode, f"gateway-{mode}-r{run}", wait=False)
    sampler = None
    try:
        sampler = Sampler(st, gw)
        sampler.start()
        tag = f"shoppers-{mode}-r{run}"
        res, out_json = gateway_simulation(ctx, gw, tag, zipf=o["zipf"], warm=0)
        samples = sampler.stop()
        sampler = None
        prom = save_metrics(ctx, gw, f"{mode}-r{run}")
    finally:
        if sampler:
            sampler.stop()
        gw.stop()
    rec = res["recorders"]["gateway"]
    lat = rec["latency"]
    marks = res["sim_marks"]
    pages = lat["count"]
    calls = delta(marks.get("end"), marks.get("measure_start"))
    t0, t1 = rec["first_start_ms"] / 1000.0, rec["last_end_ms"] / 1000.0
    window = [s for s in samples if s["rss_mb"] is not None and t0 - 1 <= s["t"] <= t1 + 1]
    rss = [s["rss_mb"] for s in window]
    quarter = [s["rss_mb"] for s in window if s["t"] >= t0 + (t1 - t0) * 0.25]
    errors = sum(v for k, v in rec["status"].items() if k != "200")
    p1k = per_1000(calls, pages)
    m = {
        "pages": pages, "achieved_rps": pages / max(0.001, t1 - t0), "errors": errors,
        "hit_ratio": hit_ratio(rec["x_cache"]), "degraded_share": degraded_share(rec.get("outcome")),
        "sim_rejected": sim_rejected(marks, "end", "measure_start"),
        **lat_metrics(lat),
        "upstream_per_1000": p1k["total"], "session_per_1000": p1k["session"],
        "config_per_1000": p1k["config"], "search_per_1000": p1k["search"], "profiles_per_1000": p1k["profiles"],
        "rss_start_mb": rss[0] if rss else None, "rss_end_mb": rss[-1] if rss else None,
        "rss_max_mb": max(rss) if rss else None,
        "rss_growth_after_25pct_mb": (quarter[-1] - quarter[0]) if len(quarter) > 1 else None,
        **cpu_window(samples, t0, t1, pages),
    }
    series = {
        "rss": [[round(s["t"] - t0, 2), s["rss_mb"]] for s in samples if s["rss_mb"] is not None],
        "p99_per_s": [[ps["epoch_s"] - int(t0), ps["p99_ms"], ps["p50_ms"]] for ps in rec["per_second"]],
    }
    return [{"run": run, "mode": mode, "metrics": m, "series": series,
             "info": {"x_cache": rec["x_cache"], "outcome": rec.get("outcome"), "status": rec["status"], "calls": calls,
                      "prometheus": prom, "zipf_mass_top_1pct": res.get("zipf_mass_top_1pct")}}]


# ---------------------------------------------------------------------------------------------- ttl-expiry
def run_ttl_expiry(ctx, run, mode):
    st = ctx.stack
    o = ctx.opts
    ttl = int(o["ttl"])
    st.configure_sim(session_ttl_s=ttl)
    gw = st.start_gateway(mode, f"gateway-{mode}-r{run}", extra_env={
        # let Klevu's short ttl through (the gateway clamps it up to 30 s by default)
        "EDGE_SEGMENTS_MIN_TTL_S": "1",
    }, wait=False)
    sampler = None
    try:
        sampler = Sampler(st, gw)
        sampler.start()
        tag = f"ttl-{mode}-r{run}"
        res, out_json = gateway_simulation(ctx, gw, tag, zipf=0, warm=o["shoppers"])
        samples = sampler.stop()
        sampler = None
        prom = save_metrics(ctx, gw, f"{mode}-r{run}")
    finally:
        if sampler:
            sampler.stop()
        gw.stop()
        st.configure_sim()
    rec = res["recorders"]["gateway"]
    marks = res["sim_marks"]
    pages = rec["latency"]["count"]
    t0 = rec["first_start_ms"] / 1000.0
    s0 = int(t0)
    # session calls per second from the once-a-second counters: the delta between the sample taken just
    # after second s and the one just after s+1 belongs to second s
    refreshes = {}
    for a, b in zip(samples, samples[1:]):
        if a["sim"] and b["sim"]:
            refreshes[int(a["t"])] = b["sim"].get("session", 0) - a["sim"].get("session", 0)
    raw = read_raw(raw_path(out_json, "gateway"))
    by_sec = {}
    for start_ms, us, status, xc in raw:
        by_sec.setdefault(start_ms // 1000, []).append((us, status, xc))
    expiry_secs = sorted(s for s, n in refreshes.items() if n > 0 and s in by_sec)
    steady_secs = sorted(s for s in by_sec if s not in expiry_secs)
    exp_lat = [us for s in expiry_secs for us, _, _ in by_sec[s]]
    std_lat = [us for s in steady_secs for us, _, _ in by_sec[s]]
    e, d = latency_summary_ms(exp_lat), latency_summary_ms(std_lat)
    calls = delta(marks.get("end"), marks.get("measure_start"))
    errors = sum(v for k, v in rec["status"].items() if k != "200")
    m = {
        "pages": pages, "errors": errors, "hit_ratio": hit_ratio(rec["x_cache"]),
        "degraded_share": degraded_share(rec.get("outcome")), "sim_rejected": sim_rejected(marks, "end", "measure_start"),
        **lat_metrics(rec["latency"]),
        "expiry_seconds": len(expiry_secs), "steady_seconds": len(steady_secs),
        "p50_expiry_ms": e.get("p50_ms"), "p99_expiry_ms": e.get("p99_ms"), "max_expiry_ms": e.get("max_ms"),
        "p50_steady_ms": d.get("p50_ms"), "p99_steady_ms": d.get("p99_ms"), "max_steady_ms": d.get("max_ms"),
        "p99_expiry_over_steady": (e["p99_ms"] / d["p99_ms"]) if e.get("p99_ms") and d.get("p99_ms") else None,
        "session_calls": calls["session"], "session_per_1000": calls["session"] * 1000.0 / pages if pages else None,
        "upstream_per_1000": sum(calls.values()) * 1000.0 / pages if pages else None,
        **cpu_window(samples, t0, rec["last_end_ms"] / 1000.0, pages),
    }
    per_s = []
    for sec in sorted(by_sec):
        lats = sorted(us for us, _, _ in by_sec[sec])
        per_s.append([sec - s0, percentile(lats, 50) / 1000.0, percentile(lats, 99) / 1000.0, lats[-1] / 1000.0,
                      refreshes.get(sec, 0)])
    return [{"run": run, "mode": mode, "metrics": m, "series": {"per_second": per_s, "ttl_s": ttl},
             "info": {"x_cache": rec["x_cache"], "outcome": rec.get("outcome"), "status": rec["status"], "calls": calls,
                      "prometheus": prom, "expiry_seconds": [s - s0 for s in expiry_secs]}}]


# ---------------------------------------------------------------------------------------------- ceiling
def capture_page(ctx, gw, cookie):
    """Loads the page as a returning shopper's browser does (keeping the cookies the gateway sets) until it is
    a cache hit; returns (status, headers, body) of that response and the Cookie header the browser now sends."""
    url = f"{gw.url}/v1/recommendations/{ctx.stack.recs_key}"
    jar = {}
    last = None
    for _ in range(20):
        sent = "; ".join([c for c in [cookie] if c] + [f"{k}={v}" for k, v in jar.items()])
        # a cookie-less visitor sends no Cookie header at all
        last = procs.http("GET", url, headers=dict({"Accept": "application/json"}, **({"Cookie": sent} if sent else {})))
        for line in last[1].get("set-cookie", "").splitlines():
            name, _, rest = line.partition("=")
            if name.strip():
                jar[name.strip()] = rest.split(";", 1)[0]
        if last[0] == 200 and last[1].get("x-cache", "").upper().startswith("HIT") and "set-cookie" not in last[1]:
            return last, sent
        time.sleep(0.2)
    return last, "; ".join([c for c in [cookie] if c] + [f"{k}={v}" for k, v in jar.items()])


def run_ceiling(ctx, run, modes):
    st = ctx.stack
    o = ctx.opts
    secs, conns, warm = int(o["duration"]), int(o["connections"]), int(o["warmup"])
    srv_cpu, load_cpu = ("0", "1") if ctx.pin else (None, None)
    shopper = Shoppers(new_run_id())
    cookie = shopper.cookie(0)
    out = []
    bare = None
    try:
        # the modes rotate between runs: the first one meets a bare server whose JIT is still warming
        shift = (run - 1) % len(modes)
        for idx, mode in enumerate(modes[shift:] + modes[:shift]):
            gw = st.start_gateway(mode, f"gateway-{mode}-r{run}", cpus=srv_cpu)
            # memory-anon: a cookie-less anonymous visitor (no Cookie header at all), the CDN-shareable page
            anon = mode.startswith("memory-anon")
            try:
                (status, headers, body), browser_cookie = capture_page(ctx, gw, "" if anon else shopper.cookie(0))
                # each gateway seals its own edge_id; bare is driven with the same header (it ignores it)
                cookie = "" if anon else browser_cookie
                if status != 200:
                    raise RuntimeError(f"gateway answered {status} to the ceiling page")
                if bare is None:
                    body_path, hdr_path = write_page(ctx, headers, body, f"page-body-r{run}.json", f"page-headers-r{run}.txt")
                    bare = st.start_bare(body_path, hdr_path, f"bare-r{run}", cpus=srv_cpu)
                    wrk(ctx, f"http://127.0.0.1:{bare[1]}/v1/recommendations/{st.recs_key}", warm, conns, cookie,
                        f"bare-warm-r{run}", cpus=load_cpu)
                page = f"/v1/recommendations/{st.recs_key}"
                wrk(ctx, gw.url + page, warm, conns, cookie, f"gw-warm-{mode}-r{run}", cpus=load_cpu)
                targets = [("gateway", gw.url + page), ("bare", f"http://127.0.0.1:{bare[1]}{page}")]
                if (run + idx) % 2 == 0:
                    targets.reverse()  # alternate who goes first
                res, cpu_s = {}, {}
                pids = {"gateway": gw.proc.pid, "bare": bare[0].pid}
                for who, url in targets:
                    before = proc_cpu_s(pids[who])
                    sim_before = st.sim_stats() if who == "gateway" else None
                    res[who] = wrk(ctx, url, secs, conns, cookie, f"{who}-{mode}-r{run}", cpus=load_cpu)
                    after_cpu = proc_cpu_s(pids[who])
                    cpu_s[who] = after_cpu - before if before is not None and after_cpu is not None else None
                    if sim_before is not None:
                        # what the measured pages cost upstream (simulator counters around the gateway's wrk)
                        klevu = delta(st.sim_stats(), sim_before)
                after = procs.http("GET", gw.url + page, headers={"Cookie": cookie} if cookie else {})
                prom = save_metrics(ctx, gw, f"{mode}-r{run}")
            finally:
                gw.stop()
            g, b = res["gateway"], res["bare"]
            gl, bl = g["latency_us"], b["latency_us"]
            m = {
                "gateway_rps": g["rps"], "bare_rps": b["rps"], "rps_ratio": g["rps"] / b["rps"] if b["rps"] else None,
                "gateway_p50_ms": gl["p50"] / 1000.0, "bare_p50_ms": bl["p50"] / 1000.0,
                "delta_p50_ms": (gl["p50"] - bl["p50"]) / 1000.0,
                "gateway_p99_ms": gl["p99"] / 1000.0, "bare_p99_ms": bl["p99"] / 1000.0,
                "delta_p99_ms": (gl["p99"] - bl["p99"]) / 1000.0,
                "gateway_p999_ms": gl["p999"] / 1000.0, "gateway_max_ms": gl["max"] / 1000.0,
                "gateway_errors": sum(g["errors"].values()), "bare_errors": sum(b["errors"].values()),
                "body_bytes": len(body),
                "klevu_per_1000": per_1000(klevu, g["requests"])["total"],
                "klevu_session_per_1000": per_1000(klevu, g["requests"])["session"],
                # CPU the server's process used per answer: steal and the neighbours' load barely move it
                "gateway_cpu_us_per_req": per_req_us(cpu_s["gateway"], g["requests"]),
                "bare_cpu_us_per_req": per_req_us(cpu_s["bare"], b["requests"]),
            }
            if m["gateway_cpu_us_per_req"] and m["bare_cpu_us_per_req"]:
                m["cpu_ratio"] = m["bare_cpu_us_per_req"] / m["gateway_cpu_us_per_req"]
            out.append({"run": run, "mode": mode, "metrics": m, "series": {},
                        "info": {"wrk_gateway": g, "wrk_bare": b, "pinned": ctx.pin,
                                 "x_cache_after": after[1].get("x-cache"), "x_cache_captured": headers.get("x-cache"),
                                 "outcome_captured": headers.get("x-edge-outcome"), "prometheus": prom,
                                 "order": [t[0] for t in targets], "klevu_calls": klevu,
                                 "cache_control_captured": headers.get("cache-control"),
                                 "set_cookie_captured": "set-cookie" in headers}})
    finally:
        if bare:
            bare[0].stop()
    access_log_cost(out)
    return out


def per_req_us(cpu_s, requests):
    return cpu_s * 1e6 / requests if cpu_s is not None and requests else None


def access_log_cost(out):
    """`memory` next to `memory-nolog` in one run: 1 - (gateway/bare with access lines) / (gateway/bare without), in
    percent. Each ratio is against bare measured right beside it, which takes out most of the machine's drift."""
    by_mode = {s["mode"]: s["metrics"] for s in out}
    on, off = by_mode.get("memory"), by_mode.get("memory-nolog")
    if on and off and on.get("rps_ratio") and off.get("rps_ratio"):
        on["access_log_cost_pct"] = (1.0 - on["rps_ratio"] / off["rps_ratio"]) * 100.0
    if on and off and on.get("gateway_cpu_us_per_req") and off.get("gateway_cpu_us_per_req"):
        on["access_log_cpu_cost_pct"] = (on["gateway_cpu_us_per_req"] / off["gateway_cpu_us_per_req"] - 1.0) * 100.0


# ---------------------------------------------------------------------------------------------- browser-flow
def run_browser_flow(ctx, run, modes):
    st = ctx.stack
    o = ctx.opts
    out = []
    sdk_lat = None
    for idx, mode in enumerate(modes):
        flows = "sdk,gateway" if idx == 0 else "gateway"
        gw = st.start_gateway(mode, f"gateway-{mode}-r{run}", wait=False)
        try:
            tag = f"browser-{mode}-r{run}"
            res, out_json = gatling(ctx, "BrowserFlowSimulation", {
                "readyUrl": gw.ops_url + "/health/ready", "jitWarmupS": ctx.jit_warmup_s, "baseUrl": gw.url, "simUrl": st.sim_url, "apiKey": st.api_key, "recsKey": st.recs_key,
                "rate": o["rate"], "durationS": o["duration"], "shoppers": o["shoppers"], "flows": flows,
                "runId": new_run_id()}, tag, max_s=2 * int(o["duration"]) + 120)
            prom = save_metrics(ctx, gw, f"{mode}-r{run}")
        finally:
            gw.stop()
        marks = res["sim_marks"]
        if "sdk" in flows:
            rec = res["recorders"]["sdk"]
            pages = rec["latency"]["count"]
            calls = delta(marks.get("after_sdk"), marks.get("start"))
            sdk_lat = rec["latency"]
            out.append({"run": run, "mode": "sdk-direct", "metrics": {
                "pages": pages, "errors": sum(v for k, v in rec["status"].items() if k != "200"),
                **lat_metrics(rec["latency"]),
                "upstream_per_1000": sum(calls.values()) * 1000.0 / pages if pages else None,
                "session_per_1000": calls["session"] * 1000.0 / pages if pages else None,
                "sim_rejected": sim_rejected(marks, "after_sdk", "start"),
            }, "series": {}, "info": {"calls": calls}})
        rec = res["recorders"]["gateway"]
        pages = rec["latency"]["count"]
        calls = delta(marks.get("after_gateway"), marks.get("after_gateway_warm"))
        lat = rec["latency"]
        m = {
            "pages": pages, "errors": sum(v for k, v in rec["status"].items() if k != "200"),
            "hit_ratio": hit_ratio(rec["x_cache"]), "degraded_share": degraded_share(rec.get("outcome")),
            "sim_rejected": sim_rejected(marks, "after_gateway", "after_gateway_warm"), **lat_metrics(lat),
            "upstream_per_1000": sum(calls.values()) * 1000.0 / pages if pages else None,
            "session_per_1000": calls["session"] * 1000.0 / pages if pages else None,
        }
        if sdk_lat and lat.get("p50_ms"):
            m["speedup_p50"] = sdk_lat["p50_ms"] / lat["p50_ms"]
            m["speedup_p99"] = sdk_lat["p99_ms"] / lat["p99_ms"]
        out.append({"run": run, "mode": mode, "metrics": m, "series": {},
                    "info": {"calls": calls, "x_cache": rec["x_cache"], "outcome": rec.get("outcome"), "prometheus": prom}})
    return out


# ---------------------------------------------------------------------------------------------- l2-hit
def prom_delta(before, after, name, **labels):
    a, b = sum_metric(after, name, **labels), sum_metric(before, name, **labels)
    return None if a is None else a - (b or 0.0)


def read_prom(path):
    try:
        with open(path) as f:
            return parse_prometheus(f.read())
    except OSError:
        return {}


# what an l2-hit arm is judged by even when its latencies are not a figure
L2_HIT_SANITY = ("valid", "pairs", "xcache_mismatches", "l2_mismatches", "l1_mismatches", "errors", "upstream_calls",
                 "config_search_not_l1", "redis_gets_per_l2_hit", "client_lateness_p99_ms", "sim_rejected",
                 "machine_busy_pct", "gateway_cpu_ms_per_page", "gateway_cpu_pct")


# an L1 hit is a page from memory (about 0.5 ms at p50 on loopback): a p50 over this is requests queueing behind
# a gateway or client that fell behind the offered rate, and both sides' figures are that queue, not a lookup
L1_P50_QUEUEING_MS = 10.0


def l2_hit_invalid(m, l1_p50_ms=None):
    """Why an arm's latencies are not an L2-vs-L1 figure (None when they are): an upstream call during the
    measurement or an X-Cache other than planned means some requests were misses or the wrong tier; an L1 p50
    over L1_P50_QUEUEING_MS means the arm measured a queue."""
    why = []
    if m.get("upstream_calls"):
        why.append(f"{m['upstream_calls']} upstream calls during the measurement")
    if m.get("xcache_mismatches"):
        why.append(f"{m['xcache_mismatches']} X-Cache mismatches")
    if l1_p50_ms is not None and l1_p50_ms > L1_P50_QUEUEING_MS:
        why.append(f"L1 hit p50 {l1_p50_ms:.1f} ms: fell behind the offered rate")
    return "; ".join(why) or None


def run_l2_hit(ctx, run, mode):
    """Gateways A and B on one Redis. Every shopper loaded once through A; then on B, at a fixed open-loop rate,
    each shopper's first request (segments in Redis only: L2 hit) interleaved with another shopper's second
    request (segments in B's memory: L1 hit). See L2HitClient."""
    if mode not in ("redis", "redis-cluster"):
        raise RuntimeError("l2-hit compares Redis (L2) hits with in-memory (L1) hits: it needs --modes redis"
                           " and/or redis-cluster")
    if ctx.stack.standin:
        raise RuntimeError("l2-hit has no stand-in (the StandIn has no Redis tier)")
    st, o = ctx.stack, ctx.opts
    gw_a = st.start_gateway(mode, f"gateway-a-{mode}-r{run}", wait=False)
    # B holds what it loaded into its memory for the whole run (default EDGE_L1_MAX_TTL_MS = 10 s would make it
    # re-read the page's config and search from Redis mid-measurement: those requests would be L2 hits of config,
    # and the L1 side would not be L1 hits only)
    gw_b = st.start_gateway(mode, f"gateway-b-{mode}-r{run}", extra_env={"EDGE_L1_MAX_TTL_MS": "600000"}, wait=False)
    sampler = None
    try:
        for gw in (gw_a, gw_b):
            procs.wait_http(gw.ops_url + "/health/ready", gw.proc, timeout=90)
        jit_warmup(ctx, gw_b)
        sampler = Sampler(st, gw_b)
        sampler.start()
        tag = f"l2hit-{mode}-r{run}"  # one per arm: both arms of a run share the artifacts directory
        out = os.path.join(ctx.artifacts, f"{tag}.json")
        n, warm, rate = int(o["shoppers"]), int(o["warm"]), float(o["rate"])
        budget = 90 + int(n * 2 / rate + warm * 2 / float(o["warm_rate"])) * 2
        rc, text = procs.run(["java", "-Xmx512m", "-cp", ctx.paths.lt_jar, "dev.edgegateway.loadtest.L2HitClient",
                              "--a-port", str(gw_a.port), "--b-port", str(gw_b.port), "--b-ops", gw_b.ops_url,
                              "--sim", st.sim_url, "--path", f"/v1/recommendations/{st.recs_key}",
                              "--shoppers", str(n), "--warm", str(warm), "--rate", str(rate),
                              "--warm-rate", str(o["warm_rate"]),
                              "--lag-ms", str(o["lag_ms"]), "--run-id", new_run_id(), "--out", out],
                             timeout=budget, log_path=st.log(tag), name="l2hit-client")
        cpu_samples = sampler.stop()
        sampler = None
        prom = save_metrics(ctx, gw_b, f"b-{mode}-r{run}")
    finally:
        if sampler:
            sampler.stop()
        gw_a.stop()
        gw_b.stop()
    if not os.path.exists(out):
        raise RuntimeError(f"L2HitClient wrote no result (rc={rc}): {text[-1500:]}")
    with open(out) as f:
        res = json.load(f)
    recs, sides = res["recorders"], res.get("sides", {})
    l2, l1 = recs["l2"], recs["l1"]
    l2l, l1l = l2["latency"], l1["latency"]
    before, after = read_prom(out[:-5] + ".b-start.prom"), read_prom(out[:-5] + ".b-end.prom")
    calls = delta(res.get("sim_end"), res.get("sim_start"))

    def lookups(cache, status):
        return prom_delta(before, after, "edge_cache_lookups_total", cache=cache, status=status)

    def mismatches(rec, want):
        return sum(v for k, v in rec["x_cache"].items() if k != want)

    def errors(rec):
        return sum(v for k, v in rec["status"].items() if k != "200")

    redis_gets = prom_delta(before, after, "edge_redis_commands_total", command="get")
    sv = {k: sides.get(k, {}) for k in ("l2", "l1")}
    m = {
        "pairs": l2l["count"],
        "l2_p50_ms": l2l["p50_ms"], "l1_p50_ms": l1l["p50_ms"],
        "delta_p50_ms": l2l["p50_ms"] - l1l["p50_ms"],
        "ratio_p50": l2l["p50_ms"] / l1l["p50_ms"] if l1l["p50_ms"] else None,
        "l2_p90_ms": l2l["p90_ms"], "l1_p90_ms": l1l["p90_ms"], "delta_p90_ms": l2l["p90_ms"] - l1l["p90_ms"],
        "l2_p99_ms": l2l["p99_ms"], "l1_p99_ms": l1l["p99_ms"], "delta_p99_ms": l2l["p99_ms"] - l1l["p99_ms"],
        "l2_max_ms": l2l["max_ms"], "l1_max_ms": l1l["max_ms"],
        # B's own view (Server-Timing total, i.e. without the client and the loopback)
        "server_l2_p50_ms": (sv["l2"].get("server_total") or {}).get("p50_ms"),
        "server_l1_p50_ms": (sv["l1"].get("server_total") or {}).get("p50_ms"),
        "server_delta_p50_ms": None,
        "server_segments_l2_p50_ms": (sv["l2"].get("server_segments") or {}).get("p50_ms"),
        "server_segments_l1_p50_ms": (sv["l1"].get("server_segments") or {}).get("p50_ms"),
        "l2_mismatches": mismatches(l2, "HIT-L2"), "l1_mismatches": mismatches(l1, "HIT-L1"),
        "xcache_mismatches": mismatches(l2, "HIT-L2") + mismatches(l1, "HIT-L1"),
        "errors": errors(l2) + errors(l1),
        "degraded_share": degraded_share({k: l2.get("outcome", {}).get(k, 0) + l1.get("outcome", {}).get(k, 0)
                                          for k in set(l2.get("outcome", {})) | set(l1.get("outcome", {}))}),
        # every first request on B in the window (measured ones and the unrecorded tail) is a segments L2 hit
        "redis_gets_per_l2_hit": (redis_gets / lookups("segments", "hit-l2")
                                  if redis_gets is not None and lookups("segments", "hit-l2") else None),
        "config_search_not_l1": sum(v or 0 for v in (lookups("config", "hit-l2"), lookups("search", "hit-l2"),
                                                          lookups("config", "miss"), lookups("search", "miss"))),
        "upstream_calls": sum(calls.values()),
        "client_lateness_p99_ms": (res.get("lateness") or {}).get("p99_ms"),
        "sim_rejected": (res.get("sim_end") or {}).get("rejected", 0) - (res.get("sim_start") or {}).get("rejected", 0),
        **cpu_window(cpu_samples, (res.get("measure_start_ms") or 0) / 1000.0, (res.get("measure_end_ms") or 0) / 1000.0,
                     2 * l2l["count"]),
    }
    if m["server_l2_p50_ms"] is not None and m["server_l1_p50_ms"] is not None:
        m["server_delta_p50_ms"] = m["server_l2_p50_ms"] - m["server_l1_p50_ms"]
    invalid = l2_hit_invalid(m, l1l["p50_ms"])
    m["valid"] = 0 if invalid else 1
    if invalid:
        # not an L2-vs-L1 figure: the requests were not the lookups planned; the latencies stay in info only
        withheld = {k: m.pop(k) for k in list(m) if k not in L2_HIT_SANITY}
    else:
        withheld = {}
    # percentile curves of both sides for the plot (from the raw samples)
    pts = (50, 75, 90, 95, 99, 99.5, 99.9)
    curves = []
    raws = {k: sorted(us for _, us, _, _ in read_raw(raw_path(out, k))) for k in ("l2", "l1")}
    for p in pts:
        a, b = percentile(raws["l2"], p), percentile(raws["l1"], p)
        curves.append([p, a / 1000.0 if a is not None else None, b / 1000.0 if b is not None else None])
    return [{"run": run, "mode": mode, "metrics": m, "series": {"percentiles": [] if invalid else curves},
             "info": {"invalid": invalid, "withheld_metrics": withheld,
                      "x_cache": {"l2": l2["x_cache"], "l1": l1["x_cache"]}, "status": {"l2": l2["status"], "l1": l1["status"]},
                      "outcome": {"l2": l2.get("outcome"), "l1": l1.get("outcome")}, "calls": calls,
                      "prep": res.get("prep"), "params": res.get("params"), "sides": sides,
                      "interleaved_pairs": res.get("interleaved_pairs"), "l2_first": res.get("l2_first"),
                      "lookups": {f"{c}:{s}": lookups(c, s) for c in ("segments", "config", "search")
                                  for s in ("hit-l1", "hit-l2", "miss", "stale")},
                      "redis_gets": redis_gets, "lateness": res.get("lateness"), "prometheus": prom}}]


# ---------------------------------------------------------------------------------------------- redis-down
PHASES = ("up", "killed", "restarted", "hung", "resumed")


def redis_command_timeout_ms(ctx, gw):
    """The gateway's effective Redis command timeout: from its start-up log line, else the `settings` default."""
    try:
        with open(gw.proc.log_path, errors="replace") as f:
            found = re.findall(r"commandTimeoutMs=(\d+)", f.read())
        if found:
            return int(found[-1])
    except OSError:
        pass
    if gw.env.get("EDGE_REDIS_COMMAND_TIMEOUT_MS"):
        return int(gw.env["EDGE_REDIS_COMMAND_TIMEOUT_MS"])
    text = subprocess.run(["java", "-jar", ctx.paths.gw_jar, "settings"], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"`EDGE_REDIS_COMMAND_TIMEOUT_MS`[^\n]*?\| `(\d+)`", text)
    return int(m.group(1)) if m else None


class RedisUpPoller(threading.Thread):
    """Every 0.25 s: the gateway's edge_redis_up gauge, its Redis command counters by result, and the simulator's
    call counters."""

    def __init__(self, gw, stack):
        super().__init__(daemon=True)
        self.gw = gw
        self.stack = stack
        self.samples = []
        self._stop_evt = threading.Event()

    def run(self):
        while not self._stop_evt.wait(0.25):
            try:
                s = parse_prometheus(self.gw.scrape())
            except Exception:
                continue
            up = sum_metric(s, "edge_redis_up")
            if up is None:
                continue
            try:
                sim = self.stack.sim_stats()
            except Exception:
                sim = None
            self.samples.append({"t": time.time(), "up": up, "sim": sim,
                                 **{r: sum_metric(s, "edge_redis_commands_total", result=r) or 0.0
                                    for r in ("ok", "error", "timeout", "down")}})

    def stop(self):
        self._stop_evt.set()
        self.join(timeout=3)
        return self.samples


def wait_for_line(proc, prefix, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(proc.log_path, errors="replace") as f:
                for line in f:
                    if line.startswith(prefix):
                        return line.split()[1]
        except OSError:
            pass
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited before printing {prefix}; see {proc.log_path}")
        time.sleep(0.05)
    raise RuntimeError(f"{proc.name} printed no {prefix} within {timeout} s")


def bring_back_redis(st):
    st.resume_redis()
    if st.redis is None or not st.redis.alive():
        st.restart_redis()  # the next run (or scenario) finds its Redis


def run_redis_down(ctx, run, mode):
    """A steady open-loop Zipf load on one gateway while its private Redis is killed, restarted, hung (SIGSTOP)
    and resumed (SIGCONT); every request is put in the phase its start falls in."""
    if mode != "redis":
        raise RuntimeError("redis-down breaks the gateway's Redis: it needs --modes redis")
    if ctx.stack.standin:
        raise RuntimeError("redis-down has no stand-in (the StandIn has no Redis tier)")
    st, o = ctx.stack, ctx.opts
    st._private_redis()  # refuse before starting anything when there is no private redis-server
    phase_s = float(o["duration"])
    actions = {}
    with Teardown() as td:
        gw = td.add(st.start_gateway(mode, f"gateway-{mode}-r{run}"))
        td.on_exit(lambda: bring_back_redis(st))
        timeout_ms = redis_command_timeout_ms(ctx, gw)
        jit_warmup(ctx, gw)
        tag = f"redisdown-r{run}"
        client, out = st.steady_load(tag, gw.port, o, phase_s * len(PHASES))
        td.add(client)
        poller = td.add(RedisUpPoller(gw, st))
        poller.start()
        start = int(wait_for_line(client, "LOAD_START", 120)) / 1000.0
        before = st.sim_stats()

        def at(k):
            procs_sleep_until(start + k * phase_s)
            return time.time()

        actions["killed"] = at(1)
        st.kill_redis()
        actions["restarted"] = at(2)
        if not st.restart_redis():
            raise RuntimeError("the private redis-server did not come back on its port")
        actions["hung"] = at(3)
        st.pause_redis()
        actions["resumed"] = at(4)
        st.resume_redis()
        client.popen.wait(timeout=phase_s * 2 + 30)
        after = st.sim_stats()
        ups = td.done(poller)
        prom = save_metrics(ctx, gw, f"{mode}-r{run}")
    res = st.steady_result(tag, out)
    upstream = sum(st.latencies[k] for k in ("visitor", "config", "search"))
    target = (timeout_ms or 0) + upstream
    warm_rows = read_raw_full(raw_path(out, "warmup"))
    warm_start = (res.get("warm_start_ms") or start * 1000) / 1000.0
    # phase "warmup": the same load before LOAD_START (shown, not judged against the target)
    bounds = [("warmup", warm_start), ("up", start)] + [(p, actions[p]) for p in PHASES[1:]]
    ends = [b[1] for b in bounds[1:]] + [float("inf")]
    rows = warm_rows + read_raw_full(raw_path(out, "gateway"))
    calls = delta(after, before)
    samples = []
    t_first_ok_after = {}
    for (phase, t0), t1 in zip(bounds, ends):
        inside = [r for r in rows if t0 * 1000 <= r[0] < t1 * 1000]
        lat = latency_summary_ms([r[1] for r in inside])
        xc, oc, stt = {}, {}, {}
        for _, _, status, x, out_c in inside:
            xc[x] = xc.get(x, 0) + 1
            oc[out_c] = oc.get(out_c, 0) + 1
            stt[str(status)] = stt.get(str(status), 0) + 1
        ph_ups = [u for u in ups if t0 <= u["t"] < t1]
        flip = None
        want = {"killed": 0, "hung": 0, "restarted": 1, "resumed": 1}.get(phase)
        if want is not None:
            hit = next((u for u in ph_ups if u["up"] == want), None)
            flip = (hit["t"] - t0) if hit else None
        first, last = (ph_ups[0], ph_ups[-1]) if ph_ups else (None, None)
        # upstream calls between the polls nearest the phase's bounds (0.25 s apart)
        ph_calls = delta(last["sim"], first["sim"]) if first and first.get("sim") and last.get("sim") else None
        pages = lat.get("count", 0)
        m = {
            "requests": lat.get("count", 0), **{k: lat.get(k) for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms")},
            "target_ms": target, "p99_over_target": (lat["p99_ms"] / target) if lat.get("p99_ms") and target else None,
            "http_5xx": sum(v for k, v in stt.items() if k.isdigit() and int(k) >= 500),
            "errors": sum(v for k, v in stt.items() if k != "200"),
            "degraded_share": degraded_share(oc), "hit_ratio": hit_ratio(xc),
            "miss_share": (xc.get("MISS", 0) / sum(xc.values())) if xc else None,
            "redis_up_min": min((u["up"] for u in ph_ups), default=None),
            "redis_up_end": last["up"] if last else None,
            "redis_flip_s": flip,
            "redis_timeouts": (last["timeout"] - first["timeout"]) if first else None,
            "redis_command_timeout_ms": timeout_ms, "upstream_chain_ms": upstream,
            "session_per_1000": ph_calls["session"] * 1000.0 / pages if ph_calls and pages else None,
            "upstream_per_1000": sum(ph_calls.values()) * 1000.0 / pages if ph_calls and pages else None,
        }
        samples.append({"run": run, "mode": phase, "metrics": m, "series": {},
                        "info": {"x_cache": xc, "outcome": oc, "status": stt, "phase_start": t0,
                                 "phase_end": None if t1 == float("inf") else t1}})
    # recovered: edge_redis_up went to 0 after the kill and after the hang, and was 1 again at the end of each
    # recovery phase
    by = {s["mode"]: s["metrics"] for s in samples}
    recovered = (all(by[p]["redis_up_min"] == 0 for p in ("killed", "hung"))
                 and all(by[p]["redis_up_end"] == 1 for p in ("restarted", "resumed")))
    by_mode = {s["mode"]: s for s in samples}
    by_mode["resumed"]["metrics"]["recovered"] = 1 if recovered else 0
    # per-second series of the whole run for the plot: [second, p50, p99, max, edge_redis_up at that second]
    by_sec, up_sec = {}, {}
    for r in rows:  # seconds from LOAD_START (the warm-up is at negative seconds)
        by_sec.setdefault(math.floor(r[0] / 1000.0 - start), []).append(r[1])
    for u in ups:
        up_sec.setdefault(math.floor(u["t"] - start), []).append(u["up"])
    per_s = []
    for sec in sorted(by_sec):
        lats = sorted(by_sec[sec])
        u = up_sec.get(sec)
        per_s.append([sec, percentile(lats, 50) / 1000.0, percentile(lats, 99) / 1000.0, lats[-1] / 1000.0,
                      min(u) if u else None])
    samples[0]["series"] = {"per_second": per_s, "phase_starts": [round(t - start, 3) for _, t in bounds],
                            "phases": [p for p, _ in bounds], "target_ms": target}
    samples[0]["info"].update({"calls": calls, "prometheus": prom, "client": {k: res.get(k) for k in (
        "params", "new_shoppers", "lateness", "in_flight_at_end", "preload_result")}, "redis_up_samples": len(ups)})
    return samples


def procs_sleep_until(t):
    while True:
        left = t - time.time()
        if left <= 0:
            return
        time.sleep(min(left, 0.05))


# ---------------------------------------------------------------------------------------------- startup
STARTUP_ENV = {"unwarmed": {"EDGE_WARMUP_PAGES": "0"}, "warmed": {}}  # warmed: the gateway's default warm-up


def run_startup(ctx, run, modes):
    """A fresh gateway (in-memory cache) with and without its warm-up, in turn (the order alternates per run): the
    time from starting the JVM to ready, then cold pages one at a time on one keep-alive connection, each a new
    shopper on a new recsKey and product. The simulator stays up and is warmed before run 1."""
    st, o = ctx.stack, ctx.opts
    if run == 1 and int(o["sim_warm"]) > 0:
        gw = st.start_gateway("memory", "gateway-sim-warm", extra_env=STARTUP_ENV["unwarmed"])
        try:
            warm = int(o["sim_warm"])
            procs.run(["java", "-Xmx512m", "-cp", ctx.paths.lt_jar, "dev.edgegateway.loadtest.ColdClient",
                       "--gateway-port", str(gw.port), "--sim", st.sim_url, "--api-key", st.api_key,
                       "--pairs", "1", "--warm", str(warm), "--warm-max", str(warm), "--rate", "100",
                       "--warm-rate", "600", "--jit-quiet-ms", "100000", "--run-id", new_run_id(),
                       "--out", os.path.join(ctx.artifacts, "sim-warm.json")],
                      timeout=90 + warm // 100, log_path=st.log("startup-sim-warm"), name="cold-client")
        finally:
            gw.stop()
    order = modes if run % 2 == 1 else list(reversed(modes))
    shoppers = Shoppers(new_run_id(), company="StrtUp")
    out = []
    for mode in order:
        t0 = time.time()
        gw = st.start_gateway("memory", f"gateway-{mode}-r{run}", extra_env=STARTUP_ENV[mode])
        ready_s = time.time() - t0
        try:
            times, errors = [], 0
            conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=30)
            try:
                for i in range(int(o["pages"])):
                    key = f"{mode}-r{run}-{i}"
                    started = time.perf_counter()
                    conn.request("GET", f"/v1/recommendations/{st.recs_key}-start-{key}?pid=p-{key}",
                                 headers={"Cookie": shoppers.cookie(f"{mode}-{run}-{i}")})
                    resp = conn.getresponse()
                    resp.read()
                    times.append((time.perf_counter() - started) * 1000.0)
                    errors += resp.status != 200
            finally:
                conn.close()
            rounds = save_metrics(ctx, gw, f"{mode}-r{run}").get("warmup_rounds", 0)
        finally:
            gw.stop()
        first10 = sorted(times[:10])
        rest = sorted(times[10:])
        out.append({"run": run, "mode": mode, "metrics": {
            "ready_s": ready_s, "first_ms": times[0], "first10_p50_ms": percentile(first10, 50),
            "rest_p50_ms": percentile(rest, 50) if rest else None, "max_ms": max(times), "total_ms": sum(times),
            "errors": errors, "warmup_rounds": rounds,
        }, "series": {"pages": [[i + 1, t] for i, t in enumerate(times)]}, "info": {"order": order}})
    base = next((x["metrics"] for x in out if x["mode"] == "unwarmed"), None)
    for x in out:
        if base and x["mode"] != "unwarmed":
            m = x["metrics"]
            m["first_vs_cold_start"] = m["first_ms"] / base["first_ms"]
            m["total_vs_cold_start"] = m["total_ms"] / base["total_ms"]
    return out


from .sentinel import run_sentinel  # noqa: E402  (uses the helpers above)

PER_MODE = {"burst": run_burst, "cold": run_cold, "shoppers": run_shoppers, "ttl-expiry": run_ttl_expiry, "l2-hit": run_l2_hit,
            "redis-down": run_redis_down, "sentinel": run_sentinel, "faults": run_faults, "rolling": run_rolling,
            "crash": run_crash}
PER_RUN = {"ceiling": run_ceiling, "browser-flow": run_browser_flow, "startup": run_startup, "cdn": run_cdn,
           "hostile": run_hostile}
