"""SVG plots with gnuplot (Debian gnuplot-nox), written to loadtest/plots/<scenario>-*.svg.

Each plot shows the last run of the set (run k of N), or the medians over the runs where it says so.
The gnuplot scripts are kept next to the results (artifacts/plots/*.gp) so a plot can be re-made by hand.
"""
import os
import shutil
import subprocess

COLORS = {"off": "#d62728", "memory": "#1f77b4", "memory-bus": "#9467bd", "memory-colocated": "#8c564b", "memory-shared": "#e377c2", "memory-nolog": "#17becf", "memory-anon": "#bcbd22", "redis": "#2ca02c", "sdk-direct": "#ff7f0e", "bare": "#7f7f7f"}
TERM = 'set terminal svg size 900,480 dynamic enhanced font "sans,12" background "#ffffff"'


def _block(name, rows):
    lines = [f"${name} << EOD"]
    lines += [" ".join(_fmt(v) for v in r) for r in rows]
    lines.append("EOD")
    return "\n".join(lines)


def _fmt(v):
    if v is None:
        return "NaN"
    if isinstance(v, str):
        return '"' + v.replace('"', "'") + '"'
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def _render(script, out_svg, artifacts):
    os.makedirs(os.path.dirname(out_svg), exist_ok=True)
    gp_dir = os.path.join(artifacts, "plots")
    os.makedirs(gp_dir, exist_ok=True)
    gp = os.path.join(gp_dir, os.path.basename(out_svg).replace(".svg", ".gp"))
    full = f"{TERM}\nset output '{out_svg}'\n{script}\n"
    with open(gp, "w") as f:
        f.write(full)
    r = subprocess.run(["gnuplot"], input=full, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"gnuplot failed for {out_svg}: {r.stderr[-800:]}")
    return out_svg


def _last_run(doc):
    runs = [s["run"] for s in doc["samples"]]
    return max(runs) if runs else None


def _title(doc, what):
    v = doc["versions"]
    sut = "STAND-IN, not the gateway" if "StandIn" in v.get("system_under_test", "") else f"gateway {v.get('gateway_commit', '')}"
    return f"{what} ({sut}, {doc['timestamp']})"


def make(scenario, doc, plots_dir, artifacts, root):
    if not shutil.which("gnuplot"):
        raise RuntimeError("gnuplot not installed (apt-get install -y gnuplot-nox)")
    if not doc["samples"]:
        return []
    fn = {"burst": burst, "shoppers": shoppers, "ttl-expiry": ttl_expiry, "ceiling": ceiling,
          "browser-flow": browser_flow, "l2-hit": l2_hit, "redis-down": redis_down,
          "hostile": hostile, "faults": faults, "rolling": rolling, "sentinel": sentinel, "crash": crash}.get(scenario)
    if fn is None:  # a table-only scenario (cold)
        return []
    made = fn(doc, plots_dir, artifacts)
    return [os.path.relpath(p, root) for p in made]


def burst(doc, plots_dir, artifacts):
    run = _last_run(doc)
    parts, plots = [], []
    for s in doc["samples"]:
        if s["run"] != run or not s["series"].get("done_offsets_ms"):
            continue
        name = s["mode"].replace("-", "_")
        parts.append(_block(name, [[i + 1, v] for i, v in enumerate(s["series"]["done_offsets_ms"])]))
        plots.append(f"${name} using 1:2 with steps lw 2 lc rgb '{COLORS.get(s['mode'], '#000')}' "
                     f"title '{s['mode']}: spread {s['metrics']['spread_ms']:.2f} ms, "
                     f"{s['metrics']['session_calls']} session / {s['metrics']['config_calls']} config calls'")
        bare = s["series"].get("bare_done_offsets_ms")
        if bare:
            # bare's leader drawn at the gateway's, so the two curves compare the followers' release
            shift = s["series"]["done_offsets_ms"][0] - bare[0]
            parts.append(_block("bare_" + name, [[i + 1, v + shift] for i, v in enumerate(bare)]))
            plots.append(f"$bare_{name} using 1:2 with steps lw 1 dt 2 lc rgb '{COLORS.get(s['mode'], '#000')}' "
                         f"title 'bare Vert.x, held, next to {s['mode']} (leader aligned)'")
    n = doc["options"].get("n", 200)
    script = "\n".join(parts) + f"""
set title "{_title(doc, f'burst: {n} simultaneous first page loads of one new shopper, run {run}')}"
set xlabel "response, in order of completion"
set ylabel "completed at (ms after the burst was sent)"
set grid
set key top left
plot {', '.join(plots)}
"""
    return [_render(script, os.path.join(plots_dir, "burst-completion.svg"), artifacts)]


