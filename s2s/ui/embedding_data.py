"""Cached data for the Embeddings page, keyed by checkpoint path and stamp like s2s/ui/models.py.

The embedding matrix and the piece-language table are read-only arrays shared by every session
(`st.cache_resource`, one per checkpoint); results are `st.cache_data`, bounded by max_entries
and ttl. InputError is raised, never cached.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from .. import embeddings as em
from ..errors import InputError
from ..piece_languages import PieceLanguages, piece_languages
from . import models


@st.cache_resource(max_entries=32, show_spinner=False)
def embedding(path: str, stamp: float) -> em.Embedding:
    return em.embedding(models.load_checkpoint(path, stamp))


@st.cache_resource(max_entries=32, show_spinner=False)
def languages(path: str, stamp: float) -> PieceLanguages:
    return piece_languages(models.load_checkpoint(path, stamp).tokenizer)


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def neighbours(path: str, stamp: float, word: str, k: int, lang: str | None = None) -> dict:
    """s2s.embeddings.neighbours with the piece languages (raises InputError)."""
    return em.neighbours(embedding(path, stamp), word, k=k, langs=languages(path, stamp), lang=lang)


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def pair_ranks(path: str, stamp: float, pairs: tuple[tuple[str, str], ...]) -> tuple[list[dict], list[tuple[str, str]]]:
    """(one s2s.embeddings.pair_rank row per pair, [(pair, why)] for each pair refused)."""
    rows, refused = [], []
    for word, translation in pairs:
        try:
            rows.append(em.pair_rank(embedding(path, stamp), word, translation))
        except InputError as exc:
            refused.append((f"{word} = {translation}", str(exc)))
    return rows, refused


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def word_map(path: str, stamp: float, words: tuple[str, ...]) -> dict:
    """Word list -> {"words", "langs", "refused", and when 2+ distinct vectors: "coords", "explained",
    "cosine"; else "error"}."""
    emb, langs = embedding(path, stamp), languages(path, stamp)
    vecs, refused = em.word_list(emb, list(words))
    out = {"words": [v.word for v in vecs], "langs": [em.word_language(langs, v) for v in vecs], "refused": refused}
    try:
        coords, explained, cos = em.map_and_matrix(vecs) if vecs else (None, None, None)
    except ValueError as exc:
        return {**out, "error": str(exc)}
    if coords is None:
        return {**out, "error": "no word with a vector"}
    return {**out, "coords": coords, "explained": np.asarray(explained), "cosine": cos}


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def one_hot_facts(path: str, stamp: float) -> dict:
    return em.one_hot_facts(embedding(path, stamp), models.load_checkpoint(path, stamp).model.num_parameters())
