"""The `hostile` scenario (issue 15): legitimate shoppers at a steady open-loop rate, once alone and once while an
attacker hits the same gateway at the same time with junk searches to random hosts under an allowed wildcard
suffix, foreign Klevu API keys, oversized events and slowloris sockets; the order alternates per run. Per phase:
the legitimate pages' p50/p99 from their scheduled send time, degraded pages, 5xx, failed requests, the gateway's
RSS; for the attacked phase the p99 ratio to the phase alone, what the attack got (answers by status) and how many
slowloris sockets the gateway closed. The attacker runs in a process of its own, so that it does not share the
load generator's interpreter lock with the legitimate load."""
import http.client
import json
import multiprocessing
import os
import random
import selectors
import socket
import threading
import time

from .cdn import Visitors, open_loop
from .stack import new_run_id
from .stats import percentile

ATTACK_SUFFIX = "ksearchnet.com"


def _junk(port, kind, rate, stop_at, counts, seed):
    """One attacker thread: `kind` requests at `rate` a second (paced, closed loop) until stop_at."""
    rng = random.Random(seed)
    conn = None
    n = 0
    start = time.time()
    while time.time() < stop_at:
        due = start + n / rate
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        n += 1
        if kind == "search":
            host = f"nx{rng.randrange(10**9)}.{ATTACK_SUFFIX}"
            method, path = "POST", f"/klevu/search/{host}/cs/v2/search"
            body = json.dumps({"context": {"apiKeys": ["klevu-demo-api-key"]}, "recordQueries": []}).encode()
        elif kind == "foreign_key":
            key = f"foreign-{rng.randrange(10**9)}"
            if n % 2:
                method, path, body = "GET", f"/klevu/recommendations/{key}/settings/k-home", None
            else:
                method, path, body = "POST", f"/klevu/visitor/public/1.0/{key}/session", b"{}"
        else:  # oversized events: past the body limit (413), or one event of 60 KB in a legal body
            size = 100_000 if n % 2 else 60_000
            event = {"type": "impression", "recsKey": "k-home", "list": {"title": "x" * size, "logic": "TRENDING"},
                     "items": [{"id": "39814", "index": 1}]}
            method, path, body = "POST", "/v1/events", json.dumps({"events": [event]}).encode()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            headers = {"Content-Type": "application/json"} if body is not None else {}
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (http.client.HTTPException, OSError):
            status = 0
            if conn is not None:
                conn.close()
            conn = None
        key = f"{kind}_{status}"
        counts[key] = counts.get(key, 0) + 1
    if conn is not None:
        conn.close()


def _slowloris(port, sockets, stop_at, counts):
    """`sockets` connections kept open by trickling one header byte a second each; one the gateway closes is
    counted and opened again (the attacker keeps its 500 up)."""
    sel = selectors.DefaultSelector()
    head = b"GET /v1/recommendations/k-home HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100_000
    conns = {}

    def open_one():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            conns[s] = 0
        except OSError:
            counts["slowloris_connect_failed"] = counts.get("slowloris_connect_failed", 0) + 1

    def drop(s):
        sel.unregister(s)
        conns.pop(s, None)
        s.close()

    for _ in range(sockets):
        open_one()
    next_tick = time.time()
    while time.time() < stop_at:
        for key, _ in sel.select(timeout=0.1):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:
                counts["slowloris_closed_by_gateway"] = counts.get("slowloris_closed_by_gateway", 0) + 1
                drop(s)
                open_one()
        if time.time() >= next_tick:
            next_tick += 1.0
            for s in list(conns):
                try:
                    s.send(head[conns[s]:conns[s] + 1])
                    conns[s] += 1
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    counts["slowloris_closed_by_gateway"] = counts.get("slowloris_closed_by_gateway", 0) + 1
                    drop(s)
                    open_one()
            counts["slowloris_open_max"] = max(counts.get("slowloris_open_max", 0), len(conns))
    for s in list(conns):
        drop(s)