def shoppers(doc, plots_dir, artifacts):
    run = _last_run(doc)
    rss_parts, rss_plots, lat_parts, lat_plots = [], [], [], []
    for s in doc["samples"]:
        if s["run"] != run:
            continue
        name = s["mode"].replace("-", "_")
        c = COLORS.get(s["mode"], "#000")
        rss_parts.append(_block("rss_" + name, s["series"]["rss"]))
        rss_plots.append(f"$rss_{name} using 1:2 with linespoints lw 2 pt 7 ps 0.5 lc rgb '{c}' title '{s['mode']}'")
        lat_parts.append(_block("lat_" + name, s["series"]["p99_per_s"]))
        lat_plots.append(f"$lat_{name} using 1:2 with linespoints lw 2 pt 7 ps 0.5 lc rgb '{c}' title '{s['mode']} p99'")
        lat_plots.append(f"$lat_{name} using 1:3 with lines lw 1 dt 2 lc rgb '{c}' title '{s['mode']} p50'")
    o = doc["options"]
    rss = "\n".join(rss_parts) + f"""
set title "{_title(doc, f"shoppers: gateway RSS, {o['shoppers']} Zipf shoppers at {o['rate']}/s, run {run}")}"
set xlabel "seconds since the first measured request"
set ylabel "RSS (MiB, /proc/PID/status VmRSS)"
set yrange [0:330<*]
set label 2 "< 0: JIT warm-up and JVM start-up" at graph 0.02, graph 0.95
set grid
set key bottom right
plot {', '.join(rss_plots)}, 300 with lines dt 3 lc rgb '#999999' title 'target 300 MiB'
"""
    lat = "\n".join(lat_parts) + f"""
set title "{_title(doc, f"shoppers: page latency per second, run {run}")}"
set xlabel "second of the run"
set ylabel "latency (ms, log)"
set logscale y
set grid
set key outside right
plot {', '.join(lat_plots)}
"""
    return [_render(rss, os.path.join(plots_dir, "shoppers-rss.svg"), artifacts),
            _render(lat, os.path.join(plots_dir, "shoppers-latency.svg"), artifacts)]


def ttl_expiry(doc, plots_dir, artifacts):
    run = _last_run(doc)
    made = []
    for s in doc["samples"]:
        if s["run"] != run:
            continue
        rows = s["series"]["per_second"]
        ttl = s["series"].get("ttl_s")
        m = s["metrics"]
        script = _block("d", rows) + f"""
set title "{_title(doc, f"ttl-expiry ({s['mode']}): segment ttl {ttl} s, {doc['options']['shoppers']} hot shoppers at {doc['options']['rate']}/s, run {run}")}"
set xlabel "second of the run"
set ylabel "latency (ms, log)"
set y2label "Klevu session calls in that second"
set logscale y
set y2range [0:*]
set ytics nomirror
set y2tics
set grid
set key outside bottom center horizontal
set style fill solid 0.35 noborder
set boxwidth 0.8
set style textbox opaque noborder
set label 1 sprintf("p99: expiry seconds %.2f ms, steady seconds %.2f ms", {m.get('p99_expiry_ms') or float('nan')}, {m.get('p99_steady_ms') or float('nan')}) at graph 0.02, graph 0.95 front boxed
plot $d using 1:($5 > 0 ? $5 : 1/0) axes x1y2 with boxes lc rgb '#ffbf80' title 'expiry: session refreshes (right axis)', \\
     $d using 1:4 with linespoints pt 7 ps 0.4 lc rgb '#7f7f7f' title 'max', \\
     $d using 1:3 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'p99', \\
     $d using 1:2 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'p50'
"""
        made.append(_render(script, os.path.join(plots_dir, f"ttl-expiry-{s['mode']}.svg"), artifacts))
    return made


