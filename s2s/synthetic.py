"""A synthetic task that trains in seconds: copy or reverse a sequence of symbols.

It makes small, fully understood models for tests and demos: with attention the model
learns a diagonal (copy) or anti-diagonal (reverse) alignment and gets almost every
sequence right; the vanilla model has to squeeze the sequence into one vector and fails
more often as the sequences get longer.
"""

from __future__ import annotations

import hashlib
import random
from typing import Sequence

import torch

from .batches import collate
from .config import ModelConfig
from .model import Seq2Seq
from .search import greedy_search
from .train import train_step

SPECIALS = ("<pad>", "<unk>", "<s>", "</s>")


class SymbolTokenizer:
    """A whitespace tokenizer over a fixed symbol set, with the Tokenizer interface."""

    def __init__(self, symbols: Sequence[str] = tuple("abcdefghijklmnopqrst")):
        self.vocab = list(SPECIALS) + [f"\u2581{s}" for s in symbols]
        self.index = {p: i for i, p in enumerate(self.vocab)}
        self.pad_id, self.unk_id, self.bos_id, self.eos_id = 0, 1, 2, 3
        self.vocab_size = len(self.vocab)
        self.sha256 = hashlib.sha256("\n".join(self.vocab).encode()).hexdigest()
        self.path = None

    def encode(self, text: str) -> list[int]:
        return [self.index.get(f"\u2581{w}", self.unk_id) for w in text.split()]

    def pieces(self, ids: Sequence[int]) -> list[str]:
        return [self.vocab[int(i)] for i in ids]

    def id_to_piece(self, i: int) -> str:
        return self.vocab[int(i)]

    def piece_to_id(self, piece: str) -> int:
        return self.index.get(piece, self.unk_id)

    def decode(self, ids: Sequence[int]) -> str:
        return " ".join(self.vocab[int(i)][1:] for i in ids if int(i) > self.eos_id)


def make_pairs(n: int, min_len: int, max_len: int, task: str = "reverse", vocab: int = 24, seed: int = 0):
    """n (source ids, target ids) pairs over symbol ids 4..vocab-1, without specials."""
    if task not in ("copy", "reverse"):
        raise ValueError(f"unknown task {task!r}: copy or reverse")
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        src = [rng.randrange(4, vocab) for _ in range(rng.randint(min_len, max_len))]
        pairs.append((src, src[::-1] if task == "reverse" else list(src)))
    return pairs


def train_synthetic(cfg: ModelConfig, pairs, steps: int = 400, batch_size: int = 32, lr: float = 3e-3, seed: int = 0) -> Seq2Seq:
    """Train a fresh model on `pairs` for `steps` batches (fp32, plain cross-entropy)."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = Seq2Seq(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    for _ in range(steps):
        b = collate(rng.sample(pairs, batch_size), cfg.pad_id, cfg.bos_id, cfg.eos_id)
        train_step(model, opt, b, loss_fn, bf16=False, clip=1.0)
    return model.eval().requires_grad_(False)


def exact_match(model: Seq2Seq, tokenizer, pairs) -> float:
    """Share of pairs whose greedy output equals the target exactly."""
    hits = 0
    for src, tgt in pairs:
        out = greedy_search(model, tokenizer, src + [model.cfg.eos_id], max_len=len(src) * 2 + 5)
        hits += out.hypotheses[0].ids == tgt + [model.cfg.eos_id]
    return hits / len(pairs)
