"""The `cdn` scenario: Varnish (Debian's, with the shipped conf/cdn/varnish.vcl) in front of one gateway, and the same
mixed open-loop load straight at the gateway, in one run. Classes: cookie-less anonymous visitors (a new one per
request), anonymous visitors with cookies (a Klaviyo client id and analytics cookies), identified shoppers (Zipf).
Per class: p50/p99, the share Varnish served from its cache; Klevu calls per 1,000 pages; and a leak audit over
every answer."""
import base64
import hashlib
import http.client
import json
import os
import queue
import random
import threading
import time

from . import procs
from .stack import Shoppers, Teardown, delta, new_run_id, per_1000, write_page
from .stats import percentile

CLASSES = ("cookieless", "anon_cookies", "identified")
# the banners and page contexts the anonymous visitors ask for (few: a storefront's home and product pages)
PIDS = [str(39800 + i) for i in range(20)]
RECS_KEYS = ["k-cdn-home", "k-cdn-pdp"]


def start_varnish(ctx, backend_port, name, probe_status=404):
    """varnishd in the foreground with the shipped VCL, its backend pointed at this port (a gateway's; BareServer's,
    whose every path answers 200, with probe_status 200)."""
    with open(os.path.join(ctx.paths.root, "conf", "cdn", "varnish.vcl")) as f:
        vcl = f.read()
    vcl = vcl.replace('.port = "8080";', f'.port = "{backend_port}";')
    vcl = vcl.replace(".expected_response = 404;", f".expected_response = {probe_status};")
    workdir = os.path.join(ctx.artifacts, name)
    os.makedirs(workdir, exist_ok=True)
    vcl_path = os.path.join(workdir, "varnish.vcl")
    with open(vcl_path, "w") as f:
        f.write(vcl)
    port = procs.free_port()
    pin = os.environ.get("LT_VARNISH_CPUS")
    cmd = ((["taskset", "-c", pin] if pin else [])
           + ["varnishd", "-F", "-n", workdir, "-a", f"127.0.0.1:{port}", "-f", vcl_path, "-s", "malloc,128m",
              "-p", "thread_pool_min=20"]
           + os.environ.get("LT_VARNISH_ARGS", "").split())
    proc = procs.Proc(name, cmd, log_path=ctx.stack.log(name))
    deadline = time.time() + 30
    while time.time() < deadline and not procs.port_open(port):
        if not proc.alive():
            raise RuntimeError(f"varnishd exited; see {ctx.stack.log(name)}")
        time.sleep(0.1)
    # the backend probe must find the gateway healthy before traffic, or stale answers would be kept longer
    time.sleep(2.5)
    return proc, port


class Visitors:
    def __init__(self, run_id, shoppers, zipf):
        self.shoppers = Shoppers(run_id)
        self.run_id = run_id
        weights = [1.0 / ((i + 1) ** zipf) for i in range(shoppers)]
        total = sum(weights)
        self.cum = []
        acc = 0.0
        for w in weights:
            acc += w / total
            self.cum.append(acc)
        self.rng = random.Random(run_id)

    def shopper(self):
        x = self.rng.random()
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def request(self, n):
        """(class, path, headers, shopper index or None) of the n-th request: half cookie-less, a quarter each."""
        cls = CLASSES[0] if n % 4 in (0, 2) else CLASSES[1] if n % 4 == 1 else CLASSES[2]
        path = f"/v1/recommendations/{self.rng.choice(RECS_KEYS)}?pid={self.rng.choice(PIDS)}"
        if cls == "cookieless":
            return cls, path + ("&utm_source=mail&gclid=x" + str(n) if n % 8 == 0 else ""), {}, None
        if cls == "anon_cookies":
            cid = base64.b64encode(hashlib.sha256(f"{self.run_id}/anon/{n}".encode()).hexdigest()[:32].encode()).decode()
            kla = base64.b64encode(json.dumps({"cid": cid}, separators=(",", ":")).encode()).decode()
            return cls, path, {"Cookie": f"__kla_id={kla}; _ga=GA1.1.{n}; _fbp=fb.1.{n}"}, None
        i = self.shopper()
        return cls, path, {"Cookie": self.shoppers.cookie(i)}, i


