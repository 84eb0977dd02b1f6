"""The `faults` scenario: one gateway under a steady open-loop Zipf load (identified and anonymous shoppers, several
banners and products, events and identifies), and for each upstream (visitor, config, search, stats, klaviyo) x
fault (refuse, hang, error, slow, throttle, malformed, wrongshape) a phase set through the simulator's run-time fault
control (`PUT /__sim/config`), then a recovery phase with the fault lifted. Every request belongs to the phase its
intended start falls in; the gateway's breakers (`edge_upstream_circuit_open{upstream}`) and the simulator's
counters are polled every 0.25 s."""
import math
import os
import threading
import time

from .stack import Teardown, delta
from .stats import latency_summary_ms, parse_prometheus, percentile, read_raw_full, sum_metric

UPSTREAMS = ("visitor", "config", "search", "stats", "klaviyo")
# fault -> the simulator settings of its phase (slow: 2 s, beyond the 1.5 s request deadline)
FAULTS = {
    "refuse": {"fault": "refuse"},
    "hang": {"fault": "hang"},
    "error": {"fault": "error"},
    "slow": {"fault": "slow", "slowMs": 2000},
    "throttle": {"fault": "throttle", "retryAfterSeconds": 1},
    "malformed": {"fault": "malformed"},
    "wrongshape": {"fault": "wrongshape"},
}
# the simulator counter of each upstream's calls
COUNTER = {"visitor": "session", "config": "config", "search": "search", "stats": "collect", "klaviyo": "profiles"}
RUNGS = ("segments", "personalisation", "recs")
TOKEN_SECRET = "loadtest-customer-token-secret-not-a-secret-0123456789"


class Poller(threading.Thread):
    """Every 0.25 s: each upstream's breaker gauge on the gateway's ops /metrics, and the simulator's counters."""

    def __init__(self, gw, stack):
        super().__init__(daemon=True)
        self.gw, self.stack, self.samples = gw, stack, []
        self._stop_evt = threading.Event()

    def run(self):
        while not self._stop_evt.wait(0.25):
            try:
                s = parse_prometheus(self.gw.scrape())
                sim = self.stack.sim_stats()
            except Exception:
                continue
            self.samples.append({"t": time.time(), "sim": sim, "open": {
                u: sum_metric(s, "edge_upstream_circuit_open", upstream=u) or 0.0 for u in UPSTREAMS},
                "outbox": sum_metric(s, "edge_outbox_depth") or 0.0})

    def stop(self):
        self._stop_evt.set()
        self.join(timeout=3)
        return self.samples


def phase_plan(o):
    """[(name, upstream, fault)]: a baseline, then fault and recovery phases for every upstream x fault."""
    plan = [("baseline", None, None)]
    # LT_FAULTS_UPSTREAMS / LT_FAULTS_FAULTS (comma-separated) narrow a trial; the recorded command shows them
    ups = [u for u in UPSTREAMS if u in (os.environ.get("LT_FAULTS_UPSTREAMS") or ",".join(UPSTREAMS)).split(",")]
    fs = [f for f in FAULTS if f in (os.environ.get("LT_FAULTS_FAULTS") or ",".join(FAULTS)).split(",")]
    for u in ups:
        for f in fs:
            plan.append((f"{u}:{f}", u, f))
            plan.append((f"{u}:{f}:recovery", u, None))
    return plan


def gateway_env(o):
    """Short breaker timings so that 35 phases fit one run (said in the report), and short config/search TTLs so
    that their refreshes fall inside a 3 s phase (a 300 s config TTL would hide a config fault altogether)."""
    return {"EDGE_BREAKER_RESET_MS": str(o["breaker_reset_ms"]), "EDGE_BREAKER_WINDOW_MS": str(o["breaker_window_ms"]),
            "EDGE_CONFIG_TTL_S": str(o["cache_ttl_s"]), "EDGE_SEARCH_TTL_S": str(o["cache_ttl_s"]),
            "EDGE_CUSTOMER_TOKEN_SECRET": TOKEN_SECRET, "EDGE_KLAVIYO_LOOKUP": "true"}


