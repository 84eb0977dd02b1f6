"""Private Redis Cluster (three primaries) and Sentinel set-ups (one primary, one replica, three sentinels) on free
loopback ports, for the `redis-cluster` mode of l2-hit and the `sentinel` scenario. Every process is a procs.Proc."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

from . import procs


def cli(port, *args, timeout=5):
    r = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args], capture_output=True, text=True,
                       timeout=timeout)
    return r.stdout.strip()


def wait_until(fn, timeout, what, poll=0.05):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = fn()
            if last:
                return last
        except Exception as e:  # a node still starting
            last = repr(e)
        time.sleep(poll)
    raise RuntimeError(f"{what} not within {timeout} s (last: {last})")


def cluster_port():
    """A free port <= 55535 whose cluster bus port (+10000) is free too."""
    import random
    import socket
    for _ in range(200):
        port = random.randint(20000, 55000)
        ok = True
        for p in (port, port + 10000):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
        if ok:
            return port
    raise RuntimeError("no free port pair for a cluster node")


def need_binaries():
    missing = [b for b in ("redis-server", "redis-cli") if not shutil.which(b)]
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)} (apt-get install redis-server redis-tools redis-sentinel)")


def _server(stack, name, port, *extra):
    # --dir: a replica's full sync writes an RDB file even with --save "": into the run's artifacts, not the cwd
    extra = ("--dir", stack.artifacts) + tuple(extra) if "--dir" not in extra else tuple(extra)
    p = procs.Proc(name, ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                          *extra], log_path=stack.log(name))
    wait_until(lambda: cli(port, "ping") == "PONG", 10, f"{name} answering PING")
    return p


class Cluster:
    """Three primaries, slots split by `redis-cli --cluster create`."""

    def __init__(self, stack):
        need_binaries()
        self.dir = tempfile.mkdtemp(prefix="lt-redis-cluster-", dir=stack.artifacts)
        self.ports = [cluster_port() for _ in range(3)]
        self.nodes = [_server(stack, f"redis-cluster-{p}", p, "--cluster-enabled", "yes", "--cluster-config-file",
                              os.path.join(self.dir, f"nodes-{p}.conf"), "--dir", self.dir,
                              "--cluster-node-timeout", "2000") for p in self.ports]
        procs.run(["redis-cli", "--cluster", "create", *[f"127.0.0.1:{p}" for p in self.ports], "--cluster-replicas",
                   "0", "--cluster-yes"], timeout=30, log_path=stack.log("redis-cluster-create"), name="cluster-create")
        for p in self.ports:
            wait_until(lambda p=p: "cluster_state:ok" in cli(p, "cluster", "info"), 15, f"cluster node {p} ok")
        self.endpoints = ",".join(f"redis://127.0.0.1:{p}" for p in self.ports)

    def flush(self):
        for p in self.ports:
            cli(p, "flushall")

    def stop(self):
        for n in self.nodes:
            n.stop()


class Sentinels:
    """One primary, one replica, three sentinels (quorum 2, down after `down_ms`)."""
    MASTER = "edge"

    def __init__(self, stack, down_ms=1000):
        need_binaries()
        self.stack = stack
        self.dir = tempfile.mkdtemp(prefix="lt-redis-sentinel-", dir=stack.artifacts)
        self.primary_port, self.replica_port = procs.free_port(), procs.free_port()
        self.primary = _server(stack, "redis-primary", self.primary_port)
        self.replica = _server(stack, "redis-replica", self.replica_port, "--replicaof", "127.0.0.1",
                               str(self.primary_port))
        wait_until(lambda: "master_link_status:up" in cli(self.replica_port, "info", "replication"), 10, "replica in sync")
        self.sentinel_ports = [procs.free_port() for _ in range(3)]
        self.sentinels = []
        binary = ["redis-sentinel"] if shutil.which("redis-sentinel") else ["redis-server"]
        for p in self.sentinel_ports:
            conf = os.path.join(self.dir, f"sentinel-{p}.conf")
            with open(conf, "w") as f:
                f.write(f"port {p}\nbind 127.0.0.1\ndir {self.dir}\n"
                        f"sentinel monitor {self.MASTER} 127.0.0.1 {self.primary_port} 2\n"
                        f"sentinel down-after-milliseconds {self.MASTER} {down_ms}\n"
                        f"sentinel failover-timeout {self.MASTER} 5000\n")
            cmd = binary + [conf] + (["--sentinel"] if binary == ["redis-server"] else [])
            self.sentinels.append(procs.Proc(f"redis-sentinel-{p}", cmd, log_path=stack.log(f"redis-sentinel-{p}")))
        for p in self.sentinel_ports:
            wait_until(lambda p=p: (lambda m: "num-other-sentinels\n2" in m and "num-slaves\n1" in m)(
                cli(p, "sentinel", "master", self.MASTER)), 20, f"sentinel {p} knowing the others")
        self.endpoints = ",".join(f"redis://127.0.0.1:{p}" for p in self.sentinel_ports)

    def master_port(self):
        out = cli(self.sentinel_ports[0], "sentinel", "get-master-addr-by-name", self.MASTER).split("\n")
        return int(out[1]) if len(out) > 1 else None

    def kill_primary(self):
        os.kill(self.primary.pid, signal.SIGKILL)
        self.primary.popen.wait(timeout=10)

    def get_calls(self, port):
        """cmdstat_get calls of a data node (GETs are not replicated: only clients' reads count)."""
        for line in cli(port, "info", "commandstats").splitlines():
            if line.startswith("cmdstat_get:"):
                return int(line.split("calls=")[1].split(",")[0])
        return 0

    def stop(self):
        for p in self.sentinels + [self.replica, self.primary]:
            p.stop()
