"""The corpus's splits: split leak-free, write and read the split files, load examples.

:func:`prepare` fetches the corpus (:mod:`s2s.corpus`), splits it and writes the small dev/test
splits and the tokenizer under ``data/eng-spa/`` (committed) and the train split into the cache.

Split files are TSV with a header row, UTF-8, ``\\n`` line ends, no quoting and no escapes (the
normalised text holds no tabs or newlines); read them with :func:`read_split_file`, or with
``pandas.read_csv(path, sep="\\t", quoting=csv.QUOTE_NONE, keep_default_na=False)``.
Nothing here runs at import time.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from s2s.corpus import (COLUMNS, CORPUS_SHA256, PAIR, WHEEL_MEMBER, WHEEL_REQUIREMENT, CorpusError, cache_dir,
                        fetch_corpus, read_corpus, sha256_bytes, write_atomic)
from s2s import paths
from s2s.errors import S2SError

if TYPE_CHECKING:  # imported where used: the app's pages need no pandas to translate
    import pandas as pd

LANGS = ("eng", "spa")
SPLITS = ("train", "dev", "test")
TEST_PARTS = ("random", "long")
SPLIT_SALT = "attention-lab/eng-spa/split/v1"  # changing it reshuffles every split
DATA_ROOT = paths.DATA_ROOT  # data/ in a clone, s2s/_bundle/data installed
LENGTH_BUCKETS = ("1-5", "6-10", "11-15", "16-20", "21+")


class SplitMissing(S2SError, FileNotFoundError):
    """A split file is not there (the train split lives in the cache: run ``prepare``)."""


@dataclass(frozen=True)
class Example:
    """One distinct source sentence with all its reference translations, in corpus order."""

    source: str
    references: tuple[str, ...]
    part: str  # "random" or "long" in test; the split name ("train", "dev") elsewhere


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


def length_bucket(n_words: int) -> str:
    """The :data:`LENGTH_BUCKETS` label of a sentence with ``n_words`` words."""
    for label, top in zip(LENGTH_BUCKETS, (5, 10, 15, 20)):
        if n_words <= top:
            return label
    return LENGTH_BUCKETS[-1]


def component_ids(df: pd.DataFrame) -> list[int]:
    """Connected component of each row in the bipartite graph English ↔ Spanish sentence.

    Two rows share a component when they are linked by a chain of shared English or shared
    Spanish sentences (union-find). Component ids are small ints, numbered by first row.
    """
    parent: list[int] = []
    node: dict[tuple[str, str], int] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def ident(key: tuple[str, str]) -> int:
        if key not in node:
            node[key] = len(parent)
            parent.append(len(parent))
        return node[key]

    row_nodes = []
    for eng, spa in zip(df["eng"], df["spa"]):
        a, b = find(ident(("eng", eng))), find(ident(("spa", spa)))
        if a != b:
            parent[max(a, b)] = min(a, b)
        row_nodes.append(a)
    label: dict[int, int] = {}
    return [label.setdefault(find(n), len(label)) for n in row_nodes]


def split_corpus(df: pd.DataFrame, *, test_sources: int = 2000, dev_sources: int = 2000,
                 long_16_20: int = 110, long_21: int = 55, max_component_rows: int = 40,
                 salt: str = SPLIT_SALT) -> dict[str, pd.DataFrame]:
    """Split into train/dev/test, deterministic and leak-free in both directions.

    Rows are grouped into connected components (:func:`component_ids`), so every English
    and every Spanish sentence lies in one split only. Components are ordered by
    sha256(salt + their smallest English sentence). Test part "random" takes components in
    that order until ``test_sources`` distinct English sources; dev takes the next ones until
    ``dev_sources`` sources (so both follow the corpus's length distribution). Test part
    "long" then adds, in the same order among the rest, only components with a still-needed
    long source until the whole test split has ``long_16_20`` sources of 16–20 words and
    ``long_21`` of 21+. Components over ``max_component_rows`` rows and all the rest go to
    train. Frames keep corpus order; test has a ``part`` column.
    """
    comp = component_ids(df)
    rows: dict[int, list[int]] = {}
    for row, c in enumerate(comp):
        rows.setdefault(c, []).append(row)
    eng = df["eng"].tolist()
    sources = {c: sorted({eng[r] for r in rs}) for c, rs in rows.items()}
    digest = {c: sha256_bytes(f"{salt}\n{src[0]}".encode("utf-8"))
              for c, src in sources.items()}
    order = sorted(rows, key=digest.__getitem__)
    assigned = {c: "train" for c in rows if len(rows[c]) > max_component_rows}

    def take(target: int, label: str) -> None:
        n = 0
        for c in order:
            if n >= target:
                return
            if c not in assigned:
                assigned[c], n = label, n + len(sources[c])

    take(test_sources, "random")
    take(dev_sources, "dev")  # before the long supplement, so dev keeps the corpus's lengths
    need = {"16-20": long_16_20, "21+": long_21}
    buckets = {c: [length_bucket(word_count(s)) for s in sources[c]] for c in rows}
    have = {b: sum(buckets[c].count(b) for c, lab in assigned.items() if lab == "random")
            for b in need}
    for c in order:
        if all(have[b] >= need[b] for b in need):
            break
        if c not in assigned and any(b in buckets[c] and have[b] < need[b] for b in need):
            assigned[c] = "long"
            have = {b: have[b] + buckets[c].count(b) for b in need}
    frame = df[list(COLUMNS)].assign(part=[assigned.get(c, "train") for c in comp])
    out = {name: frame[frame["part"] == name][list(COLUMNS)].reset_index(drop=True)
           for name in ("train", "dev")}
    out["test"] = frame[frame["part"].isin(TEST_PARTS)].reset_index(drop=True)
    return out


def write_split_file(df: pd.DataFrame, path: Path) -> str:
    """Write a split as TSV (header, no quoting, no escapes); return the file's sha256."""
    cols = list(df.columns)
    lines = ["\t".join(cols)]
    for row in df.itertuples(index=False, name=None):
        if any("\t" in v or "\n" in v or "\r" in v for v in row):
            raise CorpusError(f"refusing to write a tab or newline inside a field: {row!r}")
        lines.append("\t".join(row))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    write_atomic(Path(path), data)
    return sha256_bytes(data)


def read_split_file(path: Path) -> pd.DataFrame:
    """Read a split TSV written by :func:`write_split_file` (all columns as str)."""
    path = Path(path)
    if not path.is_file():
        raise SplitMissing(f"split file not found: {path}")
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    rows = [line.split("\t") for line in lines[1:] if line]
    bad = [i for i, r in enumerate(rows, start=2) if len(r) != len(header)]
    if bad:
        raise CorpusError(f"{path}:{bad[0]}: expected {len(header)} fields")
    import pandas as pd

    return pd.DataFrame(rows, columns=header)


def _counts(df: pd.DataFrame) -> dict:
    eng = df["eng"].drop_duplicates()
    buckets = {b: 0 for b in LENGTH_BUCKETS}
    for s in eng:
        buckets[length_bucket(word_count(s))] += 1
    return {"rows": len(df), "eng_sources": len(eng), "spa_sources": int(df["spa"].nunique()),
            "eng_sources_by_length": buckets}


def prepare(data_root: Path = DATA_ROOT, cache: Path | None = None, vocab_size: int = 8000,
            log: Callable[[str], None] | None = print) -> dict:
    """Fetch, read and split the corpus; write the splits, the tokenizer and ``splits.json``.

    Writes ``data_root/eng-spa/{dev,test}.tsv``, ``cache/eng-spa/train.tsv``,
    ``data_root/eng-spa/spm{vocab_size}.model`` (trained on the train split only) and
    ``data_root/eng-spa/splits.json`` (counts and hashes), and returns that summary.
    Byte-for-byte reproducible.
    """
    from s2s.tokenizer import Tokenizer, train_tokenizer

    say = log or (lambda _msg: None)
    start = time.perf_counter()
    cache = Path(cache) if cache is not None else cache_dir()
    out = Path(data_root) / PAIR
    corpus = fetch_corpus(cache)
    df = read_corpus(corpus)
    say(f"corpus: {len(df)} pairs after normalising and de-duplicating")
    splits = split_corpus(df)
    sizes = Counter(component_ids(df)).values()
    stats = {"components": len(sizes), "largest_component_rows": max(sizes),
             "components_over_40_rows": sum(n > 40 for n in sizes)}
    say(f"components: {stats['components']}, largest {stats['largest_component_rows']} rows, "
        f"{stats['components_over_40_rows']} over 40 rows (sent to train)")
    paths = {"train": cache / PAIR / "train.tsv", "dev": out / "dev.tsv", "test": out / "test.tsv"}
    hashes = {name: write_split_file(splits[name], paths[name]) for name in SPLITS}
    train, test = splits["train"], splits["test"]
    model_path = train_tokenizer(list(train["eng"]) + list(train["spa"]),
                                 out / f"spm{vocab_size}.model", vocab_size=vocab_size)
    tok = Tokenizer.load(model_path)
    summary: dict = {
        "corpus": {"source": f"{WHEEL_REQUIREMENT} {WHEEL_MEMBER}", "sha256": CORPUS_SHA256,
                   "pairs": len(df), "licence": "CC-BY 2.0 (France), tatoeba.org"},
        "split": {"salt": SPLIT_SALT, **stats},
        "splits": {},
        "tokenizer": {"file": model_path.name, "vocab_size": tok.vocab_size,
                      "sha256": tok.sha256, "trained_on": "train (eng + spa)"},
    }
    for name in SPLITS:
        where = f"$S2S_CACHE/{PAIR}/train.tsv" if name == "train" else f"{PAIR}/{name}.tsv"
        summary["splits"][name] = {**_counts(splits[name]), "file": where, "sha256": hashes[name]}
    summary["splits"]["test"]["parts"] = {p: _counts(test[test["part"] == p]) for p in TEST_PARTS}
    by_len = summary["splits"]["test"]["eng_sources_by_length"]
    summary["splits"]["test"]["long_sources"] = {b: by_len[b] for b in ("16-20", "21+")}
    joined = "".join(f"{name}:{hashes[name]}\n" for name in SPLITS)
    summary["split_sha256"] = sha256_bytes(joined.encode("utf-8"))
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    write_atomic(out / "splits.json", text.encode("utf-8"))
    for name in SPLITS:
        c = summary["splits"][name]
        say(f"{name}: {c['rows']} rows, {c['eng_sources']} eng / {c['spa_sources']} spa sources")
    say(f"prepared in {time.perf_counter() - start:.1f}s; split_sha256 {summary['split_sha256']}")
    return summary


def _split_path(split: str, data_root: Path, cache: Path | None) -> Path:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    if split == "train":
        path = (Path(cache) if cache is not None else cache_dir()) / PAIR / "train.tsv"
        if not path.is_file():
            raise SplitMissing(f"the train split is not in the cache ({path}); "
                               "run `python -m s2s prepare` first")
        return path
    return Path(data_root) / PAIR / f"{split}.tsv"


def _check_langs(src_lang: str, tgt_lang: str) -> None:
    if src_lang not in LANGS or tgt_lang not in LANGS or src_lang == tgt_lang:
        raise ValueError(f"unsupported direction {src_lang}->{tgt_lang}; languages are {LANGS}")


def load_pairs(split: str, src_lang: str, tgt_lang: str, data_root: Path = DATA_ROOT,
               cache: Path | None = None) -> list[tuple[str, str]]:
    """All (source, target) pairs of a split, one per row, in file order (for training)."""
    _check_langs(src_lang, tgt_lang)
    df = read_split_file(_split_path(split, data_root, cache))
    return list(zip(df[src_lang].tolist(), df[tgt_lang].tolist()))


def load_split(split: str, src_lang: str, tgt_lang: str, data_root: Path = DATA_ROOT,
               cache: Path | None = None) -> list[Example]:
    """Examples grouped by distinct source sentence (all references kept), first-seen order.

    ``part`` is "random"/"long" for test and the split name for train and dev.
    """
    _check_langs(src_lang, tgt_lang)
    df = read_split_file(_split_path(split, data_root, cache))
    parts = df["part"].tolist() if "part" in df.columns else [split] * len(df)
    grouped: dict[str, tuple[list[str], str]] = {}
    for src, tgt, part in zip(df[src_lang].tolist(), df[tgt_lang].tolist(), parts):
        refs, _ = grouped.setdefault(src, ([], part))
        if tgt not in refs:
            refs.append(tgt)
    return [Example(src, tuple(refs), part) for src, (refs, part) in grouped.items()]
