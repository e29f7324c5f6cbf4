"""Translate & compare: one sentence, several models side by side, and their attention."""

import streamlit as st

from s2s import figures
from s2s.ui import analysis, models, widgets
from s2s.ui.strings import t

NS = "translate"
widgets.read_query_params(NS)
infos = widgets.pair_models(models.catalog())

st.title(t("tr.title"))
widgets.intro(t("tr.intro"))
left, right = st.columns([5, 4], gap="large")
with left:
    text = widgets.sentence_box(NS)
with right:
    chosen = widgets.model_picker(NS, infos)
    beam, lp = widgets.decoding_controls(NS)
widgets.write_query_params(text, chosen, beam, lp)
st.caption(t("tr.share"))

widgets.require_text(text)
if not chosen:
    st.info(t("w.pick_model"))
    st.stop()

source_box = st.container()  # the source pieces, from the first model that translates
st.divider()
# each model's column is drawn as soon as that model is done: results appear one by one
results, per_row, source_shown = {}, min(len(chosen), 3), False
for row in range(0, len(chosen), per_row):
    for col, info in zip(widgets.figure_columns(per_row), chosen[row:row + per_row]):
        tr, error = results[info.name] = models.try_translate(info, text, beam, lp)
        if tr is not None and not source_shown:
            with source_box:
                widgets.show_source(tr.source_pieces, tr.unk_count)
            source_shown = True
        with col:
            widgets.model_heading(info)
            if error is not None:
                widgets.show_model_error(info, error)
                continue
            best = tr.best
            widgets.translation_text(best.text)
            st.markdown(f"**{t('tr.logprob')}** {best.score:.2f} · **{t('tr.norm')}** {best.norm_score:.3f}"
                        f" · **{t('tr.time')}** {tr.seconds * 1000:.0f} ms")
            st.caption(t("tr.pieces_out", n=len(best.ids),
                         fin=t("tr.finished") if best.finished else t("tr.unfinished")))
            if best.attention is None:
                st.info(t("tr.no_attention"))
            else:
                widgets.show_figure(figures.attention_heatmap(
                    best.attention, tr.source_pieces, best.pieces, x_title=t("fig.source"),
                    y_title=t("fig.target"), colorbar_title=t("fig.weight"), large=widgets.large(),
                    colorbar=False), key=f"{NS}.heat.{info.name}", filename=f"attention-{info.short}")

attn = [info for info in chosen if results[info.name][0] is not None and results[info.name][0].best.attention is not None]
st.divider()
st.subheader(t("tr.diff.title"))
if len(attn) < 2:
    st.info(t("tr.diff.need_two"))
    st.stop()
names = [i.name for i in attn]
labels = {i.name: widgets.model_label(i) for i in attn}
ca, cb = st.columns(2)
a = ca.selectbox(t("tr.diff.a"), names, index=0, format_func=labels.get, key=f"w:{NS}.diff_a")
b = cb.selectbox(t("tr.diff.b"), names, index=1, format_func=labels.get, key=f"w:{NS}.diff_b")
ta, tb = results[a][0], results[b][0]
if ta.source_pieces != tb.source_pieces:
    st.info(t("tr.diff.tokens"))
    st.stop()
diff, n = analysis.common_prefix_difference(ta.best.attention, tb.best.attention)
rows = [f"{i + 1}: {pa} / {pb}" for i, (pa, pb) in enumerate(zip(ta.best.pieces, tb.best.pieces))]
st.caption(t("tr.diff.rule", n=n, a=widgets.escape_md(labels[a]), b=widgets.escape_md(labels[b])))
widgets.show_figure(figures.attention_heatmap(
    diff, ta.source_pieces, rows, x_title=t("fig.source"), y_title=t("fig.target"),
    colorbar_title=t("fig.diff"), diverging=True, large=widgets.large()),
    key=f"{NS}.diff", filename="attention-difference")
