"""What overriding one step's attention did (the Explain & intervene page and the step player): the
step's next-piece distribution with the model's own attention and with the override, and the two
greedy continuations, the overridden one with its attention heatmap."""

from __future__ import annotations

import numpy as np
import streamlit as st

from .. import figures
from ..trace import Trace
from . import widgets
from .strings import t

tick = lambda p: p.replace("`", "'")  # noqa: E731  (pieces go inside `code` spans)


def show_outcome(free: Trace, forced: Trace, step: int, weights: tuple[float, ...], decode, ns: str) -> None:
    """`free`: the greedy trace; `forced`: the same with step `step`'s attention set to `weights` [S];
    `decode`: ids -> text."""
    src = free.source_pieces
    before, after = free.steps[step - 1], forced.steps[step - 1]
    top = int(np.argmax(weights))
    fields = dict(t=step, own=tick(src[int(np.argmax(before.weights))]), piece=tick(src[top]), w=weights[top],
                  before=tick(before.chosen_piece), after=tick(after.chosen_piece))
    st.markdown(t("ex.override.now" if weights[top] == 1.0 else "ex.override.now_w", **fields))
    b1, b2 = widgets.figure_columns(2)
    for col, (kind, s) in zip((b1, b2), (("own", before), ("forced", after))):
        with col:
            widgets.show_figure(figures.bar_chart(
                s.top_probs, s.top_pieces, highlight=0, title=t(f"ex.override.{kind}", t=step), x_title="P",
                horizontal=True, large=widgets.large()), key=f"{ns}.topk.{kind}", filename=f"{ns}-next-{kind}")
    c1, c2 = widgets.figure_columns(2)
    with c1:
        st.markdown(f"**{t('ex.run.original')}**")
        widgets.translation_text(decode(free.ids))
    with c2:
        st.markdown(f"**{t('ex.run.override')}**")
        widgets.translation_text(decode(forced.ids))
        widgets.show_figure(figures.attention_heatmap(
            np.stack([s.weights for s in forced.steps]), src, forced.pieces, x_title=t("fig.source"),
            y_title=t("fig.target"), colorbar_title=t("fig.weight"), large=widgets.large(), max_height=560,
            colorbar=False), key=f"{ns}.override.heat", filename=f"{ns}-override")
    st.caption(t("ex.override.cap"))