def ceiling(doc, plots_dir, artifacts):
    rows = []
    for mode, ms in doc["summary"].items():
        rows.append([f"gateway ({mode})", ms["gateway_rps"]["median"], ms["gateway_p50_ms"]["median"], ms["gateway_p99_ms"]["median"]])
        rows.append([f"bare Vert.x (next to {mode})", ms["bare_rps"]["median"], ms["bare_p50_ms"]["median"], ms["bare_p99_ms"]["median"]])
    o = doc["options"]
    script = _block("d", rows) + f"""
set title "{_title(doc, f"ceiling: warm page, wrk {o['connections']} connections x {o['duration']} s, median of {doc['runs']} runs")}"
set style data histograms
set style fill solid 0.7 border -1
set boxwidth 0.8
set ylabel "requests / s"
set yrange [0:*]
set grid ytics
set xtics rotate by -15
set key off
plot $d using 2:xtic(1) lc rgb '#1f77b4'
"""
    return [_render(script, os.path.join(plots_dir, "ceiling-throughput.svg"), artifacts)]


def browser_flow(doc, plots_dir, artifacts):
    rows = []
    for mode, ms in doc["summary"].items():
        label = "browser SDK, 3 calls in sequence" if mode == "sdk-direct" else f"gateway, 1 call ({mode})"
        rows.append([label, ms["p50_ms"]["median"], ms["p99_ms"]["median"]])
    o = doc["options"]
    script = _block("d", rows) + f"""
set title "{_title(doc, f"browser-flow: page latency, {o['shoppers']} shoppers at {o['rate']}/s, median of {doc['runs']} runs")}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.7 border -1
set ylabel "page latency (ms, log)"
set logscale y
set grid ytics
set xtics rotate by -15
set key top right
plot $d using 2:xtic(1) lc rgb '#1f77b4' title 'p50', '' using 3 lc rgb '#d62728' title 'p99'
"""
    return [_render(script, os.path.join(plots_dir, "browser-flow-latency.svg"), artifacts)]


def l2_hit(doc, plots_dir, artifacts):
    run = _last_run(doc)
    with_curves = [x for x in doc["samples"] if x["run"] == run and x["series"].get("percentiles")]
    s = next((x for x in with_curves if x["mode"] == "redis"), with_curves[0] if with_curves else None)
    if not s:
        return []
    # the Cluster's L2 curve of the same run, when measured (mode redis-cluster)
    c = next((x for x in with_curves if x["mode"] == "redis-cluster" and x is not s), None)
    cl2 = [a for _, a, _ in c["series"]["percentiles"]] if c else None
    # x = 1 / (1 - p): 50% at 2, 90% at 10, 99% at 100, 99.9% at 1000 (HdrHistogram's percentile plot)
    rows = [[1.0 / (1.0 - p / 100.0), a, b] + ([cl2[i]] if cl2 else [])
            for i, (p, a, b) in enumerate(s["series"]["percentiles"])]
    cluster_curve = (", \\\n     $d using 1:4 with linespoints lw 2 pt 5 ps 0.6 lc rgb '#9467bd' title "
                     "'L2 hit on a Redis Cluster (3 primaries)'") if cl2 else ""
    m = s["metrics"]
    o = doc["options"]
    script = _block("d", rows) + f"""
set title "{_title(doc, f"l2-hit: gateway B, {o['rate']:.0f} req/s, {m['pairs']} requests per side, run {run}")}"
set xlabel "percentile"
set ylabel "latency (ms, log; client side, from the intended start)"
set logscale x
set logscale y
set xrange [1.6:1300]
set xtics ("50%%" 2, "75%%" 4, "90%%" 10, "99%%" 100, "99.9%%" 1000)
set grid
set key bottom right
set style textbox opaque noborder
set label 1 "p50: L2 {m['l2_p50_ms']:.3f} ms, L1 {m['l1_p50_ms']:.3f} ms (delta {m['delta_p50_ms']:+.3f} ms; target <= +0.3 ms)" at graph 0.02, graph 0.93 front boxed
plot $d using 1:2 with linespoints lw 2 pt 7 ps 0.6 lc rgb '{COLORS['redis']}' title 'L2 hit (first request on B: segments from Redis)', \\
     $d using 1:3 with linespoints lw 2 pt 7 ps 0.6 lc rgb '{COLORS['memory']}' title 'L1 hit (second request on B: all in memory)'{cluster_curve}
"""
    return [_render(script, os.path.join(plots_dir, "l2-hit-latency.svg"), artifacts)]


