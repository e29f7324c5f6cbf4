"""Input checks and piece/word bookkeeping: the one place that decides what text is accepted.

Limits (documented in the README):
- MAX_CHARS characters of text after normalisation,
- MAX_PIECES SentencePiece pieces in the source,
- MAX_BEAM hypotheses in beam search,
- MAX_OUTPUT pieces in any output; each output is also bounded by 2 x source + 10.
"""

from __future__ import annotations

import unicodedata

from .corpus import normalize
from .errors import InputError

MAX_CHARS = 1000
MAX_PIECES = 200
MAX_BEAM = 16
MAX_OUTPUT = 250
WORD_START = "\u2581"  # SentencePiece's word-boundary mark


def clean_text(text: object) -> str:
    """Normalise `text` (NFC, single spaces) or raise InputError saying what is wrong with it."""
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    if len(text) > 20 * MAX_CHARS:  # refuse huge input before any work on it
        raise InputError(f"text is too long: {len(text)} characters (limit {MAX_CHARS})")
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cs":
            raise InputError(f"text contains an unpaired surrogate U+{ord(ch):04X}")
        if cat == "Cc" and not ch.isspace():
            raise InputError(f"text contains a control character U+{ord(ch):04X}")
    clean = normalize(text)
    if not clean:
        raise InputError("text is empty")
    if len(clean) > MAX_CHARS:
        raise InputError(f"text is too long: {len(clean)} characters (limit {MAX_CHARS})")
    return clean


def check_beam(beam: int) -> int:
    if isinstance(beam, bool) or not isinstance(beam, int) or not 1 <= beam <= MAX_BEAM:
        raise InputError(f"beam size must be an integer from 1 to {MAX_BEAM}, got {beam!r}")
    return beam


def max_output_len(source_len: int, limit: int | None = None) -> int:
    """Bound on output pieces (incl. </s>) for a source of `source_len` pieces: decoding always ends."""
    bound = min(MAX_OUTPUT, 2 * source_len + 10)
    return bound if limit is None else max(1, min(bound, limit))


def pieces_to_words(pieces: list[str]) -> tuple[list[str], list[int]]:
    """Merge SentencePiece pieces into words.

    A piece that starts with "▁" starts a new word; any other piece continues the current
    word. Special pieces such as "</s>" or "<unk>" form a word of their own: the piece after
    one starts a new word. A bare "▁" (SentencePiece's word start before a piece it cannot
    glue to it, e.g. "<unk>") opens a word that its next piece fills; if nothing fills it,
    the word is shown as "▁" rather than left empty. Returns the words and, for each piece,
    the index of the word it belongs to.
    """
    words: list[str] = []
    index: list[int] = []
    open_word = False  # the last word was opened by a bare "▁" and is still empty
    after_special = False
    for piece in pieces:
        special = piece.startswith("<") and piece.endswith(">") and len(piece) > 2
        if special:
            if open_word:
                words[-1] = piece  # the bare "▁" before it belongs to this word
            else:
                words.append(piece)
        elif piece.startswith(WORD_START) or not words or after_special:
            words.append(piece.lstrip(WORD_START))
        else:
            words[-1] += piece
        open_word = piece == WORD_START
        after_special = special
        index.append(len(words) - 1)
    return [w or WORD_START for w in words], index
