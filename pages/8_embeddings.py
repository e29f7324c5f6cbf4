"""Word embeddings: a word's nearest pieces in each chosen model, per language, a map and
similarity matrix of a word list, one-hot against dense, and translation pairs with cosine and rank."""

import pandas as pd
import streamlit as st

from s2s import embeddings as em
from s2s import figures
from s2s.errors import InputError
from s2s.ui import embedding_data as data
from s2s.text import MAX_CHARS
from s2s.ui import links, models, page_data, widgets
from s2s.ui.strings import t

NS = "embeddings"
LANGS = ("eng", "spa")
SCHEMA = links.Schema(NS, (
    links.choices("models", f"{NS}.models"),
    links.text("word", f"{NS}.word", MAX_CHARS, default="dog"),
    links.integer("k", f"{NS}.k", 3, 30, default=10),
    links.text("words", f"{NS}.list.lines", 20 * MAX_CHARS, lines=True),  # the word list of the map
    links.choice("map", f"{NS}.map_model", late=True),
    links.text("pairs", f"{NS}.pairs", 20 * MAX_CHARS, lines=True),
))


def neighbour_table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({t("em.col.piece"): [r["piece"] for r in rows], t("em.col.cosine"): [r["cosine"] for r in rows],
                         t("em.col.lang"): [t(f"em.lang.{r['lang']}") for r in rows]})


infos = widgets.pair_models(models.catalog())
st.title(t("em.title"))
widgets.intro(t("em.intro"))
links.read(SCHEMA, choices={"models": [i.name for i in infos], "map": [i.name for i in infos]},
           defaults={"models": widgets.default_models(infos), "words": "\n".join(next(iter(em.WORD_LISTS.values()))),
                     "pairs": "\n".join(f"{a} = {b}" for a, b in em.PAIRS)})
chosen = widgets.model_picker(NS, infos)
loaded = []
for info in chosen:
    _, error = models.load(info)
    if error is not None:
        widgets.show_model_error(info, error)
    else:
        loaded.append(info)
if not loaded:
    st.info(t("em.no_model"))
    links.stop()

# ----- neighbours of one word, per model ------------------------------------------------------
st.subheader(t("em.neighbours"))
left, right = st.columns([3, 2])
with left:
    word = widgets.keep(f"{NS}.word", st.text_input(t("em.word"), key=widgets.widget_key(f"{NS}.word", "dog")))
with right:
    k = widgets.keep(f"{NS}.k", st.slider(t("em.k"), 3, 30, key=widgets.widget_key(f"{NS}.k", 10)))
if not word.strip():
    st.info(t("em.empty_word"))
else:
    for info, col in zip(loaded, widgets.figure_columns(len(loaded))):
        with col:
            widgets.model_heading(info)
            try:
                results = {lang: data.neighbours(info.path, info.stamp, word, k, lang) for lang in (None, *LANGS)}
            except InputError as exc:
                widgets.show_error(t("em.word_error", msg=str(exc)), warning=True)
                continue
            first = results[None]
            st.caption(t("em.pieces", pieces=widgets.escape_md(" ".join(first["pieces"])), n=len(first["pieces"])))
            if first["unk"]:
                widgets.show_error(t("em.unk", n=first["unk"]), warning=True)
            tabs = st.tabs([t("em.tab.all"), t("em.tab.eng"), t("em.tab.spa")])
            for tab, lang in zip(tabs, (None, *LANGS)):
                with tab:
                    st.dataframe(neighbour_table(results[lang]["neighbours"]), hide_index=True, width="stretch")
    st.caption(t("em.neighbours.cap"))

# ----- a word list: map and similarity matrix --------------------------------------------------
st.subheader(t("em.list"))
names = {k: t(f"em.preset.{k}") for k in em.WORD_LISTS}
left, right = st.columns([3, 2])
with left:
    text = page_data.lines_box(f"{NS}.list", em.WORD_LISTS, names, t("em.list.words"), t("em.list.preset"),
                               t("em.list.preset.none"))
with right:
    by_name = {i.name: i for i in loaded}
    mkey = links.settle(SCHEMA, "map", list(by_name), loaded[-1].name)
    labels = {n: widgets.model_label(i) for n, i in by_name.items()}
    map_info = by_name[widgets.keep(f"{NS}.map_model", st.selectbox(t("em.map_model"), list(by_name), key=mkey,
                                                                      format_func=labels.get))]
