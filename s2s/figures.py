"""Figure builders: arrays and labels in, a plotly Figure out.

Pure functions: they never import the model or torch, validate the shapes they are given
(ValueError on a mismatch) and put the numbers in the hover text. `large=True` sets the
font sizes for a projector. Tokens are placed on numeric axes with tick labels, so a token
that occurs twice (two "▁the") keeps two columns instead of being merged by plotly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

FATES = ("kept", "pruned", "finished")
FATE_STYLE = {  # colour and marker symbol of each fate in the beam tree
    "kept": ("#1f77b4", "circle"),
    "pruned": ("#b0b0b0", "x"),
    "finished": ("#2ca02c", "star"),
}
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def _font(large: bool) -> int:
    return 20 if large else 13


def _layout(fig: go.Figure, title: str | None, large: bool, height: int | None = None) -> go.Figure:
    size = _font(large)
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


def _matrix(weights, name: str = "weights") -> np.ndarray:
    arr = np.asarray(weights, dtype=float)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty 2-D array [target, source], got shape {arr.shape}")
    return arr


def esc(text) -> str:
    """Plotly reads <b>, <s>, <br> ... in any text as markup: show "</s>" or "<script>" literally."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _check_labels(labels: Sequence[str], n: int, what: str) -> list[str]:
    """Labels as display text (markup escaped), or ValueError when there are not n of them."""
    labels = [esc(x) for x in labels]
    if len(labels) != n:
        raise ValueError(f"{len(labels)} {what} labels for {n} {what} positions")
    return labels


def _auto_height(rows: int, large: bool) -> int:
    per_row = 30 if large else 22
    return int(min(1400, max(320, 140 + per_row * rows)))


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

    `max_height` caps the automatic height and `colorbar=False` drops the scale (a small heatmap
    beside others; the hover still shows every weight).
    `diverging=True` draws a signed matrix (a difference) with a red-blue scale centred on 0.
    """
    w = _matrix(weights)
    n_tgt, n_src = w.shape
    src = _check_labels(source_labels, n_src, "source")
    tgt = _check_labels(target_labels, n_tgt, "target")
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
    fig.update_xaxes(title_text=x_title, tickmode="array", tickvals=list(range(n_src)), ticktext=src,
                     tickangle=-90, side="top", showgrid=False)
    fig.update_yaxes(title_text=y_title, tickmode="array", tickvals=list(range(n_tgt)), ticktext=tgt,
                     autorange="reversed", showgrid=False)
    height = height or _auto_height(n_tgt, large)
    return _layout(fig, title, large, min(height, max_height) if max_height else height)


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
            labels = _check_labels(hover_labels[name], y.size, "step")
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
    return _layout(fig, title, large, height or (460 if large else 360))


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
    labels = _check_labels(source_labels, n, "source")
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
    fig.update_xaxes(title_text=x_title, tickmode="array", tickvals=list(range(n)), ticktext=labels, tickangle=-90)
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return _layout(fig, title, large, height or (480 if large else 380))


def tree_layout(parents: Sequence[int | None], scores: Sequence[float], steps: Sequence[int]) -> list[float]:
    """Vertical position of each tree node, layer by layer: the nodes of one step are stacked in
    the order of their parents' positions, siblings by score (best first), centred on 0. So the
    beam reads top to bottom and a path moves little from one step to the next.
    Node i's parent is parents[i] (None: a root)."""
    n = len(parents)
    for i, p in enumerate(parents):
        if p is not None and not 0 <= p < n:
            raise ValueError(f"node {i} has parent {p}, outside 0..{n - 1}")
    y = [0.0] * n
    order = sorted(range(n), key=lambda i: steps[i])
    layer: list[int] = []
    for pos, i in enumerate(order):
        layer.append(i)
        if pos + 1 < n and steps[order[pos + 1]] == steps[i]:
            continue
        layer.sort(key=lambda j: (0.0 if parents[j] is None else y[parents[j]], -scores[j]))
        for rank, j in enumerate(layer):
            y[j] = rank - (len(layer) - 1) / 2
        layer = []
    return y


def beam_tree(
    parents: Sequence[int | None],
    steps: Sequence[int],
    labels: Sequence[str],
    log_probs: Sequence[float],
    scores: Sequence[float],
    fates: Sequence[str],
    highlight: Sequence[int] = (),
    names: Mapping[str, str] | None = None,
    title: str | None = None,
    x_title: str = "step",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """The beam search tree: x = step, y = layout position; edges as lines, candidates as
    markers coloured and shaped by fate (kept / pruned / finished); `highlight` (node ids of
    one hypothesis's path) is drawn on top. Hover: token piece, log-prob, cumulative score.
    `names` translates the fate names shown in the legend."""
    n = len(parents)
    for what, seq in (("steps", steps), ("labels", labels), ("log_probs", log_probs), ("scores", scores),
                      ("fates", fates)):
        if len(seq) != n:
            raise ValueError(f"{len(seq)} {what} for {n} tree nodes")
    if n == 0:
        raise ValueError("the tree has no nodes")
    if bad := set(fates) - set(FATES):
        raise ValueError(f"unknown fates {sorted(bad)}; valid: {', '.join(FATES)}")
    names = {k: esc(v) for k, v in (names or {}).items()}
    labels = [esc(x) for x in labels]
    ys = tree_layout(parents, scores, steps)
    fig = go.Figure()
    for group, fate_set, style in (("edges", {"kept", "finished"}, dict(color="#7f9fbf", width=1.5)),
                                   ("pruned edges", {"pruned"}, dict(color="#d9d9d9", width=1, dash="dot"))):
        ex: list = []
        ey: list = []
        for i, p in enumerate(parents):
            if p is not None and fates[i] in fate_set:
                ex += [steps[p], steps[i], None]
                ey += [ys[p], ys[i], None]
        fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=style, hoverinfo="skip", showlegend=False,
                                 name=group))
    size = 13 if large else 9
    for fate in FATES:
        idx = [i for i in range(n) if fates[i] == fate]
        color, symbol = FATE_STYLE[fate]
        fig.add_trace(
            go.Scatter(
                x=[steps[i] for i in idx], y=[ys[i] for i in idx],
                mode="markers+text" if fate != "pruned" else "markers",
                marker=dict(color=color, symbol=symbol, size=size + (4 if fate == "finished" else 0),
                            line=dict(width=1, color="white")),
                text=[labels[i] for i in idx] if fate != "pruned" else None,
                textposition="top center", textfont=dict(size=_font(large) - 2),
                customdata=[[labels[i], log_probs[i], scores[i]] for i in idx],
                hovertemplate="%{customdata[0]}<br>log P = %{customdata[1]:.3f}"
                "<br>score = %{customdata[2]:.3f}<extra>" + names.get(fate, fate) + "</extra>",
                name=names.get(fate, fate),
            )
        )
    path = [i for i in highlight if 0 <= i < n]
    if path:
        fig.add_trace(
            go.Scatter(
                x=[steps[i] for i in path], y=[ys[i] for i in path], mode="lines",
                line=dict(color="#d62728", width=4 if large else 3), name=names.get("path", "chosen hypothesis"),
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title_text=x_title, dtick=1, zeroline=False)
    fig.update_yaxes(visible=False, autorange="reversed")  # best candidates on top
    leaves = 2 * max(ys) + 1
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return _layout(fig, title, large, height or int(min(1400, max(420, 60 + 26 * leaves))))
