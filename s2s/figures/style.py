"""The one styling rule of every figure: font sizes, margins, label escaping, shape checks.

`large=True` is the projector size. Builders in the sibling modules call these and nothing else
for their look.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go


PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def font_size(large: bool) -> int:
    return 20 if large else 13


def layout(fig: go.Figure, title: str | None, large: bool, height: int | None = None) -> go.Figure:
    size = font_size(large)
    fig.update_layout(
        title=dict(text=esc(title), font=dict(size=size + 4), automargin=True, yref="container") if title else None,
        font=dict(size=size),
        template="plotly_white",
        margin=dict(l=10, r=10, t=60 if title else 20, b=10),
        hoverlabel=dict(font_size=size),
    )
    if height:
        fig.update_layout(height=height)
    return fig


def matrix(weights, name: str = "weights") -> np.ndarray:
    arr = np.asarray(weights, dtype=float)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty 2-D array [target, source], got shape {arr.shape}")
    return arr


def esc(text) -> str:
    """Plotly reads <b>, <s>, <br> ... in any text as markup: show "</s>" or "<script>" literally."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def check_labels(labels: Sequence[str], n: int, what: str) -> list[str]:
    """Labels as display text (markup escaped), or ValueError when there are not n of them."""
    labels = [esc(x) for x in labels]
    if len(labels) != n:
        raise ValueError(f"{len(labels)} {what} labels for {n} {what} positions")
    return labels


def auto_height(rows: int, large: bool) -> int:
    per_row = 30 if large else 22
    return int(min(1400, max(320, 140 + per_row * rows)))


def xy_points(xy, n: int | None, what: str) -> np.ndarray:
    arr = np.asarray(xy, dtype=float).reshape(-1, 2) if np.size(xy) == 0 else np.asarray(xy, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{what} must be an array [N, 2], got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{arr.shape[0]} {what} for {n} labels")
    return arr
