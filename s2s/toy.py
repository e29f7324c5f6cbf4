"""Toy tasks for the training lab: copy, reverse or sort a sequence of symbols.

- copy:    a c b d  ->  a c b d   (attention learns the diagonal)
- reverse: a c b d  ->  d b c a   (the anti-diagonal)
- sort:    a c b d  ->  a b c d   (each output symbol looks wherever its input copy is)

Sequences are drawn uniformly: a length in [min_len, max_len], then each symbol. Training
batches are fresh samples from a seeded generator (the stream is the same for the same
seed); the test set is fixed by its own seed and covers every length from min_len to
twice max_len, so it measures length generalisation beyond what was trained.
"""

from __future__ import annotations

import random
import string

from .errors import InputError
from .synthetic import SymbolTokenizer

TASKS = ("copy", "reverse", "sort")
SYMBOLS = tuple(string.ascii_lowercase[:12])  # a .. l
FIRST_ID = 4  # ids 0-3 are <pad> <unk> <s> </s> (s2s.synthetic.SPECIALS)
MAX_TYPED = 60  # symbols in a typed sequence
TEST_SEED_OFFSET = 1_000_003  # the test set's seed, apart from the training stream's


def tokenizer() -> SymbolTokenizer:
    return SymbolTokenizer(SYMBOLS)


def target(task: str, src: list[int]) -> list[int]:
    """The output a task asks for (ids)."""
    if task == "copy":
        return list(src)
    if task == "reverse":
        return src[::-1]
    if task == "sort":
        return sorted(src)
    raise InputError(f"unknown task {task!r}; valid: {', '.join(TASKS)}")


def sample(rng: random.Random, task: str, n: int, min_len: int, max_len: int) -> list[tuple[list[int], list[int]]]:
    """n (source ids, target ids) pairs without specials, lengths uniform in [min_len, max_len]."""
    pairs = []
    for _ in range(n):
        src = [rng.randrange(FIRST_ID, FIRST_ID + len(SYMBOLS)) for _ in range(rng.randint(min_len, max_len))]
        pairs.append((src, target(task, src)))
    return pairs


def test_set(task: str, lengths: range, per_length: int, seed: int) -> dict[int, list[tuple[list[int], list[int]]]]:
    """{length: per_length pairs of exactly that length}, the same for the same seed."""
    rng = random.Random(seed + TEST_SEED_OFFSET)
    return {n: sample(rng, task, per_length, n, n) for n in lengths}


def probe(task: str, length: int, seed: int) -> tuple[list[int], list[int]]:
    """The one fixed input whose attention the lab shows while training (all symbols distinct
    where the vocabulary allows, so every output position has one right place to look)."""
    rng = random.Random(seed + 2 * TEST_SEED_OFFSET)
    ids = list(range(FIRST_ID, FIRST_ID + len(SYMBOLS)))
    rng.shuffle(ids)
    src = (ids * (length // len(ids) + 1))[:length]
    return src, target(task, src)


def parse(text: str) -> list[int]:
    """A typed sequence ("a c b" or "acb") -> ids; InputError listing the allowed symbols."""
    words = text.split()
    if len(words) == 1 and len(words[0]) > 1:  # "acb": one symbol per character
        words = list(words[0])
    if not words:
        raise InputError(f"type a sequence of symbols, e.g. \"{' '.join(SYMBOLS[:4])}\"")
    unknown = sorted({w for w in words if w not in SYMBOLS})
    if unknown:
        shown = ", ".join(repr(w) for w in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        raise InputError(f"unknown symbols {shown}; allowed: {' '.join(SYMBOLS)}")
    if len(words) > MAX_TYPED:
        raise InputError(f"at most {MAX_TYPED} symbols, got {len(words)}")
    return [FIRST_ID + SYMBOLS.index(w) for w in words]


def symbols(ids: list[int]) -> list[str]:
    """ids -> symbols (</s> as "</s>", anything else outside the vocabulary as "?")."""
    out = []
    for i in ids:
        if FIRST_ID <= i < FIRST_ID + len(SYMBOLS):
            out.append(SYMBOLS[i - FIRST_ID])
        else:
            out.append("</s>" if i == 3 else "?")
    return out
