"""Step player: one decoding step at a time with the model's real numbers (scores, softmax
weights, context, concatenation, next-piece probabilities); override one step's attention and see
the decoder change course; teacher-forced vs free-running."""

import time

import numpy as np
import pandas as pd
import streamlit as st

from s2s import figures
from s2s.errors import InputError
from s2s.intervene import Override, parse_weights
from s2s.text import MAX_CHARS, MAX_OUTPUT, clean_text
from s2s.trace import prefix_ids
from s2s.ui import explain_data, links, models, override, page_data, widgets
from s2s.ui.strings import t

NS = "step"
TOP_K = 10
PLAY_DELAY = 1.0  # seconds per step while playing
STEP, PENDING, PLAYING = f"w:{NS}.t", f"{NS}.pending", f"{NS}.playing"
RUNS = ("free", "forced")
OVERRIDES = ("off", "piece", "weights")  # this step's attention: the model's own, all on one piece, typed weights
SCHEMA = links.Schema(NS, (
    links.text("text", f"{NS}.sentence", MAX_CHARS),
    links.choices("model", f"{NS}.models", max_len=1),
    links.text("ref", f"{NS}.reference", MAX_CHARS, default=""),  # the reference teacher forcing feeds
    links.choice("feed", f"{NS}.feed", RUNS, default="free", late=True),
    links.integer("t", f"{NS}.t", 1, MAX_OUTPUT + 1, default=1, late=True),  # the step shown
    links.choice("ov", f"{NS}.ov", OVERRIDES, default="off", late=True),  # its attention overridden ...
    links.integer("ov_piece", f"{NS}.ov_piece", 0, MAX_CHARS, default=0, late=True),  # ... all on this piece
    links.text("ov_w", f"{NS}.ov_w", MAX_CHARS, default=""),  # ... or these weights
))
infos = widgets.pair_models(models.catalog())
default = widgets.default_model(infos)

st.title(t("sp.title"))
widgets.intro(t("sp.intro"))
links.read(SCHEMA, choices={"model": [i.name for i in infos]},
           defaults={"text": widgets.default_sentence(), "model": default})
left, right = st.columns([5, 4], gap="large")
with left:
    text = widgets.sentence_box(NS)
with right:
    info = widgets.model_picker(NS, infos, default=default, multi=False)[0]
    reference = st.text_input(t("sp.reference"), key=widgets.widget_key(f"{NS}.reference", ""))
    widgets.keep(f"{NS}.reference", reference)

widgets.require_text(text)
ckpt, error = models.load(info)
if error is not None:
    widgets.show_model_error(info, error)
    links.stop()
try:
    free = models.trace(info.path, info.stamp, text, (), TOP_K)
except InputError as exc:
    widgets.show_error(t("w.input_error", msg=str(exc)), warning=True)
    links.stop()
forced = None
if not reference.strip():
    st.info(t("sp.no_reference"))
else:
    try:
        ids = prefix_ids(ckpt, clean_text(reference), add_eos=True)
        forced = models.trace(info.path, info.stamp, text, tuple(ids), TOP_K)
    except InputError as exc:
        widgets.show_error(t("sp.ref_error", msg=str(exc)), warning=True)
widgets.show_source(free.source_pieces, 0)

runs = {"free": free} if forced is None else {"free": free, "forced": forced}
with right:
    run = widgets.keep(f"{NS}.feed", st.radio(t("sp.run"), list(runs), format_func={k: t(f"sp.run.{k}") for k in runs}.get,
                                              horizontal=True, key=links.settle(SCHEMA, "feed", list(runs), "free")))
trace = runs[run if run in runs else "free"]
n = len(trace.steps)


def go(delta: int | None) -> None:
    """Button callbacks (they run before the script, so they may set the slider's value)."""
    if delta is None:
        st.session_state[PLAYING] = not st.session_state.get(PLAYING, False)
        if st.session_state[PLAYING] and st.session_state.get(STEP, 1) >= n:
            st.session_state[STEP] = 1  # play again from the start
        return
    st.session_state[PLAYING] = False
    st.session_state[STEP] = min(n, max(1, int(st.session_state.get(STEP, 1)) + delta))


if PENDING in st.session_state:  # the play loop's next step, set before the slider exists
    st.session_state[STEP] = st.session_state.pop(PENDING)
links.settle(SCHEMA, "t", (1, n), 1)  # a step past the end (of a link, or of a shorter trace): the last
playing = bool(st.session_state.get(PLAYING))
with st.container(horizontal=True, vertical_alignment="bottom"):  # buttons as wide as their labels
    st.button(t("sp.prev"), key=f"w:{NS}.prev", on_click=go, args=(-1,), disabled=st.session_state[STEP] <= 1)
    st.button(t("sp.next"), key=f"w:{NS}.next", on_click=go, args=(1,), disabled=st.session_state[STEP] >= n)
    st.button(t("sp.stop") if playing else t("sp.play"), key=f"w:{NS}.play", on_click=go, args=(None,))
    step_no = st.select_slider(t("sp.step"), options=list(range(1, n + 1)), key=STEP) if n > 1 else 1
widgets.clicker_keys(f"w:{NS}.next", f"w:{NS}.prev")  # a presentation clicker: Page Down / Up, arrows
widgets.keep(f"{NS}.t", step_no)
s = trace.steps[step_no - 1]

tick = override.tick  # pieces go inside `code` spans
mark = t("sp.forced_mark", pred=tick(s.top_pieces[0])) if s.forced and s.predicted_id != s.chosen_id else ""
st.markdown(t("sp.now", t=step_no, n=n, inp=tick(s.input_piece), out=tick(s.chosen_piece), p=s.chosen_prob, forced=mark))

