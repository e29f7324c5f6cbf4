"""Training-lab benchmark (prints figures, asserts nothing): `python -m s2s.tools lab-bench`.

1. Time to 95% exact match on the training lengths of `reverse` (3-10, the page's default
   small size) for vanilla and every attention kind, one torch thread each, one run at a time,
   median (and range) over --seeds seeds; also the steps it took and, for runs that never get
   there, the exact match at the longest training length when the budget (--seconds) ran out.
2. Translation latency of another session while lab runs train: p50/p95 of --requests
   translations (one thread, as app.py sets) with the pool idle, then with --runs lab runs
   training in the pool's worker processes; the ratio of the two p95s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

from ..lab import KINDS, LabRun, LabSettings, train_mean

SENTENCES = ["I am hungry.", "Where is the station?", "She reads a book every night.",
             "We will go to the beach tomorrow.", "The children are playing in the garden.",
             "My brother does not like coffee.", "Can you help me carry these boxes?"]


def time_to_95(kind: str, seed: int, seconds: float) -> dict:
    s = LabSettings(task="reverse", model=kind, min_len=3, max_len=10, seconds=seconds, steps=100_000, seed=seed)
    last = None
    for snap in LabRun(s):
        last = snap
        if train_mean(snap, s) >= 0.95:
            return {"seconds": snap["elapsed"], "steps": snap["step"], "longest": snap["exact_match"][s.max_len]}
    return {"seconds": None, "steps": None, "longest": last["exact_match"][s.max_len], "ran": last["elapsed"]}


def _median(values):
    got = [v for v in values if v is not None]
    return statistics.median(got) if len(got) == len(values) else None


def learning_table(kinds, seeds: int, seconds: float) -> list[str]:
    torch.set_num_threads(1)
    lines = [f"time to 95% exact match, reverse 3-10, budget {seconds:g} s, 1 thread, median of {seeds} seeds",
             "kind       median s   range s        median steps   exact match at length 10 (per seed)"]
    for kind in kinds:
        rows = [time_to_95(kind, seed, seconds) for seed in range(seeds)]
        secs = [r["seconds"] for r in rows]
        med = _median(secs)
        rng = "-" if None in secs else f"{min(secs):.1f}-{max(secs):.1f}"
        steps = _median([r["steps"] for r in rows])
        lines.append(f"{kind:<10} {('%.1f' % med) if med is not None else 'not reached':>11}   {rng:<14} "
                     f"{(str(int(steps)) if steps is not None else '-'):>12}   "
                     + " ".join(f"{r['longest']:.2f}" for r in rows)
                     + ("" if med is not None else f"  (reached 95% in {sum(x is not None for x in secs)}/{seeds})"))
        print(lines[-1], flush=True)
    return lines


def latencies(ckpt, n: int, beam: int) -> list[float]:
    from ..translate import translate

    out = []
    for i in range(n):
        t0 = time.perf_counter()
        translate(ckpt, SENTENCES[i % len(SENTENCES)], beam=beam)
        out.append(time.perf_counter() - t0)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def latency_table(checkpoint: Path, n: int, runs: int, beam: int) -> list[str]:
    from ..checkpoint import load
    from ..lab_pool import LabPool

    torch.set_num_threads(1)
    ckpt = load(checkpoint)
    latencies(ckpt, 5, beam)  # warm up
    idle = latencies(ckpt, n, beam)
    pool = LabPool(workers=runs)
    try:
        ids = [pool.submit(f"bench{i}:a", LabSettings(seconds=120.0, steps=20_000, seed=i)) for i in range(runs)]
        deadline = time.monotonic() + 600
        while not all(pool.status(i).snapshots for i in ids):  # all of them past start-up, training
            if failed := [v.error for v in map(pool.status, ids) if v.status == "error"]:
                raise RuntimeError(f"a lab run failed: {failed[0]}")
            if time.monotonic() > deadline:
                raise RuntimeError("the lab runs did not start in 600 s")
            time.sleep(0.2)
        loaded = latencies(ckpt, n, beam)
        for i in ids:
            v = pool.status(i)
            assert v.status == "running", (v.status, v.error)  # still training through the measurement
            pool.cancel(i)
    finally:
        pool.close()
    lines = [f"translate latency of another session ({checkpoint.name}, beam {beam}, 1 thread, {n} requests)",
             f"idle:                   p50 {statistics.median(idle) * 1000:7.1f} ms   p95 {p95(idle) * 1000:7.1f} ms",
             f"{runs} lab runs training:  p50 {statistics.median(loaded) * 1000:7.1f} ms   p95 {p95(loaded) * 1000:7.1f} ms",
             f"p95 ratio: {p95(loaded) / p95(idle):.2f}"]
    for line in lines:
        print(line, flush=True)
    return lines


def main(argv=None) -> int:
    from ..checkpoint import CHECKPOINTS_DIR

    p = argparse.ArgumentParser(prog="python -m s2s.tools lab-bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=60.0, help="budget per run")
    p.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    p.add_argument("--checkpoint", type=Path, default=CHECKPOINTS_DIR / "eng-spa" / "bahdanau")
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--runs", type=int, default=2, help="lab runs training during the second measurement")
    p.add_argument("--beam", type=int, default=5)
    p.add_argument("--skip-learning", action="store_true")
    p.add_argument("--skip-latency", action="store_true")
    args = p.parse_args(argv)
    with open("/proc/loadavg") as f:
        print(f"load average at start: {' '.join(f.read().split()[:3])}", flush=True)
    if not args.skip_latency:
        latency_table(args.checkpoint, args.requests, args.runs, args.beam)
    if not args.skip_learning:
        learning_table(args.kinds, args.seeds, args.seconds)
    with open("/proc/loadavg") as f:
        print(f"load average at end: {' '.join(f.read().split()[:3])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
