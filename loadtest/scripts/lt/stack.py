"""The system under test on loopback: simulator, optional private Redis, gateway (per mode), bare server."""
import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time

from . import procs

UPSTREAM_KINDS = ("session", "config", "search", "profiles", "collect")


def env_int(name, default):
    v = os.environ.get(name)
    return int(v) if v not in (None, "") else default


BASELINE = "@base"


def split_mode(mode):
    """`memory@base` is the `memory` mode run on LT_BASELINE_JAR: (plain mode, whether it is the baseline)."""
    plain, at, _ = mode.partition(BASELINE)
    return plain, bool(at)


class Paths:
    def __init__(self, root):
        self.root = root
        self.lt = os.path.join(root, "loadtest")
        self.lt_jar = os.path.join(self.lt, "target", "loadtest.jar")
        self.gw_jar = os.environ.get("LT_GATEWAY_JAR") or os.path.join(root, "target", "edge-gateway.jar")
        # another build measured in the same run as modes named `<mode>@base` (the release before a change)
        self.baseline_jar = os.environ.get("LT_BASELINE_JAR") or None
        self.plots = os.path.join(self.lt, "plots")


class Shoppers:
    """Same ids as dev.edgegateway.loadtest.Shoppers (exchange id <IDENT>.<COMPANY>, __kla_id cookie)."""

    def __init__(self, run_id, company="LdTst1"):
        self.run_id = run_id
        self.company = company

    def exchange_id(self, i):
        ident = base64.b64encode(hashlib.sha256(f"{self.run_id}/kx/{i}".encode()).digest()).decode()
        return f"{ident}.{self.company}"

    def cookie(self, i):
        cid = base64.b64encode(hashlib.sha256(f"{self.run_id}/cid/{i}".encode()).hexdigest()[:32].encode()).decode()
        doc = {"cid": cid, "$exchange_id": self.exchange_id(i)}
        return "__kla_id=" + base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()


def new_run_id():
    return f"{int(time.time() * 1000):x}{os.getpid():x}{os.urandom(3).hex()}"


