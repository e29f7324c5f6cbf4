"""Explain & intervene: attention beside Captum attributions with their agreement; block or remove
source pieces and decode again; override one step's attention and see the decoder change course."""

import numpy as np
import pandas as pd
import streamlit as st

from s2s import figures
from s2s.errors import InputError
from s2s.explain import ATTRIBUTIONS, MAX_STEPS
from s2s.explain_study import subject_positions, wrong_word
from s2s.intervene import Override
from s2s.text import MAX_BEAM, MAX_CHARS, MAX_OUTPUT
from s2s.ui import explain_data, links, models, override, widgets
from s2s.ui.strings import t

NS = "explain"
TOP_K = 10
BLOCK, STEP, PIECE = f"w:{NS}.block", f"w:{NS}.ov_step", f"w:{NS}.ov_piece"
METHODS, IG_STEPS = ["saliency", "integrated_gradients"], list(range(4, min(128, MAX_STEPS) + 1, 4))
SCHEMA = links.Schema(NS, (
    links.text("text", f"{NS}.sentence", MAX_CHARS),
    links.choices("model", f"{NS}.models", max_len=1),
    links.integer("beam", f"{NS}.beam", 1, MAX_BEAM, default=1),  # 1: greedy
    links.number("lp", f"{NS}.lp", 0.0, 2.0, default=1.0, step=0.1),
    links.integer("hyp", f"{NS}.rank", 1, MAX_BEAM, default=1, late=True),  # the explained hypothesis
    links.choices("methods", f"{NS}.methods", list(ATTRIBUTIONS), default=METHODS),
    links.integer("ig_steps", f"{NS}.steps", min(IG_STEPS), max(IG_STEPS), default=32, late=True),  # one of IG_STEPS
    links.Field("block", f"{NS}.block", "choices", default=[], late=True),  # source positions blocked / removed
    links.integer("ov_step", f"{NS}.ov_step", 1, MAX_OUTPUT + 1, default=1, late=True),  # the overridden step ...
    links.integer("ov_piece", f"{NS}.ov_piece", 0, MAX_CHARS, default=0, late=True),  # ... and the piece it attends
))
infos = widgets.pair_models(models.catalog())
default = widgets.default_model(infos)

st.title(t("ex.title"))
widgets.intro(t("ex.intro"))
links.read(SCHEMA, choices={"model": [i.name for i in infos], "block": [str(j) for j in range(MAX_CHARS)]},
           defaults={"text": widgets.default_sentence(), "model": default})
left, right = st.columns([5, 4], gap="large")
with left:
    text = widgets.sentence_box(NS)
with right:
    info = widgets.model_picker(NS, infos, default=default, multi=False)[0]
    beam, lp = widgets.decoding_controls(NS, default_beam=3)
    rank = widgets.keep(f"{NS}.rank", st.selectbox(t("at.hyp"), list(range(1, beam + 1)),
                                                   key=links.settle(SCHEMA, "hyp", (1, beam), 1))) if beam > 1 else 1
    methods = st.multiselect(t("ex.methods"), list(ATTRIBUTIONS), format_func=lambda m: t(f"ex.m.{m}"),
                             key=widgets.widget_key(f"{NS}.methods", METHODS))
    widgets.keep(f"{NS}.methods", list(methods))
    steps = widgets.keep(f"{NS}.steps", st.slider(t("ex.steps"), min(IG_STEPS), max(IG_STEPS), step=4,
                                                  key=links.settle(SCHEMA, "ig_steps", IG_STEPS, 32)))

widgets.require_text(text)
ckpt, error = models.load(info)
if error is not None:
    widgets.show_model_error(info, error)
    links.stop()
try:
    base = explain_data.intervened(info.path, info.stamp, text, beam, lp, (), ())
except InputError as exc:
    widgets.show_error(t("w.input_error", msg=str(exc)), warning=True)
    links.stop()
hyp = base.hypotheses[min(rank, len(base.hypotheses)) - 1]
src = base.source_pieces
widgets.show_source(src, base.unk_count)
vanilla = hyp.attention is None

# ----- 1. attention beside attribution -----------------------------------------------------
st.header(t("ex.h.attrib"))
shown, errors = {}, []
for method in methods:
    try:
        shown[method] = explain_data.explanation(info.path, info.stamp, text, beam, lp, rank, method, int(steps))
    except InputError as exc:
        errors.append(str(exc))
for msg in sorted(set(errors)):
    widgets.show_error(t("w.input_error", msg=msg), warning=True)
# the attention the agreement is measured against: the same teacher-forced fp32 pass as the attributions
attention = next(iter(shown.values())).attention if shown else hyp.attention
panels = ([] if vanilla else [("attention", attention)]) + [(m, ex.normalised[m]) for m, ex in shown.items()]
if vanilla:
    st.info(t("ex.vanilla"))
