"""Word embeddings of a checkpoint: its one joint embedding matrix E [V, E_dim], shared by the
encoder input, the decoder input and the tied output layer (s2s/model.py).

- A word's vector: the word is tokenized as the encoder would see it (SentencePiece, "▁" marks
  the word start); a word of several pieces gets the MEAN of its pieces' rows of E (raw rows,
  not unit vectors). <unk> pieces are left out of the mean (their row is no word's), and so is
  a bare "▁" (SentencePiece's word start before a piece it cannot glue to it, e.g. "<unk>"); a
  word of nothing else has no vector and is refused with InputError.
- Neighbours: cosine similarity cos(u, v) = u·v / (‖u‖‖v‖) of that vector with every piece's
  row, best first, leaving out the word's own pieces and the special pieces (<pad> <unk> <s>
  </s>); optionally only the pieces of one language (s2s/piece_languages.py for the rule).
- Translation pairs: cos(word, translation) and the translation's rank among the word's
  neighbours = 1 + the number of pieces (same exclusions) closer to the word than the
  translation's vector is. Rank 1 = nothing in the vocabulary is closer.
- A word list: its cosine matrix and a 2-D PCA map (s2s/projection.py).
- One-hot facts: what a one-hot code of the same vocabulary would cost and say.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checkpoint import Checkpoint
from .errors import InputError
from .piece_languages import PieceLanguages
from .projection import cosine_matrix, project
from .text import WORD_START, clean_text
from .tokenizer import SPECIAL_PIECES

MAX_WORD_CHARS = 60
MAX_WORDS = 40  # words in one typed list
MAX_K = 100


@dataclass(frozen=True)
class Embedding:
    """A checkpoint's embedding matrix with its tokenizer: what every function here reads."""

    matrix: np.ndarray  # [V, D] float32, the rows of E
    unit: np.ndarray  # [V, D] rows scaled to length 1 (a zero row stays zero)
    tokenizer: object  # s2s.tokenizer.Tokenizer

    @property
    def vocab_size(self) -> int:
        return self.matrix.shape[0]

    @property
    def dim(self) -> int:
        return self.matrix.shape[1]


@dataclass(frozen=True)
class WordVector:
    word: str  # as typed, normalised
    pieces: list[str]  # every piece of the word, <unk> included
    ids: list[int]  # the ids averaged (no <unk>)
    vector: np.ndarray  # [D] mean of those rows
    unk: int  # how many <unk> pieces were left out


def embedding(ckpt: Checkpoint) -> Embedding:
    """The embedding matrix E of a checkpoint (fp32 rows, never quantised)."""
    m = ckpt.model.embed.weight.detach().float().cpu().numpy().astype(np.float32)  # [V, D]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    unit = np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)
    return Embedding(m, unit, ckpt.tokenizer)


def word_vector(emb: Embedding, word: str) -> WordVector:
    """The vector of a typed word (mean of its pieces' rows). InputError: empty, too long, only <unk>."""
    clean = clean_text(word)
    if len(clean) > MAX_WORD_CHARS:
        raise InputError(f"word is too long: {len(clean)} characters (limit {MAX_WORD_CHARS})")
    ids = emb.tokenizer.encode(clean)
    pieces = emb.tokenizer.pieces(ids)
    known = [i for i, p in zip(ids, pieces) if i not in SPECIAL_PIECES and p != WORD_START]
    if not known:
        raise InputError(f"{clean!r} is only unknown pieces (<unk>): the vocabulary has no vector for it")
    return WordVector(clean, pieces, known, emb.matrix[known].mean(axis=0), pieces.count("<unk>"))


def similarities(emb: Embedding, vector: np.ndarray) -> np.ndarray:
    """Cosine of `vector` [D] with every row of E -> [V] in [-1, 1] (0 for a zero vector)."""
    norm = float(np.linalg.norm(vector))
    if norm == 0:
        return np.zeros(emb.vocab_size)
    return np.clip(emb.unit @ (np.asarray(vector, dtype=np.float64) / norm), -1.0, 1.0)


def candidates(emb: Embedding, exclude=(), langs: PieceLanguages | None = None, lang: str | None = None) -> np.ndarray:
    """[V] bool: pieces a neighbour may be (no specials, none of `exclude`, only `lang` if given)."""
    ok = np.ones(emb.vocab_size, dtype=bool)
    ok[list(SPECIAL_PIECES)] = False
    ok[list(exclude)] = False
    if lang is not None:
        if langs is None:
            raise ValueError("a language restriction needs the piece languages")
        ok &= langs.mask(lang)
    return ok


