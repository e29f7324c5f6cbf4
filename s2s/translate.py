"""One call from text to a full record: checked input, search, every hypothesis, the tree.

Interventions (s2s/intervene.py): `block` source pieces from attention, `remove` them from the
encoder's input (replaced by <unk>), `override` one step's attention.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .checkpoint import Checkpoint
from .intervene import Override, check_remove, removed_ids
from .search import Hypothesis, TreeNode, beam_search, greedy_search
from .text import MAX_PIECES, check_beam, clean_text, max_output_len, pieces_to_words
from .errors import InputError


@dataclass
class Translation:
    source: str  # the normalised input text
    source_ids: list[int]  # ending in </s>
    source_pieces: list[str]
    unk_count: int  # source pieces no vocabulary entry covers
    beam: int
    length_penalty: float
    max_len: int
    hypotheses: list[Hypothesis]  # best first
    tree: list[TreeNode]
    seconds: float
    blocked: tuple[int, ...] = ()  # source positions blocked from attention at every step
    removed: tuple[int, ...] = ()  # source positions replaced by <unk> (source_ids/pieces show <unk>)
    override: Override | None = None

    @property
    def best(self) -> Hypothesis:
        return self.hypotheses[0]

    @property
    def source_words(self) -> tuple[list[str], list[int]]:
        return pieces_to_words(self.source_pieces)

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "source_tokens": self.source_pieces,
            "unk_count": self.unk_count,
            "beam": self.beam,
            "hypotheses": [
                {
                    "text": h.text,
                    "tokens": h.pieces,
                    "score": h.score,
                    "norm_score": h.norm_score,
                    "finished": h.finished,
                    "attention": None if h.attention is None else h.attention.round(5).tolist(),
                }
                for h in self.hypotheses
            ],
            **({"blocked": list(self.blocked)} if self.blocked else {}),
            **({"removed": list(self.removed)} if self.removed else {}),
            **({"override": {"step": self.override.step, "weights": list(self.override.weights)}}
               if self.override else {}),
        }


def encode_source(ckpt: Checkpoint, text: str) -> tuple[str, list[int]]:
    """Check and encode `text`: (normalised text, ids ending in </s>). Raises InputError."""
    clean = clean_text(text)
    ids = ckpt.tokenizer.encode(clean)
    if not ids:
        raise InputError("text has nothing to translate")
    if len(ids) > MAX_PIECES:
        raise InputError(f"text is too long: {len(ids)} pieces (limit {MAX_PIECES})")
    return clean, ids + [ckpt.tokenizer.eos_id]


def translate(
    ckpt: Checkpoint, text: str, beam: int = 1, length_penalty: float = 1.0, max_len: int | None = None,
    block=(), remove=(), override: Override | None = None,
) -> Translation:
    """Translate `text` with greedy (beam 1) or beam search. Raises InputError for bad input."""
    check_beam(beam)
    start = time.perf_counter()
    clean, ids = encode_source(ckpt, text)
    unk_count = sum(i == ckpt.tokenizer.unk_id for i in ids)
    remove = check_remove(remove, len(ids))
    ids = removed_ids(ids, remove, ckpt.tokenizer.unk_id)
    bound = max_output_len(len(ids), max_len)
    where = dict(block=tuple(block or ()), override=override)
    if beam == 1:
        out = greedy_search(ckpt.model, ckpt.tokenizer, ids, bound, length_penalty, **where)
    else:
        out = beam_search(ckpt.model, ckpt.tokenizer, ids, beam, bound, length_penalty, **where)
    return Translation(
        source=clean,
        source_ids=ids,
        source_pieces=ckpt.tokenizer.pieces(ids),
        unk_count=unk_count,
        beam=beam,
        length_penalty=length_penalty,
        max_len=bound,
        hypotheses=out.hypotheses,
        tree=out.tree,
        seconds=time.perf_counter() - start,
        blocked=tuple(int(i) for i in where["block"]),
        removed=remove,
        override=override,
    )
