"""Context vectors: PCA of encoder final states for typed sentence sets, cosine similarity,
the per-step attention context of one translation in the same projection, and, for grouped
sets (a blank line between groups), whether each model groups the sentences by meaning."""

import numpy as np
import pandas as pd
import streamlit as st

from s2s import figures, groups, projection, vectors
from s2s.errors import InputError
from s2s.text import MAX_CHARS
from s2s.ui import links, models, page_data, widgets
from s2s.ui.strings import t

NS = "context"
PRESETS = groups.PRESETS  # after Sutskever et al. 2014, Figure 2; a blank line starts a group
SCHEMA = links.Schema(NS, (
    links.text("text", f"{NS}.lines", (vectors.MAX_SENTENCES + 1) * 200, lines=True),  # one sentence a line
    links.choices("model", f"{NS}.models", max_len=1),
    links.text("traj", f"{NS}.traj", MAX_CHARS, late=True),  # the sentence whose attention contexts are drawn
))
infos = widgets.pair_models(models.catalog())
default = widgets.default_model(infos, kind="none")

st.title(t("cv.title"))
widgets.intro(t("cv.intro", n=page_data.BACKGROUND))
links.read(SCHEMA, choices={"model": [i.name for i in infos]},
           defaults={"text": "\n".join(next(iter(PRESETS.values()))), "model": default})
left, right = st.columns([5, 4], gap="large")
with left:
    text = page_data.lines_box(NS, PRESETS, {k: t(f"cv.preset.{k}") for k in PRESETS}, t("cv.sentences"),
                         t("cv.preset"), t("cv.preset.none"))
with right:
    info = widgets.model_picker(NS, infos, default=default, multi=False)[0]

sset = vectors.sentence_set(text)
for line, msg in sset.errors:
    widgets.show_error(t("cv.line_error", line=line, msg=msg), warning=True)
if sset.truncated:
    st.warning(t("cv.truncated", n=vectors.MAX_SENTENCES))
if not sset.texts:
    st.info(t("cv.empty"))
    links.stop()
if sset.duplicates:
    widgets.show_error(t("cv.duplicates", items="; ".join(f"{s} ×{n}" for s, n in sset.duplicates.items())), warning=True)
if len(sset.texts) == 1:
    st.info(t("cv.one"))
ckpt, error = models.load(info)
if error is not None:
    widgets.show_model_error(info, error)
    links.stop()
try:
    typed = page_data.context_vectors(info.path, info.stamp, tuple(sset.texts))
except InputError as exc:
    widgets.show_error(t("w.input_error", msg=str(exc)), warning=True)
    links.stop()
try:
    bg_texts = page_data.background(info.pair)
    bg = page_data.context_vectors(info.path, info.stamp, tuple(bg_texts))
except (OSError, ValueError, InputError) as exc:  # no test split here
    widgets.show_error(t("cv.no_background", msg=str(exc)), warning=True)
    bg_texts, bg = [], np.zeros((0, typed.shape[1]))
try:
    pca = projection.fit_pca(np.vstack([bg, typed]))
except ValueError as exc:
    widgets.show_error(t("cv.pca_error", msg=str(exc)), warning=True)
    links.stop()

trajectory, traj_labels = None, []
with right:
    if info.vanilla:
        st.info(t("cv.vanilla_traj"))
    else:
        which = widgets.keep(f"{NS}.traj", st.selectbox(t("cv.trajectory"), sset.texts,
                                                        key=links.settle(SCHEMA, "traj", sset.texts, sset.texts[0])))
        tr, err = models.try_translate(info, which, 1, 1.0)
        if err is not None:
            widgets.show_model_error(info, err)
        else:
            trajectory, traj_labels = pca.transform(vectors.attention_contexts(tr)), tr.best.pieces

e1, e2 = (float(x) for x in pca.explained[:2])
st.subheader(t("cv.projection"))
widgets.show_figure(figures.projection_scatter(
    pca.transform(typed), sset.texts, background=pca.transform(bg) if len(bg) else None, background_labels=bg_texts,
    trajectory=trajectory, trajectory_labels=traj_labels, marked=[sset.counts[s] > 1 for s in sset.texts],
    names={k: t(f"cv.legend.{k}") for k in ("background", "typed", "trajectory")},
    x_title=t("cv.axis", i=1, e=e1), y_title=t("cv.axis", i=2, e=e2), large=widgets.large()),
    key=f"{NS}.pca", filename="context-vectors-pca")
st.caption(t("cv.space.none" if info.vanilla else "cv.space.attn", m=typed.shape[1], n=len(bg_texts), e1=e1, e2=e2))

if len(sset.texts) >= 2:
    st.subheader(t("cv.similarity"))
    widgets.show_figure(figures.similarity_heatmap(
        projection.cosine_matrix(typed), sset.texts, colorbar_title=t("cv.cosine"), large=widgets.large(),
        groups=sset.groups if max(sset.groups) > 0 else None), key=f"{NS}.cos", filename="context-vectors-cosine")
    st.caption(t("cv.similarity.cap") + (" " + t("cvg.outlined") if max(sset.groups) > 0 else ""))

# ----- grouped sets: does each model group the sentences by meaning? -----------------------------
st.subheader(t("cvg.title"))
sizes = np.bincount(sset.groups).tolist()
if len(sizes) < 2:
    st.info(t("cvg.one_group"))
    links.stop()
if max(sizes) < 2:
    st.info(t("cvg.no_pairs"))
    links.stop()
if 1 in sizes:
    st.info(t("cvg.singletons", groups=", ".join(str(g + 1) for g, n in enumerate(sizes) if n == 1)))
st.markdown(t("cvg.paper"))
measured = []
for other in infos:
    _, load_error = models.load(other)
    if load_error is not None:
        widgets.show_error(t("cvg.model_error", name=other.short, msg=str(load_error)), warning=True)
        continue
    try:
        vecs = page_data.context_vectors(other.path, other.stamp, tuple(sset.texts))
    except InputError as exc:
        widgets.show_error(t("cvg.model_error", name=other.short, msg=str(exc)), warning=True)
        continue
    measured.append((other, groups.group_stats(vecs, sset.groups)))
if measured:
    st.dataframe(pd.DataFrame({
        t("cvg.col.model"): [widgets.model_label(i) for i, _ in measured],
        t("cvg.col.within"): [round(g.within, 3) for _, g in measured],
        t("cvg.col.between"): [round(g.between, 3) for _, g in measured],
        t("cvg.col.gap"): [round(g.gap, 3) for _, g in measured],
        t("cvg.col.agreement"): [round(g.agreement, 2) for _, g in measured],
        t("cvg.col.chance"): [round(g.chance, 2) for _, g in measured],
        t("cvg.col.verdict"): [t(f"cvg.verdict.{g.verdict}") for _, g in measured]}), hide_index=True, width="stretch")
    widgets.show_figure(figures.group_bars(
        [i.short for i, _ in measured], [g.within for _, g in measured], [g.between for _, g in measured],
        [g.agreement for _, g in measured], [g.chance for _, g in measured],
        names={k: t(f"cvg.legend.{k}") for k in ("within", "between", "agreement", "chance")},
        y_title=t("cvg.axis"), large=widgets.large()), key=f"{NS}.groups", filename="context-vectors-groups")
    for i, g in measured:
        say = "not_nn" if g.verdict == "not" and g.within > g.between else g.verdict
        st.markdown(t(f"cvg.say.{say}", name=widgets.escape_md(i.short), w=g.within, b=g.between,
                      a=g.agreement, c=g.chance))
    st.caption(t("cvg.words_caveat"))
