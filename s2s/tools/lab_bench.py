"""Training-lab benchmark (prints figures, asserts nothing): `python -m s2s.tools lab-bench`.

1. Time to 95% exact match on the training lengths of `reverse` (3-10, the page's default
   small size) for vanilla and every attention kind, one torch thread each, one run at a time,
   median (and range) over --seeds seeds; also the steps it took and the exact match at the
   longest training length then (or, for runs that never get there, when the budget ran out).
2. The same budget for every model: the kinds named by --same-budget (default vanilla and
   bahdanau) train for the whole budget (--seconds, at most --steps steps) instead of stopping
   at 95%; their time to 95% still comes from their snapshots, and the table gives the exact
   match at the longest training length and at the longest test length (twice the longest
   training length) when the budget ran out, per seed and the median, and the per-seed
   difference of vanilla against each attention kind.
3. Translation latency of another session while lab runs train: p50/p95 of --requests
   translations (one thread, as app.py sets) with the pool idle, then with --runs lab runs
   training in the pool's worker processes; the ratio of the two p95s.

A run's wall time includes its evaluations (the whole test set and the probe every 50 steps,
s2s/lab.py); the same-budget table estimates their share from one timed evaluation of the
final model. The default run takes over 6 minutes: its 2 x 3 same-budget runs last 60 s each
(the other kinds stop at 95%).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

from .. import toy
from ..lab import KINDS, TARGET, LabRun, LabSettings, greedy_batch, probe_attention, score, train_mean

SENTENCES = ["I am hungry.", "Where is the station?", "She reads a book every night.",
             "We will go to the beach tomorrow.", "The children are playing in the garden.",
             "My brother does not like coffee.", "Can you help me carry these boxes?"]
TASK, MIN_LEN, MAX_LEN = "reverse", 3, 10
STEPS = 100_000  # by default the time budget ends a run


def settings(kind: str, seed: int, seconds: float, steps: int = STEPS, **small) -> LabSettings:
    return LabSettings(task=TASK, model=kind, min_len=MIN_LEN, max_len=MAX_LEN, seconds=seconds, steps=steps,
                       seed=seed, **small)


def evaluation_seconds(run: LabRun) -> float:
    """Wall seconds of one evaluation (test set + probe, as a snapshot does) of the run's final model."""
    s, model = run.s, run.model
    tests = toy.test_set(s.task, s.test_lengths, s.test_per_length, s.seed)
    src, tgt = toy.probe(s.task, s.max_len, s.seed)
    t0 = time.perf_counter()
    score(model, tests)
    greedy_batch(model, [src], 2 * len(src) + 2)
    probe_attention(model, src, tgt)
    return time.perf_counter() - t0


def bench_run(kind: str, seed: int, seconds: float, steps: int = STEPS, full: bool = False, **small) -> dict:
    """One `reverse` 3-10 run. It stops at the first snapshot with mean exact match >= 95% over the
    training lengths, unless `full`: then it trains for the whole budget. Returns
    {"kind", "seed", "full", "time_to_95", "steps_to_95", "longest_at_95" (exact match at the longest
    training length at that snapshot; None when not reached), "end": {"step", "seconds", "ended",
    "train_mean", "longest_train", "longest_test", "evaluations", "evaluation_s"}} where "end" is
    the last snapshot (for a full run: when the budget ran out)."""
    s = settings(kind, seed, seconds, steps, **small)
    run, at95, last, emitted = LabRun(s), None, None, 0
    for snap in run:
        last, emitted = snap, emitted + 1
        if at95 is None and train_mean(snap, s) >= TARGET:
            at95 = snap
            if not full:
                break
    end = {"step": last["step"], "seconds": last["elapsed"],
           "ended": run.summary["ended"] if run.summary else "reached 95%",
           "train_mean": train_mean(last, s), "longest_train": last["exact_match"][s.max_len],
           "longest_test": last["exact_match"][max(s.test_lengths)], "evaluations": emitted,
           "evaluation_s": evaluation_seconds(run) if run.summary else None}
    return {"kind": kind, "seed": seed, "full": full,
            "time_to_95": at95["elapsed"] if at95 else None, "steps_to_95": at95["step"] if at95 else None,
            "longest_at_95": at95["exact_match"][s.max_len] if at95 else None, "end": end}


def _median(values):
    got = [v for v in values if v is not None]
    return statistics.median(got) if len(got) == len(values) else None


def time_rows(kind: str, rows: list[dict]) -> str:
    """One line of the time-to-95% table."""
    secs = [r["time_to_95"] for r in rows]
    med, steps = _median(secs), _median([r["steps_to_95"] for r in rows])
    rng = "-" if None in secs else f"{min(secs):.1f}-{max(secs):.1f}"
    longest = [r["longest_at_95"] if r["time_to_95"] is not None else r["end"]["longest_train"] for r in rows]
    reached = sum(x is not None for x in secs)
    return (f"{kind:<10} {('%.1f' % med) if med is not None else 'not reached':>11}   {rng:<14} "
            f"{(str(int(steps)) if steps is not None else '-'):>12}   " + " ".join(f"{x:.2f}" for x in longest)
            + ("" if med is not None else f"  (reached 95% in {reached}/{len(rows)})"))


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({' '.join(f'{v:.2f}' for v in values)})"


