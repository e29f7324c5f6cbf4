"""Training batches: length bucketing for little padding, deterministic per epoch (resumable)."""

from __future__ import annotations

import random
from typing import NamedTuple

import torch


class Batch(NamedTuple):
    src: torch.Tensor  # [B, S] ids, each row ending in </s>, padded
    src_len: torch.Tensor  # [B]
    tgt_in: torch.Tensor  # [B, T] <s> y_1 .. y_n, padded
    tgt_out: torch.Tensor  # [B, T] y_1 .. y_n </s>, padded
    tokens: int  # target tokens (non-padding positions of tgt_out)

    def to(self, device, non_blocking: bool = False) -> "Batch":
        """The batch's tensors on `device` (collate builds them on the CPU); itself when already there."""
        if self.src.device == torch.device(device):
            return self
        move = lambda x: x.to(device, non_blocking=non_blocking)  # noqa: E731
        return self._replace(src=move(self.src), src_len=move(self.src_len), tgt_in=move(self.tgt_in),
                             tgt_out=move(self.tgt_out))


def epoch_batches(lengths: list[tuple[int, int]], batch_size: int, seed: int, epoch: int, pool: int = 400) -> list[list[int]]:
    """Example indices grouped into batches, the same for the same (seed, epoch).

    Shuffle, cut into pools of `pool` batches, sort each pool by the longer of the two
    lengths (then target, then source), cut into batches, then shuffle the batch order:
    similar lengths share a batch, so both the encoder and the decoder loop run over
    little padding (on the eng-spa train split about 96% of target and 97% of source
    positions are real tokens, against 77% and 95% when sorting by source length alone).
    """
    rng = random.Random(seed * 100_003 + epoch)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches = []
    span = batch_size * pool
    for start in range(0, len(order), span):
        chunk = sorted(order[start : start + span], key=lambda i: (max(lengths[i]), lengths[i][1], lengths[i][0]))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def joined_pairs(
    pairs: list[tuple[list[int], list[int]]], fraction: float, seed: int, epoch: int, max_pieces: int, most: int = 4
) -> list[tuple[list[int], list[int]]]:
    """Extra examples for one epoch, each 2..`most` random pairs joined end to end.

    Tatoeba pairs are single sentences, so a model trained on them alone learns to stop
    after the first full stop; joined pairs teach it that an input can hold several
    sentences (joining SentencePiece ids equals encoding the texts joined by a space).
    `fraction` of len(pairs) are made, the same for the same (seed, epoch); joins longer
    than `max_pieces` on either side are dropped.
    """
    rng = random.Random(seed * 100_019 + epoch + 7)
    out = []
    for _ in range(int(len(pairs) * fraction) if len(pairs) > 1 else 0):
        group = [pairs[rng.randrange(len(pairs))] for _ in range(rng.randint(2, most))]
        src = [i for s, _ in group for i in s]
        tgt = [i for _, t in group for i in t]
        if len(src) <= max_pieces and len(tgt) <= max_pieces:
            out.append((src, tgt))
    return out


def collate(pairs: list[tuple[list[int], list[int]]], pad: int, bos: int, eos: int) -> Batch:
    """pairs of (source ids, target ids) without specials -> padded tensors."""
    b = len(pairs)
    s = max(len(x) for x, _ in pairs) + 1
    t = max(len(y) for _, y in pairs) + 1
    src = torch.full((b, s), pad, dtype=torch.long)
    tgt_in = torch.full((b, t), pad, dtype=torch.long)
    tgt_out = torch.full((b, t), pad, dtype=torch.long)
    src_len = torch.empty(b, dtype=torch.long)
    for i, (x, y) in enumerate(pairs):
        src[i, : len(x) + 1] = torch.tensor(x + [eos])
        src_len[i] = len(x) + 1
        tgt_in[i, : len(y) + 1] = torch.tensor([bos] + y)
        tgt_out[i, : len(y) + 1] = torch.tensor(y + [eos])
    return Batch(src, src_len, tgt_in, tgt_out, int((tgt_out != pad).sum()))
