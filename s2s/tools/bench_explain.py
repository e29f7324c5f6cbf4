"""`python -m s2s explain CHECKPOINT --bench`: the cost of one explanation, on one thread.

Integrated gradients (32 steps, the default) plus occlusion for one 10-word sentence, teacher-forced
on its greedy translation: the median of N runs after one warm-up, with the translation included
(what the app's page computes when it shows those two methods), and each part alone. Each figure is
given as wall-clock time and as the process's CPU time: on a machine shared with other work the
wall clock also counts the time the process waited for a core, the CPU time does not (it is close
to the wall clock on an idle core). These are measurements, not tests: nothing here passes or
fails. The load average is printed with them.

On a loaded machine the absolute figures drift, so the run also times integrated gradients the
plain way (`attributions_per_row`: one Captum call per target row) right beside the batched call
and prints their ratio: both under the same load.
"""

from __future__ import annotations

import os
import statistics
import time

import torch

from ..checkpoint import Checkpoint
from ..explain import attributions, attributions_per_row, explain
from ..translate import translate

SENTENCE = "My brother bought a red car in Madrid last year."  # 10 words
TARGET_S = 1.5


def _times(fn, runs: int) -> tuple[float, float]:
    """(wall s, CPU s): medians over `runs` calls of `fn` after one warm-up."""
    fn()
    wall, cpu = zip(*(_once(fn) for _ in range(runs)))
    return statistics.median(wall), statistics.median(cpu)


def _once(fn) -> tuple[float, float]:
    """(wall s, CPU s) of one call of `fn`."""
    start, start_cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - start_cpu


def _median(fn, runs: int) -> str:
    """'wall s (CPU s)': medians over `runs` calls of `fn` after one warm-up."""
    wall, cpu = _times(fn, runs)
    return f"{wall:.3f} s (CPU {cpu:.3f} s)"


def bench(ckpt: Checkpoint, runs: int = 5, n_steps: int = 32, text: str = SENTENCE) -> str:
    torch.set_num_threads(1)
    tr = translate(ckpt, text)
    src, tgt = tr.source_ids, tr.best.ids
    both = _median(lambda: explain(ckpt, text, ("integrated_gradients", "occlusion"), n_steps), runs)
    ig = _median(lambda: attributions(ckpt.model, src, tgt, ("integrated_gradients",), n_steps), runs)
    occ = _median(lambda: attributions(ckpt.model, src, tgt, ("occlusion",), n_steps), runs)
    grads = _median(lambda: attributions(ckpt.model, src, tgt, ("saliency", "input_x_gradient"), n_steps), runs)
    per_row = lambda: attributions_per_row(ckpt.model, src, tgt, ("integrated_gradients",), n_steps)  # noqa: E731
    batched = lambda: attributions(ckpt.model, src, tgt, ("integrated_gradients",), n_steps)  # noqa: E731
    per_row()
    pairs = [(_once(per_row), _once(batched)) for _ in range(runs)]  # alternating: both under the same load
    med = lambda f: statistics.median(f(*p) for p in pairs)  # noqa: E731  p: (wall, cpu) per row, (wall, cpu) batched
    row_wall, row_cpu, one_wall, one_cpu = (med(lambda a, b, i=i: (a + b)[i]) for i in range(4))
    ratio, ratio_cpu = med(lambda a, b: a[0] / b[0]), med(lambda a, b: a[1] / b[1])
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join([
        f"{'/'.join(ckpt.path.parts[-2:])}: {len(text.split())} words, {len(src)} source pieces, {len(tgt)} target pieces; "
        f"1 thread, median of {runs} runs; load average {load} ({os.cpu_count()} cores)",
        f"translate + integrated gradients ({n_steps} steps) + occlusion: {both} (target <= {TARGET_S} s)",
        f"  integrated gradients alone: {ig}; occlusion alone: {occ}; saliency + input x gradient: {grads}",
        f"  integrated gradients, one Captum call per target row: {row_wall:.3f} s (CPU {row_cpu:.3f} s); all rows "
        f"in one call: {one_wall:.3f} s (CPU {one_cpu:.3f} s); ratio {ratio:.2f} (CPU {ratio_cpu:.2f}), "
        f"medians of {runs} alternating pairs",
    ])