def run_faults(ctx, run, mode):
    st, o = ctx.stack, ctx.opts
    if st.standin:
        raise RuntimeError("faults has no stand-in (the StandIn has no breakers)")
    plan = phase_plan(o)
    fault_s, rec_s, base_s = float(o["fault_s"]), float(o["recovery_s"]), float(o["baseline_s"])
    lengths = [base_s] + [fault_s if f else rec_s for _, _, f in plan[1:]]
    total = sum(lengths)
    st.configure_sim()
    lifted = {}
    starts = []
    with Teardown() as td:
        gw = td.add(st.start_gateway(mode, f"gateway-{mode}-r{run}", extra_env=gateway_env(o)))
        td.on_exit(st.configure_sim)
        tag = f"faults-r{run}"
        keys = ",".join(f"k-faults-{i}" for i in range(int(o["recs_keys"])))
        client, out = st.steady_load(
            tag, gw.port, o, total,
            "--anon-share", str(o["anon_share"]), "--recs-keys", keys, "--pids", str(o["pids"]),
            "--events-every", str(o["events_every"]), "--identify-every", str(o["identify_every"]),
            "--token-secret", TOKEN_SECRET, "--rungs", "true", "--timeout-ms", "10000")
        td.add(client)
        poller = td.add(Poller(gw, st))
        poller.start()
        from .scenarios import wait_for_line, procs_sleep_until
        start = int(wait_for_line(client, "LOAD_START", 180)) / 1000.0
        t = start
        for (name, u, f), length in zip(plan, lengths):
            procs_sleep_until(t)
            starts.append(time.time())
            if u and f:
                st.configure_sim(overrides={u: {"latencyMs": st.latencies[u], **FAULTS[f]}})
            elif u:
                st.configure_sim()
                lifted[name] = time.time()
            t += length
        client.popen.wait(timeout=total + 60)
        samples_poll = td.done(poller)
        from .scenarios import save_metrics
        prom = save_metrics(ctx, gw, f"{mode}-r{run}")
    res = st.steady_result(tag, out)
    from .scenarios import raw_path
    pages = read_raw_full(raw_path(out, "gateway"))
    posts = read_raw_full(raw_path(out, "posts"))
    return phase_samples(run, o, plan, starts, lifted, pages, posts, samples_poll, res, prom, start)


# the rungs of the page a failing upstream shows up on (stats and klaviyo are off the page path)
UPSTREAM_RUNGS = {"visitor": ("segments",), "config": ("personalisation", "recs"),
                  "search": ("personalisation", "recs"), "stats": (), "klaviyo": ()}


def recover_s(u, lift, end, polls, pages, posts, base_share):
    """Seconds from lifting the fault until the upstream's breaker is closed for good and, in every 0.5 s window
    after, the pages degraded on this upstream's rungs (of those answered before the phase ends) are no more than
    twice the baseline's share (at least 5 %) and nothing answered 5xx or not at all. A phase that ends before that counts as its whole length."""
    closed_at = None
    for p in polls:
        if not p["open"].get(u):
            closed_at = closed_at or p["t"]
        else:
            closed_at = None
    if polls and closed_at is None:
        return end - lift
    rungs = UPSTREAM_RUNGS[u]
    limit = max(0.05, 2 * sum(base_share.get(r, 0.0) for r in rungs))
    last_bad = lift
    k = 0
    while lift + k * 0.5 < end:
        w0, w1 = (lift + k * 0.5) * 1000, (lift + (k + 1) * 0.5) * 1000
        pw = [r for r in pages if w0 <= r[0] < w1]
        sw = [r for r in posts if w0 <= r[0] < w1]
        # a page still in flight when the next phase sets its fault (its last ~0.1 s) measures that fault, not this
        # recovery: its share is judged on the pages answered within the phase (5xx and no answer on all of them)
        judged = [r for r in pw if r[0] + r[1] / 1000.0 < end * 1000]
        on_rung = sum(1 for r in judged if r[4].startswith("degraded")
                      and set(r[4].split(":", 1)[-1].split("+")) & set(rungs))
        broken = sum(1 for r in pw + sw if r[2] == 0 or r[2] >= 500)
        if broken or (judged and on_rung / len(judged) > limit):
            last_bad = min(end, w1 / 1000.0)
        k += 1
    return max(0.0, max(closed_at or lift, last_bad) - lift)


def _window(rows, t0, t1):
    return [r for r in rows if t0 * 1000 <= r[0] < t1 * 1000]


