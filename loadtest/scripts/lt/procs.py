"""Processes the harness starts, and the guarantee that it stops every one of them.

Every child is started in a session of its own (so its own children can be signalled with it) and
remembered by pid; stop_all() runs on normal exit, on SIGINT/SIGTERM/SIGHUP and from run.sh's trap.
Nothing is ever killed by name.
"""
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

_children = []


class Proc:
    def __init__(self, name, cmd, env=None, log_path=None, cwd=None):
        self.name = name
        self.cmd = cmd
        self.log_path = log_path
        self._log = open(log_path, "ab") if log_path else subprocess.DEVNULL
        full_env = dict(os.environ)
        if env:
            full_env.update({k: str(v) for k, v in env.items() if v is not None})
        self.popen = subprocess.Popen(cmd, env=full_env, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.popen.pid
        _children.append(self)
        pidfile = os.environ.get("LT_PIDFILE")
        if pidfile:  # run.sh's trap kills whatever is still alive from this list, should the harness itself die
            with open(pidfile, "a") as f:
                f.write(f"{self.pid} {name}\n")

    def alive(self):
        return self.popen.poll() is None

    def stop(self, grace=5.0):
        if self.alive():
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.popen.wait(timeout=5)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
            self._log = None
        if self in _children:
            _children.remove(self)

    def rss_mb(self):
        """Resident set size of the process (VmRSS from /proc), MiB; None once gone."""
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024.0
        except OSError:
            return None
        return None


def stop_all():
    for p in list(reversed(_children)):
        try:
            p.stop(grace=3.0)
        except Exception:  # keep stopping the others
            pass


def _on_signal(signum, _frame):
    stop_all()
    raise SystemExit(128 + signum)


def install_cleanup():
    atexit.register(stop_all)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)


def run(cmd, timeout, env=None, log_path=None, cwd=None, name=None):
    """Runs a bounded child to completion (its group killed at the timeout); returns (rc, output).

    The child is registered like any other, so a signal during the run stops it too."""
    import tempfile
    fd, tmp = tempfile.mkstemp(prefix="lt-run-", suffix=".log")
    os.close(fd)
    p = Proc(name or os.path.basename(cmd[0]), cmd, env=env, log_path=tmp, cwd=cwd)
    try:
        p.popen.wait(timeout=timeout)
        killed = False
    except subprocess.TimeoutExpired:
        killed = True
    p.stop(grace=2.0)
    with open(tmp, "r", errors="replace") as f:
        text = f.read()
    os.unlink(tmp)
    if killed:
        text += f"\n[harness] {p.name} stopped after its {timeout}s limit\n"
    if log_path:
        with open(log_path, "a") as f:
            f.write(text)
    return (p.popen.returncode if not killed else -9), text


def ensure_installed(binary, package):
    """Installs Debian's package when its binary is missing (root with apt-get only; else says what to install)."""
    if shutil.which(binary):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(f"{binary} is missing (apt-get install -y {package})")
    subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=300)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, capture_output=True, timeout=600,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _headers(message):
    """Lower-case names; the one header that may repeat, set-cookie, keeps every value, newline-separated."""
    out = {k.lower(): v for k, v in message.items()}
    cookies = message.get_all("Set-Cookie") or []
    if cookies:
        out["set-cookie"] = "\n".join(cookies)
    return out


def http(method, url, body=None, headers=None, timeout=5.0):
    """Loopback HTTP call; returns (status, headers dict (lower-case), body bytes). Status 0 = no answer."""
    assert url.startswith("http://127.0.0.1"), url
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, _headers(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, _headers(e.headers), e.read()
    except (urllib.error.URLError, OSError, ConnectionError):
        return 0, {}, b""


def wait_http(url, proc=None, timeout=60.0, ok=(200,)):
    """Polls url until it answers with one of ok; fails early if proc died."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        if proc is not None and not proc.alive():
            raise RuntimeError(f"{proc.name} exited (rc={proc.popen.returncode}) before {url} answered; see {proc.log_path}")
        status, _, _ = http("GET", url, timeout=2.0)
        last = status
        if status in ok:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout}s (last status {last})")
