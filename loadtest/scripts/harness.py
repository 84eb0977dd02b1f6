#!/usr/bin/env python3
"""Load-test harness: runs one scenario N times per gateway mode, writes results, plots and BENCHMARKS.md.

Called by loadtest/run.sh (which builds what is needed first). Stdlib only.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lt import procs, plots  # noqa: E402
from lt.stack import BASELINE, split_mode  # noqa: E402
from lt.scenarios import DEFAULTS, PER_MODE, PER_RUN, Ctx  # noqa: E402
from lt.stack import Paths, Stack  # noqa: E402
from lt.stats import spread  # noqa: E402

SCENARIOS = list(DEFAULTS)


def sh(cmd, cwd=None):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=20).stdout.strip()
    except Exception:
        return ""


def recorded_command(cmd):
    """The command as run, with the LT_* environment that changed it (the exact command to repeat it)."""
    env = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("LT_") and k != "LT_PIDFILE")
    return f"{env} {cmd}" if env else cmd


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "mem_total_gib": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "loadavg_at_start": load}


def versions(paths, standin):
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    # the gateway's commit is that of the project the jar was built from (LT_GATEWAY_JAR may point elsewhere)
    gw_root = os.path.dirname(os.path.dirname(os.path.abspath(paths.gw_jar)))
    commit = sh(["git", "rev-parse", "--short", "HEAD"], cwd=gw_root)
    subject = sh(["git", "log", "-1", "--format=%s"], cwd=gw_root)
    dirty = bool(sh(["git", "status", "--porcelain", "--", "src", "pom.xml"], cwd=gw_root))
    stale = False
    if os.path.exists(paths.gw_jar) and commit:
        newest_src = sh(["sh", "-c", "find src/main pom.xml -type f -newer target/edge-gateway.jar | head -1"], cwd=gw_root)
        stale = bool(newest_src)
    wrk_v = sh(["sh", "-c", "wrk -v 2>&1 | head -1"])
    base = {}
    if paths.baseline_jar:
        base_root = os.path.dirname(os.path.dirname(os.path.abspath(paths.baseline_jar)))
        base = {"baseline_commit": sh(["git", "rev-parse", "--short", "HEAD"], cwd=base_root) or "unknown",
                "baseline_commit_subject": sh(["git", "log", "-1", "--format=%s"], cwd=base_root)}
    return {**base,
        "java": java[0] if java else "", "java_vm": java[-1] if java else "",
        "gateway_commit": (commit + ("+dirty" if dirty else "") + ("+jar-older-than-src" if stale else "")) if not standin else "n/a",
        "gateway_commit_subject": subject, "gateway_jar": os.path.relpath(paths.gw_jar, paths.root) if not standin else None,
        "system_under_test": "StandIn (harness self-test, NOT the gateway)" if standin else "edge-gateway.jar",
        "loadtest_commit": sh(["git", "rev-parse", "--short", "HEAD"], cwd=paths.root),
        "wrk": wrk_v.split(" Copyright")[0], "gatling": "3.15.1 (Java DSL)", "vertx": "5.0.8",
    }


RELATIVE_METRICS = ("upstream_per_1000", "session_per_1000", "session_calls", "config_calls", "p50_ms", "p99_ms",
                    "gateway_cpu_ms_per_page")


def metrics_by_run(samples):
    """{run: {mode: metrics}}: what each run measured, so modes of one run can be compared."""
    by_run = {}
    for s in samples:
        by_run.setdefault(s["run"], {})[s["mode"]] = s["metrics"]
    return by_run


def relative_to_off(samples):
    """Per run, each mode's metric divided by the same run's `off` value; median and spread over the runs."""
    by_run = metrics_by_run(samples)
    ratios = {}
    for run, modes in by_run.items():
        off = modes.get("off")
        if not off:
            continue
        for mode, m in modes.items():
            if mode == "off":
                continue
            for k in RELATIVE_METRICS:
                if m.get(k) is not None and off.get(k):
                    ratios.setdefault(mode, {}).setdefault(k, []).append(m[k] / off[k])
    return {mode: {k: spread(v) for k, v in ms.items()} for mode, ms in ratios.items()}


# compared between a mode and the same mode on LT_BASELINE_JAR (`<mode>@base`) in the same run
BASE_METRICS = ("rps_ratio", "cpu_ratio", "gateway_cpu_us_per_req", "delta_p50_ms", "delta_p99_ms", "delta_p90_ms",
                "over_bare_p50_ms", "gateway_cpu_ms_per_page", "lag_over_bare_p50_ms", "lag_over_bare_p90_ms",
                "follower_lag_p50_ms", "p99_ms", "session_calls", "config_calls", "search_calls")


def relative_to_base(samples):
    """Per run, each mode next to its `@base` twin: the difference (this build - baseline) of every BASE_METRICS
    value, so a latency delta near zero compares as well as a throughput ratio; median and spread over the runs."""
    by_run = metrics_by_run(samples)
    diffs = {}
    for modes in by_run.values():
        for mode, m in modes.items():
            base = modes.get(mode + BASELINE)
            if mode.endswith(BASELINE) or not base:
                continue
            for k in BASE_METRICS:
                if m.get(k) is not None and base.get(k) is not None:
                    diffs.setdefault(mode, {}).setdefault(k, []).append(m[k] - base[k])
    return {mode: {k: spread(v) for k, v in ms.items()} for mode, ms in diffs.items()}


def checks(scenario, summary, opts):
    """Targets from the issue, evaluated on the medians (and maxima where 'every run' matters)."""
    out = []

    def add(mode, metric, target, ok_fn, agg="median"):
        s = summary.get(mode, {}).get(metric)
        if not s:
            return
        v = s[agg]
        out.append({"mode": mode, "metric": metric, "aggregate": agg, "target": target, "value": v,
                    "ok": bool(v is not None and ok_fn(v))})

    for mode in summary:
        if scenario == "burst":
            add(mode, "ok_responses", "all answered 200 in every burst", lambda v: v == int(opts.get("n", 200)), "min")
        if scenario == "burst" and mode != "off":
            add(mode, "degraded_share", "= 0 (none degraded) in every burst", lambda v: v == 0, "max")
            add(mode, "session_calls", "at most 1 in every burst", lambda v: v == 1, "max")
            add(mode, "session_calls_min", "at least 1 in every burst (each burst was cold)", lambda v: v == 1, "min")
            add(mode, "config_calls", "at most 1 in every burst", lambda v: v == 1, "max")
            add(mode, "config_calls_min", "at least 1 in every burst (each burst was cold)", lambda v: v == 1, "min")
            add(mode, "lag_over_bare_p50_ms", "<= +1 ms (issue 2: followers answered within 1 ms of the leader, over "
                "what bare Vert.x needs to release as many held requests at once)", lambda v: v <= 1.0)
            add(mode, "small_lag_over_bare_p50_ms", "<= +1 ms (the same for a burst of small_n)", lambda v: v <= 1.0)
        if scenario == "cold" and mode not in ("memory-colocated", "memory-shared"):  # comparisons for co-location
            add(mode, "delta_p50_ms", "<= +0.5 ms (issue 2: a cold page costs at most 0.5 ms at p50 on top of its "
                "upstream calls)", lambda v: v <= 0.5)
        if scenario == "cold":
            add(mode, "upstream_calls_per_page", "= 3 in every run (every measured page was cold)", lambda v: v == 3, "max")
            add(mode, "errors", "= 0 in every run", lambda v: v == 0, "max")
        if scenario == "shoppers":
            add(mode, "rss_max_mb", "< 300 MB", lambda v: v < 300, "max")
            add(mode, "rss_growth_after_25pct_mb", "flat: <= 25 MB", lambda v: v <= 25)
            add(mode, "errors", "= 0", lambda v: v == 0, "max")
        if scenario == "ttl-expiry":
            add(mode, "p99_expiry_over_steady", "<= 1.2 (issues 3 and 4: no stampede, nobody waits on the refresh)", lambda v: v <= 1.2)
            add(mode, "errors", "= 0", lambda v: v == 0, "max")
        if scenario == "ceiling":
            add(mode, "access_log_cost_pct", "<= 5 % (issue 18: access lines on cost at most 5 % of the warm ceiling)",
                lambda v: v <= 5.0)
            add(mode, "rps_ratio", ">= 0.6", lambda v: v >= 0.6)
            if mode.startswith("memory-anon"):
                add(mode, "klevu_per_1000", "= 0 in every run (issue 16: a cookie-less anonymous page costs no Klevu "
                    "call)", lambda v: v == 0, "max")
            add(mode, "delta_p50_ms", "<= +0.2 ms", lambda v: v <= 0.2)
            add(mode, "delta_p99_ms", "<= +3 ms", lambda v: v <= 3.0)
        if scenario == "cdn":
            add(mode, "leaks", "= 0 in every run", lambda v: v == 0, "max")
            add(mode, "identified_shoppers", ">= 1,000 distinct identified shoppers audited in every run",
                lambda v: v >= 1000, "min")
            if mode == "varnish":
                add(mode, "anonymous_varnish_share", ">= 95 % (issue 16)", lambda v: v >= 0.95)
                add(mode, "identified_p50_over_direct_ms", "<= +0.3 ms (issue 16: identified pages through Varnish "
                    "within 0.3 ms of the same load without it)", lambda v: v <= 0.3)
                add(mode, "identified_returning_service_p50_over_direct_ms", "<= +0.3 ms (the same for returning "
                    "identified shoppers' warm pages, send to answer)", lambda v: v <= 0.3)
                add(mode, "identified_p50_over_floor_ms", "<= +0.3 ms (what the gateway adds to identified pages "
                    "through Varnish beyond what the same Varnish adds to a bare server answering the same page)",
                    lambda v: v <= 0.3)
        if scenario == "browser-flow" and mode not in ("off", "sdk-direct"):
            add(mode, "speedup_p50", ">= 20x", lambda v: v >= 20)
        if scenario == "startup":
            add(mode, "errors", "= 0 in every run", lambda v: v == 0, "max")
            if mode == "warmed":
                add(mode, "first_vs_cold_start", "<= 0.5 (the first shopper after a start waits at most half as long "
                    "as without the warm-up)", lambda v: v <= 0.5)
        if scenario == "l2-hit":
            add(mode, "valid", "= 1 in every run (no upstream call, no X-Cache mismatch and L1 p50 <= 10 ms during the "
                "measurement: otherwise the run's latencies are not counted)", lambda v: v == 1, "min")
            add(mode, "delta_p50_ms", "<= +0.3 ms (issue 4: an L2 hit adds at most 0.3 ms at p50 over an L1 hit)",
                lambda v: v <= 0.3)
            add(mode, "xcache_mismatches", "= 0 in every run (X-Cache hit-l2 resp. hit-l1 as planned)", lambda v: v == 0, "max")
            add(mode, "errors", "= 0 in every run", lambda v: v == 0, "max")
        if scenario == "hostile":
            add(mode, "http_5xx", "= 0 in every run (legitimate pages)", lambda v: v == 0, "max")
            add(mode, "degraded", "= 0 in every run (legitimate pages degraded)", lambda v: v == 0, "max")
            if mode == "attacked":
                add(mode, "rss_over_alone_mb", "<= +50 MiB (RSS bounded: the attack costs at most 50 MiB over the same "
                    "load alone)", lambda v: v <= 50, "max")
                add(mode, "p99_vs_alone", "<= 1.2 (issue 15: legitimate p99 under attack at most 1.2x the same load "
                    "alone)", lambda v: v <= 1.2)
                add(mode, "attack_5xx", "= 0 in every run (the attack's own requests)", lambda v: v == 0, "max")
        if scenario == "l2-hit" and mode == "redis-cluster":
            add(mode, "l2_p50_over_standalone_ms", "<= +0.1 ms (issue 19: an L2 hit on a Redis Cluster within 0.1 ms "
                "of standalone Redis, same run)", lambda v: v <= 0.1)
        if scenario == "sentinel":
            add(mode, "http_5xx", "= 0 in every run", lambda v: v == 0, "max")
            if mode == "failover":
                add(mode, "used_after_switch_s", "<= 5 s in every run (issue 19: the new primary used within 5 s of "
                    "the failover)", lambda v: v <= 5.0, "max")
        if scenario == "crash" and mode == "redis":
            add(mode, "lost", "= 0 in every run (issue 19: no accepted event lost with Redis)", lambda v: v == 0, "max")
            add(mode, "duplicate_share", "<= 0.1 % in every run", lambda v: v <= 0.001, "max")
        if scenario == "redis-down":
            if mode in ("killed", "hung"):
                t = (summary[mode].get("target_ms") or {}).get("median")
                if t:
                    add(mode, "p99_ms", f"<= {t:.0f} ms (issue 4: Redis command timeout + upstream latency of a miss)",
                        lambda v, t=t: v <= t)
            add(mode, "http_5xx", "= 0 in every run", lambda v: v == 0, "max")
            if mode == "resumed":
                add(mode, "recovered", "= 1 in every run: edge_redis_up went 0 after the kill and the hang, 1 again after each",
                    lambda v: v == 1, "min")
        if scenario == "faults" and mode != "baseline":
            t = (summary[mode].get("target_p99_ms") or {}).get("median")
            add(mode, "http_5xx", "= 0 in every run", lambda v: v == 0, "max")
            if not mode.endswith(":recovery") and t:
                add(mode, "p99_ms", f"<= {t:.0f} ms (request deadline + 50 ms)", lambda v, t=t: v <= t, "max")
            add(mode, "calls_beyond_trials", "= 0: no call while the breaker is open beyond its trial calls",
                lambda v: v == 0, "max")
            if mode.endswith(":recovery"):
                r = (summary[mode].get("recover_target_s") or {}).get("median")
                if r:
                    add(mode, "recover_s", f"<= {r:.1f} s (breaker reset + 1 s)", lambda v, r=r: v <= r, "max")
        if scenario == "rolling":
            add(mode, "failed", "= 0 in every run (no answer or 5xx through HAProxy)", lambda v: v == 0, "max")
            if mode == "restarts":
                add(mode, "p99_vs_steady", "<= 2 (p99 during the restarts at most 2x steady)", lambda v: v <= 2.0, "max")
    return out


def main():
    ap = argparse.ArgumentParser(description="edge-gateway load tests")
    ap.add_argument("scenario", choices=SCENARIOS + ["report"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--modes", help="comma-separated: off,memory,redis (default per scenario)")
    ap.add_argument("--duration", type=int, help="seconds of measured load per run (redis-down: per phase; scenario default otherwise)")
    ap.add_argument("--rate", type=float, help="page loads per second (Gatling scenarios, l2-hit, redis-down)")
    ap.add_argument("--shoppers", type=int, help="distinct shoppers (shoppers, ttl-expiry, browser-flow, redis-down; l2-hit: measured ones)")
    ap.add_argument("--n", type=int, help="burst size")
    ap.add_argument("--pairs", type=int, help="burst: measured pairs of bursts per run and size")
    ap.add_argument("--warmup", type=int, help="seconds of full-speed warm-up before a measured run (ceiling)")
    ap.add_argument("--standin", action="store_true", help="self-test against the harness's StandIn, not the gateway")
    ap.add_argument("--no-report", action="store_true", help="do not regenerate BENCHMARKS.md")
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    ap.add_argument("--command", default=None, help="the command line to record (run.sh passes it)")
    a = ap.parse_args()
    paths = Paths(a.root)

    if a.scenario == "report":
        import report
        report.main([paths.root])
        return 0

    procs.install_cleanup()
    opts = dict(DEFAULTS[a.scenario])
    for k in ("duration", "rate", "shoppers", "n", "pairs", "warmup"):
        v = getattr(a, k)
        if v is not None:
            opts[k] = v
    modes = [m.strip() for m in (a.modes or opts["modes"]).split(",") if m.strip()]
    for m in modes:
        plain, baseline = split_mode(m)
        if plain not in ("off", "memory", "memory-bus", "memory-colocated", "memory-shared", "memory-nolog", "memory-anon",
                         "redis", "redis-cluster", "redis-sentinel", "unwarmed", "warmed", "varnish", "alone", "attacked"):
            ap.error(f"unknown mode {m}")
        if baseline and not paths.baseline_jar:
            ap.error(f"mode {m} needs LT_BASELINE_JAR (the build to compare with)")

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    # a trial (--no-report, --standin) keeps its result and plots apart: it must never become the newest result the
    # report is made from, nor redraw the committed plots
    trial = a.no_report or a.standin
    results_dir = os.path.join(paths.lt, "results", *(["trials"] if trial else []), a.scenario)
    artifacts = os.path.join(results_dir, stamp)
    os.makedirs(artifacts, exist_ok=True)
    started = time.time()
    stack = Stack(paths, artifacts, standin=a.standin)
    ctx = Ctx(paths, stack, artifacts, opts)
    doc_gw_opts = " ".join(stack.gw_java_opts)
    notes = []
    doc = {
        "scenario": a.scenario, "timestamp": stamp, "command": recorded_command(a.command or " ".join(sys.argv)),
        "runs": a.runs, "modes_requested": modes, "options": opts, "machine": machine(),
        "versions": versions(paths, a.standin),
        "gateway_java_opts": doc_gw_opts, "artifacts": os.path.relpath(artifacts, paths.root),
    }
    samples = []
    failures = []
    try:
        if any(split_mode(m)[0] == "redis" for m in modes) and not stack.ensure_redis():
            modes = [m for m in modes if split_mode(m)[0] != "redis"]
            notes.append("redis mode skipped: no redis-server binary and `redis-cli ping` did not answer")
        if stack.redis_note:
            notes.append("redis: " + stack.redis_note)
        if "sim_latency_ms" in opts:
            stack.latencies = {k: int(opts["sim_latency_ms"]) for k in stack.latencies}
        stack.start_sim(cpus="1" if (a.scenario == "ceiling" and ctx.pin) else None)
        doc["simulator"] = stack.sim_config_body()
        print(f"[lt] {a.scenario}: runs={a.runs} modes={','.join(modes)} opts={opts}", flush=True)
        for run in range(1, a.runs + 1):
            if a.scenario in PER_RUN:
                try:
                    got = PER_RUN[a.scenario](ctx, run, modes)
                    samples += got
                except Exception as e:  # record and go on with the next run
                    failures.append({"run": run, "error": repr(e), "trace": traceback.format_exc()[-3000:]})
                    print(f"[lt] run {run} failed: {e!r}", flush=True)
            else:
                # the order alternates between runs, so that neither mode always meets the machine first
                for mode in (modes if run % 2 == 1 else list(reversed(modes))):
                    try:
                        samples += PER_MODE[a.scenario](ctx, run, mode)
                    except Exception as e:
                        failures.append({"run": run, "mode": mode, "error": repr(e), "trace": traceback.format_exc()[-3000:]})
                        print(f"[lt] run {run} mode {mode} failed: {e!r}", flush=True)
            done = [s for s in samples if s["run"] == run]
            for s in done:
                m = s["metrics"]
                brief = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in list(m.items())[:9]}
                print(f"[lt] run {run} {s['mode']}: {brief}", flush=True)
    finally:
        stack.stop()
        procs.stop_all()

    rejected = sum(s["metrics"].get("sim_rejected") or 0 for s in samples)
    if rejected:
        notes.append(f"the simulator rejected {rejected} request(s) as malformed during measurement: contract mismatch")
    for s in samples:
        xc = s["info"].get("x_cache_captured")
        if a.scenario == "ceiling" and xc is not None and not str(xc).lower().startswith("hit"):
            notes.append(f"run {s['run']} {s['mode']}: the measured page was not a cache hit (X-Cache {xc}, "
                         f"X-Edge-Outcome {s['info'].get('outcome_captured')})")
    if a.scenario == "l2-hit":
        # a Cluster's L2 hit against standalone Redis's in the same run: valid pairs only (an invalid arm has no
        # latency figures, see scenarios.l2_hit_invalid)
        base = {s["run"]: s["metrics"].get("l2_p50_ms") for s in samples if s["mode"] == "redis"}
        for s in samples:
            if s["mode"] == "redis-cluster" and base.get(s["run"]) is not None and s["metrics"].get("l2_p50_ms") is not None:
                s["metrics"]["l2_p50_over_standalone_ms"] = s["metrics"]["l2_p50_ms"] - base[s["run"]]
        for s in samples:
            if s["info"].get("invalid"):
                notes.append(f"run {s['run']} {s['mode']}: invalid ({s['info']['invalid']}); its latencies are not "
                             "counted")
    summary = {}
    for s in samples:
        for k, v in s["metrics"].items():
            summary.setdefault(s["mode"], {}).setdefault(k, []).append(v)
    summary = {mode: {k: spread(v) for k, v in ms.items()} for mode, ms in summary.items()}
    doc["relative_to_off"] = relative_to_off(samples)
    doc["relative_to_base"] = relative_to_base(samples)
    with open("/proc/loadavg") as f:
        doc["machine"]["loadavg_at_end"] = f.read().split()[:3]
    doc.update({"modes": list(dict.fromkeys(s["mode"] for s in samples)), "summary": summary,
                "checks": checks(a.scenario, summary, opts), "samples": samples, "failures": failures,
                "notes": notes, "elapsed_s": round(time.time() - started, 1)})
    try:
        doc["plots"] = plots.make(a.scenario, doc, artifacts if trial else paths.plots, artifacts, paths.root)
    except Exception as e:
        doc["plots"] = []
        doc["notes"].append(f"plotting failed: {e!r}")
    out = os.path.join(results_dir, stamp + ".json")
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
    print(f"[lt] wrote {os.path.relpath(out, paths.root)} in {doc['elapsed_s']} s; plots: {doc['plots']}", flush=True)
    for c in doc["checks"]:
        print(f"[lt] check {c['mode']:>8} {c['metric']}: {c['value']} (target {c['target']}) -> {'ok' if c['ok'] else 'MISSED'}")
    if failures:
        print(f"[lt] {len(failures)} run(s) failed: see {out}", flush=True)
    if not a.no_report:
        import report
        report.main([paths.root])
    return 1 if failures and not samples else 0


if __name__ == "__main__":
    sys.exit(main())
