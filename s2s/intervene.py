"""Interventions on decoding: block source pieces from attention, override one step's attention,
remove source pieces from the encoder's input. Search and trace take them as parameters.

- block J:   every step's attention is  a_tj = softmax_{j not in J}(e_tj), and exactly 0 for j in J
             (the blocked positions are masked like padding, so the rest is renormalised).
- override:  at step t the context is  c_t = sum_j a'_j h_j  for a given distribution a' instead of
             softmax(e_t); the other steps run free. Overriding with the model's own weights changes
             nothing, bit for bit.
- remove J:  the pieces at J are replaced by <unk> in the encoder's input: the model never reads them,
             through attention or through the encoder's final state (blocking closes attention only).

Indices are 0-based positions in `source_tokens` (the source pieces, ending in </s>).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from .errors import InputError

SUM_TOLERANCE = 1e-3  # an override must sum to 1 within this


@dataclass(frozen=True)
class Override:
    """Attention weights `weights` [S] replace step `step`'s own (1-based: the step emitting y_t)."""

    step: int
    weights: tuple[float, ...]

    @classmethod
    def one_hot(cls, step: int, position: int, n_source: int) -> "Override":
        """All the weight of step `step` on source piece `position`."""
        check_indices([position], n_source, "override")
        return cls(step, tuple(1.0 if j == position else 0.0 for j in range(n_source)))

    def tensor(self, device: torch.device | str) -> torch.Tensor:
        """The weights [S] on `device`: the model's (s2s.device.of), no default to forget."""
        return torch.tensor(np.asarray(self.weights, dtype=np.float32), device=device)  # [S]


def parse_indices(text: str) -> tuple[int, ...]:
    """"0,2,3" -> (0, 2, 3); anything else -> InputError saying what is expected."""
    parts = [p.strip() for p in str(text).split(",")]
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise InputError(f"expected comma-separated 0-based piece indices such as 0,2; got {text!r}") from None
    return values


def parse_weights(text: str, n_source: int) -> tuple[float, ...]:
    """"1, 0, 3" -> (0.25, 0.0, 0.75): one non-negative number per source piece, scaled to sum to 1
    (so any proportions will do); anything else -> InputError saying what is expected."""
    parts = str(text).replace(",", " ").split()
    example = " ".join(["0"] * (n_source - 1) + ["1"])
    expected = f"expected {n_source} non-negative numbers, one per source piece, such as {example}"
    try:
        w = np.asarray([float(p) for p in parts], dtype=float)
    except ValueError:
        raise InputError(f"override weights: {expected}; got {text!r}") from None
    if w.size != n_source:
        raise InputError(f"override weights: {w.size} numbers given; {expected}")
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise InputError(f"override weights: {expected}, not all 0")
    return tuple(float(x) for x in w / w.sum())


def check_indices(indices: Sequence[int], n_source: int, what: str, last: bool = True) -> tuple[int, ...]:
    """Distinct 0-based indices into n_source pieces (`last=False`: not the final </s>), else InputError."""
    top = n_source - 1 if last else n_source - 2
    valid = f"valid indices are 0 to {top} ({n_source} source pieces{'' if last else ', the final </s> stays'})"
    out = []
    for i in indices:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise InputError(f"{what}: index {i!r} is not an integer; {valid}")
        if not 0 <= int(i) <= top:
            raise InputError(f"{what}: index {i} is out of range; {valid}")
        if int(i) in out:
            raise InputError(f"{what}: index {i} is given twice; each piece once")
        out.append(int(i))
    return tuple(out)


def check_block(block: Sequence[int], n_source: int, vanilla: bool) -> tuple[int, ...]:
    """Validated block indices; refused for a vanilla model and when nothing would be left to attend to."""
    block = tuple(block or ())
    if not block:
        return ()
    if vanilla:
        raise InputError("a vanilla model has no attention to block; use remove (replace pieces by <unk>) instead")
    block = check_indices(block, n_source, "block")
    if len(block) == n_source:
        raise InputError(f"block: all {n_source} source pieces blocked, attention would have nothing to attend to; "
                         f"leave at least one of 0 to {n_source - 1} open")
    return block


def check_override(override: Override | None, n_source: int, vanilla: bool) -> Override | None:
    """The override if it is a distribution over n_source pieces at a step >= 1, else InputError."""
    if override is None:
        return None
    if vanilla:
        raise InputError("a vanilla model has no attention to override")
    if isinstance(override.step, bool) or not isinstance(override.step, int) or override.step < 1:
        raise InputError(f"override: the step must be a positive integer (1 = the first output piece), got {override.step!r}")
    w = np.asarray(override.weights, dtype=float)
    if w.shape != (n_source,):
        raise InputError(f"override: {w.size} weights given for {n_source} source pieces")
    if not np.isfinite(w).all() or (w < 0).any() or not math.isclose(float(w.sum()), 1.0, abs_tol=SUM_TOLERANCE):
        raise InputError("override: the weights must be non-negative numbers summing to 1")
    return override


def check_remove(remove: Sequence[int], n_source: int) -> tuple[int, ...]:
    return check_indices(tuple(remove or ()), n_source, "remove", last=False)


def removed_ids(src_ids: Sequence[int], remove: Sequence[int], unk_id: int) -> list[int]:
    """src_ids with the pieces at `remove` replaced by <unk> (indices already checked)."""
    drop = set(remove)
    return [unk_id if j in drop else i for j, i in enumerate(src_ids)]


def block_mask(mask: torch.Tensor, block: Sequence[int]) -> torch.Tensor:
    """mask [B, S] (True = attend) with the blocked columns set False (on the mask's device)."""
    if not block:
        return mask
    mask = mask.clone()
    mask[:, list(block)] = False
    return mask
