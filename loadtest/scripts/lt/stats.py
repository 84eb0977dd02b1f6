"""Small statistics helpers (stdlib only)."""
import csv
import math
import random


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (the same definition HdrHistogram reports)."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100.0 * len(sorted_values)) - 1))
    return sorted_values[k]


def median(values):
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    n = len(vals)
    return vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2.0


def spread(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}


def median_difference(a, b, resamples=2000, seed=0):
    """median(a) - median(b) with a bootstrap 95 % interval (seeded: the report is the same every time it is made)
    and the Mann-Whitney z of a against b (normal approximation): for two noisy samples, whether a difference is more
    than their spread. None when either is empty."""
    a, b = [v for v in a if v is not None], [v for v in b if v is not None]
    if not a or not b:
        return None
    rng = random.Random(seed)
    diffs = sorted(median(rng.choices(a, k=len(a))) - median(rng.choices(b, k=len(b))) for _ in range(resamples))
    ranked = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    rank_sum = sum(i + 1 for i, (_, side) in enumerate(ranked) if side == 0)
    u = rank_sum - len(a) * (len(a) + 1) / 2.0
    sd = math.sqrt(len(a) * len(b) * (len(a) + len(b) + 1) / 12.0)
    return {"diff": median(a) - median(b), "lo": diffs[int(0.025 * resamples)], "hi": diffs[int(0.975 * resamples) - 1],
            "z": (u - len(a) * len(b) / 2.0) / sd if sd else 0.0, "n": len(a), "n_base": len(b)}


def latency_summary_ms(latencies_us):
    """p50/p90/p99/p99.9/max in ms of a list of µs values."""
    vals = sorted(latencies_us)
    if not vals:
        return {"count": 0}
    return {
        "count": len(vals),
        "p50_ms": percentile(vals, 50) / 1000.0,
        "p90_ms": percentile(vals, 90) / 1000.0,
        "p99_ms": percentile(vals, 99) / 1000.0,
        "p999_ms": percentile(vals, 99.9) / 1000.0,
        "max_ms": vals[-1] / 1000.0,
    }


def read_raw(path):
    """Rows of a LatencyRecorder CSV: (start_ms, latency_us, status, x_cache)."""
    rows = []
    try:
        with open(path) as f:
            for r in csv.DictReader(f):
                rows.append((int(r["start_ms"]), int(r["latency_us"]), int(r["status"]), r["x_cache"]))
    except FileNotFoundError:
        pass
    return rows


def hit_ratio(x_cache_tally):
    """Share of responses whose X-Cache says they came from cache (HIT, or STALE served from cache)."""
    total = sum(x_cache_tally.values())
    if not total:
        return None
    hits = sum(v for k, v in x_cache_tally.items() if k.upper().startswith("HIT") or k.upper().startswith("STALE"))
    return hits / total


def parse_prometheus(text, prefixes=("edge_", "process_", "jvm_memory_used_bytes", "vertx_http_server_active")):
    """Samples of the given metric-name prefixes: {'name{labels}': value}."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(prefixes):
            continue
        try:
            key, value = line.rsplit(" ", 1)
            out[key] = float(value)
        except ValueError:
            continue
    return out


def sum_metric(samples, name, **labels):
    """Sum of a metric's samples whose labels include the given ones."""
    total = 0.0
    found = False
    for key, value in samples.items():
        base = key.split("{", 1)[0]
        if base != name:
            continue
        lbl = key[len(base):]
        if all(f'{k}="{v}"' in lbl for k, v in labels.items()):
            total += value
            found = True
    return total if found else None


def degraded_share(outcome_tally):
    """Share of responses whose X-Edge-Outcome is neither ok nor absent (degraded, timeout, ...)."""
    total = sum(outcome_tally.values()) if outcome_tally else 0
    if not total:
        return None
    return sum(v for k, v in outcome_tally.items() if k not in ("ok", "none")) / total


def read_raw_full(path):
    """Rows of a LatencyRecorder CSV with the outcome: (start_ms, latency_us, status, x_cache, outcome)."""
    rows = []
    try:
        with open(path) as f:
            for r in csv.DictReader(f):
                rows.append((int(r["start_ms"]), int(r["latency_us"]), int(r["status"]), r["x_cache"],
                             r.get("outcome") or "none"))
    except FileNotFoundError:
        pass
    return rows
