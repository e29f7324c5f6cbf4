"""More figure builders (pages 4-6): projections, similarity, metric lines, step-player bars.

Same rules as s2s/figures.py: arrays and labels in, a plotly Figure out; never import the
model; shapes are validated (ValueError); numbers in the hover text; `large=True` for a
projector; every label is escaped (plotly reads "<s>" as markup).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from .figures import PALETTE, _check_labels, _font, _layout, esc


def _points(xy, n: int | None, what: str) -> np.ndarray:
    arr = np.asarray(xy, dtype=float).reshape(-1, 2) if np.size(xy) == 0 else np.asarray(xy, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{what} must be an array [N, 2], got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{arr.shape[0]} {what} for {n} labels")
    return arr


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
    pts = _points(points, len(labels), "points")
    text = [esc(s) for s in labels]
    marked = list(marked) if marked is not None else [False] * len(labels)
    if len(marked) != len(labels):
        raise ValueError(f"{len(marked)} marks for {len(labels)} points")
    fig = go.Figure()
    if background is not None and np.size(background):
        bg = _points(background, len(background_labels), "background points")
        fig.add_trace(go.Scatter(
            x=bg[:, 0].tolist(), y=bg[:, 1].tolist(), mode="markers", name=esc(names["background"]),
            marker=dict(color="#c7c7c7", size=6 if not large else 8), text=[esc(s) for s in background_labels],
            hovertemplate="%{text}<br>(%{x:.2f}, %{y:.2f})<extra></extra>"))
    if trajectory is not None and np.size(trajectory):
        tr = _points(trajectory, len(trajectory_labels), "trajectory points")
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
        textfont=dict(size=_font(large) - 1), customdata=text,
        hovertemplate="%{customdata}<br>(%{x:.2f}, %{y:.2f})<extra></extra>"))
    fig.update_xaxes(title_text=x_title, zeroline=False)
    fig.update_yaxes(title_text=y_title, zeroline=False)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return _layout(fig, title, large, height or (640 if large else 520))


def similarity_heatmap(
    matrix,
    labels: Sequence[str],
    title: str | None = None,
    colorbar_title: str = "cosine",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """Square matrix [N, N] (cosine similarity, -1..1) with the value written in each cell."""
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
        raise ValueError(f"similarity must be a non-empty square matrix, got shape {m.shape}")
    n = m.shape[0]
    text = _check_labels(labels, n, "sentence")
    short = [s if len(s) <= 30 else s[:28] + "…" for s in text]
    custom = np.empty((n, n, 2), dtype=object)
    custom[:, :, 0] = np.array(text, dtype=object)[:, None]
    custom[:, :, 1] = np.array(text, dtype=object)[None, :]
    fig = go.Figure(go.Heatmap(
        z=m.tolist(), x=list(range(n)), y=list(range(n)), customdata=custom, colorscale="RdBu", reversescale=True,
        zmin=-1.0, zmax=1.0, zmid=0.0, text=np.round(m, 2).tolist(), texttemplate="%{text:.2f}" if n <= 15 else None,
        hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>" + esc(colorbar_title) + ": %{z:.3f}<extra></extra>",
        colorbar=dict(title=dict(text=esc(colorbar_title), side="right"), thickness=14), xgap=1, ygap=1))
    fig.update_xaxes(tickmode="array", tickvals=list(range(n)), ticktext=short, tickangle=-45, side="top", showgrid=False)
    fig.update_yaxes(tickmode="array", tickvals=list(range(n)), ticktext=short, autorange="reversed", showgrid=False)
    return _layout(fig, title, large, height or int(min(1200, max(360, 220 + (34 if large else 28) * n))))


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
    xs = _check_labels(x_labels, len(x_labels), "x")
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
    return _layout(fig, title, large, height or (480 if large else 380))


def bar_chart(
    values,
    labels: Sequence[str],
    highlight: int | None = None,
    title: str | None = None,
    x_title: str = "",
    y_title: str = "",
    value_format: str = ".3f",
    horizontal: bool = False,
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """Bars of one vector with a label each (raw scores, softmax weights, top-k probabilities,
    vector components); bar `highlight` is drawn in red. Labels may repeat ("▁the" twice)."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array, got shape {v.shape}")
    text = _check_labels(labels, v.size, "bar")
    if highlight is not None and not 0 <= highlight < v.size:
        raise ValueError(f"highlight {highlight} outside 0..{v.size - 1}")
    colors = ["#d62728" if i == highlight else PALETTE[0] for i in range(v.size)]
    pos = list(range(v.size))
    vals = v.tolist()
    bar = dict(x=vals, y=pos, orientation="h") if horizontal else dict(x=pos, y=vals)
    fig = go.Figure(go.Bar(
        **bar, marker_color=colors, customdata=text, text=[format(x, value_format) for x in v],
        textposition="auto", hovertemplate="%{customdata}: %{" + ("x" if horizontal else "y") + ":" + value_format
        + "}<extra></extra>"))
    axis = dict(tickmode="array", tickvals=pos, ticktext=text)
    if horizontal:
        fig.update_yaxes(autorange="reversed", title_text=y_title, **axis)
        fig.update_xaxes(title_text=x_title)
    else:
        fig.update_xaxes(title_text=x_title, tickangle=-90 if v.size > 6 else 0, **axis)
        fig.update_yaxes(title_text=y_title)
    rows = v.size if horizontal else 10
    return _layout(fig, title, large, height or int(min(900, max(320, 120 + (30 if large else 24) * rows))))


