"""N app replicas behind HAProxy on this machine: `python -m s2s.tools cluster N [--port P]` (scripts/cluster N).

Each replica is the real server (`python -m s2s.ui.serve`, warmed up) on its own port of 127.0.0.1.
HAProxy (Debian's /usr/sbin/haproxy) listens on --port and:
- keeps each browser on one replica with a cookie it inserts (s2s_replica=r1 ...): a Streamlit
  session lives in one process, and every client here shares one address, so affinity is not by IP;
- passes the websocket (/_stcore/stream) through: HTTP mode switches an upgraded connection to a
  tunnel, with long client/server/tunnel timeouts so an open tab is not cut;
- checks each replica's /_stcore/health every 2 s (10 s to answer); one that fails 3 times is out,
  and a request whose cookie names it, or whose connection to it is refused, goes to a live one
  (option redispatch), which sets the cookie anew;
- names the replica that answered in a response header (X-S2S-Replica), so a load test can count
  requests per replica.
The models are read-only files, so the replicas need no coordination. A replica that does not
become healthy in --timeout s: the command says which, stops the others and exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .bench_app import REPO, free_port, stop

HAPROXY = Path("/usr/sbin/haproxy")
COOKIE = "s2s_replica"


class ClusterError(RuntimeError):
    """The balancer or a replica could not start."""


@dataclass
class Replica:
    name: str
    port: int
    proc: subprocess.Popen
    log: object = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, n: int = 1500) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-n:]


@dataclass
class Cluster:
    url: str
    replicas: list[Replica]
    balancer: subprocess.Popen


def haproxy_config(port: int, replicas: list[tuple[str, int]]) -> str:
    """HAProxy's configuration for the balancer on 127.0.0.1:`port` in front of (name, port) replicas."""
    servers = "\n".join(f"    server {name} 127.0.0.1:{p} cookie {name} check inter 2s fall 3 rise 2"
                        for name, p in replicas)
    return f"""global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    timeout http-request 30s
    # a replica busy with a lecture hall answers its health check late, not never: without this
    # the check's timeout is its 2 s interval, and a starved replica was taken out (503s)
    timeout check 10s
    option redispatch 1
    retries 3

frontend app
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance leastconn
    cookie {COOKIE} insert indirect nocache httponly
    option httpchk GET /_stcore/health
    http-check expect status 200
    http-response set-header X-S2S-Replica %[srv_name]
{servers}
"""


def start_replica(name: str, port: int, checkpoints: Path | None) -> Replica:
    env = dict(os.environ)
    if checkpoints is not None:
        env["S2S_CHECKPOINTS"] = str(checkpoints)
    cmd = [sys.executable, "-m", "s2s.ui.serve", "--server.address", "127.0.0.1", "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log = tempfile.TemporaryFile()  # not a pipe: a full pipe nobody reads would stall the server
    return Replica(name, port, subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT), log)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def wait_healthy(replicas: list[Replica], timeout: float) -> None:
    """Until every replica answers /_stcore/health; ClusterError naming the first that exits or is late."""
    deadline, waiting = time.monotonic() + timeout, list(replicas)
    while waiting:
        for r in list(waiting):
            if r.proc.poll() is not None:
                raise ClusterError(f"replica {r.name} (port {r.port}) exited with {r.proc.returncode} before it "
                                   f"became healthy: {r.log_tail(600).strip()[-600:]}")
            if healthy(r.url):
                waiting.remove(r)
        if waiting and time.monotonic() > deadline:
            names = ", ".join(f"{r.name} (port {r.port})" for r in waiting)
            raise ClusterError(f"replica {names} did not become healthy in {timeout:.0f} s")
        time.sleep(0.1)



@contextlib.contextmanager
def cluster(n: int, checkpoints: Path | None = None, port: int | None = None, ports: list[int] | None = None,
            timeout: float = 180.0):
    """Start `n` replicas (on `ports`, else free ones) and HAProxy on `port`; yields a Cluster once
    the balancer answers through every replica. Everything is stopped on exit or on error."""
    if not HAPROXY.exists():
        raise ClusterError(f"{HAPROXY} is absent (apt-get install -y haproxy; scripts/cluster installs it)")
    if n < 1:
        raise ClusterError(f"replicas: {n} (at least 1)")
    ports = list(ports or [free_port() for _ in range(n)])
    port = port or free_port()
    replicas: list[Replica] = []
    balancer = None
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        try:
            replicas = [start_replica(f"r{i + 1}", p, checkpoints) for i, p in enumerate(ports[:n])]
            wait_healthy(replicas, timeout)
            config = Path(tmp) / "haproxy.cfg"
            config.write_text(haproxy_config(port, [(r.name, r.port) for r in replicas]))
            check = subprocess.run([str(HAPROXY), "-c", "-q", "-f", str(config)], capture_output=True, text=True)
            if check.returncode != 0:
                raise ClusterError(f"haproxy refused its configuration: {check.stderr.strip()[-600:]}")
            balancer_log = stack.enter_context(tempfile.TemporaryFile())
            balancer = subprocess.Popen([str(HAPROXY), "-db", "-f", str(config)], stdout=balancer_log,
                                        stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 20
            while not healthy(url):
                if balancer.poll() is not None:
                    balancer_log.seek(0)
                    raise ClusterError(f"haproxy exited with {balancer.returncode}: "
                                       f"{balancer_log.read().decode(errors='replace')[-600:]}")
                if time.monotonic() > deadline:
                    raise ClusterError(f"haproxy did not answer on {url} in 20 s")
                time.sleep(0.1)
            yield Cluster(url, replicas, balancer)
        finally:
            if balancer is not None:
                stop(balancer)
            for r in replicas:
                stop(r.proc)
                r.log.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m s2s.tools cluster", description=__doc__.split("\n")[0])
    ap.add_argument("replicas", type=int, help="how many app processes")
    ap.add_argument("--port", type=int, default=8501, help="the balancer's port on 127.0.0.1 (default 8501)")
    ap.add_argument("--checkpoints", type=Path, default=None, help="checkpoints root (default $S2S_CHECKPOINTS or checkpoints/)")
    ap.add_argument("--timeout", type=float, default=180.0, help="longest wait for a replica to become healthy, s")
    args = ap.parse_args(argv)
    if not shutil.which(str(HAPROXY)):
        print(f"error: {HAPROXY} is absent: run scripts/cluster (it installs haproxy) or apt-get install -y haproxy",
              file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop everything on SIGTERM as on Ctrl-C
    try:
        with cluster(args.replicas, args.checkpoints, port=args.port, timeout=args.timeout) as c:
            print(f"balancer: {c.url}  (HAProxy, cookie {COOKIE}, health checks on /_stcore/health)")
            for r in c.replicas:
                print(f"  replica {r.name}: {r.url}  pid {r.proc.pid}")
            print("Ctrl-C stops the balancer and every replica.", flush=True)
            while c.balancer.poll() is None:
                time.sleep(1)
            print(f"error: haproxy exited with {c.balancer.returncode}", file=sys.stderr)
            return 1
    except ClusterError as exc:
        print(f"error: {exc}; every other process is stopped", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
