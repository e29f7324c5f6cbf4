"""Which language each piece of the joint vocabulary belongs to, from how the training data uses it.

The two languages share one SentencePiece vocabulary (and one embedding matrix), so a piece has
no language of its own. The rule: tokenize the English and the Spanish side of the train split,
count each piece's occurrences on each side (n_eng, n_spa) and label it

- "eng"  when n_eng + n_spa >= MIN_COUNT and n_eng >= SHARE * (n_eng + n_spa),
- "spa"  when n_eng + n_spa >= MIN_COUNT and n_spa >= SHARE * (n_eng + n_spa),
- "both" when it is seen at least MIN_COUNT times but neither side has SHARE of its uses
  ("▁Tom", ".", "s", "▁Boston"),
- "unknown" when it is seen fewer than MIN_COUNT times, "special" for <pad> <unk> <s> </s>.

The train split lives in the corpus cache, which the app must not need, so the table is built
once and committed next to the tokenizer (data/eng-spa/piece_languages.tsv) with the command

    python -m s2s piece-languages            # rebuild from the train split in the cache

The file records the SHA-256 of the tokenizer it was counted with. For any other tokenizer
`piece_languages` counts the committed dev and test splits instead (a fraction of a second).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import DATA_ROOT, PAIR, SPLITS, _split_path, read_split_file
from .tokenizer import SPECIAL_PIECES, Tokenizer

SHARE = 0.8  # a side needs 80 % of a piece's uses (4 to 1) to own it
MIN_COUNT = 5
LABELS = ("eng", "spa", "both", "unknown", "special")
TABLE = DATA_ROOT / PAIR / "piece_languages.tsv"


@dataclass(frozen=True)
class PieceLanguages:
    labels: np.ndarray  # [V] str, one of LABELS
    eng: np.ndarray  # [V] int, uses on the English side
    spa: np.ndarray  # [V] int, uses on the Spanish side
    source: str  # what was counted, e.g. "train split (135964 pairs)"

    def mask(self, lang: str) -> np.ndarray:
        """[V] bool: the pieces labelled `lang` ("eng" or "spa")."""
        if lang not in ("eng", "spa"):
            raise ValueError(f"language must be 'eng' or 'spa', got {lang!r}")
        return self.labels == lang


def label(eng: np.ndarray, spa: np.ndarray) -> np.ndarray:
    """The rule of the module docstring on count arrays [V] -> labels [V] (specials not marked)."""
    eng, spa = np.asarray(eng, dtype=np.int64), np.asarray(spa, dtype=np.int64)
    total = eng + spa
    out = np.full(eng.shape, "both", dtype=object)
    seen = total >= MIN_COUNT
    out[seen & (eng >= SHARE * total)] = "eng"
    out[seen & (spa >= SHARE * total)] = "spa"
    out[~seen] = "unknown"
    return out


def count(tokenizer: Tokenizer, eng_texts, spa_texts) -> tuple[np.ndarray, np.ndarray]:
    """Occurrences of each piece id on each side: ([V], [V]) int arrays."""
    counts = []
    for texts in (eng_texts, spa_texts):
        c: Counter = Counter()
        for text in texts:
            c.update(tokenizer.encode(text))
        arr = np.zeros(tokenizer.vocab_size, dtype=np.int64)
        for i, n in c.items():
            arr[i] = n
        counts.append(arr)
    return counts[0], counts[1]


def from_counts(eng: np.ndarray, spa: np.ndarray, source: str) -> PieceLanguages:
    labels = label(eng, spa)
    for i in SPECIAL_PIECES:
        labels[i] = "special"
    return PieceLanguages(labels, np.asarray(eng), np.asarray(spa), source)


def from_splits(tokenizer: Tokenizer, splits=("dev", "test"), data_root: Path = DATA_ROOT,
                cache: Path | None = None) -> PieceLanguages:
    """Count the given splits (train is read from the cache; dev and test are committed)."""
    eng, spa, rows = [], [], 0
    for split in splits:
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}")
        df = read_split_file(_split_path(split, data_root, cache))
        eng += df["eng"].tolist()
        spa += df["spa"].tolist()
        rows += len(df)
    e, s = count(tokenizer, eng, spa)
    return from_counts(e, s, f"{'+'.join(splits)} split{'s' if len(splits) > 1 else ''} ({rows} pairs)")


def write_table(langs: PieceLanguages, tokenizer: Tokenizer, path: Path = TABLE) -> Path:
    """One line per piece id: id, eng count, spa count, label, piece; '#' lines say what it is."""
    lines = [f"# tokenizer_sha256\t{tokenizer.sha256}", f"# counted\t{langs.source}",
             f"# rule\tshare {SHARE}, min count {MIN_COUNT} (s2s/piece_languages.py)", "id\teng\tspa\tlabel\tpiece"]
    for i in range(tokenizer.vocab_size):
        lines.append(f"{i}\t{langs.eng[i]}\t{langs.spa[i]}\t{langs.labels[i]}\t{tokenizer.id_to_piece(i)}")
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_table(path: Path, tokenizer: Tokenizer) -> PieceLanguages | None:
    """The committed table when it was counted with this tokenizer, else None. The labels are
    recomputed from the stored counts, so the file and the rule cannot disagree."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    meta = dict(line[2:].split("\t", 1) for line in lines if line.startswith("# ") and "\t" in line)
    if meta.get("tokenizer_sha256") != tokenizer.sha256:
        return None
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")][1:]
    eng = np.zeros(tokenizer.vocab_size, dtype=np.int64)
    spa = np.zeros(tokenizer.vocab_size, dtype=np.int64)
    for row in rows:
        i = int(row[0])
        eng[i], spa[i] = int(row[1]), int(row[2])
    return from_counts(eng, spa, meta.get("counted", str(path)))


def piece_languages(tokenizer: Tokenizer, table: Path = TABLE, data_root: Path = DATA_ROOT) -> PieceLanguages:
    """The committed table for this tokenizer, else counts over the committed dev+test splits."""
    return read_table(table, tokenizer) or from_splits(tokenizer, ("dev", "test"), data_root)


def build(tokenizer_path: Path = DATA_ROOT / PAIR / "spm8000.model", out: Path = TABLE,
          cache: Path | None = None) -> PieceLanguages:
    """`python -m s2s piece-languages`: count the train split (corpus cache) and write the table."""
    tokenizer = Tokenizer.load(tokenizer_path)
    langs = from_splits(tokenizer, ("train",), cache=cache)
    write_table(langs, tokenizer, out)
    return langs
