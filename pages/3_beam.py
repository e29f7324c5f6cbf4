"""Beam search: final hypotheses, the search tree, top-k alternatives, pick a word and continue."""

import pandas as pd
import streamlit as st

from s2s import figures
from s2s.text import MAX_BEAM, MAX_CHARS, MAX_OUTPUT
from s2s.ui import analysis, links, models, widgets
from s2s.ui.strings import t

NS = "beam"
TOP_K = 5
SCHEMA = links.Schema(NS, (
    links.text("text", f"{NS}.sentence", MAX_CHARS),
    links.choices("model", f"{NS}.models", max_len=1),
    links.integer("beam", f"{NS}.beam", 1, MAX_BEAM, default=4),
    links.number("lp", f"{NS}.lp", 0.0, 2.0, default=1.0, step=0.1),
    links.integer("hyp", f"{NS}.hyp", 1, MAX_BEAM, default=1, late=True),  # the inspected hypothesis
    links.integer("alt_step", f"{NS}.alt_step", 1, MAX_OUTPUT + 1, default=1, late=True),  # pick a word ...
    links.integer("alt", f"{NS}.alt", 0, 10**6, late=True),  # ... the piece id picked instead
))
infos = widgets.pair_models(models.catalog())
default = widgets.default_model(infos)

st.title(t("bm.title"))
widgets.intro(t("bm.intro"))
links.read(SCHEMA, choices={"model": [i.name for i in infos]},
           defaults={"text": widgets.default_sentence(), "model": default})
left, right = st.columns([5, 4], gap="large")
with left:
    text = widgets.sentence_box(NS)
with right:
    chosen = widgets.model_picker(NS, infos, default=default, multi=False)
    beam, lp = widgets.decoding_controls(NS, allow_greedy=False, default_beam=4)

widgets.require_text(text)
info = chosen[0]
tr, error = models.try_translate(info, text, beam, lp)
if error is not None:
    widgets.show_model_error(info, error)
    links.stop()
widgets.show_source(tr.source_pieces, tr.unk_count)

st.subheader(t("bm.table"))
st.dataframe(pd.DataFrame({
    t("bm.col.rank"): range(1, len(tr.hypotheses) + 1),
    t("bm.col.text"): [h.text for h in tr.hypotheses],
    t("bm.col.logprob"): [round(h.score, 3) for h in tr.hypotheses],
    t("bm.col.norm"): [round(h.norm_score, 3) for h in tr.hypotheses],
    t("bm.col.len"): [len(h.ids) for h in tr.hypotheses],
    t("bm.col.finished"): [h.finished for h in tr.hypotheses],
}), hide_index=True, width="stretch", key=f"{NS}.table")

ranks = list(range(1, len(tr.hypotheses) + 1))
rank = widgets.keep(f"{NS}.hyp", st.selectbox(t("bm.hyp"), ranks, key=links.settle(SCHEMA, "hyp", (1, len(ranks)), 1),
                                              format_func=lambda r: f"{r}: {tr.hypotheses[r - 1].text[:80]}"))
hyp = tr.hypotheses[rank - 1]

st.subheader(t("bm.tree"))
tok = models.load(info)[0].tokenizer
widgets.show_figure(figures.beam_tree(
    **analysis.tree_arrays(tr.tree, tok.id_to_piece), highlight=analysis.tree_path(tr.tree, hyp.ids),
    names={f: t(f"fate.{f}") for f in ("kept", "pruned", "finished", "path")}, x_title=t("fig.step"),
    large=widgets.large()), key=f"{NS}.tree", filename="beam-tree")
st.caption(t("bm.tree.cap"))

st.subheader(t("bm.topk", k=TOP_K))
steps = models.trace(info.path, info.stamp, text, tuple(hyp.ids), TOP_K).steps
table = {t("bm.col.step"): [s.step for s in steps], t("bm.col.chosen"): [s.chosen_piece for s in steps],
         t("bm.col.p"): [f"{s.chosen_prob:.3g}" for s in steps]}
for k in range(TOP_K):
    table[f"#{k + 1}"] = [f"{s.top_pieces[k]} ({s.top_probs[k]:.3g})" if k < len(s.top_pieces) else ""
                          for s in steps]
st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", key=f"{NS}.topk")
st.caption(t("bm.topk.cap"))

st.subheader(t("bm.alt"))
c1, c2 = st.columns(2)
step = widgets.keep(f"{NS}.alt_step", c1.select_slider(t("bm.alt.step"), options=[s.step for s in steps],
                                                       key=links.settle(SCHEMA, "alt_step", (1, len(steps)), 1)))
here = steps[step - 1]
alts = {i: f"{p}  (P = {pr:.3g})" for i, p, pr in zip(here.top_ids, here.top_pieces, here.top_probs) if i != here.chosen_id}
alt = None
if alts:
    alt = widgets.keep(f"{NS}.alt", c2.selectbox(t("bm.alt.word"), list(alts), format_func=alts.get,
                                                 key=links.settle(SCHEMA, "alt", list(alts), next(iter(alts)))))
if alt is not None:
    prefix = tuple(hyp.ids[:step - 1]) + (alt,)
    new = models.trace(info.path, info.stamp, text, prefix, TOP_K)
    st.caption(t("bm.alt.result"))
    widgets.translation_text(models.decode(info.path, info.stamp, tuple(new.ids)))
    st.code(" ".join(new.pieces), language=None, wrap_lines=True)
    st.caption(t("bm.alt.cap", n=len(prefix)))
