"""The `rolling` scenario: three gateways on one private redis-server behind HAProxy (Debian's, with the shipped
conf/lb/haproxy.cfg, health checks on each gateway's /health/ready), a steady open-loop load through HAProxy, and each
gateway restarted in turn: SIGTERM (its drain sequence: not ready and still serving for EDGE_SHUTDOWN_DRAIN_MS, then
it stops accepting, finishes what is in flight, exits), then started again on the same ports. Every request belongs
to the phase its intended start falls in: steady, restart of gw1, gw2, gw3 (from the SIGTERM until the new process
is ready and HAProxy had time to put it back), after."""
import os
import re
import subprocess
import threading
import time
from datetime import datetime

from . import procs
from .stack import Teardown, delta
from .stats import latency_summary_ms, percentile, read_raw_full

KLEVU = ("session", "config", "search")


def start_haproxy(ctx, gws, name):
    cfg = os.path.join(ctx.paths.root, "conf", "lb", "haproxy.cfg")
    port = procs.free_port()
    env = {"LB_PORT": port}
    for i, gw in enumerate(gws, 1):
        env[f"GW{i}_PORT"], env[f"GW{i}_OPS"] = gw.port, gw.ops_port
    check = subprocess.run(["haproxy", "-c", "-f", cfg], env={**os.environ, **{k: str(v) for k, v in env.items()}},
                           capture_output=True, text=True, timeout=30)
    if check.returncode != 0:
        raise RuntimeError(f"haproxy -c failed: {check.stdout[-500:]} {check.stderr[-500:]}")
    proc = procs.Proc(name, ["haproxy", "-f", cfg, "-db"], env=env, log_path=ctx.stack.log(name))
    deadline = time.time() + 20
    while time.time() < deadline and not procs.port_open(port):
        if not proc.alive():
            raise RuntimeError(f"haproxy exited; see {ctx.stack.log(name)}")
        time.sleep(0.1)
    return proc, port


# `option httplog`: "... [03/Dec/2026:15:43:19.123] edge gateways/gw1 TR/Tw/Tc/Tr/Ta status bytes cc cs tsc ac/fc/bc/sc/rc"
HTTPLOG = re.compile(r"\[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d\.\d{3})\] \S+ [^/\s]+/(\S+) (-?\d+)/(-?\d+)/(-?\d+)/(-?\d+)/"
                     r"\+?(-?\d+) (-?\d+) \S+ \S+ \S+ (\S{4}) \d+/\d+/\d+/\d+/(\+?\d+)")
# the log line (stdout), not its [WARNING] copy on stderr; "is UP." alone is the end of slowstart, not a check
STATE = re.compile(r"^Server \S+/(gw\d) is (UP|DOWN), reason")


