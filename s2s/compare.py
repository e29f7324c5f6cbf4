"""Where two models differ most on the test split: sentence-level chrF of each model's output.

`read_outputs(path)` reads a checkpoint's test_outputs.tsv (columns source, part, hypothesis,
written by `python -m s2s evaluate`); `largest_differences` scores both models' outputs of
every common source against all its references (sacrebleu.sentence_chrf) and returns the
sentences with the largest difference B - A.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sacrebleu import sentence_chrf

OUTPUTS = "test_outputs.tsv"
DIRECTIONS = ("abs", "b", "a")  # largest |B - A|; where B is better; where A is better


@dataclass(frozen=True)
class Difference:
    source: str
    references: tuple[str, ...]
    hyp_a: str
    hyp_b: str
    chrf_a: float
    chrf_b: float

    @property
    def diff(self) -> float:
        return self.chrf_b - self.chrf_a


def read_outputs(path: Path | str) -> dict[str, str]:
    """source -> hypothesis from a test_outputs.tsv (a file or the checkpoint directory).
    Raises FileNotFoundError when absent, ValueError when the header is wrong."""
    path = Path(path)
    if path.is_dir():
        path = path / OUTPUTS
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows, None)
        if header is None or header[:3] != ["source", "part", "hypothesis"]:
            raise ValueError(f"{path} does not start with the header source, part, hypothesis")
        return {row[0]: (row[2] if len(row) > 2 else "") for row in rows if row}


def sentence_score(hyp: str, refs: Sequence[str]) -> float:
    """chrF of one hypothesis against all its references (0..100)."""
    return float(sentence_chrf(hyp, list(refs)).score)


def largest_differences(
    a: Mapping[str, str],
    b: Mapping[str, str],
    references: Mapping[str, Sequence[str]],
    n: int = 10,
    direction: str = "abs",
) -> list[Difference]:
    """The n sources (present in a, b and references) with the largest chrF difference B - A.

    direction "abs": largest |B - A| first; "b": B better first (largest B - A); "a": A better
    first. Ties keep the order of `references`; pairs with no difference are never listed.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if n < 0:
        raise ValueError("n must be >= 0")
    found = []
    for src, refs in references.items():
        if src in a and src in b and refs:
            ca, cb = sentence_score(a[src], refs), sentence_score(b[src], refs)
            found.append(Difference(src, tuple(refs), a[src], b[src], ca, cb))
    key = {"abs": lambda d: -abs(d.diff), "b": lambda d: -d.diff, "a": lambda d: d.diff}[direction]
    keep = {"abs": lambda d: d.diff != 0, "b": lambda d: d.diff > 0, "a": lambda d: d.diff < 0}[direction]
    return sorted((d for d in found if keep(d)), key=key)[:n]
