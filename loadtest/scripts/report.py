#!/usr/bin/env python3
"""Regenerates BENCHMARKS.md at the repository root from the latest result of every scenario.

    python3 loadtest/scripts/report.py [REPO_ROOT]

Reads loadtest/results/<scenario>/<timestamp>.json (the newest per scenario), writes BENCHMARKS.md.
Nothing in BENCHMARKS.md is typed by hand: edit this script instead.
"""
import glob
import json
import os
import sys

ORDER = ["burst", "shoppers", "ttl-expiry", "ceiling", "browser-flow"]

WHAT = {
    "burst": "N simultaneous first page loads (`GET /v1/recommendations/{recsKey}`) of one new identified shopper, "
             "fired at once on N pre-opened connections by `BurstClient` (plain NIO, every response timestamped on "
             "arrival). Counts the Klevu session/config/search calls the burst caused (simulator counters) and the "
             "spread between the first and the last completed response.",
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
}

# metric -> (label, format)
COLUMNS = {
    "burst": [("session_calls", "Klevu session calls", "{:.0f}"), ("config_calls", "config calls", "{:.0f}"),
              ("search_calls", "search calls", "{:.0f}"), ("upstream_per_1000", "upstream calls / 1,000 pages", "{:.1f}"),
              ("leader_ms", "first response (ms)", "{:.1f}"), ("last_ms", "last response (ms)", "{:.1f}"),
              ("spread_ms", "spread first→last (ms)", "{:.2f}"),
              ("warm_spread_ms", "same burst when cached: spread (ms)", "{:.2f}"), ("p99_ms", "p99 (ms)", "{:.1f}"),
              ("ok_responses", "200 responses", "{:.0f}"), ("degraded_share", "degraded", "{:.1%}")],
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
                ("delta_p99_ms", "Δ p99 (ms)", "{:+.2f}"), ("gateway_errors", "gateway errors", "{:.0f}")],
    "browser-flow": [("p50_ms", "page p50 (ms)", "{:.2f}"), ("p99_ms", "page p99 (ms)", "{:.2f}"),
                     ("max_ms", "page max (ms)", "{:.1f}"), ("speedup_p50", "SDK p50 / this p50", "{:.0f}×"),
                     ("speedup_p99", "SDK p99 / this p99", "{:.0f}×"),
                     ("upstream_per_1000", "upstream calls / 1,000 pages", "{:.0f}"),
                     ("hit_ratio", "hit ratio", "{:.1%}"), ("degraded_share", "degraded", "{:.1%}"),
                     ("errors", "errors", "{:.0f}")],
}

MODE_LABEL = {"off": "off (plain proxy)", "memory": "memory", "redis": "redis", "sdk-direct": "browser SDK, direct"}


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


def render(root, docs):
    L = ["# Benchmarks", "",
         "Generated by `loadtest/scripts/report.py` from the newest result of each scenario under "
         "`loadtest/results/` (run `loadtest/run.sh SCENARIO`; this file is rewritten at the end of every run). "
         "Do not edit by hand.", ""]
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
    for sc, d in docs.items():
        ma = d["machine"]
        L.append(f"| [{sc}](#{sc}) | {d['timestamp']} | `{d['versions']['gateway_commit']}` | {d['runs']} × "
                 f"{', '.join(d['modes'])} | {d['elapsed_s']:.0f} s | {' '.join(ma['loadavg_at_start'])} → "
                 f"{' '.join(ma.get('loadavg_at_end', []))} | `{d['command']}` |")
    sim = any_doc.get("simulator", {})
    if sim:
        lat = ", ".join(f"{k} {sim[k]['latencyMs']} ms" for k in ("visitor", "config", "search", "stats", "klaviyo") if k in sim)
        L += ["", f"Simulated upstream latency (cross-internet, per call): {lat}. Gateway JVM options: "
              f"`{any_doc.get('gateway_java_opts') or '-Xmx512m'}`. Everything on 127.0.0.1."]
    L += ["", "Cells: median over the runs, with (min–max) when they differ. Targets are checked on the median "
          "unless the target says *every run*.", ""]

    for sc in ORDER:
        d = docs.get(sc)
        if not d:
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


def scenario_notes(sc, d):
    o = d["options"]
    if sc == "burst":
        return [f"N = {o['n']}. `off` = cache and single-flight off (plain proxy): every request goes upstream. "
                "First/last response are measured from the moment the burst was written (send span < 1 ms); "
                "spread = last − first completed response, as seen by one client thread reading all sockets. "
                "The same burst is then fired again at the now cached page: its spread is what answering 200 "
                "requests at once costs on this machine anyway (server and client), the floor under the first."]
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
                + "The order gateway/bare alternates between runs."]
    if sc == "browser-flow":
        return [f"{o['shoppers']} shoppers, {o['rate']} pages/s for {o['duration']} s per flow. "
                "Browser SDK flow = 3 sequential calls straight to the simulator (no network between browser and "
                "Klevu here other than the simulated latency); gateway flow = 1 loopback call. Speed-up = SDK page "
                "latency / gateway page latency in the same run."]
    return []


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    root = argv[0] if argv else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    docs = latest(root)
    text = render(root, docs)
    with open(os.path.join(root, "BENCHMARKS.md"), "w") as f:
        f.write(text + "\n")
    print(f"[lt] BENCHMARKS.md regenerated from {len(docs)} scenario result(s)")


if __name__ == "__main__":
    main()