def budget_rows(kind: str, rows: list[dict]) -> str:
    """One line of the same-budget table (runs that trained for the whole budget)."""
    ends = [r["end"] for r in rows]
    evals = statistics.median(e["evaluations"] * e["evaluation_s"] for e in ends)
    return (f"{kind:<10} {int(statistics.median(e['step'] for e in ends)):>7}   "
            f"{statistics.median(e['seconds'] for e in ends):>6.1f}   "
            f"{statistics.median(e['train_mean'] for e in ends):>9.2f}   "
            f"{_spread([e['longest_train'] for e in ends]):<28} {_spread([e['longest_test'] for e in ends]):<28} "
            f"{evals:>13.1f}")


def learning_table(kinds, seeds: int, seconds: float, same_budget=(), steps: int = STEPS, **small) -> list[str]:
    """Run every kind (kinds and same_budget, in KINDS order) for `seeds` seeds and print both tables;
    returns their lines. `small`: LabSettings overrides (tests use tiny models)."""
    torch.set_num_threads(1)
    order = [k for k in KINDS if k in kinds or k in same_budget]
    cap = f"budget {seconds:g} s" + (f" or {steps} steps" if steps != STEPS else "")
    lines = [f"time to 95% exact match, {TASK} {MIN_LEN}-{MAX_LEN}, {cap}, 1 thread, median of {seeds} seeds "
             "(wall seconds include the evaluations)",
             f"kind       median s   range s        median steps   exact match at length {MAX_LEN} (per seed)"]
    for line in lines:
        print(line, flush=True)
    results = {}
    for kind in order:
        results[kind] = [bench_run(kind, seed, seconds, steps, full=kind in same_budget, **small)
                         for seed in range(seeds)]
        lines.append(time_rows(kind, results[kind]))
        print(lines[-1], flush=True)
    full = [k for k in order if k in same_budget]
    if full:
        longest_test = 2 * MAX_LEN
        block = [f"same budget: {', '.join(full)} each trained for the whole {cap}, 1 thread, {seeds} seeds; "
                 "exact match when the budget ran out",
                 f"kind         steps   wall s   mean {MIN_LEN}-{MAX_LEN}   "
                 f"{f'at length {MAX_LEN}: median (seeds)':<28} {f'at length {longest_test}: median (seeds)':<28} "
                 "eval s (est.)"]
        block += [budget_rows(kind, results[kind]) for kind in full]
        if "vanilla" in full:
            for kind in full[1:]:
                diff = [v["end"]["longest_train"] - a["end"]["longest_train"]
                        for v, a in zip(results["vanilla"], results[kind])]
                block.append(f"vanilla minus {kind} at length {MAX_LEN}, per seed: "
                             + " ".join(f"{d:+.2f}" for d in diff))
        for line in block:
            print(line, flush=True)
        lines += block
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


def _load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main(argv=None) -> int:
    from ..checkpoint import CHECKPOINTS_DIR

    p = argparse.ArgumentParser(prog="python -m s2s.tools lab-bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=60.0, help="budget per run (seconds)")
    p.add_argument("--steps", type=int, default=STEPS, help="budget per run (steps; the page's default is 3000)")
    p.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    p.add_argument("--same-budget", nargs="*", default=["vanilla", "bahdanau"], choices=KINDS, metavar="KIND",
                   help="kinds that train for the whole budget (default: vanilla bahdanau; none: no same-budget table)")
    p.add_argument("--checkpoint", type=Path, default=CHECKPOINTS_DIR / "eng-spa" / "bahdanau")
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--runs", type=int, default=2, help="lab runs training during the second measurement")
    p.add_argument("--beam", type=int, default=5)
    p.add_argument("--skip-learning", action="store_true")
    p.add_argument("--skip-latency", action="store_true")
    args = p.parse_args(argv)
    if args.seeds < 1:
        p.error("--seeds must be at least 1")
    try:
        settings("vanilla", args.seeds - 1, args.seconds, args.steps)  # the lab's own checks of the budget
    except ValueError as exc:  # ConfigError
        p.error(str(exc))
    t0 = time.monotonic()
    print(f"load average at start: {_load()}", flush=True)
    if not args.skip_latency:
        latency_table(args.checkpoint, args.requests, args.runs, args.beam)
    if not args.skip_learning:
        learning_table(args.kinds, args.seeds, args.seconds, args.same_budget, args.steps)
    print(f"load average at end: {_load()}", flush=True)
    print(f"total wall time: {time.monotonic() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
