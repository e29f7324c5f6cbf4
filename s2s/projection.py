"""2-D projections and similarities of vectors (context vectors, encoder states): numpy only.

`fit_pca` centres the rows and takes the top right-singular vectors (numpy SVD); the sign of
each component is fixed (largest |loading| positive) so the picture does not flip between runs.
PCA needs at least two distinct rows; fewer raise ValueError saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PCA:
    mean: np.ndarray  # [D]
    components: np.ndarray  # [k, D] unit rows, orthogonal
    explained: np.ndarray  # [k] fraction of the total variance each component explains

    def transform(self, x) -> np.ndarray:
        """Rows [N, D] (or one vector [D]) -> coordinates [N, k]."""
        x = np.asarray(x, dtype=float)
        x = x[None, :] if x.ndim == 1 else x
        if x.ndim != 2 or x.shape[1] != self.mean.size:
            raise ValueError(f"expected vectors of size {self.mean.size}, got shape {x.shape}")
        return (x - self.mean) @ self.components.T


def distinct_rows(x, decimals: int = 6) -> int:
    """How many different rows `x` [N, D] has (compared after rounding)."""
    x = np.asarray(x, dtype=float)
    return 0 if x.size == 0 else len(np.unique(np.round(x, decimals), axis=0))


def fit_pca(x, k: int = 2) -> PCA:
    """Principal components of the rows of `x` [N, D]. Needs >= 2 distinct rows and k <= D."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] == 0:
        raise ValueError(f"PCA needs a 2-D array [N, D], got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("PCA input has NaN or infinite values")
    if distinct_rows(x) < 2:
        raise ValueError("PCA needs at least 2 distinct vectors")
    if not 1 <= k <= x.shape[1]:
        raise ValueError(f"cannot take {k} components of {x.shape[1]}-dimensional vectors")
    mean = x.mean(axis=0)
    _, sing, vt = np.linalg.svd(x - mean, full_matrices=False)  # vt [min(N, D), D]
    comps = np.zeros((k, x.shape[1]))
    n = min(k, vt.shape[0])
    comps[:n] = vt[:n]
    for i in range(n):  # deterministic sign
        if comps[i, np.argmax(np.abs(comps[i]))] < 0:
            comps[i] = -comps[i]
    var = sing**2
    explained = np.zeros(k)
    explained[:n] = var[:n] / var.sum() if var.sum() > 0 else 0.0
    return PCA(mean, comps, explained)


def project(x, k: int = 2) -> tuple[np.ndarray, PCA]:
    """Fit on `x` and return (coordinates [N, k], the fitted PCA)."""
    pca = fit_pca(x, k)
    return pca.transform(x), pca


def cosine_matrix(x) -> np.ndarray:
    """Cosine similarity of every pair of rows [N, D] -> [N, N] in [-1, 1] (a zero row gives 0)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array [N, D], got shape {x.shape}")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    unit = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    return np.clip(unit @ unit.T, -1.0, 1.0)


def duplicates(texts: Sequence[str]) -> dict[str, int]:
    """Texts that occur more than once -> how often."""
    counts: dict[str, int] = {}
    for s in texts:
        counts[s] = counts.get(s, 0) + 1
    return {s: n for s, n in counts.items() if n > 1}
