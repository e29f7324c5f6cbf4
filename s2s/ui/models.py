"""Cached access to checkpoints and decoding results for the app.

- `load_checkpoint`: `st.cache_resource`, one Checkpoint per (path, stamp), shared read-only by
  every browser session (models keep no state between calls). A retrained checkpoint gets a
  new stamp (card modification time) and is loaded afresh. Load errors are not cached.
- `translate`, `trace`: pure results through `st.cache_data`, bounded by max_entries and ttl,
  keyed by (checkpoint path, stamp, text, decoding settings).
- `load`: returns (Checkpoint, None) or (None, CheckpointError), so one broken model never
  stops the others.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from .. import card as card_mod
from .. import paths
from .. import checkpoint as ck
from .. import trace as trace_mod
from .. import translate as translate_mod
from ..errors import CheckpointError, InputError

ENV_ROOT = paths.ENV_CHECKPOINTS


@dataclass(frozen=True)
class ModelInfo:
    """What the app knows about a checkpoint from its card alone (no weights read)."""

    name: str  # relative to the root, e.g. "eng-spa/bahdanau"
    path: str
    stamp: float
    pair: str  # "eng-spa"
    attention: str | None  # "none" for vanilla; None when the card is unreadable
    reverse: bool
    card_error: str | None

    @property
    def short(self) -> str:
        return self.name.split("/", 1)[-1]

    @property
    def vanilla(self) -> bool:
        return self.attention == "none"


def root() -> Path:
    """Checkpoints root: $S2S_CHECKPOINTS, else s2s.checkpoint.CHECKPOINTS_DIR."""
    env = os.environ.get(ENV_ROOT, "").strip()
    return Path(env).expanduser().resolve() if env else ck.CHECKPOINTS_DIR


def _stamp(path: Path) -> float:
    try:
        return (path / ck.CARD).stat().st_mtime
    except OSError:
        return 0.0


@st.cache_data(ttl=10, max_entries=8, show_spinner=False)
def _catalog(root_dir: str, stamps: tuple) -> list[ModelInfo]:
    base = Path(root_dir)
    infos = []
    for name in ck.list_checkpoints(base):
        path = base / name
        try:
            card = ck.read_card(path)
            model, pair = card["model"], card["pair"]
            infos.append(ModelInfo(name, str(path), _stamp(path), f"{pair['src']}-{pair['tgt']}",
                                   str(model.get("attention", "bahdanau")), bool(model.get("reverse_source")), None))
        except (CheckpointError, KeyError, TypeError) as exc:
            pair = name.split("/", 1)[0] if "/" in name else "?"
            infos.append(ModelInfo(name, str(path), _stamp(path), pair, None, False, str(exc)))
    return infos


def catalog() -> list[ModelInfo]:
    """Every checkpoint under the root, sorted by name (re-read when a card changes)."""
    base = root()
    if not base.is_dir():
        return []
    stamps = tuple((str(p), p.stat().st_mtime) for p in sorted(base.glob(f"**/{ck.CARD}")))
    return _catalog(str(base), stamps)


def pairs(infos: list[ModelInfo]) -> list[str]:
    return sorted({i.pair for i in infos})


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def model_card(path: str, stamp: float) -> str | None:
    """The checkpoint's README.md (`python -m s2s card`) without its front matter; None if absent."""
    try:
        return card_mod.body((Path(path) / card_mod.README).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


@st.cache_resource(max_entries=32, show_spinner=False)
def load_checkpoint(path: str, stamp: float) -> ck.Checkpoint:
    return ck.load(Path(path), name=Path(path).name)


def load(info: ModelInfo) -> tuple[ck.Checkpoint | None, CheckpointError | None]:
    try:
        return load_checkpoint(info.path, info.stamp), None
    except CheckpointError as exc:
        return None, exc


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def translate(path: str, stamp: float, text: str, beam: int, lp: float) -> translate_mod.Translation:
    """Translation of `text` (raises InputError for bad input; errors are not cached)."""
    return translate_mod.translate(load_checkpoint(path, stamp), text, beam=beam, length_penalty=lp)


def try_translate(info: ModelInfo, text: str, beam: int, lp: float):
    """(Translation, None) or (None, the CheckpointError or InputError that stopped it)."""
    _, error = load(info)
    if error is not None:
        return None, error
    try:
        return translate(info.path, info.stamp, text, beam, lp), None
    except (InputError, CheckpointError) as exc:
        return None, exc


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def trace(path: str, stamp: float, text: str, prefix: tuple[int, ...], top_k: int = 5) -> trace_mod.Trace:
    """Step trace of `text` with a forced target prefix, then greedy continuation."""
    return trace_mod.trace(load_checkpoint(path, stamp), text, prefix=list(prefix), top_k=top_k)


@st.cache_data(max_entries=1024, ttl=3600, show_spinner=False)
def decode(path: str, stamp: float, ids: tuple[int, ...]) -> str:
    """Text of target ids (the tokenizer of that checkpoint)."""
    return load_checkpoint(path, stamp).tokenizer.decode(list(ids))
