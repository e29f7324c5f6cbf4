"""Metric figures: BLEU/chrF lines by source length for several models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from .style import PALETTE, check_labels, esc, layout


def metric_lines(
    series: Mapping[str, Sequence[float | None]],
    x_labels: Sequence[str],
    counts: Mapping[str, Sequence[int | None]] | None = None,
    dashed: Sequence[str] = (),
    title: str | None = None,
    x_title: str = "source length (words)",
    y_title: str = "BLEU",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """One line per checkpoint over categories (length buckets, concatenation sizes); None is a
    gap (no sentences there). `counts` puts n into the hover; names in `dashed` are drawn dashed
    (e.g. a quick live evaluation rather than the card's numbers)."""
    if not series:
        raise ValueError("no series to draw")
    xs = check_labels(x_labels, len(x_labels), "x")
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        if len(values) != len(xs):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(xs)} categories")
        y = [None if v is None else float(v) for v in values]
        ns = list((counts or {}).get(name) or [None] * len(xs))
        if len(ns) != len(xs):
            raise ValueError(f"counts of {name!r} have {len(ns)} values for {len(xs)} categories")
        fig.add_trace(go.Scatter(
            x=xs, y=y, mode="lines+markers", name=esc(name), connectgaps=False,
            line=dict(color=PALETTE[i % len(PALETTE)], width=3 if large else 2, dash="dash" if name in dashed else None),
            marker=dict(size=10 if large else 7), customdata=[("–" if c is None else c) for c in ns],
            hovertemplate=f"{esc(name)}<br>{esc(x_title)}: %{{x}}<br>{esc(y_title)}: %{{y:.2f}}<br>n = %{{customdata}}<extra></extra>"))
    fig.update_xaxes(title_text=x_title, type="category", categoryorder="array", categoryarray=xs)
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return layout(fig, title, large, height or (480 if large else 380))