def _attacker(port, opts, seconds, out_queue):
    stop_at = time.time() + seconds
    counts = {}
    threads = [threading.Thread(target=_slowloris, args=(port, int(opts["slowloris"]), stop_at, counts), daemon=True)]
    for i, (kind, rate) in enumerate((("search", opts["junk_search_rate"]), ("foreign_key", opts["foreign_key_rate"]),
                                      ("events", opts["oversized_event_rate"]))):
        threads.append(threading.Thread(target=_junk, args=(port, kind, float(rate), stop_at, counts, i), daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    out_queue.put(counts)


class _Rss(threading.Thread):
    def __init__(self, gw):
        super().__init__(daemon=True)
        self.gw = gw
        self.values = []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(0.5):
            v = self.gw.proc.rss_mb()
            if v is not None:
                self.values.append(v)


def _scrape_closed(port):
    """edge_http_connections_closed_total by reason, from the ops port."""
    out = {}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        conn.close()
    except (http.client.HTTPException, OSError):
        return out
    for line in text.splitlines():
        if line.startswith("edge_http_connections_closed_total{") and 'listener="api"' in line:
            reason = line.split('reason="')[1].split('"')[0]
            out[reason] = out.get(reason, 0) + float(line.rsplit(" ", 1)[1])
    return out


def _phase(ctx, gw, mode, run):
    o = ctx.opts
    seconds = float(o["duration"])
    rate = float(o["rate"])
    run_id = new_run_id()
    open_loop(gw.port, Visitors("warm-" + run_id, 50, 1.0), rate, 1.0)
    attacker, results = None, None
    closed_before = _scrape_closed(gw.ops_port)
    if mode == "attacked":
        results = multiprocessing.Queue()
        # the attack starts first and outlasts the measurement: the slowloris sockets are all up when it starts
        attacker = multiprocessing.Process(target=_attacker, args=(gw.port, o, seconds + 3.0, results), daemon=True)
        attacker.start()
        time.sleep(2.0)
    rss = _Rss(gw)
    rss.start()
    records = open_loop(gw.port, Visitors(run_id, int(o["shoppers"]), 1.0), rate, seconds)
    rss.stopped.set()
    attack = {}
    if attacker is not None:
        attack = results.get(timeout=seconds + 60)
        attacker.join(timeout=30)
    closed_after = _scrape_closed(gw.ops_port)
    ok = sorted(r["ms"] for r in records if r["status"] == 200)
    degraded = 0
    for r in records:
        if r["status"] == 200:
            try:
                degraded += bool(json.loads(r["body"]).get("degraded"))
            except ValueError:
                degraded += 1
    m = {
        "p50_ms": percentile(ok, 50) if ok else None,
        "p99_ms": percentile(ok, 99) if ok else None,
        "pages": len(records),
        "degraded": degraded,
        "http_5xx": sum(1 for r in records if r["status"] >= 500),
        "failed": sum(1 for r in records if r["status"] == 0),
        "not_200": sum(1 for r in records if r["status"] != 200),
        "rss_max_mb": max(rss.values) if rss.values else None,
    }
    if mode == "attacked":
        m["attack_requests"] = sum(v for k, v in attack.items() if not k.startswith("slowloris"))
        m["attack_5xx"] = sum(v for k, v in attack.items() if not k.startswith("slowloris") and int(k.rsplit("_", 1)[1]) >= 500)
        m["slowloris_open_max"] = attack.get("slowloris_open_max", 0)
        m["slowloris_closed"] = attack.get("slowloris_closed_by_gateway", 0)
    closed = {k: closed_after.get(k, 0) - closed_before.get(k, 0) for k in closed_after}
    curve = [[q, percentile(ok, q)] for q in (10, 25, 50, 75, 90, 95, 98, 99, 99.5, 99.9)] if ok else []
    return {"run": run, "mode": mode, "metrics": m, "series": {"percentiles": curve},
            "info": {"attack": attack, "connections_closed": closed}}


def run_hostile(ctx, run, modes):
    st = ctx.stack
    # the attacker's wildcard suffix is allowed (as the default *.ksearchnet.com is), next to the simulator's host;
    # every request comes from 127.0.0.1, so the per-client rate limit stays off (it would count the shoppers too)
    allowed = f"127.0.0.1,127.0.0.1:{st.sim_port},*.{ATTACK_SUFFIX}"
    gw = st.start_gateway("memory", f"gateway-hostile-r{run}", extra_env={"EDGE_SEARCH_ALLOWED_HOSTS": allowed})
    out = []
    try:
        # the same mix for a few seconds first, not measured: neither phase should meet a JIT still at work
        open_loop(gw.port, Visitors("warm-" + new_run_id(), 200, 1.0), float(ctx.opts["rate"]), float(ctx.opts["warm_s"]))
        for mode in (modes if run % 2 == 1 else list(reversed(modes))):
            out.append(_phase(ctx, gw, mode, run))
    finally:
        gw.stop()
    alone = next((x["metrics"] for x in out if x["mode"] == "alone"), None)
    for x in out:
        if alone and x["mode"] == "attacked" and alone.get("p99_ms") and x["metrics"].get("p99_ms"):
            x["metrics"]["p99_vs_alone"] = x["metrics"]["p99_ms"] / alone["p99_ms"]
            x["metrics"]["p50_vs_alone"] = x["metrics"]["p50_ms"] / alone["p50_ms"]
        if alone and x["mode"] == "attacked" and alone.get("rss_max_mb") and x["metrics"].get("rss_max_mb"):
            x["metrics"]["rss_over_alone_mb"] = x["metrics"]["rss_max_mb"] - alone["rss_max_mb"]
    return out
