"""Step-player figures: top-k bars, rows of vector values, the output layer's concatenated input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from .style import (PALETTE, bar_rows_size, category_min_width, check_labels, esc, font_size, layout, rows_height,
                    set_min_width, tick_text)


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
    vector components); bar `highlight` is drawn in red. Labels may repeat ("▁the" twice).
    Each bar's value is written in it (or beside it) at the figure's font size where it fits, else
    left to the hover (style.layout); horizontal bars get rows tall enough for it."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array, got shape {v.shape}")
    text = check_labels(labels, v.size, "bar")
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
    axis = dict(tickmode="array", tickvals=pos, ticktext=tick_text(text))
    if horizontal:
        fig.update_yaxes(autorange="reversed", title_text=y_title, **axis)
        fig.update_xaxes(title_text=x_title)
    else:
        fig.update_xaxes(title_text=x_title, tickangle=-90 if v.size > 6 else 0, **axis)
        fig.update_yaxes(title_text=y_title)
        set_min_width(fig, category_min_width(v.size, large))
    if horizontal:
        rows_px, margin = bar_rows_size(v.size, large, bool(title))
        return layout(fig, title, large, height or rows_px, margin=margin)
    return layout(fig, title, large, height or rows_height(10, large))


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
    return layout(fig, title, large, height or (120 + (60 if large else 46) * len(vecs)))


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
                           showarrow=False, yshift=18, font=dict(size=font_size(large)))
        start += arr.size
    fig.update_yaxes(visible=False, range=[-0.5, 1.0])
    fig.update_xaxes(title_text=x_title)
    return layout(fig, title, large, height or (200 if large else 170))
