"""One joint SentencePiece (unigram) subword model for both languages of a pair.

Ids 0–3 are fixed: ``<pad>`` 0, ``<unk>`` 1, ``<s>`` 2, ``</s>`` 3. :class:`Tokenizer` is
read-only after it is built, so one instance may be shared between threads (e.g. through
Streamlit's ``st.cache_resource``).
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Iterable, Sequence

import sentencepiece as spm

from s2s.errors import TokenizerMismatch

PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3
SPECIAL_PIECES = {PAD_ID: "<pad>", UNK_ID: "<unk>", BOS_ID: "<s>", EOS_ID: "</s>"}


def train_tokenizer(texts: Iterable[str], model_path: Path, vocab_size: int = 8000,
                    seed: int = 0, num_threads: int = 2) -> Path:
    """Train a unigram SentencePiece model on ``texts`` and write it to ``model_path``.

    The input is made deterministic (unique non-empty sentences, sorted) and the library's
    random generator is seeded with ``seed``, so the same texts give byte-identical model
    files. Only the ``.model`` file is written (no ``.vocab``).
    Returns ``model_path``.
    """
    model_path = Path(model_path)
    sentences = sorted({t.replace("\n", " ") for t in texts if t and t.strip()})
    if not sentences:
        raise ValueError("cannot train a tokenizer on no text")
    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    # Sentences come from an iterator, not a temp file: a file's (random) temp path would be
    # recorded in the model's trainer_spec and make the model bytes differ run to run.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=model, model_type="unigram",
        vocab_size=vocab_size, character_coverage=0.9999,
        normalization_rule_name="nmt_nfkc", num_threads=num_threads,
        input_sentence_size=0, shuffle_input_sentence=False,
        pad_id=PAD_ID, unk_id=UNK_ID, bos_id=BOS_ID, eos_id=EOS_ID,
        pad_piece="<pad>", unk_piece="<unk>", bos_piece="<s>", eos_piece="</s>",
        minloglevel=2)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = model_path.with_name(model_path.name + ".tmp")
    tmp_path.write_bytes(model.getvalue())
    os.replace(tmp_path, model_path)
    return model_path


class Tokenizer:
    """A loaded SentencePiece model: text ↔ ids ↔ pieces. Read-only, thread-safe to share."""

    def __init__(self, model: bytes, path: Path | None = None) -> None:
        """Build from the model file's bytes; ``path`` is only kept for messages and display."""
        where = str(path) if path is not None else "<bytes>"
        self.path: Path | None = Path(path) if path is not None else None
        self.sha256: str = hashlib.sha256(model).hexdigest()
        try:
            sp = spm.SentencePieceProcessor(model_proto=model)
        except Exception as exc:  # sentencepiece raises RuntimeError / OSError variants
            raise TokenizerMismatch(f"not a valid SentencePiece model: {where} ({exc})") from exc
        if sp.get_piece_size() <= max(SPECIAL_PIECES):
            raise TokenizerMismatch(f"SentencePiece model too small: {where}")
        for i, piece in SPECIAL_PIECES.items():
            if sp.id_to_piece(i) != piece:
                raise TokenizerMismatch(f"tokenizer {where}: id {i} is "
                                        f"{sp.id_to_piece(i)!r}, expected {piece!r}")
        self._sp = sp
        self.vocab_size: int = sp.get_piece_size()
        self.pad_id, self.unk_id, self.bos_id, self.eos_id = PAD_ID, UNK_ID, BOS_ID, EOS_ID
        self._skip = frozenset({PAD_ID, BOS_ID, EOS_ID})

    @classmethod
    def load(cls, path: Path) -> "Tokenizer":
        """Load a ``.model`` file; raises :class:`TokenizerMismatch` when it is not one."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TokenizerMismatch(f"cannot read tokenizer file {path}: {exc}") from exc
        return cls(data, path=path)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (no ``<s>`` / ``</s>`` added)."""
        return list(self._sp.encode(text, out_type=int))

    def pieces(self, ids: Sequence[int]) -> list[str]:
        """The subword piece of each id (``▁`` marks a word start)."""
        return [self._sp.id_to_piece(int(i)) for i in ids]

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids``, skipping pad, bos and eos ids."""
        return self._sp.decode([int(i) for i in ids if int(i) not in self._skip])

    def id_to_piece(self, i: int) -> str:
        """The piece of one id."""
        if not 0 <= int(i) < self.vocab_size:
            raise IndexError(f"token id {i} outside 0..{self.vocab_size - 1}")
        return self._sp.id_to_piece(int(i))

    def piece_to_id(self, piece: str) -> int:
        """The id of one piece (``unk_id`` when it is not in the vocabulary)."""
        return self._sp.piece_to_id(piece)

    def __repr__(self) -> str:
        return (f"Tokenizer(vocab_size={self.vocab_size}, path={self.path}, "
                f"sha256={self.sha256[:12]})")