def open_loop(port, visitors, rate, seconds, workers=48):
    """Requests sent at their scheduled times (latency counted from then: no coordinated omission)."""
    jobs = queue.Queue()
    out = []
    lock = threading.Lock()

    def work():
        conn = None
        while True:
            job = jobs.get()
            if job is None:
                break
            due, n, cls, path, headers, shopper = job
            while True:
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    sent = time.perf_counter()
                    conn.request("GET", path, headers=headers)
                    resp = conn.getresponse()
                    body = resp.read()
                    done = time.perf_counter()
                    # ms: from the scheduled time (the client's own backlog included); service_ms: from the send
                    rec = {"class": cls, "shopper": shopper, "n": n, "ms": (done - due) * 1000.0,
                           "service_ms": (done - sent) * 1000.0,
                           "status": resp.status, "varnish": resp.getheader("X-Varnish-Cache"),
                           "cache_control": resp.getheader("Cache-Control"),
                           "set_cookie": resp.getheader("Set-Cookie") is not None, "body": body}
                    break
                except (http.client.HTTPException, OSError):
                    if conn is not None:
                        conn.close()
                    conn = None
                    rec = {"class": cls, "shopper": shopper, "n": n, "ms": (time.perf_counter() - due) * 1000.0,
                           "service_ms": None, "status": 0, "varnish": None, "cache_control": None, "set_cookie": False, "body": b""}
                    break
            with lock:
                out.append(rec)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)
    for n in range(total):
        due = start + n / rate
        cls, path, headers, shopper = visitors.request(n)
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        jobs.put((due, n, cls, path, headers, shopper))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join(timeout=60)
    return out


def own_segments(gw_port, shoppers, indexes):
    """Each identified shopper's segments, asked of the gateway directly (GET /v1/segments, after the load)."""
    seen = {}
    conn = http.client.HTTPConnection("127.0.0.1", gw_port, timeout=10)
    try:
        for i in sorted(indexes):
            conn.request("GET", "/v1/segments", headers={"Cookie": shoppers.cookie(i)})
            resp = conn.getresponse()
            body = resp.read()
            if resp.status == 200:
                seen[i] = json.loads(body).get("segments", [])
    finally:
        conn.close()
    return seen


def audit(records, segments):
    """Leaks: an identified answer served from Varnish's cache, or public, or with another shopper's segment; any
    answer that set a cookie or was private yet came from Varnish's cache; an anonymous answer that is personalised."""
    leaks = []
    for r in records:
        if r["status"] != 200:
            continue
        cached = r["varnish"] == "hit"
        if cached and (r["set_cookie"] or not (r["cache_control"] or "").startswith("public")):
            leaks.append(("kept private or cookie-setting answer", r["class"]))
        try:
            page = json.loads(r["body"])
        except ValueError:
            leaks.append(("unreadable body", r["class"]))
            continue
        if r["class"] == "identified":
            if cached or (r["cache_control"] or "").startswith("public"):
                leaks.append(("identified answer shared", r["class"]))
            key = (page.get("analytics") or {}).get("segmentKey")
            own = segments.get(r["shopper"])
            if page.get("personalized") and own is not None and key is not None and key not in own:
                leaks.append(("another shopper's segment", r["class"]))
        elif page.get("personalized"):
            leaks.append(("anonymous answer personalised", r["class"]))
    return leaks


