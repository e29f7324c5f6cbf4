"""How far an attribution agrees with attention, one target row at a time.

For a target piece t, attention gives a distribution a_t over the source pieces and an attribution
method a row r_t of scores. The scores are compared in their normalised form
p_t = |r_t| / sum_j |r_tj| (a row of zeros becomes uniform: it prefers no piece), by

- Kendall's tau-b between a_t and p_t (rank agreement, ties counted as in tau-b; 1 = same order,
  0 = unrelated, -1 = reversed; undefined (NaN) when either row is constant, e.g. one source piece),
- the Jensen-Shannon divergence JS(a_t, p_t) in bits (0 = the same distribution, 1 = disjoint),
- top-1 agreement: 1 when the most attended piece is the most attributed one, else 0.
"""

from __future__ import annotations

import math

import numpy as np

METRICS = ("kendall_tau", "js", "top1")


def normalise_rows(scores) -> np.ndarray:
    """[T, S] scores -> |scores| / row sums of |scores| (a zero row becomes uniform)."""
    a = np.abs(np.asarray(scores, dtype=np.float64))
    if a.ndim != 2 or 0 in a.shape:
        raise ValueError(f"scores must be a non-empty [T, S] matrix, got shape {a.shape}")
    sums = a.sum(1, keepdims=True)  # [T, 1]
    uniform = np.full_like(a, 1.0 / a.shape[1])
    return np.where(sums > 0, a / np.where(sums > 0, sums, 1.0), uniform)


def kendall_tau(x, y) -> float:
    """Kendall's tau-b of two equal-length vectors (NaN when either is constant)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"kendall_tau needs two vectors of one length, got {x.shape} and {y.shape}")
    i, j = np.triu_indices(x.size, 1)  # every pair once
    dx, dy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
    ties_free_x, ties_free_y = np.count_nonzero(dx), np.count_nonzero(dy)
    if ties_free_x == 0 or ties_free_y == 0:
        return math.nan
    return float((dx * dy).sum() / math.sqrt(ties_free_x * ties_free_y))


def js_divergence(p, q) -> float:
    """Jensen-Shannon divergence of two distributions, in bits (0..1)."""
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a):  # KL(a || m), 0 log 0 = 0
        keep = a > 0
        return float((a[keep] * np.log2(a[keep] / m[keep])).sum())

    return max(0.0, 0.5 * kl(p) + 0.5 * kl(q))


def row_agreement(attention, scores) -> dict[str, np.ndarray]:
    """attention [T, S], attribution scores [T, S] -> {metric: [T] one value per target row}."""
    a = np.asarray(attention, dtype=np.float64)
    p = normalise_rows(scores)
    if a.shape != p.shape:
        raise ValueError(f"attention {a.shape} and attribution {p.shape} differ in shape")
    return {
        "kendall_tau": np.array([kendall_tau(a[t], p[t]) for t in range(len(a))]),
        "js": np.array([js_divergence(a[t], p[t]) for t in range(len(a))]),
        "top1": (a.argmax(1) == p.argmax(1)).astype(float),
    }


def mean_agreement(rows: dict[str, np.ndarray]) -> dict[str, float | None]:
    """Per-row agreement -> its mean over the rows (NaN rows left out; None if all are NaN)."""
    out = {}
    for name, values in rows.items():
        values = np.asarray(values, dtype=float)
        values = values[~np.isnan(values)]
        out[name] = float(values.mean()) if values.size else None
    return out
