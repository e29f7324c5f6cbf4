"""Translate & compare: one sentence, several models side by side, and their attention."""

import streamlit as st

from s2s import figures
from s2s.text import MAX_BEAM, MAX_CHARS
from s2s.ui import analysis, links, models, widgets
from s2s.ui.strings import t

NS = "translate"
SCHEMA = links.Schema(NS, (
    links.text("text", f"{NS}.sentence", MAX_CHARS),
    links.choices("models", f"{NS}.models"),
    links.integer("beam", f"{NS}.beam", 1, MAX_BEAM, default=1),  # 1: greedy
    links.number("lp", f"{NS}.lp", 0.0, 2.0, default=1.0, step=0.1),
    links.choice("a", f"{NS}.diff_a", late=True),  # the difference heatmap's two models
    links.choice("b", f"{NS}.diff_b", late=True),
))
infos = widgets.pair_models(models.catalog())
pair_names = [i.name for i in infos]

st.title(t("tr.title"))
widgets.intro(t("tr.intro"))
links.read(SCHEMA, choices={"models": pair_names, "a": pair_names, "b": pair_names},
           defaults={"text": widgets.default_sentence(), "models": widgets.default_models(infos)})
left, right = st.columns([5, 4], gap="large")
with left:
    text = widgets.sentence_box(NS)
with right:
    chosen = widgets.model_picker(NS, infos)
    beam, lp = widgets.decoding_controls(NS)
st.caption(t("tr.share"))

widgets.require_text(text)
if not chosen:
    st.info(t("w.pick_model"))
    links.stop()

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
    links.stop()
names = [i.name for i in attn]
labels = {i.name: widgets.model_label(i) for i in attn}
ca, cb = st.columns(2)
a = widgets.keep(f"{NS}.diff_a", ca.selectbox(t("tr.diff.a"), names, format_func=labels.get,
                                             key=links.settle(SCHEMA, "a", names, names[0])))
b = widgets.keep(f"{NS}.diff_b", cb.selectbox(t("tr.diff.b"), names, format_func=labels.get,
                                             key=links.settle(SCHEMA, "b", names, names[1])))
ta, tb = results[a][0], results[b][0]
if ta.source_pieces != tb.source_pieces:
    st.info(t("tr.diff.tokens"))
    links.stop()
diff, n = analysis.common_prefix_difference(ta.best.attention, tb.best.attention)
rows = [f"{i + 1}: {pa} / {pb}" for i, (pa, pb) in enumerate(zip(ta.best.pieces, tb.best.pieces))]
st.caption(t("tr.diff.rule", n=n, a=widgets.escape_md(labels[a]), b=widgets.escape_md(labels[b])))
widgets.show_figure(figures.attention_heatmap(
    diff, ta.source_pieces, rows, x_title=t("fig.source"), y_title=t("fig.target"),
    colorbar_title=t("fig.diff"), diverging=True, large=widgets.large()),
    key=f"{NS}.diff", filename="attention-difference")