def summarise(records, calls, mode):
    m = {}
    for cls in CLASSES:
        rs = [r for r in records if r["class"] == cls]
        ok = sorted(r["ms"] for r in rs if r["status"] == 200)
        m[f"{cls}_p50_ms"] = percentile(ok, 50) if ok else None
        m[f"{cls}_p99_ms"] = percentile(ok, 99) if ok else None
        m[f"{cls}_errors"] = sum(1 for r in rs if r["status"] != 200)
        if mode == "varnish":
            m[f"{cls}_varnish_share"] = sum(1 for r in rs if r["varnish"] == "hit") / max(1, len(rs))
    # identified pages of a shopper already seen in this run (its session and banner warm at the gateway): what a
    # Varnish pass adds shows there, not under the upstream latency of first visits
    seen, returning = set(), []
    for r in sorted((r for r in records if r["class"] == "identified"), key=lambda r: r["n"]):
        if r["shopper"] in seen and r["status"] == 200:
            returning.append(r)
        seen.add(r["shopper"])
    for name, rs in (("identified", [r for r in records if r["class"] == "identified" and r["status"] == 200]),
                     ("identified_returning", returning)):
        svc = sorted(r["service_ms"] for r in rs)
        m[f"{name}_service_p50_ms"] = percentile(svc, 50) if svc else None
    ret = sorted(r["ms"] for r in returning)
    m["identified_returning_p50_ms"] = percentile(ret, 50) if ret else None
    m["identified_returning_pages"] = len(returning)
    anon = [r for r in records if r["class"] != "identified"]
    if mode == "varnish":
        m["anonymous_varnish_share"] = sum(1 for r in anon if r["varnish"] == "hit") / max(1, len(anon))
    pages = len(records)
    p1k = per_1000(calls, pages)
    m["pages"] = pages
    m["klevu_per_1000"] = p1k["total"]
    m["anonymous_pages"] = len(anon)
    m["identified_shoppers"] = len({r["shopper"] for r in records if r["class"] == "identified"})
    return m


def run_cdn(ctx, run, modes):
    st, o = ctx.stack, ctx.opts
    procs.ensure_installed("varnishd", "varnish")
    out = []
    with Teardown() as td:
        gw = td.add(st.start_gateway("memory", f"gateway-cdn-r{run}"))
        varnish, vport = start_varnish(ctx, gw.port, f"varnish-r{run}")
        td.add(varnish)
        order = modes if run % 2 == 1 else list(reversed(modes))
        # the fresh gateway JVM warmed through both paths first (not measured): without it the first mode of a run
        # meets an interpreted gateway, its open loop falls behind and its latencies are seconds, not milliseconds
        for mode in order:
            open_loop(vport if mode == "varnish" else gw.port, Visitors("jit-" + new_run_id(), 2000, 1.0),
                      float(o["rate"]), float(o["warmup"]))
        # both modes replay one visitor sequence, first passed once straight at the gateway (its Klevu calls are the
        # cold figure): each mode then meets the same warm sessions and banners, whichever goes first, so what differs
        # between them is Varnish alone (without it the first mode of a run paid the cold banners for both)
        run_id = new_run_id()
        before = st.sim_stats()
        first = open_loop(gw.port, Visitors(run_id, int(o["shoppers"]), float(o["zipf"])), float(o["rate"]),
                          float(o["duration"]))
        first_pass = per_1000(delta(st.sim_stats(), before), len(first))["total"]
        for mode in order:
            visitors = Visitors(run_id, int(o["shoppers"]), float(o["zipf"]))
            port = vport if mode == "varnish" else gw.port
            # a second of the same mix first (not measured): connections, Varnish's first fetch of a banner
            open_loop(port, Visitors("warm-" + run_id, 50, 1.0), float(o["rate"]), 1.0)
            before = st.sim_stats()
            records = open_loop(port, visitors, float(o["rate"]), float(o["duration"]))
            after = st.sim_stats()
            calls = delta(after, before)
            ids = {r["shopper"] for r in records if r["class"] == "identified"}
            segments = own_segments(gw.port, visitors.shoppers, ids)
            leaks = audit(records, segments)
            m = summarise(records, calls, mode)
            m["leaks"] = len(leaks)
            m["klevu_per_1000_first_pass"] = first_pass
            with open(os.path.join(ctx.artifacts, f"leaks-{mode}-r{run}.json"), "w") as f:
                json.dump(leaks[:200], f)
            out.append({"run": run, "mode": mode, "metrics": m, "series": {},
                        "info": {"calls": calls, "leak_kinds": sorted({k for k, _ in leaks})}})
        out += varnish_floor(ctx, td, gw, run_id, run, order)
    over_direct(out, "varnish", "memory")
    over_direct(out, "varnish-bare", "bare")
    gateway = next((x["metrics"] for x in out if x["mode"] == "varnish"), {})
    floor = next((x["metrics"] for x in out if x["mode"] == "varnish-bare"), {})
    for k in ("identified_p50_over_direct_ms", "identified_service_p50_over_direct_ms"):
        if gateway.get(k) is not None and floor.get(k) is not None:
            gateway[k.replace("_over_direct_ms", "_over_floor_ms")] = gateway[k] - floor[k]
    return out