kind = info.attention or "none"
with st.expander(t("sp.formula", kind=widgets.model_label(info, long=True)), expanded=True):
    for line in page_data.formulas(kind, page_data.learned_tau(ckpt)):
        st.latex(line)

src = trace.source_pieces
if s.weights is None:
    st.info(t("sp.vanilla"))
else:
    c1, c2 = widgets.figure_columns(2)
    with c1:
        widgets.show_figure(figures.bar_chart(
            s.scores, src, highlight=int(np.argmax(s.scores)), title=t("sp.scores"), x_title=t("fig.source"),
            y_title="e", large=widgets.large()), key=f"{NS}.scores", filename="step-scores")
    with c2:
        top = int(np.argmax(s.weights))
        widgets.show_figure(figures.bar_chart(
            s.weights, src, highlight=top, title=t("sp.weights"), x_title=t("fig.source"), y_title="a",
            large=widgets.large()), key=f"{NS}.weights", filename="step-weights")
        st.caption(t("sp.weights.cap", s=float(np.sum(s.weights)), piece=tick(src[top]), w=float(s.weights[top])))

st.subheader(t("sp.vectors"))
family = "none" if kind == "none" else ("bahdanau" if kind == "bahdanau" else "luong")
widgets.show_figure(figures.vector_rows({
    t("sp.row.context"): s.context, t("sp.row.state"): s.state, t("sp.row.output"): s.output},
    large=widgets.large()), key=f"{NS}.vectors", filename="step-vectors")
st.caption(t("sp.vectors.cap", d=48, parts=t(f"sp.parts.{family}")))
widgets.show_figure(figures.concat_strip(
    page_data.feature_parts(kind, s.features, len(s.state), len(s.context)), title=t("sp.row.features"),
    large=widgets.large()), key=f"{NS}.features", filename="step-features")

chosen = s.top_ids.index(s.chosen_id) if s.chosen_id in s.top_ids else None
widgets.show_figure(figures.bar_chart(
    s.top_probs, s.top_pieces, highlight=chosen, title=t("sp.topk", k=TOP_K), x_title="P", horizontal=True,
    large=widgets.large()), key=f"{NS}.topk", filename="step-topk")

if s.weights is not None:
    st.subheader(t("sp.override"))
    if trace is not free:
        st.info(t("sp.ov.free"))
    else:
        mode = widgets.keep(f"{NS}.ov", st.radio(
            t("sp.ov.mode"), list(OVERRIDES), format_func={m: t(f"sp.ov.{m}") for m in OVERRIDES}.get, horizontal=True,
            key=links.settle(SCHEMA, "ov", list(OVERRIDES), "off")))
        weights = None
        if mode == "piece":
            j = widgets.keep(f"{NS}.ov_piece", st.selectbox(
                t("sp.ov.choose"), list(range(len(src))), format_func=lambda j: f"{j}: {src[j]}",
                key=links.settle(SCHEMA, "ov_piece", (0, len(src) - 1), 0)))
            weights = Override.one_hot(step_no, int(j), len(src)).weights
        elif mode == "weights":
            typed = widgets.keep(f"{NS}.ov_w", st.text_input(
                t("sp.ov.text", pieces=" ".join(src)), key=widgets.widget_key(f"{NS}.ov_w", ""), max_chars=MAX_CHARS,
                placeholder=" ".join(f"{w:.2f}" for w in s.weights)))
            try:
                weights = parse_weights(typed, len(src)) if typed.strip() else None
            except InputError as exc:
                widgets.show_error(t("sp.ov.bad", msg=str(exc)), warning=True)
        if weights is not None:
            changed = explain_data.overridden(info.path, info.stamp, text, step_no, weights, TOP_K)
            override.show_outcome(free, changed, step_no, weights, ckpt.tokenizer.decode, NS)

if forced is not None:
    st.subheader(t("sp.side"))
    part = forced.first_divergence()
    if part is None:
        st.success(t("sp.no_part"))
    else:
        ps = forced.steps[part - 1]
        st.warning(t("sp.part", t=part, t1=part + 1, pred=tick(ps.top_pieces[0]), ref=tick(ps.chosen_piece)))
    rows = max(len(forced.steps), len(free.steps))
    cell = lambda steps, i, get: get(steps[i]) if i < len(steps) else ""  # noqa: E731
    st.dataframe(pd.DataFrame({
        t("sp.col.step"): list(range(1, rows + 1)),
        t("sp.col.tf_in"): [cell(forced.steps, i, lambda x: x.input_piece) for i in range(rows)],
        t("sp.col.tf_pred"): [cell(forced.steps, i, lambda x: x.top_pieces[0]) for i in range(rows)],
        t("sp.col.free_in"): [cell(free.steps, i, lambda x: x.input_piece) for i in range(rows)],
        t("sp.col.free_out"): [cell(free.steps, i, lambda x: x.chosen_piece) for i in range(rows)],
        t("sp.col.same"): ["✓" if i < min(len(forced.steps), len(free.steps))
                           and forced.steps[i].input_id == free.steps[i].input_id else "✗" for i in range(rows)],
    }), hide_index=True, width="stretch", key=f"{NS}.side")

if playing:
    if step_no < n:
        time.sleep(PLAY_DELAY)
        st.session_state[PENDING] = step_no + 1
        st.rerun()
    st.session_state[PLAYING] = False