def neighbours(emb: Embedding, word: str, k: int = 10, langs: PieceLanguages | None = None,
               lang: str | None = None) -> dict:
    """{"word", "pieces", "unk", "neighbours": [{"piece", "cosine", "lang"?}, ...]} best first;
    the word's own pieces are left out."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InputError(f"k must be an integer from 1 to {MAX_K}, got {k!r}")
    wv = word_vector(emb, word)
    cos = similarities(emb, wv.vector)
    ok = candidates(emb, wv.ids, langs, lang)
    idx = np.flatnonzero(ok)
    top = idx[np.argsort(-cos[idx], kind="stable")[:k]]
    rows = []
    for i in top:
        row = {"piece": emb.tokenizer.id_to_piece(int(i)), "cosine": round(float(cos[i]), 4)}
        if langs is not None:
            row["lang"] = str(langs.labels[i])
        rows.append(row)
    return {"word": wv.word, "pieces": wv.pieces, "unk": wv.unk, "neighbours": rows}


def pair_rank(emb: Embedding, word: str, translation: str) -> dict:
    """cos(word, translation) and the translation's rank among the word's neighbours (both ways)."""
    a, b = word_vector(emb, word), word_vector(emb, translation)
    out = {"word": a.word, "translation": b.word, "pieces": a.pieces, "translation_pieces": b.pieces}
    cos_ab = float(np.clip(cosine_matrix(np.stack([a.vector, b.vector]))[0, 1], -1, 1))
    out["cosine"] = round(cos_ab, 4)
    for key, x, y in (("rank", a, b), ("rank_back", b, a)):
        cos = similarities(emb, x.vector)
        ok = candidates(emb, set(x.ids) | set(y.ids))
        out[key] = 1 + int((cos[ok] > cos_ab).sum())
    out["of"] = int(candidates(emb).sum())
    return out


def word_list(emb: Embedding, words) -> tuple[list[WordVector], list[tuple[str, str]]]:
    """Vectors of the distinct words of a list, and (word, why) for each one refused."""
    vecs, refused, seen = [], [], set()
    for w in words:
        try:
            wv = word_vector(emb, w)
        except InputError as exc:
            refused.append((str(w), str(exc)))
            continue
        if wv.word not in seen:
            seen.add(wv.word)
            vecs.append(wv)
    return vecs, refused


def split_words(text: str, limit: int = MAX_WORDS) -> tuple[list[str], bool]:
    """A typed list (commas or new lines between words) -> (words, truncated)."""
    words = [w.strip() for line in str(text).splitlines() for w in line.split(",") if w.strip()]
    return words[:limit], len(words) > limit


def map_and_matrix(vectors: list[WordVector]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(PCA coordinates [N, 2], explained variance [2], cosine matrix [N, N]) of a word list.
    ValueError when there are fewer than 2 distinct vectors."""
    x = np.stack([v.vector for v in vectors]).astype(float)  # [N, D]
    coords, pca = project(x, 2)
    return coords, pca.explained, cosine_matrix(x)


def one_hot_facts(emb: Embedding, model_parameters: int, pair: tuple[str, str] = ("dog", "cat")) -> dict:
    """A one-hot code of this vocabulary against the model's dense embedding, in numbers; with the
    two words of `pair`: their cosine as one-hot codes of their pieces (0 unless they share a piece)
    and as dense vectors."""
    v, d = emb.vocab_size, emb.dim
    facts = {
        "vocab_size": v, "dim": d, "one_hot_zero_share": 1 - 1 / v,
        "dense_parameters": v * d, "one_hot_matrix_entries": v * v,
        "model_parameters": int(model_parameters), "embedding_share": v * d / model_parameters,
    }
    try:
        a, b = (word_vector(emb, w) for w in pair)
    except InputError:
        return facts
    hot = np.zeros((2, v))  # the words' one-hot codes (a word of several pieces: the mean of its pieces')
    for row, wv in enumerate((a, b)):
        np.add.at(hot[row], wv.ids, 1.0 / len(wv.ids))
    facts.update(pair=(a.word, b.word), one_hot_cosine=float(cosine_matrix(hot)[0, 1]),
                 dense_cosine=float(cosine_matrix(np.stack([a.vector, b.vector]))[0, 1]))
    return facts


def word_language(langs: PieceLanguages, wv: WordVector) -> str:
    """"eng"/"spa" when every piece of the word has that label, else "mixed" (or the one other label)."""
    labels = {str(langs.labels[i]) for i in wv.ids}
    return labels.pop() if len(labels) == 1 else "mixed"


# presets of the embeddings page and the docs' measurements: word lists in both languages, pairs
WORD_LISTS = {
    "family": ["mother", "father", "sister", "brother", "son", "daughter",
               "madre", "padre", "hermana", "hermano", "hijo", "hija"],
    "numbers": ["one", "two", "three", "four", "five", "uno", "dos", "tres", "cuatro", "cinco"],
    "days": ["Monday", "Tuesday", "Friday", "Sunday", "lunes", "martes", "viernes", "domingo"],
    "animals": ["dog", "cat", "horse", "bird", "fish", "perro", "gato", "caballo", "pájaro", "pez"],
}
PAIRS = [("dog", "perro"), ("cat", "gato"), ("mother", "madre"), ("father", "padre"), ("Monday", "lunes"),
         ("house", "casa"), ("water", "agua"), ("book", "libro"), ("two", "dos"), ("red", "rojo")]


def parse_pairs(text: str, limit: int = MAX_WORDS) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """Lines "word = translation" -> (pairs, [(1-based line, the line) for lines without one '='])."""
    pairs, bad = [], []
    for number, line in enumerate(str(text).splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("=")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            bad.append((number, line.strip()[:80]))
            continue
        pairs.append((parts[0].strip(), parts[1].strip()))
    return pairs[:limit], bad
