"""Vector figures: PCA projections of context vectors and cosine-similarity matrices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from .style import (PALETTE, check_labels, esc, font_size, heatmap_size, layout, numbers_fit, set_min_width, tick_text,
                    xy_points)


def projection_scatter(
    points,
    labels: Sequence[str],
    background=None,
    background_labels: Sequence[str] = (),
    trajectory=None,
    trajectory_labels: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
    marked: Sequence[bool] | None = None,
    title: str | None = None,
    x_title: str = "PC 1",
    y_title: str = "PC 2",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """2-D scatter: background points (grey, hover only), the typed points (coloured, labelled),
    and optionally a trajectory (one point per decoder step, joined in order).

    `names` translates the legend: keys "background", "typed", "trajectory".
    `marked[i]` draws typed point i as a diamond (e.g. a sentence typed more than once).
    Hover shows the sentence (or the step's piece)."""
    names = {"background": "background", "typed": "typed", "trajectory": "trajectory", **(names or {})}
    pts = xy_points(points, len(labels), "points")
    text = [esc(s) for s in labels]
    marked = list(marked) if marked is not None else [False] * len(labels)
    if len(marked) != len(labels):
        raise ValueError(f"{len(marked)} marks for {len(labels)} points")
    fig = go.Figure()
    if background is not None and np.size(background):
        bg = xy_points(background, len(background_labels), "background points")
        fig.add_trace(go.Scatter(
            x=bg[:, 0].tolist(), y=bg[:, 1].tolist(), mode="markers", name=esc(names["background"]),
            marker=dict(color="#c7c7c7", size=6 if not large else 8), text=[esc(s) for s in background_labels],
            hovertemplate="%{text}<br>(%{x:.2f}, %{y:.2f})<extra></extra>"))
    if trajectory is not None and np.size(trajectory):
        tr = xy_points(trajectory, len(trajectory_labels), "trajectory points")
        steps = [f"{i + 1}: {esc(p)}" for i, p in enumerate(trajectory_labels)]
        fig.add_trace(go.Scatter(
            x=tr[:, 0].tolist(), y=tr[:, 1].tolist(), mode="lines+markers+text", name=esc(names["trajectory"]),
            line=dict(color="#ff7f0e", width=2), marker=dict(size=8 if not large else 11, color="#ff7f0e"),
            text=[str(i + 1) for i in range(len(tr))], textposition="bottom center", customdata=steps,
            hovertemplate="%{customdata}<br>(%{x:.2f}, %{y:.2f})<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=pts[:, 0].tolist(), y=pts[:, 1].tolist(), mode="markers+text", name=esc(names["typed"]),
        marker=dict(color=[PALETTE[i % len(PALETTE)] for i in range(len(pts))], size=13 if not large else 17,
                    symbol=["diamond" if m else "circle" for m in marked], line=dict(width=1, color="white")),
        text=[s if len(s) <= 40 else s[:38] + "…" for s in text], textposition="top center",
        textfont=dict(size=font_size(large) - 1), customdata=text,
        hovertemplate="%{customdata}<br>(%{x:.2f}, %{y:.2f})<extra></extra>"))
    fig.update_xaxes(title_text=x_title, zeroline=False)
    fig.update_yaxes(title_text=y_title, zeroline=False)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return layout(fig, title, large, height or (640 if large else 520))


def similarity_heatmap(
    matrix,
    labels: Sequence[str],
    title: str | None = None,
    colorbar_title: str = "cosine",
    large: bool = False,
    height: int | None = None,
    groups: Sequence | None = None,
) -> go.Figure:
    """Square matrix [N, N] (cosine similarity, -1..1) with the value written in each cell at the
    figure's font size, when cells that hold it still fit the screen (style.numbers_fit; else the
    values are in the hover only).
    `groups` (one label per row): each run of rows with the same label is outlined as a block."""
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
        raise ValueError(f"similarity must be a non-empty square matrix, got shape {m.shape}")
    n = m.shape[0]
    text = check_labels(labels, n, "sentence")
    short = tick_text(text)
    custom = np.empty((n, n, 2), dtype=object)
    custom[:, :, 0] = np.array(text, dtype=object)[:, None]
    custom[:, :, 1] = np.array(text, dtype=object)[None, :]
    numbers = [[format(x, ".2f") for x in row] for row in m]
    size = heatmap_size(n, n, short, short, large, title=bool(title), number_chars=max(len(x) for r in numbers for x in r))
    write = numbers_fit(size, large)
    if not write:
        size = heatmap_size(n, n, short, short, large, title=bool(title))
    fig = go.Figure(go.Heatmap(
        z=m.tolist(), x=list(range(n)), y=list(range(n)), customdata=custom, colorscale="RdBu", reversescale=True,
        zmin=-1.0, zmax=1.0, zmid=0.0, text=numbers if write else None, texttemplate="%{text}" if write else None,
        hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>" + esc(colorbar_title) + ": %{z:.3f}<extra></extra>",
        colorbar=dict(title=dict(text=esc(colorbar_title), side="right"), thickness=14), xgap=1, ygap=1))
    if groups is not None:
        labels_g = list(groups)
        if len(labels_g) != n:
            raise ValueError(f"{len(labels_g)} group labels for {n} rows")
        start = 0
        for i in range(1, n + 1):
            if i == n or labels_g[i] != labels_g[start]:
                fig.add_shape(type="rect", x0=start - 0.5, x1=i - 0.5, y0=start - 0.5, y1=i - 0.5,
                              line=dict(color="black", width=3 if large else 2), fillcolor="rgba(0,0,0,0)")
                start = i
    fig.update_xaxes(tickmode="array", tickvals=list(range(n)), ticktext=short, tickangle=-45, side="top", showgrid=False)
    fig.update_yaxes(tickmode="array", tickvals=list(range(n)), ticktext=short, autorange="reversed", showgrid=False)
    set_min_width(fig, size.min_width)
    return layout(fig, title, large, height or size.height, margin=size.margin)