# what the floor is compared on: a passed request's latency (identified pages: Varnish passes them all)
FLOOR_METRICS = ("identified_p50_ms", "identified_service_p50_ms")


def over_direct(out, through, direct):
    """The `through` mode's identified latencies minus the `direct` mode's, in the same run."""
    base = next((x["metrics"] for x in out if x["mode"] == direct), None)
    for x in out:
        if base and x["mode"] == through:
            for k in FLOOR_METRICS + ("identified_returning_p50_ms", "identified_returning_service_p50_ms"):
                if base.get(k) is not None and x["metrics"].get(k) is not None:
                    x["metrics"][k.replace("_p50_ms", "_p50_over_direct_ms")] = x["metrics"][k] - base[k]


def varnish_floor(ctx, td, gw, run_id, run, order):
    """Varnish's own cost on a passed request at this load and on this machine: the same visitors straight at
    BareServer (answering an identified page captured from the gateway, private) and through a second varnishd with
    the same VCL in front of it (modes `bare`, `varnish-bare`). What the gateway adds behind Varnish is its excess
    over this floor."""
    o = ctx.opts
    shoppers = Shoppers(run_id)
    page = procs.http("GET", gw.url + f"/v1/recommendations/{RECS_KEYS[0]}?pid={PIDS[0]}",
                      headers={"Cookie": shoppers.cookie(0)})
    if page[0] != 200:
        raise RuntimeError(f"the identified page to capture answered {page[0]}")
    body_path, hdr_path = write_page(ctx, page[1], page[2], f"cdn-page-r{run}.json", f"cdn-page-headers-r{run}.txt",
                                     leave_out=("set-cookie", "content-length"))
    bare, bare_port = ctx.stack.start_bare(body_path, hdr_path, f"bare-cdn-r{run}")
    td.add(bare)
    varnish, vport = start_varnish(ctx, bare_port, f"varnish-bare-r{run}", probe_status=200)
    td.add(varnish)
    out = []
    for mode in ("varnish-bare", "bare") if order[0] == "varnish" else ("bare", "varnish-bare"):
        port = vport if mode == "varnish-bare" else bare_port
        open_loop(port, Visitors("warm-" + run_id, 50, 1.0), float(o["rate"]), 1.0)
        records = open_loop(port, Visitors(run_id, int(o["shoppers"]), float(o["zipf"])), float(o["rate"]),
                            float(o["duration"]))
        ok = [r for r in records if r["class"] == "identified" and r["status"] == 200]
        m = {"identified_p50_ms": percentile(sorted(r["ms"] for r in ok), 50) if ok else None,
             "identified_service_p50_ms": percentile(sorted(r["service_ms"] for r in ok), 50) if ok else None,
             "identified_errors": sum(1 for r in records if r["class"] == "identified" and r["status"] != 200)}
        out.append({"run": run, "mode": mode, "metrics": m, "series": {}, "info": {}})
    return out
