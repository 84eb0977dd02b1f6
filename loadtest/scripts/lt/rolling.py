"""The `rolling` scenario: three gateways on one private redis-server behind HAProxy (Debian's, with the shipped
conf/lb/haproxy.cfg, health checks on each gateway's /health/ready), a steady open-loop load through HAProxy, and each
gateway restarted in turn: SIGTERM (its drain sequence: not ready and still serving for EDGE_SHUTDOWN_DRAIN_MS, then
it stops accepting, finishes what is in flight, exits), then started again on the same ports. Every request belongs
to the phase its intended start falls in: steady, restart of gw1, gw2, gw3 (from the SIGTERM until the new process
is ready and HAProxy had time to put it back), after."""
import json
import os
import shutil
import subprocess
import time

from . import procs
from .stack import delta, new_run_id
from .stats import latency_summary_ms, percentile, read_raw_full

KLEVU = ("session", "config", "search")


def ensure_haproxy():
    if shutil.which("haproxy"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError("haproxy is missing (apt-get install -y haproxy)")
    subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=300)
    subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True, capture_output=True, timeout=600,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


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
    ensure_haproxy()
    st.flush_redis()
    st.configure_sim()
    gws, lb, client = [], None, None
    marks = []  # (phase, t)
    restarts = []
    try:
        for i in range(3):  # the three JVMs start together
            gws.append(st.start_gateway("memory", f"gateway{i + 1}-r{run}", extra_env=gateway_env(ctx), wait=False))
        for gw in gws:
            procs.wait_http(gw.ops_url + "/health/ready", gw.proc, timeout=120)
        lb, lb_port = start_haproxy(ctx, gws, f"haproxy-r{run}")
        time.sleep(1.5)  # rise 2 x 500 ms: HAProxy has seen every gateway ready
        tag = f"rolling-r{run}"
        out = os.path.join(ctx.artifacts, f"{tag}.json")
        total = o["steady_s"] + 3 * o["slot_s"] + o["after_s"]
        client = procs.Proc("steady-load", [
            "java", "-Xmx512m", "-cp", ctx.paths.lt_jar, "dev.edgegateway.loadtest.SteadyLoad",
            "--port", str(lb_port), "--path", f"/v1/recommendations/{st.recs_key}",
            "--shoppers", str(o["shoppers"]), "--zipf", str(o["zipf"]), "--rate", str(o["rate"]),
            "--duration-s", str(total), "--preload", str(o["preload"]), "--warm-s", str(o["warm_s"]),
            "--timeout-ms", "10000", "--run-id", new_run_id(), "--out", out], log_path=st.log(tag))
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
            time.sleep(1.5)  # HAProxy's rise: 2 checks 500 ms apart
            restarts.append({"gateway": i + 1, "exit_code": rc, "drain_exit_s": round(t_exit - t_term, 2),
                             "start_ready_s": round(t_ready - t_exit, 2), "back_s": round(time.time() - t_term, 2)})
            t = max(time.time(), t_term + o["slot_s"])
        marks.append(("after", time.time()))
        sims.append((time.time(), st.sim_stats()))
        client.popen.wait(timeout=total + 120)
        sims.append((time.time(), st.sim_stats()))
    finally:
        if client:
            client.stop()
        if lb:
            lb.stop()
        for gw in gws:
            gw.stop()
    with open(out) as f:
        res = json.load(f)
    from .scenarios import raw_path
    rows = read_raw_full(raw_path(out, "gateway"))
    return phase_samples(run, o, marks, sims, rows, res, restarts, start)


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
