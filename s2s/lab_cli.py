"""`python -m s2s lab`: one training-lab run from the command line.

With --json: one JSON object per snapshot per line, the last line the summary
{"task", "model", "steps", "seconds", "exact_match": {"<length>": fraction}, "token_accuracy": {...},
"time_to_95": seconds or null, ...}. Without: a progress bar, then a table per test length.
"""

from __future__ import annotations

import json
import sys

import torch
from tqdm import tqdm

from . import device, toy
from .errors import ConfigError
from .lab import CELLS, KINDS, LabRun, LabSettings, train_mean

DEFAULTS = LabSettings()


def add_arguments(p) -> None:
    p.add_argument("--task", choices=toy.TASKS, default=DEFAULTS.task)
    p.add_argument("--model", choices=KINDS, default=DEFAULTS.model)
    p.add_argument("--cell", choices=CELLS, default=DEFAULTS.cell)
    p.add_argument("--min-len", type=int, default=DEFAULTS.min_len)
    p.add_argument("--max-len", type=int, default=DEFAULTS.max_len)
    p.add_argument("--seconds", type=float, default=DEFAULTS.seconds, help="wall-clock budget")
    p.add_argument("--steps", type=int, default=DEFAULTS.steps, help="update budget")
    p.add_argument("--seed", type=int, default=DEFAULTS.seed)
    p.add_argument("--hidden", type=int, default=DEFAULTS.hidden, help="decoder state size (encoder: hidden/2 per direction)")
    p.add_argument("--emb", type=int, default=DEFAULTS.emb_dim, help="embedding size")
    p.add_argument("--lr", type=float, default=DEFAULTS.lr)
    p.add_argument("--batch-size", type=int, default=DEFAULTS.batch_size)
    p.add_argument("--every", type=int, default=DEFAULTS.every, help="steps between snapshots")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1: one core)")
    p.add_argument("--json", action="store_true", help="one JSON object per snapshot, the summary last")
    device.add_argument(p)


def settings(args) -> LabSettings:
    return LabSettings(task=args.task, model=args.model, cell=args.cell, min_len=args.min_len, max_len=args.max_len,
                       seconds=args.seconds, steps=args.steps, seed=args.seed, hidden=args.hidden, emb_dim=args.emb,
                       lr=args.lr, batch_size=args.batch_size, every=args.every)


def table(summary: dict, s: LabSettings) -> str:
    lines = [f"{s.task} with {s.model} ({s.cell}): {summary['steps']} steps in {summary['seconds']:.1f} s, "
             f"ended by {summary['ended']}, on {summary['device']}",
             f"time to {0.95:.0%} exact match on lengths {s.min_len}-{s.max_len}: "
             + (f"{summary['time_to_95']:.1f} s" if summary["time_to_95"] is not None else "not reached"),
             "length  exact match  token accuracy",]
    for n, em in summary["exact_match"].items():
        mark = "" if n in s.train_lengths else "  (longer than trained)"
        lines.append(f"{n:>6}  {em:>11.3f}  {summary['token_accuracy'][n]:>14.3f}{mark}")
    return "\n".join(lines)


def main(args) -> int:
    s = settings(args)  # ConfigError before anything starts
    if args.threads < 1:
        raise ConfigError(f"--threads must be at least 1, got {args.threads}")
    on = device.resolve(args.device)  # DeviceError before anything starts
    before = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        return _run(args, s, on)
    finally:
        torch.set_num_threads(before)


def _run(args, s: LabSettings, on: torch.device) -> int:
    run = LabRun(s, device=on)
    bar = None if args.json else tqdm(total=s.steps, unit="step", mininterval=0.5 if sys.stderr.isatty() else 10.0)
    for snap in run:
        if args.json:
            print(json.dumps(snap), flush=True)
        else:
            bar.update(snap["step"] - bar.n)
            bar.set_postfix(loss=snap["loss"], exact=f"{train_mean(snap, s):.2f}", refresh=False)
    if args.json:
        print(json.dumps(run.summary), flush=True)
    else:
        bar.close()
        print(table(run.summary, s))
    return 0