words, truncated = em.split_words(text)
if truncated:
    st.warning(t("em.truncated", n=em.MAX_WORDS))
result = data.word_map(map_info.path, map_info.stamp, tuple(words)) if words else None
if result is None:
    st.info(t("em.list.empty"))
else:
    for w, why in result["refused"]:
        widgets.show_error(t("em.refused", word=w, msg=why), warning=True)
    if "error" in result:
        st.info(t("em.list.few", msg=result["error"]))
    else:
        e1, e2 = (float(x) for x in result["explained"][:2])
        widgets.show_figure(figures.projection_scatter(
            result["coords"], result["words"], marked=[lang == "spa" for lang in result["langs"]],
            names={"typed": t("em.legend.words")}, x_title=t("cv.axis", i=1, e=e1), y_title=t("cv.axis", i=2, e=e2),
            large=widgets.large()), key=f"{NS}.map", filename="embeddings-pca")
        st.caption(t("em.map.cap", model=widgets.escape_md(map_info.short), e1=e1, e2=e2))
        widgets.show_figure(figures.similarity_heatmap(result["cosine"], result["words"], colorbar_title=t("cv.cosine"),
                                                       large=widgets.large()), key=f"{NS}.cos", filename="embeddings-cosine")
        st.caption(t("cv.similarity.cap"))

# ----- one-hot against dense ---------------------------------------------------------------------
st.subheader(t("em.onehot"))
facts = data.one_hot_facts(map_info.path, map_info.stamp)
cols = st.columns(4)
cols[0].metric(t("em.onehot.vocab"), f"{facts['vocab_size']:,}")
cols[1].metric(t("em.onehot.dim"), f"{facts['dim']:,}")
cols[2].metric(t("em.onehot.params"), f"{facts['dense_parameters']:,}")
cols[3].metric(t("em.onehot.share"), f"{facts['embedding_share']:.0%}")
st.markdown(t("em.onehot.text", v=facts["vocab_size"], d=facts["dim"], zeros=facts["one_hot_zero_share"],
              entries=facts["one_hot_matrix_entries"], params=facts["dense_parameters"], model=widgets.escape_md(map_info.short)))
if "pair" in facts:
    st.markdown(t("em.onehot.pair", a=facts["pair"][0], b=facts["pair"][1], hot=facts["one_hot_cosine"],
                  dense=facts["dense_cosine"]))

# ----- translation pairs ---------------------------------------------------------------------------
st.subheader(t("em.pairs"))
st.markdown(t("em.pairs.intro"))
default_pairs = "\n".join(f"{a} = {b}" for a, b in em.PAIRS)
pairs_text = widgets.keep(f"{NS}.pairs", st.text_area(t("em.pairs.box"), key=widgets.widget_key(f"{NS}.pairs", default_pairs),
                                                       height=150))
pairs, bad = em.parse_pairs(pairs_text)
for line, shown in bad:
    widgets.show_error(t("em.pairs.bad", line=line, text=shown), warning=True)
if not pairs:
    st.info(t("em.pairs.empty"))
else:
    for info, col in zip(loaded, widgets.figure_columns(len(loaded))):
        with col:
            widgets.model_heading(info)
            rows, refused = data.pair_ranks(info.path, info.stamp, tuple(pairs))
            for pair, why in refused:
                widgets.show_error(t("em.refused", word=pair, msg=why), warning=True)
            if rows:
                st.dataframe(pd.DataFrame({
                    t("em.col.word"): [r["word"] for r in rows], t("em.col.translation"): [r["translation"] for r in rows],
                    t("em.col.cosine"): [r["cosine"] for r in rows], t("em.col.rank"): [r["rank"] for r in rows],
                    t("em.col.rank_back"): [r["rank_back"] for r in rows]}), hide_index=True, width="stretch")
                best = min(rows, key=lambda r: r["rank"])
                st.caption(t("em.pairs.cap", of=rows[0]["of"], median=int(pd.Series([r["rank"] for r in rows]).median()),
                             word=widgets.escape_md(best["word"]), translation=widgets.escape_md(best["translation"]),
                             rank=best["rank"]))