def sentinel(doc, plots_dir, artifacts):
    return redis_down(doc, plots_dir, artifacts, name="sentinel")


def redis_down(doc, plots_dir, artifacts, name="redis-down"):
    run = _last_run(doc)
    s = next((x for x in doc["samples"] if x["run"] == run and x["series"].get("per_second")), None)
    if not s:
        return []
    ser = s["series"]
    names = {"warmup": "warm-up", "up": "up", "killed": "killed", "restarted": "restarted", "hung": "hung",
             "resumed": "resumed", "switched": "sentinels switched"}
    marks = "\n".join(
        f"set arrow {i + 1} from {t}, graph 0 to {t}, graph 1 nohead dt 2 lc rgb '#555555'\n"
        f"set label {i + 10} '{names.get(p, p)}' at {t + 0.2}, graph 0.97 front"
        for i, (p, t) in enumerate(zip(ser["phases"], ser["phase_starts"])))
    o = doc["options"]
    script = _block("d", ser["per_second"]) + f"""
set title "{_title(doc, f"{name}: latency per second, {o['rate']} pages/s, run {run}")}"
set xlabel "seconds since phase 1 (Redis up) started; < 0: warm-up"
set ylabel "latency (ms, log)"
set y2label "edge_redis_up" noenhanced
set logscale y
set y2range [-0.1:1.5]
set y2tics 0, 1, 1
set ytics nomirror
set grid
set key outside bottom center horizontal
{marks}
plot $d using 1:4 with linespoints pt 7 ps 0.4 lc rgb '#7f7f7f' title 'max', \\
     $d using 1:3 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'p99', \\
     $d using 1:2 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'p50', \\
     {ser['target_ms']} with lines dt 3 lc rgb '#d62728' title 'target p99 ({ser['target_ms']} ms)', \\
     $d using 1:5 axes x1y2 with steps lw 2 lc rgb '#2ca02c' title 'edge\\_redis\\_up (right axis)'
"""
    return [_render(script, os.path.join(plots_dir, f"{name}-latency.svg"), artifacts)]


def hostile(doc, plots_dir, artifacts):
    run = _last_run(doc)
    parts, plots = [], []
    colors = {"alone": "#1f77b4", "attacked": "#d62728"}
    for s in doc["samples"]:
        if s["run"] != run or not s["series"].get("percentiles"):
            continue
        parts.append(_block(s["mode"], s["series"]["percentiles"]))
        plots.append(f"${s['mode']} using 1:2 with linespoints lw 2 pt 7 lc rgb '{colors.get(s['mode'], '#000')}' "
                     f"title '{s['mode']}'")
    if not plots:
        return []
    o = doc["options"]
    script = "\n".join(parts) + f"""
set title "{_title(doc, f"hostile: legitimate page latency by percentile, {o['rate']}/s, run {run}")}"
set xlabel "percentile"
set ylabel "latency from the scheduled send (ms, log)"
set logscale y
set grid
set key top left
plot {', '.join(plots)}
"""
    return [_render(script, os.path.join(plots_dir, "hostile-latency.svg"), artifacts)]