def vector_rows(
    rows: Mapping[str, Sequence[float]],
    max_dims: int = 48,
    title: str | None = None,
    x_title: str = "dimension",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """Named vectors as rows of a heatmap (signed, red-blue, centred on 0), the first `max_dims`
    dimensions of each; the hover gives the value, the row title its size and norm."""
    if not rows:
        raise ValueError("no vectors to draw")
    vecs = {}
    for name, v in rows.items():
        arr = np.asarray(v, dtype=float)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"vector {name!r} must be non-empty and 1-D, got shape {arr.shape}")
        vecs[name] = arr
    width = min(max_dims, max(v.size for v in vecs.values()))
    z = np.full((len(vecs), width), np.nan)
    for i, v in enumerate(vecs.values()):
        z[i, :min(width, v.size)] = v[:width]
    labels = [f"{esc(n)} [{v.size}] ‖·‖={np.linalg.norm(v):.2f}" for n, v in vecs.items()]
    bound = float(max(1e-9, np.nanmax(np.abs(z))))
    fig = go.Figure(go.Heatmap(
        z=[[None if np.isnan(x) else float(x) for x in row] for row in z], x=list(range(1, width + 1)), y=list(range(len(vecs))), colorscale="RdBu", reversescale=True,
        zmid=0.0, zmin=-bound, zmax=bound, xgap=1, ygap=2, customdata=np.array([[lab] * width for lab in labels]),
        hovertemplate="%{customdata}<br>dim %{x}: %{z:.3f}<extra></extra>", colorbar=dict(thickness=12)))
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(vecs))), ticktext=labels, autorange="reversed")
    fig.update_xaxes(title_text=x_title)
    return _layout(fig, title, large, height or (120 + (60 if large else 46) * len(vecs)))


def concat_strip(
    parts: Mapping[str, Sequence[float]],
    title: str | None = None,
    x_title: str = "dimension",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """One concatenated vector [p1; p2; ...] as a single heatmap row over all its dimensions,
    with each part's span named above it and separated by a line (e.g. [s_t; c_t; E y_{t-1}])."""
    if not parts:
        raise ValueError("no parts to concatenate")
    arrays = []
    for name, v in parts.items():
        arr = np.asarray(v, dtype=float)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"part {name!r} must be non-empty and 1-D, got shape {arr.shape}")
        arrays.append(arr)
    full = np.concatenate(arrays)
    owner = [esc(name) for name, arr in zip(parts, arrays) for _ in range(arr.size)]
    local = [i + 1 for arr in arrays for i in range(arr.size)]
    bound = float(max(1e-9, np.abs(full).max()))
    fig = go.Figure(go.Heatmap(
        z=[full.tolist()], x=list(range(1, full.size + 1)), y=[0], colorscale="RdBu", reversescale=True, zmid=0.0,
        zmin=-bound, zmax=bound, customdata=[list(zip(owner, local))], colorbar=dict(thickness=12),
        hovertemplate="%{customdata[0]} dim %{customdata[1]} (of the concatenation: %{x}): %{z:.3f}<extra></extra>"))
    start = 0
    for name, arr in zip(parts, arrays):
        if start:
            fig.add_vline(x=start + 0.5, line_color="black", line_width=2)
        fig.add_annotation(x=start + arr.size / 2 + 0.5, y=0.5, yref="y", text=f"{esc(name)} [{arr.size}]",
                           showarrow=False, yshift=18, font=dict(size=_font(large)))
        start += arr.size
    fig.update_yaxes(visible=False, range=[-0.5, 1.0])
    fig.update_xaxes(title_text=x_title)
    return _layout(fig, title, large, height or (200 if large else 170))
