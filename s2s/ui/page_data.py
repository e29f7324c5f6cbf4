"""Cached data and small helpers for the pages Context vectors, Bottleneck and Step player.

Cached like s2s/ui/models.py: pure results through `st.cache_data` (each bounded by max_entries
and ttl), keyed by checkpoint path and stamp (card modification time), so a retrained or
re-evaluated checkpoint is read afresh.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from .. import checkpoint as ck
from .. import compare, vectors
from ..data import load_split, word_count
from ..errors import CheckpointError
from . import models, widgets
from .strings import t

BACKGROUND = 300  # test sources behind the typed sentences in the projection

# the scoring function and the rest of one attention step, per attention type (st.latex);
# %(name)s marks words filled in the UI's language by `formulas`
SCORE = {
    "bahdanau": r"e_{tj} = v_a^\top \tanh(W_a s_{t-1} + U_a h_j)",
    "dot": r"e_{tj} = h_t^\top h_j \,/\, \sqrt{d}",
    "dot-learned": r"e_{tj} = \tau\, h_t^\top h_j, \quad \tau = %(tau).3g \text{ (%(learnt)s)}",
    "general": r"e_{tj} = h_t^\top W_a h_j \,/\, \sqrt{d}",
    "concat": r"e_{tj} = v_a^\top \tanh(W_a [h_t; h_j])",
}
STEP = {
    "bahdanau": [r"a_t = \mathrm{softmax}(e_t), \quad c_t = \sum_j a_{tj} h_j",
                 r"s_t = \mathrm{RNN}(s_{t-1}, [E y_{t-1}; c_t]), \quad o_t = \tanh(W_o [s_t; c_t; E y_{t-1}])",
                 r"P(y_t \mid y_{<t}, x) = \mathrm{softmax}(E\, o_t + b)"],
    "luong": [r"h_t = \mathrm{RNN}(h_{t-1}, E y_{t-1})",
              r"a_t = \mathrm{softmax}(e_t), \quad c_t = \sum_j a_{tj} h_j",
              r"\tilde h_t = \tanh(W_c [c_t; h_t]), \quad P(y_t \mid y_{<t}, x) = \mathrm{softmax}(E\, \tilde h_t + b)"],
    "none": [r"c = h_S \quad \text{(%(final)s)}",
             r"s_t = \mathrm{RNN}(s_{t-1}, [E y_{t-1}; c]), \quad o_t = \tanh(W_o [s_t; c; E y_{t-1}])",
             r"P(y_t \mid y_{<t}, x) = \mathrm{softmax}(E\, o_t + b)"],
}


def formulas(attention: str, tau: float | None = None) -> list[str]:
    """LaTeX lines of one decoding step of a model with this attention type ("none": vanilla);
    `tau`: the learnt temperature of a dot score with `learned_scale` (see `learned_tau`)."""
    if attention == "none":
        lines = STEP["none"]
    else:
        score = SCORE["dot-learned" if tau is not None else attention]
        lines = [score] + STEP["bahdanau" if attention == "bahdanau" else "luong"]
    words = {"tau": tau, "learnt": t("sp.learnt"), "final": t("sp.final_state")}
    return [line % words for line in lines]


def learned_tau(ckpt: ck.Checkpoint) -> float | None:
    """The learnt temperature tau of the checkpoint's dot score; None when it has none."""
    tau = getattr(ckpt.model.decoder.scorer, "tau", None)
    return None if tau is None else tau.item()


def feature_parts(attention: str, features, state_size: int, context_size: int) -> dict[str, np.ndarray]:
    """Split the vector the output layer reads into its named parts (see s2s/decoder.py):
    vanilla and Bahdanau [s_t; c_t; E y_{t-1}], Luong [c_t; h_t]. ValueError when sizes disagree."""
    f = np.asarray(features, dtype=float)
    if attention in ("none", "bahdanau"):
        names, sizes = ("s_t", "c_t", "E y_{t-1}"), (state_size, context_size, f.size - state_size - context_size)
    else:
        names, sizes = ("c_t", "h_t"), (context_size, f.size - context_size)
    if min(sizes) <= 0 or sum(sizes) != f.size:
        raise ValueError(f"features of size {f.size} do not split into {dict(zip(names, sizes))}")
    bounds = np.cumsum((0,) + sizes)
    return {n: f[a:b] for n, a, b in zip(names, bounds[:-1], bounds[1:])}


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def background(pair: str, n: int = BACKGROUND) -> list[str]:
    """n test sources spread evenly over the test split (both parts), at most 40 words each."""
    src, tgt = pair.split("-", 1)
    sources = [ex.source for ex in load_split("test", src, tgt) if word_count(ex.source) <= 40]
    if len(sources) <= n:
        return sources
    idx = np.linspace(0, len(sources) - 1, n).round().astype(int)
    return [sources[i] for i in idx]


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def context_vectors(path: str, stamp: float, texts: tuple[str, ...]) -> np.ndarray:
    """Encoder final states [N, M] of `texts` (raises InputError; errors are not cached)."""
    return vectors.context_vectors(models.load_checkpoint(path, stamp), list(texts))


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def references(pair: str) -> dict[str, tuple[str, ...]]:
    """source -> all references, over the whole test split."""
    src, tgt = pair.split("-", 1)
    return {ex.source: ex.references for ex in load_split("test", src, tgt)}


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def test_metrics(path: str, stamp: float) -> dict | None:
    """card["metrics"]["test"] when it holds numbers by length, else None (never invented)."""
    try:
        test = (ck.read_card(Path(path)).get("metrics") or {}).get("test")
    except CheckpointError:
        return None
    return test if isinstance(test, dict) and isinstance(test.get("by_length"), dict) else None


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def test_outputs(path: str, stamp: float) -> dict[str, str] | None:
    """source -> hypothesis from the checkpoint's test_outputs.tsv, or None when it has none."""
    try:
        return compare.read_outputs(Path(path))
    except (OSError, ValueError):
        return None


def lines_box(ns: str, presets: dict[str, list[str]], names: dict[str, str], label: str, preset_label: str,
              none_label: str) -> str:
    """A preset picker that fills a text area with several sentences (one per line); returns the text.
    `presets`: id -> sentences; `names`: id -> the name shown."""
    key = f"{ns}.lines"
    options = [""] + list(presets)
    shown = {o: names.get(o, o) if o else none_label for o in options}  # fixed now, like model_picker
    pkey = widgets.widget_key(f"{ns}.preset", "")  # set from session state: a new language re-labels it
    if st.session_state[pkey] not in options:
        st.session_state[pkey] = ""

    def use_preset():
        choice = st.session_state.get(pkey) or ""
        if choice:
            st.session_state["w:" + key] = st.session_state[key] = "\n".join(presets[choice])

    widgets.keep(f"{ns}.preset", st.selectbox(preset_label, options, format_func=shown.get, key=pkey,
                                              on_change=use_preset, placeholder=t("w.choose_one")))
    default = "\n".join(next(iter(presets.values()))) if presets else ""
    text = st.text_area(label, key=widgets.widget_key(key, default), height=170)
    return widgets.keep(key, text)
