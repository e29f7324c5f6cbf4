"""Protocol-level load test on Locust (prints figures, asserts nothing):
`python -m s2s.tools load --protocol [--users 40] [--minutes 3] [--think 10] [--host URL] [--replicas N]`.

Students render on their own laptops; here only the server's side of their sessions is simulated:
each Locust user (s2s/tools/streamlit_user.py) speaks the app's websocket protocol as the browser
does (s2s/tools/st_protocol.py), with no rendering, so the clients cost little CPU.
- The server: the real one started here (`python -m s2s.ui.serve`, bench_app.serve), or --replicas N
  of it behind HAProxy (s2s/tools/cluster.py), or an app already running at --host (127.0.0.1 or
  localhost only; nothing answering there: one line, exit 2).
- One user alone: --single sentences one after another (no think time), p50/p95.
- Under load: --users users open the home page (spawned at --spawn-rate per s), then for --minutes
  (or --seconds) each translates sentences from its own seeded shuffle of the test split (most are
  new: the caches fill and must stay bounded), thinking --think s (+-50%) between them.
- Server RSS (VmRSS of the server's process trees: every replica) sampled every 2 s: start (after
  the single-user phase and one translation on each replica), peak, end (the last sample while every
  user's session is open: the growth is end vs start), and once the users have gone (their
  websockets closed; Streamlit keeps a closed session for a reconnect for server.disconnectedSessionTTL,
  120 s by default). CPU used under load by the server, by the Locust process (the clients) and by
  the whole machine (others' work included).
Locust's own CSV and HTML reports go to --out. The last line is the summary:
`users=N requests=N errors=N p95_single=S p95_load=S p95_ratio=R rss_growth=P%`.
Targets (issue "Serve a lecture hall"): 40 users: 0 errors, p95 ratio <= 2; RSS growth <= 10%.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .bench_app import checkpoints_root, machine_cpu_seconds, pick_models, serve, tree_cpu_seconds, tree_rss_kib
from .cluster import cluster, healthy
from .home_page import HomePage
from .st_protocol import check_local
from ..ui.serve import MALLOC_ARENAS


def server_pids(url: str) -> list[int]:
    """The s2s server processes listening on `url`'s port (from /proc), for --host; [] when none."""
    port = int(url.rsplit(":", 1)[1].split("/")[0]) if url.count(":") == 2 else 80
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                    inodes.add(fields[9])
    pids = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        with contextlib.suppress(OSError):
            if any(os.readlink(fd).removeprefix("socket:[").rstrip("]") in inodes for fd in fd_dir.iterdir()):
                cmdline = (fd_dir.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                if b"s2s.ui.serve" in cmdline or b"streamlit" in cmdline:
                    pids.append(int(fd_dir.parent.name))
    return pids


def locust_run(config: dict, prefix: str) -> tuple[dict, float]:
    """One protocol_run process; its summary and the CPU seconds it used (the clients)."""
    Path(prefix + ".config.json").write_text(json.dumps(config), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    limit = config["seconds"] + 2 * config["timeout"] + 60  # it stops by itself; this is the backstop
    proc = subprocess.run([sys.executable, "-m", "s2s.tools.protocol_run", prefix + ".config.json", prefix],
                          capture_output=True, text=True, timeout=limit)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"the Locust run failed ({proc.returncode}): {proc.stderr.strip()[-1500:]}")
    summary = json.loads(Path(prefix + ".json").read_text(encoding="utf-8"))
    return summary, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


class Sampler(threading.Thread):
    """RSS of the server trees (KiB) every `every` s until stopped, then once more: (time.time(), KiB)."""

    def __init__(self, pids: list[int], every: float = 2.0):
        super().__init__(daemon=True)
        self.pids, self.every, self.samples, self.halt = pids, every, [], threading.Event()

    def rss(self) -> int:
        return sum(tree_rss_kib(p) for p in self.pids)

    def run(self) -> None:
        while not self.halt.wait(self.every):
            self.samples.append((time.time(), self.rss()))

    def stop(self) -> list[tuple[float, int]]:
        self.halt.set()
        self.join()
        self.samples.append((time.time(), self.rss()))
        return self.samples


def warm(urls: list[str], models: list[str], text: str) -> None:
    """One translation on each replica directly: the single-user phase warms only the replica its
    session sticks to, and the RSS at the start must be every replica's after warm-up."""
    for url in urls:
        page = HomePage(url)
        try:
            page.open()
            page.translate(text, models)
        finally:
            page.close()


def drive(url: str, pids: list[int], models: list[str], sentences: list[str], args, out: Path,
          replica_urls: list[str] = ()) -> dict:
    base = {"host": url, "think": args.think, "timeout": args.timeout, "models": models, "beam": args.beam,
            "lp": args.lp}
    single, rest = sentences[:args.single], sentences[args.single:]
    alone, _ = locust_run({**base, "users": 1, "spawn_rate": 1, "seconds": args.single * args.timeout,
                           "requests": args.single, "think": 0.0, "sentences": single}, str(out / "single"))
    warm(list(replica_urls), models, single[0])
    sampler = Sampler(pids)
    start_rss = sampler.rss()
    sampler.start()
    cpu0 = (sum(tree_cpu_seconds(p) for p in pids), *machine_cpu_seconds())
    seconds = args.seconds if args.seconds is not None else args.minutes * 60
    loaded, clients = locust_run({**base, "users": args.users, "spawn_rate": args.spawn_rate or args.users,
                                  "seconds": seconds, "requests": 0, "sentences": rest}, str(out / "load"))
    cpu1 = (sum(tree_cpu_seconds(p) for p in pids), *machine_cpu_seconds())
    samples = sampler.stop()
    # up to stopping_at every user's session was open; the last sample comes after the Locust
    # process ended (its users closed their websockets: Streamlit keeps each session for a reconnect)
    open_ = [kib for at, kib in samples[:-1] if at < loaded["stopping_at"]]
    rss = {"start": start_rss, "peak": max([start_rss, *(kib for _, kib in samples)]),
           "end": open_[-1] if open_ else start_rss, "after": samples[-1][1]}
    server, machine, idle = (b - a for a, b in zip(cpu0, cpu1))
    return {"alone": alone, "load": loaded, "rss": rss, "cpu": {"server": server, "clients": clients,
                                                               "machine": machine, "idle": idle}}


def fmt(value, spec: str = ".3f") -> str:
    return "n/a" if value is None else format(value, spec)


def report(args, fig: dict, replicas: list[str]) -> None:
    alone, load = fig["alone"], fig["load"]
    single, tr = alone["names"].get("translate", {}), load["names"].get("translate", {})
    sec = lambda ms: None if ms is None else ms / 1000  # noqa: E731
    p95_single, p95_load = sec(single.get("p95_ms")), sec(tr.get("p95_ms"))
    ratio = p95_load / p95_single if p95_single and p95_load is not None else None
    errors = sum(v["failures"] for v in load["names"].values())
    requests = tr.get("requests", 0)
    rss = fig["rss"]
    growth = (rss["end"] - rss["start"]) / rss["start"] * 100 if rss["start"] and rss["end"] else None
    cpu, wall = fig["cpu"], load["seconds"]
    lines = [("users", f"{args.users}", f"(spawned at {args.spawn_rate or args.users:g}/s, think {args.think:g} s)"),
             ("load phase", f"{wall:.0f}", "s"),
             ("single-user requests", f"{single.get('requests', 0)}", f"({single.get('failures', 0)} errors)"),
             ("single-user p50", fmt(sec(single.get("p50_ms"))), "s"),
             ("single-user p95", fmt(p95_single), "s")]
    for name, entry in load["names"].items():
        lines.append((f"{name} requests", f"{entry['requests']}", f"({entry['failures']} errors)"))
    lines += [("errors", f"{errors}", "(target 0)"),
              ("p50 under load", fmt(sec(tr.get("p50_ms"))), "s"),
              ("p95 under load", fmt(p95_load), "s"),
              ("p95 ratio load/single", fmt(ratio, ".2f"), "(target <= 2)")]
    if growth is not None:
        mib = lambda kib: f"{kib / 1024:.1f}"  # noqa: E731
        lines += [("server RSS start", mib(rss["start"]), "MiB (warmed up, before the users open their sessions)"),
                  ("server RSS peak", mib(rss["peak"]), "MiB"),
                  ("server RSS end", mib(rss["end"]), "MiB (the last sample with every user's session open)"),
                  ("RSS growth end vs start", fmt(growth, ".1f"), "% (target <= 10)"),
                  ("server RSS users gone", mib(rss["after"]),
                   "MiB (websockets closed; Streamlit keeps their sessions for server.disconnectedSessionTTL)")]
    else:
        lines.append(("server RSS", "n/a", "(no s2s server process found on that port)"))
    lines.append(("load average (1 min)", f"{os.getloadavg()[0]:.2f}", "at the end"))
    machine = cpu["machine"] or 1.0
    lines += [("machine busy", f"{(machine - cpu['idle']) / machine * 100:.0f}", "% of all cores' time (others' work too)"),
              ("server CPU", f"{cpu['server'] / machine * 100:.0f}", f"% ({cpu['server']:.1f} s, {cpu['server'] / wall:.2f} cores)"),
              ("clients CPU", f"{cpu['clients'] / machine * 100:.0f}", f"% ({cpu['clients']:.1f} s: the Locust process)")]
    if requests:
        lines.append(("server CPU per request", f"{cpu['server'] / requests:.3f}", "s"))
    if replicas:
        counts = {r: 0 for r in replicas}
        for rec in load["records"]:
            if rec["name"] == "translate" and rec["ok"]:
                counts[rec["replica"] or "?"] = counts.get(rec["replica"] or "?", 0) + 1
        lines.append(("requests per replica", " ".join(f"{k}={v}" for k, v in counts.items()), ""))
    for name, value, unit in lines:
        print(f"{name + ':':26s} {value:>9s} {unit}".rstrip())
    for error in load["errors"][:5]:
        print(f"  error ({error['name']}, x{error['occurrences']}): {error['error'][:200]}")
    print(f"reports (Locust CSV, HTML): {args.out}")
    print(f"users={args.users} requests={requests} errors={errors} p95_single={fmt(p95_single)} "
          f"p95_load={fmt(p95_load)} p95_ratio={fmt(ratio, '.2f')} rss_growth={fmt(growth, '.1f')}%")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m s2s.tools load --protocol", description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=40, help="simulated students (default 40)")
    ap.add_argument("--minutes", type=float, default=3.0, help="length of the load phase (default 3)")
    ap.add_argument("--seconds", type=float, default=None, help="length of the load phase in s (overrides --minutes)")
    ap.add_argument("--think", type=float, default=10.0, help="mean s between a user's requests (default 10, +-50%%)")
    ap.add_argument("--host", default=None, help="an app already running (http://127.0.0.1:PORT); default: start one")
    ap.add_argument("--replicas", type=int, default=0, help="start N replicas behind HAProxy (default: one plain server)")
    ap.add_argument("--spawn-rate", type=float, default=None, help="users started per s (default: all within 1 s)")
    ap.add_argument("--single", type=int, default=20, help="requests of the single-user phase (default 20)")
    ap.add_argument("--timeout", type=float, default=60.0, help="longest wait for one result, s (default 60)")
    ap.add_argument("--models", default=None, help="comma-separated models (default: vanilla and Bahdanau, eng-spa)")
    ap.add_argument("--beam", type=int, default=1, help="beam size, 1 = greedy (default 1)")
    ap.add_argument("--lp", type=float, default=1.0, help="length penalty (default 1.0)")
    ap.add_argument("--checkpoints", type=Path, default=None, help="checkpoints root of the server started here")
    ap.add_argument("--out", type=Path, default=None, help="folder for Locust's reports (default: a new one in /tmp)")
    args = ap.parse_args(argv)
    if args.users < 1 or args.single < 1 or args.think < 0 or args.timeout <= 0 or not 1 <= args.beam <= 50:
        print("error: --users and --single must be >= 1, --think >= 0, --timeout > 0, --beam 1..50", file=sys.stderr)
        return 2
    if args.host is not None:
        try:
            args.host = check_local(args.host)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if not healthy(args.host):
            print(f"error: no app answers at {args.host} (GET /_stcore/health failed)", file=sys.stderr)
            return 2
    args.out = args.out or Path(tempfile.mkdtemp(prefix="s2s-load-"))
    args.out.mkdir(parents=True, exist_ok=True)
    from ..data import load_split

    sources = [ex.source for ex in load_split("test", "eng", "spa")]
    sentences = random.Random(0).sample(sources, len(sources))
    with contextlib.ExitStack() as stack:
        root = stack.enter_context(checkpoints_root(args.checkpoints))
        models = args.models.split(",") if args.models else pick_models(root)[0][:2]
        replicas: list[str] = []
        replica_urls: list[str] = []
        try:
            if args.host is not None:
                url, pids = args.host, server_pids(args.host)
            elif args.replicas:
                c = stack.enter_context(cluster(args.replicas, root))
                url, pids, replicas = c.url, [r.proc.pid for r in c.replicas], [r.name for r in c.replicas]
                replica_urls = [r.url for r in c.replicas]
            else:
                url, proc = stack.enter_context(serve(root))
                pids = [proc.pid]
        except (RuntimeError, TimeoutError) as exc:  # ClusterError is a RuntimeError
            print(f"error: the server could not start: {exc}", file=sys.stderr)
            return 1
        arenas = (f"MALLOC_ARENA_MAX={os.environ['MALLOC_ARENA_MAX']} (from the environment)"
                  if os.environ.get("MALLOC_ARENA_MAX") else f"capped at {MALLOC_ARENAS} by s2s.ui.serve")
        print(f"target: {url}{f' (HAProxy, {len(replicas)} replicas)' if replicas else ''}; models: {', '.join(models)}; "
              f"beam {args.beam}; CPU cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.2f}")
        if args.host is None:
            print(f"server's malloc arenas: {arenas}")
        fig = drive(url, pids, models, sentences, args, args.out, replica_urls)
    report(args, fig, replicas)
    return 0


if __name__ == "__main__":
    sys.exit(main())
