"""Attention: a large heatmap per model and beam hypothesis, pieces or words, entropy and coverage."""

import streamlit as st

from s2s import figures
from s2s.text import MAX_BEAM, MAX_CHARS
from s2s.ui import analysis, links, models, widgets
from s2s.ui.strings import t

NS = "attention"
LEVELS = ("pieces", "words")
SCHEMA = links.Schema(NS, (
    links.text("text", f"{NS}.sentence", MAX_CHARS),
    links.choices("models", f"{NS}.models"),
    links.integer("beam", f"{NS}.beam", 1, MAX_BEAM, default=3),
    links.number("lp", f"{NS}.lp", 0.0, 2.0, default=1.0, step=0.1),
    links.integer("hyp", f"{NS}.rank", 1, MAX_BEAM, default=1, late=True),  # the inspected hypothesis
    links.choice("level", f"{NS}.level", LEVELS, default="pieces"),
))
infos = widgets.pair_models(models.catalog())
kinds = ("bahdanau", "dot", "general", "concat")  # one checkpoint of each attention type by default
attn_default = [n for n in (next((i.name for i in infos if i.attention == k), None) for k in kinds) if n]

st.title(t("at.title"))
widgets.intro(t("at.intro"))
links.read(SCHEMA, choices={"models": [i.name for i in infos]},
           defaults={"text": widgets.default_sentence(), "models": attn_default})
left, right = st.columns([5, 4], gap="large")
with left:
    text = widgets.sentence_box(NS)
with right:
    chosen = widgets.model_picker(NS, infos, default=attn_default)
    beam, lp = widgets.decoding_controls(NS, allow_greedy=False, default_beam=3)
    rank = widgets.keep(f"{NS}.rank", st.selectbox(t("at.hyp"), list(range(1, beam + 1)),
                                                   key=links.settle(SCHEMA, "hyp", (1, beam), 1)))
    level = widgets.keep(f"{NS}.level", st.radio(t("at.level"), LEVELS, format_func={v: t(f"at.{v}") for v in LEVELS}.get,
                                                 horizontal=True, key=widgets.widget_key(f"{NS}.level", "pieces")))
    st.caption(t("at.rule"))

widgets.require_text(text)

shown = {}  # model label -> (matrix, source labels, target labels)
unk_shown = False
for info in chosen:
    tr, error = models.try_translate(info, text, beam, lp)
    if error is not None:
        widgets.show_model_error(info, error)
        continue
    if tr.unk_count and not unk_shown:
        unk_shown = True
        widgets.show_error(t("w.unk", n=tr.unk_count), warning=True)
    hyp = tr.hypotheses[min(rank, len(tr.hypotheses)) - 1]
    if hyp.attention is None:
        st.info(t("at.vanilla_skipped", name=widgets.escape_md(info.short)))
        continue
    if level == "words":
        shown[widgets.model_label(info)] = analysis.word_level(hyp.attention, tr.source_pieces, hyp.pieces)
    else:
        shown[widgets.model_label(info)] = (hyp.attention, tr.source_pieces, hyp.pieces)
if not shown:
    st.info(t("at.no_attention_models"))
    links.stop()

per_row = 1 if len(shown) == 1 else 2
items = list(shown.items())
for row in range(0, len(items), per_row):
    for col, (label, (w, src, tgt)) in zip(widgets.figure_columns(per_row), items[row:row + per_row]):
        with col:
            widgets.show_figure(figures.attention_heatmap(
                w, src, tgt, title=label, x_title=t("fig.source"), y_title=t("fig.target"),
                colorbar_title=t("fig.weight"), large=widgets.large()), key=f"{NS}.heat.{label}",
                filename="attention")

st.divider()
c1, c2 = widgets.figure_columns(2)
with c1:
    st.subheader(t("at.entropy"))
    widgets.show_figure(figures.line_chart(
        {label: analysis.entropy_bits(w) for label, (w, _, _) in items},
        hover_labels={label: tgt for label, (_, _, tgt) in items},
        x_title=t("fig.step"), y_title=t("fig.entropy"), large=widgets.large()), key=f"{NS}.entropy",
        filename="attention-entropy")
    st.caption(t("at.entropy.cap"))
with c2:
    st.subheader(t("at.coverage"))
    src_labels = items[0][1][1]
    same = {label: analysis.coverage(w) for label, (w, src, _) in items if list(src) == list(src_labels)}
    widgets.show_figure(figures.coverage_chart(
        same, src_labels, analysis.DROPPED, analysis.REPEATED, x_title=t("fig.source"),
        y_title=t("fig.coverage"), large=widgets.large()), key=f"{NS}.coverage", filename="attention-coverage")
    st.caption(t("at.coverage.cap", low=analysis.DROPPED, high=analysis.REPEATED))
    for label, cov in same.items():
        dropped, repeated = analysis.flag_coverage(cov, src_labels)
        name = label
        if dropped:
            widgets.show_error(t("at.dropped", name=name, words=", ".join(dropped)), warning=True)
        if repeated:
            widgets.show_error(t("at.repeated", name=name, words=", ".join(repeated)), warning=True)
        if not dropped and not repeated:
            st.success(widgets.escape_md(t("at.flags_ok", name=name, low=analysis.DROPPED, high=analysis.REPEATED)))