class Stack:
    """Starts and stops the pieces; every process is a procs.Proc (so the cleanup guarantee applies)."""

    def __init__(self, paths, artifacts_dir, standin=False):
        self.paths = paths
        self.artifacts = artifacts_dir
        self.standin = standin
        self.sim = None
        self.sim_port = None
        self.redis = None
        self.redis_url = None
        self.redis_note = None
        self.redis_port = None
        self.redis_paused = False
        self.cluster = None  # redisha.Cluster, started by the first redis-cluster gateway
        self.sentinels = None  # redisha.Sentinels, owned by the sentinel scenario
        self.api_key = os.environ.get("LT_KLEVU_API_KEY", "klevu-170000000000000001")
        self.recs_key = os.environ.get("LT_RECS_KEY", "k-loadtest-home")
        self.latencies = {
            "visitor": env_int("LT_SIM_VISITOR_MS", 40),
            "config": env_int("LT_SIM_CONFIG_MS", 30),
            "search": env_int("LT_SIM_SEARCH_MS", 60),
            "stats": env_int("LT_SIM_STATS_MS", 20),
            "klaviyo": env_int("LT_SIM_KLAVIYO_MS", 50),
        }
        self.session_ttl_s = env_int("LT_SIM_SESSION_TTL_S", 3600)
        self.gw_java_opts = os.environ.get("LT_GATEWAY_JAVA_OPTS", "-Xmx512m").split()
        os.makedirs(os.path.join(artifacts_dir, "logs"), exist_ok=True)

    def log(self, name):
        return os.path.join(self.artifacts, "logs", name + ".log")

    def steady_load(self, tag, port, o, duration_s, *extra):
        """A SteadyLoad client (open-loop Zipf shoppers on the load-test page) started at port for duration_s, with
        the scenario options o and any extra arguments; (its Proc, the path of the JSON it writes)."""
        out = os.path.join(self.artifacts, f"{tag}.json")
        client = procs.Proc("steady-load", [
            "java", "-Xmx512m", "-cp", self.paths.lt_jar, "dev.edgegateway.loadtest.SteadyLoad",
            "--port", str(port), "--path", f"/v1/recommendations/{self.recs_key}",
            "--shoppers", str(o["shoppers"]), "--zipf", str(o["zipf"]), "--rate", str(o["rate"]),
            "--duration-s", str(duration_s), "--preload", str(o["preload"]), "--warm-s", str(o["warm_s"]),
            *extra, "--run-id", new_run_id(), "--out", out], log_path=self.log(tag))
        return client, out

    def steady_result(self, tag, out):
        """What a SteadyLoad client wrote; fails pointing at its log when it wrote nothing."""
        if not os.path.exists(out):
            raise RuntimeError(f"SteadyLoad wrote no result; see {self.log(tag)}")
        with open(out) as f:
            return json.load(f)

    # ---------------------------------------------------------------- commands
    def _java(self, opts, main_args, cpus=None, jar=None):
        if self.standin:
            cmd = ["java", *opts, "-cp", self.paths.lt_jar, "dev.edgegateway.loadtest.StandIn", *main_args]
        else:
            cmd = ["java", *opts, "-jar", jar or self.paths.gw_jar, *main_args]
        return (["taskset", "-c", cpus] if cpus else []) + cmd

    # ---------------------------------------------------------------- simulator
    @property
    def sim_url(self):
        return f"http://127.0.0.1:{self.sim_port}"

    def start_sim(self, cpus=None):
        self.sim_port = procs.free_port()
        self.sim = procs.Proc("simulator", self._java(["-Xmx512m"], ["simulate", "--port", str(self.sim_port)], cpus),
                              log_path=self.log("simulator"))
        procs.wait_http(self.sim_url + "/__sim/stats", self.sim, timeout=60)
        self.configure_sim()

    def sim_config_body(self, session_ttl_s=None, overrides=None):
        lat = self.latencies
        body = {
            "visitor": {"latencyMs": lat["visitor"], "fault": "none"},
            "config": {"latencyMs": lat["config"], "fault": "none"},
            "search": {"latencyMs": lat["search"], "fault": "none"},
            "stats": {"latencyMs": lat["stats"], "fault": "none"},
            "klaviyo": {"latencyMs": lat["klaviyo"], "fault": "none"},
            "sessionTtlSeconds": session_ttl_s if session_ttl_s is not None else self.session_ttl_s,
        }
        if self.paths.baseline_jar:
            # an older build beside this one may send shapes the strict simulator refuses: answer both alike
            body["strictShapes"] = False
        if overrides:
            body.update(overrides)
        return body

    def configure_sim(self, session_ttl_s=None, overrides=None):
        body = self.sim_config_body(session_ttl_s, overrides)
        status, _, resp = procs.http("PUT", self.sim_url + "/__sim/config", body)
        if status not in (200, 204):
            raise RuntimeError(f"PUT /__sim/config answered {status}: {resp[:300]!r}")
        return body

    def reset_sim(self):
        procs.http("POST", self.sim_url + "/__sim/reset", b"")

    def sim_stats(self):
        status, _, body = procs.http("GET", self.sim_url + "/__sim/stats")
        if status != 200:
            raise RuntimeError(f"/__sim/stats answered {status}")
        return json.loads(body)

    # ---------------------------------------------------------------- redis (private instance)
    def ensure_redis(self):
        """A Redis only this harness uses: a private redis-server on a free loopback port when the binary
        exists, else the local one on db 15 when `redis-cli ping` answers; None (mode skipped) otherwise."""
        if self.redis_url:
            return self.redis_url
        if shutil.which("redis-server"):
            port = procs.free_port()
            if self._spawn_redis(port):
                self.redis_url = f"redis://127.0.0.1:{port}"
                self.redis_note = f"private redis-server on 127.0.0.1:{port} (no persistence), flushed before each run"
                return self.redis_url
            self.redis_port = None
        if shutil.which("redis-cli") and subprocess.run(["redis-cli", "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            self.redis_url = "redis://127.0.0.1:6379/15"
            self.redis_note = "local redis 127.0.0.1:6379 db 15, flushed before each run"
            return self.redis_url
        return None

    def _spawn_redis(self, port):
        """Starts the private redis-server on port; True once it answers PING (within 10 s)."""
        self.redis = procs.Proc("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                          "--appendonly", "no", "--protected-mode", "yes"], log_path=self.log("redis"))
        self.redis_port = port
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.redis_ping():
                return True
            time.sleep(0.05)
        self.redis.stop()
        self.redis = None
        return False

    def redis_ping(self):
        port = self.redis_port or 6379
        try:
            return subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True,
                                  timeout=2).stdout.strip() == "PONG"
        except subprocess.TimeoutExpired:
            return False

    # ---------------------------------------------------------------- outages (private instance only)
    def _private_redis(self):
        """The harness's own redis-server Proc; refuses anything else (the shared 127.0.0.1:6379 is never touched)."""
        if self.redis is None or not self.redis_port or self.redis_port == 6379 or not self.redis_url \
                or not self.redis_url.startswith(f"redis://127.0.0.1:{self.redis_port}"):
            raise RuntimeError("Redis outages are only ever made on the harness's private redis-server, and there is "
                               "none (no redis-server binary): the shared 127.0.0.1:6379 is never stopped")
        return self.redis

    def kill_redis(self):
        """SIGKILL to the private redis-server (no shutdown, no FIN beyond what the kernel sends)."""
        p = self._private_redis()
        self.resume_redis()  # a stopped process dies on SIGKILL too, but keep the state tidy
        os.kill(p.pid, signal.SIGKILL)
        try:
            p.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        p.stop()
        self.redis_paused = False

    def restart_redis(self):
        """A fresh private redis-server on the same port (empty: no persistence). True once it answers."""
        port = self.redis_port
        if self.redis is not None and self.redis.alive():
            raise RuntimeError("restart_redis: the private redis-server is still running")
        return self._spawn_redis(port)

    def pause_redis(self):
        """SIGSTOP: Redis hangs (connections stay open, commands are never answered)."""
        p = self._private_redis()
        os.kill(p.pid, signal.SIGSTOP)
        self.redis_paused = True

    def resume_redis(self):
        """SIGCONT after pause_redis (no-op otherwise)."""
        if self.redis_paused and self.redis is not None and self.redis.alive():
            os.kill(self.redis.pid, signal.SIGCONT)
        self.redis_paused = False

    def flush_redis(self):
        if not self.redis_url:
            return
        hostport, _, db = self.redis_url[len("redis://"):].partition("/")
        port = hostport.split(":")[1]
        args = ["redis-cli", "-p", port] + (["-n", db] if db else []) + ["FLUSHDB"]
        subprocess.run(args, capture_output=True)

    # ---------------------------------------------------------------- gateway
    def start_gateway(self, mode, name, extra_env=None, cpus=None, wait=True, ports=None, flush=True):
        """Starts a gateway; with wait=False the caller (a Gatling run given lt.readyUrl) waits for readiness,
        so both JVMs start at the same time. ports = (api, ops) to reuse (a restart behind a load balancer)."""
        port, ops = ports or (procs.free_port(), procs.free_port())
        mode, baseline = split_mode(mode)
        jar = self.paths.baseline_jar if baseline else self.paths.gw_jar
        env = {
            "EDGE_HTTP_HOST": "127.0.0.1",
            "EDGE_HTTP_PORT": port,
            "EDGE_OPS_HOST": "127.0.0.1",
            "EDGE_OPS_PORT": ops,
            "EDGE_KLEVU_API_KEY": self.api_key,
            "EDGE_KLEVU_VISITOR_URL": f"{self.sim_url}/public/1.0",
            "EDGE_KLEVU_CONFIG_URL": f"{self.sim_url}/recommendations/",
            "EDGE_KLEVU_STATS_URL": f"{self.sim_url}/analytics/collect",
            "EDGE_KLAVIYO_URL": self.sim_url,
            "EDGE_KLAVIYO_PRIVATE_KEY": "pk_loadtest_not_a_secret",
            # outside --demo the gateway refuses to start on the public default pepper or without a cookie secret
            "EDGE_HASH_PEPPER": "loadtest-pepper-not-a-secret",
            "EDGE_COOKIE_SECRET": "loadtest-cookie-secret-not-a-secret",
            "EDGE_SEARCH_ALLOWED_HOSTS": f"127.0.0.1,127.0.0.1:{self.sim_port}",
            "EDGE_SEARCH_SCHEME": "http",
            "EDGE_CACHE_MODE": mode,
            "EDGE_REDIS_URL": "",
            # every simulated shopper comes from this one address: no per-client limit
            "EDGE_RATE_LIMIT_PER_S": "0",
        }
        if mode == "memory-bus":
            # the in-memory cache with every step over the event bus: what the fast path saves
            env["EDGE_CACHE_MODE"] = "memory"
            env["EDGE_HTTP_FAST_PATH"] = "false"
        if mode == "memory-anon":
            # the in-memory cache, measured with cookie-less anonymous visitors (the ceiling scenario sends no cookie)
            env["EDGE_CACHE_MODE"] = "memory"
        if mode == "memory-nolog":
            # the in-memory cache without access lines: what they cost (next to `memory`, in the same run)
            env["EDGE_CACHE_MODE"] = "memory"
            env["EDGE_ACCESS_LOG"] = "false"
        if mode == "memory-shared":
            # the in-memory cache with one segments and one recs instance, reached from any event loop
            env["EDGE_CACHE_MODE"] = "memory"
            env["EDGE_HTTP_COLOCATE_CAPABILITIES"] = "false"
        if mode == "memory-colocated":
            # the in-memory cache with a segments and a recs instance on every event loop, reached from the
            # caller's own thread: what co-location saves or costs
            env["EDGE_CACHE_MODE"] = "memory"
            env["EDGE_HTTP_COLOCATE_CAPABILITIES"] = "true"
        if mode == "redis":
            if not self.redis_url:
                raise RuntimeError("redis mode without a redis")
            if flush:  # a second gateway on the same Redis (crash) keeps what the first one put there
                self.flush_redis()
            env["EDGE_REDIS_URL"] = self.redis_url
        if mode == "redis-cluster":
            # the same Redis tier on a private three-primary Redis Cluster (lt/redisha.py)
            if self.cluster is None:
                from .redisha import Cluster
                self.cluster = Cluster(self)
            self.cluster.flush()
            env.update({"EDGE_CACHE_MODE": "redis", "EDGE_REDIS_TYPE": "CLUSTER",
                        "EDGE_REDIS_ENDPOINTS": self.cluster.endpoints})
        if mode == "redis-sentinel":
            # a private Sentinel set-up (the sentinel scenario starts a fresh one per run)
            if self.sentinels is None:
                raise RuntimeError("redis-sentinel mode without a Sentinel set-up")
            env.update({"EDGE_CACHE_MODE": "redis", "EDGE_REDIS_TYPE": "SENTINEL",
                        "EDGE_REDIS_ENDPOINTS": self.sentinels.endpoints, "EDGE_REDIS_MASTER_NAME": self.sentinels.MASTER})
        if extra_env:
            env.update(extra_env)
        # run where the jar's project is (its conf/config.yaml applies, as with `java -jar target/edge-gateway.jar`)
        cwd = os.path.dirname(os.path.dirname(os.path.abspath(jar)))
        proc = procs.Proc(name, self._java(self.gw_java_opts + jfr_options(self.paths.root), [], cpus, jar=jar), env=env,
                          log_path=self.log(name), cwd=cwd if os.path.isdir(cwd) else None)
        gw = Gateway(proc, port, ops, mode, env)
        if wait:
            procs.wait_http(gw.ops_url + "/health/ready", proc, timeout=90)
        return gw

    def start_bare(self, body_path, headers_path, name, cpus=None, instances=None, hold=None):
        port = procs.free_port()
        cmd = (["taskset", "-c", cpus] if cpus else []) + [
            "java", "-Xmx512m", "-cp", self.paths.lt_jar, "dev.edgegateway.loadtest.BareServer",
            "--port", str(port), "--body", body_path, "--headers", headers_path]
        if instances:
            cmd += ["--instances", str(instances)]
        if hold:
            cmd += ["--hold-ms", str(hold[0]), "--hold-cookie", hold[1]]
        proc = procs.Proc(name, cmd, log_path=self.log(name))
        procs.wait_http(f"http://127.0.0.1:{port}/health", proc, timeout=60)
        return proc, port

    def start_bare_proxy(self, name):
        """BareProxy: plain Vert.x turning one page request into the same three simulator calls (cold's floor)."""
        port = procs.free_port()
        cmd = ["java", "-Xmx512m", "-cp", self.paths.lt_jar, "dev.edgegateway.loadtest.BareProxy",
               "--port", str(port), "--sim-port", str(self.sim_port), "--api-key", self.api_key]
        proc = procs.Proc(name, cmd, log_path=self.log(name))
        procs.wait_http(f"http://127.0.0.1:{port}/health", proc, timeout=60)
        return proc, port

    def stop(self):
        self.resume_redis()  # a stopped redis-server would only act on SIGTERM once continued
        for p in (self.sim, self.redis, self.cluster, self.sentinels):
            if p is not None:
                p.stop()


class Teardown:
    """What one scenario run started, stopped on the way out whatever happened, last started first:

        with Teardown() as td:
            gw = td.add(st.start_gateway(...))
            client = td.add(procs.Proc(...))
            poller = td.add(Poller(...))
            ...
            polls = td.done(poller)  # stopped now, for its result, and not again at the exit

    add() takes anything with a stop(); on_exit(fn) runs fn at its place in the same order (a simulator reset, a
    Redis to bring back). A failing stop does not keep the others from running."""

    def __init__(self):
        self._steps = []  # (the thing added, or None, and what stops it)

    def add(self, thing):
        self._steps.append((thing, thing.stop))
        return thing

    def on_exit(self, fn):
        self._steps.append((None, fn))

    def done(self, thing):
        self._steps = [x for x in self._steps if x[0] is not thing]
        return thing.stop()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        first = None
        while self._steps:
            _, stop = self._steps.pop()
            try:
                stop()
            except Exception as e:  # keep stopping the others; report the first once all are stopped
                first = first or e
        if first is not None and exc_type is None:
            raise first
        return False


class Gateway:
    def __init__(self, proc, port, ops_port, mode, env):
        self.proc = proc
        self.port = port
        self.ops_port = ops_port
        self.mode = mode
        self.env = env

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ops_url(self):
        return f"http://127.0.0.1:{self.ops_port}"

    def scrape(self):
        status, _, body = procs.http("GET", self.ops_url + "/metrics", timeout=5)
        return body.decode("utf-8", "replace") if status == 200 else ""

    def stop(self):
        dump_jfr(self.proc)
        self.proc.stop()
        drop_access_lines(self.proc.log_path)


def jfr_options(root):
    """With LT_GATEWAY_JFR=<dir>: a flight recording of the gateway's CPU samples (loadtest/jfr/cpu.jfc), dumped
    there as <gateway name>.jfr when it is stopped (the harness stops it with a signal: dumponexit may not run)."""
    if not os.environ.get("LT_GATEWAY_JFR"):
        return []
    return [f"-XX:StartFlightRecording=name=lt,settings={os.path.join(root, 'loadtest', 'jfr', 'cpu.jfc')}"]


def dump_jfr(proc):
    out = os.environ.get("LT_GATEWAY_JFR")
    if out and proc.alive():
        os.makedirs(out, exist_ok=True)
        procs.run(["jcmd", str(proc.pid), "JFR.dump", "name=lt", f"filename={os.path.join(os.path.abspath(out), proc.name)}.jfr"],
                  timeout=60, name="jfr-dump")


# a gateway at full speed writes an access line per request to its stdout (the log file): hundreds of MB a run
ACCESS_LINES_KEPT = 1000
ACCESS_LOG_MAX_BYTES = 16 << 20


def drop_access_lines(path):
    """Once the gateway has stopped: a log over 16 MB keeps its first 1,000 access lines, every other line, and a
    count of the access lines removed (the load test measures their cost, it does not read them)."""
    if not path or not os.path.exists(path) or os.path.getsize(path) <= ACCESS_LOG_MAX_BYTES:
        return
    size, seen = os.path.getsize(path), 0
    with open(path, "rb") as src, open(path + ".tmp", "wb") as dst:
        for line in src:
            if b'"loggerName":"edge.access"' in line or b" edge.access - " in line:
                seen += 1
                if seen > ACCESS_LINES_KEPT:
                    continue
            dst.write(line)
        dst.write(f"[lt] {max(0, seen - ACCESS_LINES_KEPT)} of {seen} access lines removed after the run "
                  f"(the log had {size} bytes)\n".encode())
    os.replace(path + ".tmp", path)


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid):
    """CPU seconds (user + system) used so far by a process; None once gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return (int(rest[11]) + int(rest[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def machine_cpu_s():
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    total = sum(v[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


def cpu_window(samples, t0, t1, pages):
    """Gateway and simulator CPU, and how busy the machine was, between the samples nearest t0 and t1."""
    inside = [s for s in samples if s.get("gw_cpu_s") is not None]
    if len(inside) < 2:
        return {}
    a = min(inside, key=lambda s: abs(s["t"] - t0))
    b = min(inside, key=lambda s: abs(s["t"] - t1))
    dt = b["t"] - a["t"]
    if dt <= 0:
        return {}
    gw = b["gw_cpu_s"] - a["gw_cpu_s"]
    out = {
        "gateway_cpu_pct": 100.0 * gw / dt,
        "gateway_cpu_ms_per_page": 1000.0 * gw / pages * (t1 - t0) / dt if pages else None,
        "machine_busy_pct": 100.0 * (b["busy_s"] - a["busy_s"]) / max(1e-9, b["total_s"] - a["total_s"]),
    }
    if a.get("sim_cpu_s") is not None and b.get("sim_cpu_s") is not None:
        out["simulator_cpu_pct"] = 100.0 * (b["sim_cpu_s"] - a["sim_cpu_s"]) / dt
    return out


class Sampler(threading.Thread):
    """Once a second, on the second: the gateway's RSS and CPU, the simulator's counters and CPU, machine CPU."""

    def __init__(self, stack, gateway):
        super().__init__(daemon=True)
        self.stack = stack
        self.gateway = gateway
        self.samples = []
        self._stop_evt = threading.Event()

    def run(self):
        while True:
            next_tick = int(time.time()) + 1.02
            if self._stop_evt.wait(max(0.0, next_tick - time.time())):
                return
            at = time.time()
            try:
                sim = self.stack.sim_stats()
            except Exception:
                sim = None
            busy, total = machine_cpu_s()
            self.samples.append({
                "t": at, "rss_mb": self.gateway.proc.rss_mb() if self.gateway else None, "sim": sim,
                "gw_cpu_s": proc_cpu_s(self.gateway.proc.pid) if self.gateway else None,
                "sim_cpu_s": proc_cpu_s(self.stack.sim.pid) if self.stack.sim else None,
                "busy_s": busy, "total_s": total})

    def stop(self):
        self._stop_evt.set()
        self.join(timeout=3)
        return self.samples


def delta(after, before, kinds=UPSTREAM_KINDS):
    return {k: (after or {}).get(k, 0) - (before or {}).get(k, 0) for k in kinds}


def write_page(ctx, headers, body, body_name, headers_name, leave_out=()):
    """A captured gateway page as BareServer reads it (--body, --headers): the two files' paths in the artifacts."""
    body_path, hdr_path = os.path.join(ctx.artifacts, body_name), os.path.join(ctx.artifacts, headers_name)
    with open(body_path, "wb") as f:
        f.write(body)
    with open(hdr_path, "w") as f:
        f.write("".join(f"{k}: {v}\n" for k, v in headers.items() if k not in leave_out))
    return body_path, hdr_path


def per_1000(calls, pages):
    if not pages:
        return {k: None for k in calls} | {"total": None}
    out = {k: v * 1000.0 / pages for k, v in calls.items()}
    out["total"] = sum(calls.values()) * 1000.0 / pages
    return out