def faults(doc, plots_dir, artifacts):
    run = _last_run(doc)
    s = next((x for x in doc["samples"] if x["run"] == run and x["series"].get("per_second")), None)
    if not s:
        return []
    ser = s["series"]
    # one mark per upstream (its 7 fault phases follow), so the plot stays readable
    marks, k = [], 0
    for p, t in zip(ser["phases"], ser["phase_starts"]):
        if p == "baseline" or (p.endswith(":refuse")):
            k += 1
            marks.append(f"set arrow {k} from {t}, graph 0 to {t}, graph 1 nohead dt 2 lc rgb '#555555'\n"
                         f"set label {k + 100} '{p.split(':')[0]}' at {t + 0.5}, graph 0.97 front")
    o = doc["options"]
    script = _block("d", ser["per_second"]) + f"""
set title "{_title(doc, f"faults: latency per second, {o['rate']} requests/s, 7 faults per upstream, run {run}")}"
set xlabel "seconds since the baseline phase started"
set ylabel "latency (ms, log)"
set y2label "share of pages not ok (degraded)"
set logscale y
set y2range [0:1.05]
set y2tics 0, 0.25, 1
set ytics nomirror
set grid
set key outside bottom center horizontal
{chr(10).join(marks)}
plot $d using 1:3 with lines lw 2 lc rgb '#d62728' title 'p99', \\
     $d using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'p50', \\
     {ser['target_ms']} with lines dt 3 lc rgb '#d62728' title 'target p99 ({ser['target_ms']} ms)', \\
     $d using 1:4 axes x1y2 with steps lw 1 lc rgb '#2ca02c' title 'not ok share (right axis)'
"""
    return [_render(script, os.path.join(plots_dir, "faults-latency.svg"), artifacts)]


def rolling(doc, plots_dir, artifacts):
    run = _last_run(doc)
    s = next((x for x in doc["samples"] if x["run"] == run and x["series"].get("per_second")), None)
    if not s:
        return []
    ser = s["series"]
    marks = "\n".join(
        f"set arrow {i + 1} from {t}, graph 0 to {t}, graph 1 nohead dt 2 lc rgb '#555555'\n"
        f"set label {i + 10} '{p}' at {t + 0.3}, graph 0.97 front"
        for i, (p, t) in enumerate(zip(ser["phases"], ser["phase_starts"])))
    o = doc["options"]
    script = _block("d", ser["per_second"]) + f"""
set title "{_title(doc, f"rolling: latency per second through HAProxy, {o['rate']} pages/s, run {run}")}"
set xlabel "seconds since the steady phase started (dashed: SIGTERM of each gateway)"
set ylabel "latency (ms, log)"
set y2label "failed requests"
set logscale y
set ytics nomirror
set y2tics
set grid
set key outside bottom center horizontal
{marks}
plot $d using 1:3 with linespoints lw 2 pt 7 ps 0.4 lc rgb '#d62728' title 'p99', \\
     $d using 1:2 with linespoints lw 2 pt 7 ps 0.4 lc rgb '#1f77b4' title 'p50', \\
     $d using 1:4 axes x1y2 with impulses lw 3 lc rgb '#000000' title 'failed (right axis)'
"""
    return [_render(script, os.path.join(plots_dir, "rolling-latency.svg"), artifacts)]


def crash(doc, plots_dir, artifacts):
    run = _last_run(doc)
    parts, plots, marks = [], [], None
    for s in doc["samples"]:
        if s["run"] != run or not s["series"].get("cumulative"):
            continue
        m = s["mode"]
        parts.append(_block(f"d_{m}", s["series"]["cumulative"]))
        c = COLORS.get(m, "#333333")
        plots.append(f"$d_{m} using 1:2 with lines lw 2 dt 2 lc rgb '{c}' title '{m}: accepted'")
        plots.append(f"$d_{m} using 1:3 with lines lw 2 lc rgb '{c}' title '{m}: delivered (unique)'")
        marks = marks or s["series"].get("marks")
    if not plots:
        return []
    names = [("collector_down", "collector down"), ("killed", "A killed"), ("restarted_ready", "A ready again"),
             ("collector_up", "collector up"), ("load_end", "load ends")]
    arrows = "\n".join(f"set arrow {i + 1} from {marks[k]}, graph 0 to {marks[k]}, graph 1 nohead dt 3 lc rgb '#555555'\n"
                       f"set label {i + 10} '{label}' at {marks[k] + 0.2}, graph {0.97 - 0.05 * i} front"
                       for i, (k, label) in enumerate(names) if marks and marks.get(k) is not None)
    o = doc["options"]
    script = "\n".join(parts) + f"""
set title "{_title(doc, f"crash: events accepted and delivered, {o['rate']} events/s, run {run}")}"
set xlabel "seconds since the load started"
set ylabel "events (cumulative)"
set grid
set key outside bottom center horizontal
{arrows}
plot {", ".join(plots)}
"""
    return [_render(script, os.path.join(plots_dir, "crash-events.svg"), artifacts)]
