"""`python -m s2s explain`: attributions beside attention for each input, or the test-split tables.

    python -m s2s explain CHECKPOINT [--methods m1,m2] [--steps N] [--beam K] [--json] [--device D] TEXT...
    python -m s2s explain CHECKPOINT --test N          mean agreement of each method with attention
    python -m s2s explain CHECKPOINT --block-test N    how often blocking / removing a word drops its translation
    python -m s2s explain CHECKPOINT --bench           integrated gradients + occlusion, one 10-word sentence
"""

from __future__ import annotations

import json
import sys

import numpy as np

from . import device
from .errors import S2SError
from .explain import METHODS, check_methods, explain


def _text_report(ex) -> str:
    lines = ["source: " + " ".join(ex.source_pieces), "target: " + " ".join(ex.target_pieces)]
    methods = list(ex.attributions)
    top = {m: np.asarray(ex.normalised[m]).argmax(1) for m in methods}
    if ex.attention is not None:
        top = {"attention": ex.attention.argmax(1), **top}
    lines.append("most attended / attributed source piece per target piece:")
    lines.append(f"  {'target':<14}" + "".join(f" {m[:20]:<20}" for m in top))
    for t, piece in enumerate(ex.target_pieces):
        lines.append(f"  {piece:<14}" + "".join(f" {ex.source_pieces[top[m][t]]:<20}" for m in top))
    if ex.agreement is None:
        lines.append("vanilla model: no attention, so no agreement (the attributions show what the one context "
                     "vector depended on)")
    elif ex.agreement:
        lines.append(f"agreement with attention (means over {len(ex.target_pieces)} rows):")
        for m, a in ex.agreement.items():
            cell = lambda v: "  n/a" if v is None else f"{v:6.3f}"  # noqa: E731
            lines.append(f"  {m:<22} kendall_tau {cell(a['kendall_tau'])}  js {cell(a['js'])}  top1 {cell(a['top1'])}")
    if ex.convergence_delta is not None:
        lines.append(f"integrated gradients: {ex.n_steps} steps, baseline {ex.baseline}, "
                     f"max |convergence delta| {np.abs(ex.convergence_delta).max():.2e}")
    return "\n".join(lines)


def main(args) -> int:
    from .checkpoint import load
    from . import explain_study as study

    try:
        methods = check_methods([m.strip() for m in args.methods.split(",") if m.strip()])
    except S2SError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    ckpt = load(args.checkpoint, device=device.resolve(args.device))  # CUDA: the fp32 weights, no int8
    name = "/".join(ckpt.path.parts[-2:])  # e.g. eng-spa/bahdanau
    if args.bench:
        from .tools.bench_explain import bench

        print(bench(ckpt, runs=args.runs, n_steps=args.steps))
        return 0
    if args.test is not None:
        means, words = study.agreement_over_test(ckpt, args.test, args.steps)
        print(study.agreement_table(name, means, words))
        return 0
    if args.block_test is not None:
        counts = study.block_vs_remove(ckpt, args.block_test)
        print(study.block_table(name, counts))
        print(f"({counts.seconds:.0f} s)", file=sys.stderr)
        return 0
    texts = args.text or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    status = 0
    for text in texts:
        try:
            ex = explain(ckpt, text, methods, n_steps=args.steps, beam=args.beam)
        except S2SError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
            continue
        print(json.dumps(ex.to_json(), ensure_ascii=False) if args.json else _text_report(ex))
    return status


def add_parser(sub) -> None:
    p = sub.add_parser("explain", help="attributions (Captum) beside attention; agreement; block/remove tables")
    p.add_argument("checkpoint")
    p.add_argument("text", nargs="*")
    p.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated, from: {', '.join(METHODS)}")
    p.add_argument("--steps", type=int, default=32, help="integrated gradients' n_steps")
    p.add_argument("--beam", type=int, default=1, help="explain beam search's best hypothesis (1: greedy)")
    p.add_argument("--json", action="store_true", help="one JSON object per input")
    p.add_argument("--test", type=int, metavar="N", help="mean agreement with attention over N test sentences")
    p.add_argument("--block-test", type=int, metavar="N",
                   help="over N test sentences: how often blocking / removing a content word drops its translation")
    p.add_argument("--bench", action="store_true", help="time integrated gradients + occlusion, one thread")
    p.add_argument("--runs", type=int, default=5, help="runs per --bench figure")
    device.add_argument(p)
    p.set_defaults(run=main)
