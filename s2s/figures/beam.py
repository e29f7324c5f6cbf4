"""Beam search figures: the search tree (kept, pruned, finished) and its layout."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from .style import esc, font_size, layout


FATES = ("kept", "pruned", "finished")


FATE_STYLE = {  # colour and marker symbol of each fate in the beam tree
    "kept": ("#1f77b4", "circle"),
    "pruned": ("#b0b0b0", "x"),
    "finished": ("#2ca02c", "star"),
}


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
                textposition="top center", textfont=dict(size=font_size(large) - 2),
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
    return layout(fig, title, large, height or int(min(1400, max(420, 60 + 26 * leaves))))
