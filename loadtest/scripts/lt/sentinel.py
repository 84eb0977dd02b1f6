"""`sentinel`: a steady open-loop load on a gateway configured for Redis Sentinel while the primary is SIGKILLed."""
import math
import threading
import time

from .redisha import Sentinels
from .stack import Teardown, delta
from .stats import (degraded_share, hit_ratio, latency_summary_ms, parse_prometheus, percentile, read_raw_full,
                    sum_metric)

PHASES = ("up", "failover")


class FailoverPoller(threading.Thread):
    """Every 0.1 s: the master the sentinels name, GET calls on the replica (clients' reads only: GETs are not
    replicated), and the gateway's edge_redis_up."""

    def __init__(self, sentinels, gw):
        super().__init__(daemon=True)
        self.s, self.gw = sentinels, gw
        self.samples = []
        self._stop_evt = threading.Event()

    def run(self):
        while not self._stop_evt.wait(0.1):
            row = {"t": time.time()}
            try:
                row["master"] = self.s.master_port()
                row["replica_gets"] = self.s.get_calls(self.s.replica_port)
            except Exception:
                pass
            try:
                row["up"] = sum_metric(parse_prometheus(self.gw.scrape()), "edge_redis_up")
            except Exception:
                pass
            self.samples.append(row)

    def stop(self):
        self._stop_evt.set()
        self.join(timeout=3)
        return self.samples


def stop_sentinels(st):
    st.sentinels.stop()
    st.sentinels = None


def run_sentinel(ctx, run, mode):
    from .scenarios import jit_warmup, procs_sleep_until, raw_path, redis_command_timeout_ms, save_metrics, wait_for_line
    if mode != "redis-sentinel":
        raise RuntimeError("sentinel needs --modes redis-sentinel")
    if ctx.stack.standin:
        raise RuntimeError("sentinel has no stand-in (the StandIn has no Redis tier)")
    st, o = ctx.stack, ctx.opts
    phase_s = float(o["duration"])
    st.sentinels = Sentinels(st)
    st_replica_port = st.sentinels.replica_port
    with Teardown() as td:
        td.on_exit(lambda: stop_sentinels(st))
        gw = td.add(st.start_gateway(mode, f"gateway-{mode}-r{run}"))
        timeout_ms = redis_command_timeout_ms(ctx, gw)
        jit_warmup(ctx, gw)
        tag = f"sentinel-r{run}"
        client, out = st.steady_load(tag, gw.port, o, phase_s * 3)
        td.add(client)
        poller = td.add(FailoverPoller(st.sentinels, gw))
        poller.start()
        start = int(wait_for_line(client, "LOAD_START", 120)) / 1000.0
        before = st.sim_stats()
        procs_sleep_until(start + phase_s)
        killed_at = time.time()
        st.sentinels.kill_primary()
        client.popen.wait(timeout=phase_s * 3 + 30)
        after = st.sim_stats()
        polls = td.done(poller)
        prom = save_metrics(ctx, gw, f"{mode}-r{run}")
    res = st.steady_result(tag, out)
    after_kill = [p for p in polls if p["t"] >= killed_at]
    new_port = st_replica_port
    switch = next((p["t"] for p in after_kill if p.get("master") == new_port), None)
    gets_at_kill = next((p.get("replica_gets") for p in reversed(polls) if p["t"] < killed_at
                         and p.get("replica_gets") is not None), 0)
    used = next((p["t"] for p in after_kill if (p.get("replica_gets") or 0) > gets_at_kill + 5), None)
    up_again = next((p["t"] for p in after_kill if p.get("up") == 1 and switch and p["t"] >= switch), None)
    upstream = sum(st.latencies[k] for k in ("visitor", "config", "search"))
    target = (timeout_ms or 0) + upstream
    rows = read_raw_full(raw_path(out, "gateway"))
    bounds = [("up", start), ("failover", killed_at)]
    ends = [killed_at, float("inf")]
    samples = []
    for (phase, t0), t1 in zip(bounds, ends):
        inside = [r for r in rows if t0 * 1000 <= r[0] < t1 * 1000]
        lat = latency_summary_ms([r[1] for r in inside])
        xc, oc, stt = {}, {}, {}
        for _, _, status, x, out_c in inside:
            xc[x] = xc.get(x, 0) + 1
            oc[out_c] = oc.get(out_c, 0) + 1
            stt[str(status)] = stt.get(str(status), 0) + 1
        last2 = [r for r in inside if r[0] >= (max(r[0] for r in inside) - 2000 if inside else 0)]
        xl = {}
        for r in last2:
            xl[r[3]] = xl.get(r[3], 0) + 1
        m = {
            "requests": lat.get("count", 0), **{k: lat.get(k) for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms")},
            "target_ms": target,
            "http_5xx": sum(v for k, v in stt.items() if k.isdigit() and int(k) >= 500),
            "errors": sum(v for k, v in stt.items() if k != "200"),
            "degraded_share": degraded_share(oc), "hit_ratio": hit_ratio(xc), "hit_ratio_last_2s": hit_ratio(xl),
        }
        if phase == "failover":
            m.update({
                "switch_s": (switch - killed_at) if switch else None,
                "new_primary_used_s": (used - killed_at) if used else None,
                "used_after_switch_s": (used - switch) if used and switch else None,
                "redis_up_again_s": (up_again - killed_at) if up_again else None,
            })
        samples.append({"run": run, "mode": phase, "metrics": m, "series": {},
                        "info": {"x_cache": xc, "outcome": oc, "status": stt, "phase_start": t0}})
    by_sec, up_sec = {}, {}
    for r in rows:
        by_sec.setdefault(math.floor(r[0] / 1000.0 - start), []).append(r[1])
    for p in polls:
        if p.get("up") is not None:
            up_sec.setdefault(math.floor(p["t"] - start), []).append(p["up"])
    per_s = []
    for sec in sorted(by_sec):
        lats = sorted(by_sec[sec])
        u = up_sec.get(sec)
        per_s.append([sec, percentile(lats, 50) / 1000.0, percentile(lats, 99) / 1000.0, lats[-1] / 1000.0,
                      min(u) if u else None])
    marks = [("up", 0.0), ("killed", round(killed_at - start, 3))]
    if switch:
        marks.append(("switched", round(switch - start, 3)))
    samples[0]["series"] = {"per_second": per_s, "phase_starts": [t for _, t in marks],
                            "phases": [p for p, _ in marks], "target_ms": target}
    samples[0]["info"].update({"calls": delta(after, before), "prometheus": prom, "polls": len(polls),
                               "client": {k: res.get(k) for k in ("params", "lateness", "in_flight_at_end")}})
    return samples
