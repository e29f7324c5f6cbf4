"""`python -m s2s explain CHECKPOINT --bench`: the cost of one explanation, on one thread.

Integrated gradients (32 steps, the default) plus occlusion for one 10-word sentence, teacher-forced
on its greedy translation: the median of N runs after one warm-up, with the translation included
(what the app's page computes when it shows those two methods), and each part alone. These are
measurements, not tests: nothing here passes or fails. Figures taken on a loaded machine say so
(the load average is printed).
"""

from __future__ import annotations

import os
import statistics
import time

import torch

from ..checkpoint import Checkpoint
from ..explain import attributions, explain
from ..translate import translate

SENTENCE = "My brother bought a new red car in Madrid last year."  # 10 words
TARGET_S = 1.5


def _median(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(ckpt: Checkpoint, runs: int = 5, n_steps: int = 32, text: str = SENTENCE) -> str:
    torch.set_num_threads(1)
    tr = translate(ckpt, text)
    src, tgt = tr.source_ids, tr.best.ids
    both = _median(lambda: explain(ckpt, text, ("integrated_gradients", "occlusion"), n_steps), runs)
    ig = _median(lambda: attributions(ckpt.model, src, tgt, ("integrated_gradients",), n_steps), runs)
    occ = _median(lambda: attributions(ckpt.model, src, tgt, ("occlusion",), n_steps), runs)
    grads = _median(lambda: attributions(ckpt.model, src, tgt, ("saliency", "input_x_gradient"), n_steps), runs)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join([
        f"{'/'.join(ckpt.path.parts[-2:])}: {len(text.split())} words, {len(src)} source pieces, {len(tgt)} target pieces; "
        f"1 thread, median of {runs} runs; load average {load} ({os.cpu_count()} cores)",
        f"translate + integrated gradients ({n_steps} steps) + occlusion: {both:.3f} s (target <= {TARGET_S} s)",
        f"  integrated gradients alone: {ig:.3f} s; occlusion alone: {occ:.3f} s;"
        f" saliency + input x gradient: {grads:.3f} s",
    ])
