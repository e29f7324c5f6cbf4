"""Group statistics of vectors (s2s/groups.py) per model: within- against between-group cosine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from .style import PALETTE, esc, layout


def group_bars(
    models: Sequence[str],
    within: Sequence[float],
    between: Sequence[float],
    agreement: Sequence[float] | None = None,
    chance: Sequence[float] | None = None,
    names: Mapping[str, str] | None = None,
    title: str | None = None,
    y_title: str = "mean cosine",
    large: bool = False,
    height: int | None = None,
) -> go.Figure:
    """Two bars per model: mean cosine within the groups and between them; with `agreement`,
    the nearest-neighbour agreement (and its chance level) as markers on a second axis (0..1).
    `names` translates the legend: keys "within", "between", "agreement", "chance"."""
    names = {"within": "within groups", "between": "between groups", "agreement": "nearest-neighbour agreement",
             "chance": "chance", **(names or {})}
    n = len(models)
    series = {"within": within, "between": between}
    if agreement is not None:
        series.update(agreement=agreement, chance=chance if chance is not None else [None] * n)
    for key, values in series.items():
        if len(values) != n:
            raise ValueError(f"{len(values)} {key} values for {n} models")
    labels = [esc(m) for m in models]
    x = list(range(n))
    fig = go.Figure()
    for key, color in (("within", PALETTE[2]), ("between", PALETTE[1])):
        fig.add_trace(go.Bar(x=x, y=[float(v) for v in series[key]], name=esc(names[key]), marker_color=color,
                             customdata=labels, hovertemplate="%{customdata}<br>" + esc(names[key]) +
                             ": %{y:.3f}<extra></extra>"))
    if agreement is not None:
        for key, symbol in (("agreement", "star"), ("chance", "line-ew-open")):
            fig.add_trace(go.Scatter(
                x=x, y=series[key], name=esc(names[key]), mode="markers", yaxis="y2", customdata=labels,
                marker=dict(symbol=symbol, size=16 if large else 12, color="black", line=dict(width=2)),
                hovertemplate="%{customdata}<br>" + esc(names[key]) + ": %{y:.2f}<extra></extra>"))
        fig.update_layout(yaxis2=dict(overlaying="y", side="right", range=[-0.05, 1.05], title_text=esc(names["agreement"]),
                                      showgrid=False))
    fig.update_xaxes(tickmode="array", tickvals=x, ticktext=labels)
    fig.update_layout(yaxis=dict(title_text=esc(y_title), range=[-1, 1]))
    fig.update_layout(barmode="group", legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return layout(fig, title, large, height or (560 if large else 420))
