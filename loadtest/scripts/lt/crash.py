"""crash: two gateways, events flowing (open loop), the collector down for a while, one gateway SIGKILLed in the
middle of it and started again; then every event accepted (2xx to the client) is compared with what the simulator's
collector received (its `events` and `duplicate_events` counters). Mode redis: the durable outbox on the harness's
private redis-server; mode memory: each gateway's in-memory outbox, whose loss this shows."""
import http.client
import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

CRASH_ENV = {"EDGE_WARMUP_PAGES": "0", "EDGE_EVENTS_CLAIM_IDLE_MS": "3000", "EDGE_EVENTS_RETRY_BACKOFF_MS": "200",
             "EDGE_EVENTS_RETRY_BACKOFF_MAX_MS": "1000", "EDGE_EVENTS_MAX_ATTEMPTS": "1000",
             "EDGE_UPSTREAM_MAX_RETRIES": "0", "EDGE_EVENTS_DRAIN_MS": "5000",
             # two JVMs starting next to the load on 2 cores: the 50 ms default marks Redis down on CPU stalls
             "EDGE_REDIS_COMMAND_TIMEOUT_MS": "250"}


def _event(api_key, tag):
    return {"event": "view_recs_list", "event_version": "1.0.0", "event_apikey": api_key,
            "user_profile": {"sessionId": "crash-session"},
            "event_data": {"list_id": tag, "list_name": "Home", "list_logic": "TRENDING", "action": None,
                           "items": [{"index": 1, "item_id": "p1", "item_group_id": "p1", "item_variant_id": "p1",
                                      "item_name": "Sock", "price": "25.00", "currency": "USD"}]}}


class EventLoad:
    """Open loop: one event per request at `rate`/s, round robin over the gateways' ports (a dead one's requests
    fail and are not counted as accepted)."""

    def __init__(self, ports, rate, api_key, tag):
        self.ports = ports  # list, mutated by the scenario (a restarted gateway gets a new port)
        self.rate, self.api_key, self.tag = rate, api_key, tag
        self.accepted = self.refused = self.failed = 0
        self.per_second = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=48)

    def _post(self, i, port, t0):
        body = json.dumps([_event(self.api_key, f"{self.tag}-{i}")])
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        status = None
        try:
            c = conns.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conns[port] = c
            c.request("POST", "/klevu/analytics/collect", body=body, headers={"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            status = r.status
        except Exception:
            conns.pop(port, None)
        sec = int(t0)
        with self._lock:
            row = self.per_second.setdefault(sec, [0, 0])
            if status is not None and 200 <= status < 300:
                self.accepted += 1
                row[0] += 1
            elif status is not None:
                self.refused += 1
                row[1] += 1
            else:
                self.failed += 1
                row[1] += 1

    def run(self, seconds):
        start = time.time()
        i = 0
        while not self._stop.is_set():
            due = start + i / self.rate
            if due - start >= seconds:
                break
            left = due - time.time()
            if left > 0:
                time.sleep(left)
            ports = list(self.ports)
            self._pool.submit(self._post, i, ports[i % len(ports)], time.time())
            i += 1
        self._pool.shutdown(wait=True)
        return i


def run_crash(ctx, run, mode):
    st, o = ctx.stack, ctx.opts
    if mode == "redis":
        st._private_redis()
    phase = float(o["duration"])
    rate = float(o["rate"])
    st.reset_sim()
    st.configure_sim()
    a = st.start_gateway(mode, f"gateway-a-{mode}-r{run}", extra_env=CRASH_ENV)
    b = st.start_gateway(mode, f"gateway-b-{mode}-r{run}", extra_env=CRASH_ENV, flush=False)
    gws = {"a": a, "b": b}
    load = EventLoad([a.port, b.port], rate, st.api_key, f"crash-{mode}-r{run}")
    marks = {}
    series = []
    stop_poll = threading.Event()

    def poll():
        while not stop_poll.wait(0.5):
            try:
                s = st.sim_stats()
                series.append([time.time(), load.accepted, s.get("events", 0), s.get("duplicate_events", 0)])
            except Exception:
                pass

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    t0 = time.time()
    loader = threading.Thread(target=lambda: marks.setdefault("sent", load.run(phase * 4)), daemon=True)
    loader.start()
    try:
        def at(k):
            while time.time() < t0 + k * phase:
                time.sleep(0.02)
            return time.time() - t0

        marks["collector_down"] = at(1)
        st.configure_sim(overrides={"stats": {"latencyMs": st.latencies["stats"], "fault": "down"}})
        marks["killed"] = at(1.5)
        os.kill(a.proc.pid, signal.SIGKILL)
        load.ports.remove(a.port)
        marks["restart"] = at(2.5)
        a2 = st.start_gateway(mode, f"gateway-a2-{mode}-r{run}", extra_env=CRASH_ENV, flush=False)
        gws["a"] = a2
        load.ports.append(a2.port)
        marks["restarted_ready"] = time.time() - t0
        marks["collector_up"] = max(at(3), time.time() - t0)
        st.configure_sim()
        loader.join(timeout=phase * 4 + 30)
        marks["load_end"] = time.time() - t0
        # settle: the simulator's count stops moving (claims come after EDGE_EVENTS_CLAIM_IDLE_MS)
        last, still = None, 0
        deadline = time.time() + 45
        while time.time() < deadline:
            n = st.sim_stats().get("events", 0)
            still = still + 1 if n == last else 0
            last = n
            if still >= 10 and n >= load.accepted:
                break
            if still >= 16:
                break
            time.sleep(0.5)
        marks["settled"] = time.time() - t0
        prom = {k: g.scrape() for k, g in gws.items()}
    finally:
        stop_poll.set()
        for g in gws.values():
            try:
                g.stop()
            except Exception:
                pass
        a.proc.stop()
    stats = st.sim_stats()
    for k, text in prom.items():
        with open(os.path.join(ctx.artifacts, f"metrics-{mode}-{k}-r{run}.prom"), "w") as f:
            f.write(text)
    delivered = stats.get("events", 0)
    dups = stats.get("duplicate_events", 0)
    unique = delivered - dups
    lost = max(0, load.accepted - unique)
    claimed = sum(_metric(t, 'edge_outbox_stream_total{result="claimed"}') for t in prom.values())
    m = {"sent": marks.get("sent", 0), "accepted": load.accepted, "not_accepted": load.refused + load.failed,
         "delivered": delivered, "duplicates": dups, "unique_delivered": unique, "lost": lost,
         "lost_share": lost / load.accepted if load.accepted else None,
         # answered 503 because XADD timed out after Redis had taken the event: delivered, never promised
         "delivered_not_accepted": max(0, unique - load.accepted),
         "duplicate_share": dups / load.accepted if load.accepted else None, "claimed": claimed,
         "settle_s": marks["settled"] - marks["load_end"]}
    rows = [[round(t - t0, 2), acc, ev - du] for t, acc, ev, du in series]
    return [{"run": run, "mode": mode, "metrics": m, "series": {"cumulative": rows, "marks": marks},
             "info": {"marks": marks, "client": {"refused": load.refused, "failed": load.failed}}}]


def _metric(text, name):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name.split("{")[0]) and all(p in line for p in name[len(name.split("{")[0]):].strip("{}").split(",") if p):
            try:
                total += float(line.rsplit(" ", 1)[1])
            except ValueError:
                pass
    return total