class LbWatch(threading.Thread):
    """Follows HAProxy's log while it runs: when it took each gateway out and put it back (stamped on arrival,
    within 50 ms; those lines carry no date), and its request lines (server, timers, termination state)."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.events, self.requests = path, [], []
        self._stop_evt = threading.Event()

    def run(self):
        with open(self.path, "rb") as f:
            buf = b""
            while True:
                chunk = f.read()
                now = time.time()
                if chunk:
                    buf += chunk
                    *lines, buf = buf.split(b"\n")
                    for line in lines:
                        self._line(line.decode("utf-8", "replace"), now)
                elif self._stop_evt.wait(0.05):
                    return

    def _line(self, line, now):
        m = STATE.search(line)
        if m:
            self.events.append((now, m.group(1), m.group(2)))
            return
        m = HTTPLOG.search(line)
        if m:
            t = datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S.%f").timestamp()  # HAProxy logs local time
            self.requests.append({"t": t, "server": m.group(2), "Tc": int(m.group(5)), "Tr": int(m.group(6)),
                                  "Ta": int(m.group(7)), "status": int(m.group(8)), "term": m.group(9),
                                  "retries": m.group(10)})

    def wait_for(self, server, state, after, timeout):
        """The time HAProxy logged server going state after `after`, or None at the timeout."""
        deadline = time.time() + timeout
        while True:
            hit = next((t for t, s, st in self.events if s == server and st == state and t >= after), None)
            if hit or time.time() >= deadline:
                return hit
            time.sleep(0.05)

    def stop(self):
        self._stop_evt.set()
        self.join(timeout=3)


def gateway_env(ctx):
    # the shared L2; mode memory + this env, so that starting a gateway never flushes the Redis the others use
    return {"EDGE_CACHE_MODE": "redis", "EDGE_REDIS_URL": ctx.stack.redis_url,
            "EDGE_SHUTDOWN_DRAIN_MS": str(ctx.opts["drain_ms"])}


def run_rolling(ctx, run, mode):
    st, o = ctx.stack, ctx.opts
    if st.standin:
        raise RuntimeError("rolling has no stand-in")
    if not st.redis_url:
        raise RuntimeError("rolling needs the harness's Redis (mode redis)")
    procs.ensure_installed("haproxy", "haproxy")
    st.flush_redis()
    st.configure_sim()
    gws = []
    marks = []  # (phase, t)
    restarts = []
    with Teardown() as td:
        td.on_exit(lambda: [gw.stop() for gw in gws])  # whichever process each slot holds at the end
        for i in range(3):  # the three JVMs start together
            gws.append(st.start_gateway("memory", f"gateway{i + 1}-r{run}", extra_env=gateway_env(ctx), wait=False))
        for gw in gws:
            procs.wait_http(gw.ops_url + "/health/ready", gw.proc, timeout=120)
        lb, lb_port = start_haproxy(ctx, gws, f"haproxy-r{run}")
        td.add(lb)
        watch = td.add(LbWatch(lb.log_path))
        watch.start()
        time.sleep(1.5)  # rise 2 x 500 ms: HAProxy has seen every gateway ready
        tag = f"rolling-r{run}"
        total = o["steady_s"] + 3 * o["slot_s"] + o["after_s"]
        client, out = st.steady_load(tag, lb_port, o, total, "--timeout-ms", "10000")
        td.add(client)
        from .scenarios import wait_for_line, procs_sleep_until
        start = int(wait_for_line(client, "LOAD_START", 180)) / 1000.0
        marks.append(("steady", start))
        before = st.sim_stats()
        sims = [(start, before)]
        t = start + o["steady_s"]
        for i in range(3):
            procs_sleep_until(t)
            old = gws[i]
            t_term = time.time()
            marks.append((f"restart-gw{i + 1}", t_term))
            sims.append((t_term, st.sim_stats()))
            old.proc.stop(grace=o["drain_ms"] / 1000.0 + 20)  # SIGTERM, then wait for the drain sequence to end
            t_exit = time.time()
            rc = old.proc.popen.returncode
            drop = old
            gws[i] = st.start_gateway("memory", f"gateway{i + 1}-r{run}-restarted", extra_env=gateway_env(ctx),
                                      ports=(old.port, old.ops_port))
            t_ready = time.time()
            drop.stop()  # closes its log (the process is gone)
            # back in rotation when HAProxy says so (rise: 2 checks 500 ms apart), not after a guessed pause
            t_up = watch.wait_for(f"gw{i + 1}", "UP", t_ready - 1.0, 10) or time.time()
            t_out = watch.wait_for(f"gw{i + 1}", "DOWN", t_term, 0)
            restarts.append({"gateway": i + 1, "exit_code": rc, "drain_exit_s": round(t_exit - t_term, 2),
                             "start_ready_s": round(t_ready - t_exit, 2), "back_s": round(t_up - t_term, 2),
                             "lb_out_s": round(t_out - t_term, 2) if t_out else None,
                             "t": {"term": t_term, "drain_end": t_term + o["drain_ms"] / 1000.0, "exit": t_exit,
                                   "ready": t_ready, "up": t_up}})
            t = max(time.time(), t_term + o["slot_s"])
        marks.append(("after", time.time()))
        sims.append((time.time(), st.sim_stats()))
        client.popen.wait(timeout=total + 120)
        sims.append((time.time(), st.sim_stats()))
    res = st.steady_result(tag, out)
    from .scenarios import raw_path
    rows = read_raw_full(raw_path(out, "gateway"))
    samples = phase_samples(run, o, marks, sims, rows, res, restarts, start)
    samples[0]["info"]["failures"] = failures(rows, restarts, watch.requests)
    samples[0]["info"]["windows"] = windows(rows, restarts, watch.requests)
    # HAProxy taking a gateway out other than the one restarting (a readiness or check blip): what could leave
    # no server and answer 503
    samples[0]["info"]["lb_events"] = [{"at": moment(t, restarts) or round(t - start, 3), "server": srv, "state": st}
                                       for t, srv, st in watch.events]
    samples[-1]["metrics"]["unplanned_lb_down"] = sum(
        1 for t, srv, st in watch.events if st == "DOWN" and (moment(t, restarts) or (None,))[0] != int(srv[2:]))
    return samples


# the moments of a restart, in order: a request belongs to the last one its intended start is past
MOMENTS = ("term", "drain_end", "exit", "ready", "up")


def moment(t, restarts):
    """(gateway, moment, seconds since that moment) of an epoch time inside a restart, else None."""
    for r in reversed(restarts):
        ts = r["t"]
        if t >= ts["term"]:
            name = next(m for m in reversed(MOMENTS) if t >= ts[m])
            return r["gateway"], name, round(t - ts[name], 3)
    return None


def failures(rows, restarts, lb_requests):
    """Every failed request (no answer or 5xx) with the restart moment it started after, and every request
    HAProxy logged as not cleanly answered (5xx, or a termination state other than ----), with its server."""
    out = []
    for r in rows:
        if r[2] == 0 or r[2] >= 500:
            out.append({"side": "client", "status": r[2], "latency_ms": r[1] / 1000.0,
                        "at": moment(r[0] / 1000.0, restarts)})
    for q in lb_requests:
        if q["status"] >= 500 or q["status"] < 0 or q["term"] != "----" or q["retries"] not in ("0", "+0"):
            out.append({"side": "haproxy", **{k: q[k] for k in ("server", "status", "term", "retries", "Tc", "Tr", "Ta")},
                        "at": moment(q["t"], restarts)})
    return out


def windows(rows, restarts, lb_requests):
    """What the restart p99 is made of: client-side p99 per restart moment (all restarts together), and HAProxy's
    Tr (the gateway's own answer time) p99 of the restarted gateway vs the two others in the same windows."""
    out = {}
    for r in rows:
        at = moment(r[0] / 1000.0, restarts)
        if at:
            out.setdefault(at[1], {"lat": [], "new": [], "others": []})["lat"].append(r[1])
    for q in lb_requests:
        at = moment(q["t"], restarts)
        if at and q["Tr"] >= 0:
            w = out.setdefault(at[1], {"lat": [], "new": [], "others": []})
            w["new" if q["server"] == f"gw{at[0]}" else "others"].append(q["Tr"] * 1000)
    summary = {}
    for name in MOMENTS:
        w = out.get(name)
        if w:
            summary[name] = {"requests": len(w["lat"]), "p99_ms": latency_summary_ms(w["lat"]).get("p99_ms"),
                             "restarted_gw_Tr_p99_ms": latency_summary_ms(w["new"]).get("p99_ms"),
                             "restarted_gw_answers": len(w["new"]),
                             "other_gws_Tr_p99_ms": latency_summary_ms(w["others"]).get("p99_ms")}
    return summary


def phase_samples(run, o, marks, sims, rows, res, restarts, start):
    ends = [t for _, t in marks[1:]] + [float("inf")]
    samples = []
    steady_p99 = None
    for k, ((phase, t0), t1) in enumerate(zip(marks, ends)):
        inside = [r for r in rows if t0 * 1000 <= r[0] < t1 * 1000]
        lat = latency_summary_ms([r[1] for r in inside])
        n = len(inside)
        calls = delta(sims[k + 1][1], sims[k][1]) if k + 1 < len(sims) else None
        klevu = sum(calls.get(c, 0) for c in KLEVU) if calls else None
        m = {"requests": n, **{x: lat.get(x) for x in ("p50_ms", "p99_ms", "max_ms")},
             "failed": sum(1 for r in inside if r[2] == 0 or r[2] >= 500),
             "no_answer": sum(1 for r in inside if r[2] == 0),
             "http_5xx": sum(1 for r in inside if r[2] >= 500),
             "degraded_share": (sum(1 for r in inside if r[4] not in ("ok", "none")) / n) if n else None,
             "klevu_per_1000": (klevu * 1000.0 / n) if klevu is not None and n else None}
        if phase == "steady":
            steady_p99 = lat.get("p99_ms")
        if phase.startswith("restart") and steady_p99 and lat.get("p99_ms"):
            m["p99_vs_steady"] = lat["p99_ms"] / steady_p99
            r = next((x for x in restarts if f"gw{x['gateway']}" in phase), {})
            m["drain_exit_s"], m["start_ready_s"] = r.get("drain_exit_s"), r.get("start_ready_s")
            m["exit_code"] = r.get("exit_code")
        samples.append({"run": run, "mode": phase, "metrics": m, "series": {},
                        "info": {"calls": calls, "phase_start": t0}})
    # all restarts together: the figure the target is about
    r_rows = [r for r in rows if any(t0 * 1000 <= r[0] < t1 * 1000
                                     for (p, t0), t1 in zip(marks, ends) if p.startswith("restart"))]
    lat = latency_summary_ms([r[1] for r in r_rows])
    samples.append({"run": run, "mode": "restarts", "metrics": {
        "requests": len(r_rows), **{x: lat.get(x) for x in ("p50_ms", "p99_ms", "max_ms")},
        "failed": sum(1 for r in r_rows if r[2] == 0 or r[2] >= 500),
        "p99_vs_steady": (lat["p99_ms"] / steady_p99) if steady_p99 and lat.get("p99_ms") else None},
        "series": {}, "info": {"restarts": restarts}})
    by_sec = {}
    for r in rows:
        by_sec.setdefault(int((r[0] / 1000.0 - start) // 1), []).append(r)
    per_s = []
    for sec in sorted(by_sec):
        rs = by_sec[sec]
        lats = sorted(r[1] for r in rs)
        per_s.append([sec, percentile(lats, 50) / 1000.0, percentile(lats, 99) / 1000.0,
                      sum(1 for r in rs if r[2] == 0 or r[2] >= 500)])
    samples[0]["series"] = {"per_second": per_s, "phase_starts": [round(t - start, 3) for _, t in marks],
                            "phases": [p for p, _ in marks]}
    samples[0]["info"].update({"client": {k: res.get(k) for k in ("params", "lateness", "in_flight_at_end",
                                                                   "preload_result")}, "restarts": restarts})
    return samples
