"""Attention figures: the heatmap (also differences of two maps), entropy per step, coverage per word."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from .style import (PALETTE, category_min_width, check_labels, esc, heatmap_size, layout, matrix, min_cell_px,
                    set_min_width, tick_text)


def attention_heatmap(
    weights,
    source_labels: Sequence[str],
    target_labels: Sequence[str],
    title: str | None = None,
    x_title: str = "source",
    y_title: str = "target",
    large: bool = False,
    height: int | None = None,
    max_height: int | None = None,
    colorbar: bool = True,
    diverging: bool = False,
    colorbar_title: str = "weight",
) -> go.Figure:
    """Heatmap of attention weights [T, S]: source tokens on x, target tokens on y (top to bottom).

    Its size follows style.heatmap_size: rows and columns sized from the numbers of target and
    source pieces, margins from the longest label, and the least width at which no two labels
    overlap recorded on the figure (the page scrolls it rather than shrink it).
    `max_height` caps the automatic height, never below one readable line per row; `colorbar=False`
    drops the scale (a heatmap beside others; the hover still shows every weight).
    `diverging=True` draws a signed matrix (a difference) with a red-blue scale centred on 0.
    """
    w = matrix(weights)
    n_tgt, n_src = w.shape
    src = check_labels(source_labels, n_src, "source")
    tgt = check_labels(target_labels, n_tgt, "target")
    custom = np.empty((n_tgt, n_src, 2), dtype=object)
    custom[:, :, 0] = np.array(tgt, dtype=object)[:, None]
    custom[:, :, 1] = np.array(src, dtype=object)[None, :]
    if diverging:
        bound = float(max(1e-9, np.abs(w).max()))
        scale = dict(colorscale="RdBu", zmid=0.0, zmin=-bound, zmax=bound)
    else:
        scale = dict(colorscale="Blues", zmin=0.0, zmax=max(1e-9, float(w.max())))
    fig = go.Figure(
        go.Heatmap(
            z=w,
            x=list(range(n_src)),
            y=list(range(n_tgt)),
            customdata=custom,
            hovertemplate=f"{y_title}: %{{customdata[0]}}<br>{x_title}: %{{customdata[1]}}"
            f"<br>{colorbar_title}: %{{z:.3f}}<extra></extra>",
            colorbar=dict(title=dict(text=colorbar_title, side="right"), thickness=14),
            showscale=colorbar,
            xgap=1,
            ygap=1,
            **scale,
        )
    )
    fig.update_xaxes(title_text=x_title, tickmode="array", tickvals=list(range(n_src)), ticktext=tick_text(src),
                     tickangle=-90, side="top", showgrid=False)
    fig.update_yaxes(title_text=y_title, tickmode="array", tickvals=list(range(n_tgt)), ticktext=tick_text(tgt),
                     autorange="reversed", showgrid=False)
    size = heatmap_size(n_tgt, n_src, tgt, src, large, title=bool(title), colorbar=colorbar)
    height = height or size.height
    if max_height:
        height = min(height, max(max_height, n_tgt * min_cell_px(large) + size.margin["t"] + size.margin["b"]))
    set_min_width(fig, size.min_width)
    return layout(fig, title, large, height, margin=size.margin)


def line_chart(
    series: Mapping[str, Sequence[float]],
    hover_labels: Mapping[str, Sequence[str]] | None = None,
    title: str | None = None,
    x_title: str = "step",
    y_title: str = "value",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """One line per named series over steps 1..n (e.g. attention entropy per target step)."""
    if not series:
        raise ValueError("no series to draw")
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        y = np.asarray(values, dtype=float)
        if y.ndim != 1 or y.size == 0:
            raise ValueError(f"series {name!r} must be a non-empty 1-D array, got shape {y.shape}")
        labels = None
        if hover_labels is not None and name in hover_labels:
            labels = check_labels(hover_labels[name], y.size, "step")
        fig.add_trace(
            go.Scatter(
                x=list(range(1, y.size + 1)), y=y, mode="lines+markers", name=esc(name),
                line=dict(color=PALETTE[i % len(PALETTE)], width=3 if large else 2),
                text=labels,
                hovertemplate=f"{esc(name)}<br>{x_title} %{{x}}" + (": %{text}" if labels else "")
                + f"<br>{y_title}: %{{y:.3f}}<extra></extra>",
            )
        )
    fig.update_xaxes(title_text=x_title, dtick=1 if max(len(v) for v in series.values()) <= 30 else None)
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return layout(fig, title, large, height or (460 if large else 360))


def coverage_chart(
    coverage: Mapping[str, Sequence[float]],
    source_labels: Sequence[str],
    low: float = 0.5,
    high: float = 1.5,
    title: str | None = None,
    x_title: str = "source",
    y_title: str = "coverage",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """Grouped bars: attention summed over target steps per source token, one group per model.

    Dashed lines mark `low` (a token below it was hardly attended: dropped?) and `high`
    (attended more than once and a half: repeated?).
    """
    if not coverage:
        raise ValueError("no coverage to draw")
    n = len(list(source_labels))
    labels = check_labels(source_labels, n, "source")
    fig = go.Figure()
    for i, (name, values) in enumerate(coverage.items()):
        y = np.asarray(values, dtype=float)
        if y.shape != (n,):
            raise ValueError(f"coverage of {name!r} has shape {y.shape}, expected ({n},)")
        fig.add_trace(
            go.Bar(
                x=list(range(n)), y=y, name=esc(name), marker_color=PALETTE[i % len(PALETTE)],
                customdata=labels,
                hovertemplate=f"{esc(name)}<br>{x_title}: %{{customdata}}<br>{y_title}: %{{y:.2f}}<extra></extra>",
            )
        )
    for level in (low, high):
        fig.add_hline(y=level, line_dash="dash", line_color="#555", annotation_text=f"{level:g}",
                      annotation_position="top left")
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=x_title, tickmode="array", tickvals=list(range(n)), ticktext=tick_text(labels),
                     tickangle=-90)
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    set_min_width(fig, category_min_width(n, large))
    return layout(fig, title, large, height or (480 if large else 380))
