"""Cached results for the Explain & intervene page: one attribution method at a time, block/remove
translations and override traces (the step player's too), each keyed by checkpoint path and stamp (as s2s/ui/models.py).

The page asks only for what it shows, so a method nobody looks at is never computed.
"""

from __future__ import annotations

import streamlit as st

from .. import explain as explain_mod
from .. import trace as trace_mod
from .. import translate as translate_mod
from ..intervene import Override
from .models import load_checkpoint


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def explanation(path: str, stamp: float, text: str, beam: int, lp: float, rank: int, method: str,
                steps: int) -> explain_mod.Explanation:
    """One method's explanation of hypothesis `rank` (raises InputError; errors are not cached)."""
    return explain_mod.explain(load_checkpoint(path, stamp), text, (method,), n_steps=steps, beam=beam, rank=rank,
                               length_penalty=lp)


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def intervened(path: str, stamp: float, text: str, beam: int, lp: float, block: tuple[int, ...],
               remove: tuple[int, ...]) -> translate_mod.Translation:
    return translate_mod.translate(load_checkpoint(path, stamp), text, beam=beam, length_penalty=lp, block=block,
                                   remove=remove)


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def overridden(path: str, stamp: float, text: str, step: int, weights: tuple[float, ...], top_k: int) -> trace_mod.Trace:
    """Greedy trace with step `step`'s attention replaced by `weights` [S]."""
    return trace_mod.trace(load_checkpoint(path, stamp), text, top_k=top_k, override=Override(step, weights))
