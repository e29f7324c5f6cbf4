"""Training-lab figures: loss curves of several runs, exact match by input length."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from .style import PALETTE, esc, layout


def _xy(name: str, x: Sequence[float], y: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray]:
    xs = np.asarray(x, dtype=float)
    ys = np.asarray([np.nan if v is None else v for v in y], dtype=float)
    if xs.ndim != 1 or xs.shape != ys.shape:
        raise ValueError(f"series {name!r}: {xs.size} x values for {ys.size} y values")
    return xs, ys


def loss_curves(
    series: Mapping[str, tuple[Sequence[float], Sequence[float | None]]],
    title: str | None = None,
    x_title: str = "step",
    y_title: str = "training loss",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """One line per run: {name: (steps, losses)}, the loss on a log axis (None: no value yet)."""
    if not series:
        raise ValueError("no series to draw")
    fig = go.Figure()
    for i, (name, (x, y)) in enumerate(series.items()):
        xs, ys = _xy(name, x, y)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=esc(name), line=dict(color=PALETTE[i % len(PALETTE)], width=3 if large else 2),
            hovertemplate=f"{esc(name)}<br>{esc(x_title)} %{{x:.0f}}<br>{esc(y_title)}: %{{y:.4f}}<extra></extra>",
        ))
    fig.update_xaxes(title_text=esc(x_title), rangemode="tozero")
    fig.update_yaxes(title_text=esc(y_title), type="log")
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return layout(fig, title, large, height or (420 if large else 320))


def exact_by_length(
    lengths: Sequence[int],
    series: Mapping[str, Sequence[float]],
    trained: tuple[int, int],
    title: str | None = None,
    x_title: str = "input length",
    y_title: str = "exact match",
    trained_label: str = "trained lengths",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """Fraction right per input length for each run; the trained range [lo, hi] shaded, the
    lengths right of it measure generalisation."""
    if not series:
        raise ValueError("no series to draw")
    lo, hi = trained
    if lo > hi:
        raise ValueError(f"trained range {trained} is empty")
    fig = go.Figure()
    fig.add_vrect(x0=lo - 0.5, x1=hi + 0.5, fillcolor="#2ca02c", opacity=0.08, line_width=0,
                  annotation_text=esc(trained_label), annotation_position="top left")
    for i, (name, values) in enumerate(series.items()):
        xs, ys = _xy(name, lengths, values)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=esc(name),
            line=dict(color=PALETTE[i % len(PALETTE)], width=3 if large else 2),
            hovertemplate=f"{esc(name)}<br>{esc(x_title)} %{{x:.0f}}<br>{esc(y_title)}: %{{y:.1%}}<extra></extra>",
        ))
    fig.update_xaxes(title_text=esc(x_title), dtick=1 if len(lengths) <= 40 else None)
    fig.update_yaxes(title_text=esc(y_title), range=[-0.03, 1.03], tickformat=".0%")
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return layout(fig, title, large, height or (420 if large else 320))