def phase_samples(run, o, plan, starts, lifted, pages, posts, polls, res, prom, start):
    reset_s = o["breaker_reset_ms"] / 1000.0
    deadline_ms = o["deadline_ms"]
    ends = starts[1:] + [float("inf")]
    samples = []
    base_share = {}
    for (name, u, f), t0, t1 in zip(plan, starts, ends):
        pg, ps = _window(pages, t0, t1), _window(posts, t0, t1)
        lat = latency_summary_ms([r[1] for r in pg])
        n = len(pg)
        oc = {}
        for r in pg:
            oc[r[4]] = oc.get(r[4], 0) + 1
        every = pg + ps
        ph = [p for p in polls if t0 <= p["t"] < t1]
        first, last = (ph[0], ph[-1]) if ph else (None, None)
        calls = delta(last["sim"], first["sim"]) if first else None
        m = {"pages": n, "posts": len(ps), **{k: lat.get(k) for k in ("p50_ms", "p99_ms", "max_ms")},
             "target_p99_ms": deadline_ms + 50,
             "http_5xx": sum(1 for r in every if r[2] >= 500), "failed": sum(1 for r in every if r[2] == 0),
             "degraded_share": (sum(v for k, v in oc.items() if k.startswith("degraded")) / n) if n else None}
        for rung in RUNGS:
            m[f"deg_{rung}"] = (sum(v for k, v in oc.items() if k.startswith("degraded") and rung in k.split(":", 1)[-1].split("+")) / n) if n else None
        span = (last["t"] - first["t"]) if first else 0
        if calls is not None and n:
            m["upstream_per_1000"] = sum(calls.values()) * 1000.0 / n
        if u and calls is not None and n:
            c = COUNTER[u]
            m["faulted_calls"] = (last["sim"].get(c, 0) - first["sim"].get(c, 0))
            m["faulted_per_1000"] = m["faulted_calls"] * 1000.0 / n
        if u:
            opened = [p for p in ph if p["open"].get(u)]
            m["breaker_opened"] = 1 if opened else 0
            # calls that reached the upstream between two polls that both saw its breaker open, against the trial
            # calls a breaker may let through (one per reset period of open time, plus one)
            open_calls, open_s = 0, 0.0
            for a, b in zip(ph, ph[1:]):
                if a["open"].get(u) and b["open"].get(u):
                    open_calls += b["sim"].get(COUNTER[u], 0) - a["sim"].get(COUNTER[u], 0)
                    open_s += b["t"] - a["t"]
            m["calls_while_open"] = open_calls
            m["trials_allowed"] = (math.floor(open_s / reset_s) + 1) if open_s else 0
            m["calls_beyond_trials"] = max(0, open_calls - m["trials_allowed"])
            m["breaker_open_end"] = last["open"].get(u) if last else None
        if u and f is None:
            m["recover_s"] = recover_s(u, lifted.get(name, t0), t1 if t1 != float("inf") else t0 + o["recovery_s"],
                                       ph, pg, ps, base_share)
            m["recover_target_s"] = reset_s + 1
        if name == "baseline":
            base_share = {k: m.get(f"deg_{k}") or 0.0 for k in RUNGS}
        trace = [[round(p["t"] - t0, 2), p["open"].get(u), p["sim"].get(COUNTER[u], 0)] for p in ph] if u else None
        samples.append({"run": run, "mode": name, "metrics": m, "series": {},
                        "info": {"outcome": oc, "calls": calls, "phase_start": t0, "span_s": span,
                                 "breaker_trace": trace}})
    # per-second series for the plot: [second from LOAD_START, p50, p99, degraded share]
    by_sec = {}
    for r in pages:
        by_sec.setdefault(math.floor(r[0] / 1000.0 - start), []).append(r)
    per_s = []
    for sec in sorted(by_sec):
        rows = by_sec[sec]
        lats = sorted(r[1] for r in rows)
        per_s.append([sec, percentile(lats, 50) / 1000.0, percentile(lats, 99) / 1000.0,
                      sum(1 for r in rows if r[4] != "ok") / len(rows)])
    samples[0]["series"] = {"per_second": per_s, "phase_starts": [round(t - start, 3) for t in starts],
                            "phases": [p[0] for p in plan], "target_ms": deadline_ms + 50}
    samples[0]["info"].update({"prometheus": prom, "client": {k: res.get(k) for k in (
        "params", "new_shoppers", "lateness", "in_flight_at_end", "preload_result")}})
    return samples
