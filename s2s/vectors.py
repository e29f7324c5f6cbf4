"""Context vectors for the context-vector page.

- `context_vectors(ckpt, texts)`: the encoder's final state Memory.final of each sentence,
  [N, M]: the vanilla model's one fixed context vector (for an attention model the same
  vector only initialises the decoder).
- `attention_contexts(translation)`: the best hypothesis's per-step context vectors
  c_t = sum_j a_tj h_j, [T, M]: they live in the same encoder-state space (size M).
- `sentence_set(text)`: one sentence per line, checked like every other input; a blank line
  starts a new group (sentences meant to say the same thing), for s2s/groups.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .checkpoint import Checkpoint
from .errors import InputError
from .text import clean_text
from .translate import Translation, encode_source

MAX_SENTENCES = 40  # typed sentences per set


@torch.inference_mode()
def context_vectors(ckpt: Checkpoint, texts: list[str]) -> np.ndarray:
    """Encoder final state of each text: [N, M] float array. Raises InputError for a bad text
    (same checks and limits as translation) naming its position.

    One sentence at a time, exactly as translation encodes it (the int8 decoding weights
    quantise each input on the fly, so a padded batch would give slightly other vectors).
    """
    model = ckpt.model
    encoded = []
    for i, text in enumerate(texts):
        try:
            encoded.append(encode_source(ckpt, text)[1])
        except InputError as exc:
            raise InputError(f"sentence {i + 1}: {exc}") from None
    out = np.zeros((len(encoded), model.cfg.memory_dim), dtype=np.float32)
    for row, ids in enumerate(encoded):
        out[row] = model.encode(torch.tensor([ids]), torch.tensor([len(ids)])).final[0].numpy()  # [M]
    return out


def attention_contexts(translation: Translation) -> np.ndarray:
    """Per-step context vectors of the best hypothesis, [T, M] (vanilla: T copies of one vector)."""
    return np.asarray(translation.best.contexts, dtype=float)


@dataclass
class SentenceSet:
    texts: list[str]  # distinct, normalised, in first-seen order
    counts: dict[str, int] = field(default_factory=dict)  # how often each text was typed
    errors: list[tuple[int, str]] = field(default_factory=list)  # (1-based line, why refused)
    truncated: bool = False  # more than MAX_SENTENCES lines: the rest were dropped
    groups: list[int] = field(default_factory=list)  # per text: its group, 0, 1, ... (blank lines part them)

    @property
    def duplicates(self) -> dict[str, int]:
        return {s: n for s, n in self.counts.items() if n > 1}


def sentence_set(text: str, max_sentences: int = MAX_SENTENCES) -> SentenceSet:
    """Split typed text into sentences (one per non-empty line). A line that clean_text refuses
    is reported in `errors` and left out; duplicates (after normalisation) are counted and keep
    the group of their first line. One or more blank lines start a new group; groups are numbered
    0, 1, ... in order, counting only groups that kept a sentence."""
    out = SentenceSet([])
    lines, group = [], 0
    for i, line in enumerate(str(text).splitlines()):
        if line.strip():
            lines.append((i + 1, line, group))
        elif lines and lines[-1][2] == group:
            group += 1
    if len(lines) > max_sentences:
        lines, out.truncated = lines[:max_sentences], True
    raw_groups = []
    for number, line, g in lines:
        try:
            clean = clean_text(line)
        except InputError as exc:
            out.errors.append((number, str(exc)))
            continue
        if clean not in out.counts:
            out.texts.append(clean)
            raw_groups.append(g)
        out.counts[clean] = out.counts.get(clean, 0) + 1
    renumber = {g: n for n, g in enumerate(dict.fromkeys(raw_groups))}
    out.groups = [renumber[g] for g in raw_groups]
    return out