for row in range(0, len(panels), 3):
    for col, (name, matrix) in zip(widgets.figure_columns(3, gap="medium"), panels[row:row + 3]):
        with col:
            widgets.show_figure(figures.attention_heatmap(
                matrix, src, hyp.pieces, title=t(f"ex.m.{name}"), x_title=t("fig.source"), y_title=t("fig.target"),
                colorbar_title=t("fig.weight") if name == "attention" else t("ex.share"), large=widgets.large(),
                max_height=640), key=f"{NS}.heat.{name}", filename=f"explain-{name}")
if shown and not vanilla:
    rows = [{t("ex.col.method"): t(f"ex.m.{m}"), "Kendall τ": ex.agreement[m]["kendall_tau"],
             "JS": ex.agreement[m]["js"], "top-1": ex.agreement[m]["top1"]} for m, ex in shown.items()]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"{NS}.agree")
    st.caption(t("ex.agree.cap"))
if "integrated_gradients" in shown:
    ex = shown["integrated_gradients"]
    st.caption(t("ex.ig.cap", steps=ex.n_steps, delta=float(np.abs(ex.convergence_delta).max())))
if shown:
    st.caption(t("ex.methods.cap"))

# ----- 2. block or remove --------------------------------------------------------------------
st.header(t("ex.h.block"))
lang = info.pair.split("-")[0]
options = list(range(len(src)))


def preset_subject() -> None:
    st.session_state[BLOCK] = subject_positions(src, lang)


c1, c2 = st.columns([1, 3])
c1.button(t("ex.preset.subject"), key=f"w:{NS}.p_subject", on_click=preset_subject, disabled=vanilla)
chosen = widgets.keep(f"{NS}.block", st.multiselect(t("ex.block.pick"), options, format_func=lambda j: f"{j}: {src[j]}",
                                                    key=links.settle_many(SCHEMA, "block", options, [])))
if chosen:
    block = tuple(sorted(chosen))
    runs = {"original": base}
    for kind in ("block", "remove"):
        try:
            runs[kind] = explain_data.intervened(info.path, info.stamp, text, beam, lp,
                                                 block if kind == "block" else (), block if kind == "remove" else ())
        except InputError as exc:
            widgets.show_error(t(f"ex.{kind}.refused", msg=str(exc)), warning=True)
    for col, (kind, res) in zip(widgets.figure_columns(len(runs), gap="medium"), runs.items()):
        with col:
            st.markdown(f"**{t(f'ex.run.{kind}')}**")
            widgets.translation_text(res.best.text)
            if kind != "original":
                st.caption(t("ex.changed") if res.best.ids != base.best.ids else t("ex.same"))
            if res.best.attention is not None:
                widgets.show_figure(figures.attention_heatmap(
                    res.best.attention, res.source_pieces, res.best.pieces, x_title=t("fig.source"),
                    y_title=t("fig.target"), colorbar_title=t("fig.weight"), large=widgets.large(), max_height=560,
                    colorbar=False), key=f"{NS}.block.{kind}", filename=f"explain-{kind}")
    st.caption(t("ex.block.cap"))

# ----- 3. override one step ------------------------------------------------------------------
st.header(t("ex.h.override"))
if vanilla:
    st.info(t("ex.vanilla.override"))
    links.stop()
free = models.trace(info.path, info.stamp, text, (), TOP_K)
n_steps = len(free.steps)


def preset_wrong() -> None:
    pick = wrong_word(np.stack([s.weights for s in free.steps]), src, lang)
    if pick is not None:
        st.session_state[STEP], st.session_state[PIECE] = pick


st.button(t("ex.preset.wrong"), key=f"w:{NS}.p_wrong", on_click=preset_wrong)
st.caption(t("ex.override.greedy"))
o1, o2 = st.columns(2)
step = widgets.keep(f"{NS}.ov_step", o1.selectbox(
    t("ex.override.step"), list(range(1, n_steps + 1)), key=links.settle(SCHEMA, "ov_step", (1, n_steps), 1),
    format_func=lambda k: f"{k}: {free.steps[k - 1].chosen_piece}"))
piece = widgets.keep(f"{NS}.ov_piece", o2.selectbox(t("ex.override.piece"), options, format_func=lambda j: f"{j}: {src[j]}",
                                                    key=links.settle(SCHEMA, "ov_piece", (0, len(src) - 1), 0)))
weights = Override.one_hot(int(step), int(piece), len(src)).weights
forced = explain_data.overridden(info.path, info.stamp, text, int(step), weights, TOP_K)
override.show_outcome(free, forced, int(step), weights, lambda ids: ckpt.tokenizer.decode(ids), NS)
