"""Tests of s2s.batches: deterministic length-bucketed epochs and the collate layout."""

from __future__ import annotations

import random

import pytest
import torch

from s2s.batches import collate, epoch_batches, joined_pairs

PAD, BOS, EOS = 0, 2, 3


def _lengths(n: int = 3000, seed: int = 0) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = min(60, int(rng.expovariate(1 / 9)) + 1)  # mostly short, a long tail, like the corpus
        out.append((s, max(1, s + rng.randint(-3, 4))))
    return out


def _padding(batches, lengths) -> int:
    """Padding positions of source and target over all batches."""
    total = 0
    for batch in batches:
        for side in (0, 1):
            longest = max(lengths[i][side] for i in batch)
            total += sum(longest - lengths[i][side] for i in batch)
    return total


@pytest.mark.parametrize("n, batch_size, pool", [(3000, 32, 50), (1000, 7, 3), (5, 64, 50), (64, 8, 1)])
def test_every_index_exactly_once_in_small_batches(n, batch_size, pool):
    lengths = _lengths(n)
    batches = epoch_batches(lengths, batch_size, seed=1, epoch=0, pool=pool)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(n))
    assert all(1 <= len(b) <= batch_size for b in batches)
    # only the last batch of each pool may be short
    assert sum(len(b) < batch_size for b in batches) <= -(-n // (batch_size * pool))


def test_deterministic_per_seed_and_epoch():
    lengths = _lengths()
    a = epoch_batches(lengths, 32, seed=7, epoch=3)
    assert a == epoch_batches(lengths, 32, seed=7, epoch=3)  # resumable: recomputed, not stored
    assert a != epoch_batches(lengths, 32, seed=7, epoch=4)
    assert a != epoch_batches(lengths, 32, seed=8, epoch=3)
    # the module's random state is not used or changed
    random.seed(0)
    state = random.getstate()
    assert epoch_batches(lengths, 32, seed=7, epoch=3) == a
    assert random.getstate() == state


def test_epochs_differ_in_both_grouping_and_order():
    lengths = _lengths()
    e0 = epoch_batches(lengths, 32, seed=0, epoch=0)
    e1 = epoch_batches(lengths, 32, seed=0, epoch=1)
    assert {frozenset(b) for b in e0} != {frozenset(b) for b in e1}
    assert [b[0] for b in e0[:20]] != [b[0] for b in e1[:20]]


def test_bucketing_reduces_padding():
    lengths = _lengths()
    bucketed = epoch_batches(lengths, 32, seed=0, epoch=0)
    for batch in bucketed:  # each batch is a run of a pool sorted by (longer side, target, source)
        keys = [(max(lengths[i]), lengths[i][1], lengths[i][0]) for i in batch]
        assert keys == sorted(keys)
    rng = random.Random(0)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    unbucketed = [order[i : i + 32] for i in range(0, len(order), 32)]
    assert len(unbucketed) == len(bucketed)
    assert _padding(bucketed, lengths) < 0.2 * _padding(unbucketed, lengths)
    # batches are not sorted by length overall: long and short batches are mixed
    longest = [max(lengths[i][0] for i in b) for b in bucketed]
    assert longest != sorted(longest) and longest != sorted(longest, reverse=True)


def test_empty_dataset():
    assert epoch_batches([], 32, seed=0, epoch=0) == []


def test_collate_layout():
    pairs = [([5, 6, 7], [8, 9]), ([10], [11, 12, 13, 14]), ([15, 16], [17])]
    b = collate(pairs, PAD, BOS, EOS)
    assert b.src.dtype == b.tgt_in.dtype == b.tgt_out.dtype == torch.long
    assert b.src.tolist() == [[5, 6, 7, EOS], [10, EOS, PAD, PAD], [15, 16, EOS, PAD]]
    assert b.src_len.tolist() == [4, 2, 3]
    assert b.tgt_in.tolist() == [[BOS, 8, 9, PAD, PAD], [BOS, 11, 12, 13, 14], [BOS, 17, PAD, PAD, PAD]]
    assert b.tgt_out.tolist() == [[8, 9, EOS, PAD, PAD], [11, 12, 13, 14, EOS], [17, EOS, PAD, PAD, PAD]]
    assert b.tokens == 3 + 5 + 2


def test_collate_invariants_on_random_pairs():
    rng = random.Random(3)
    pairs = [([rng.randrange(4, 50) for _ in range(rng.randint(0, 12))],
              [rng.randrange(4, 50) for _ in range(rng.randint(0, 12))]) for _ in range(40)]
    b = collate(pairs, PAD, BOS, EOS)
    assert b.src.shape == (40, max(len(x) for x, _ in pairs) + 1)
    assert b.tgt_in.shape == b.tgt_out.shape == (40, max(len(y) for _, y in pairs) + 1)
    for i, (x, y) in enumerate(pairs):
        n = int(b.src_len[i])
        assert n == len(x) + 1 and b.src[i, n - 1] == EOS and (b.src[i, n:] == PAD).all()
        assert b.src[i, : n - 1].tolist() == x
        assert b.tgt_in[i, 0] == BOS and b.tgt_in[i, 1 : len(y) + 1].tolist() == y
        assert b.tgt_out[i, len(y)] == EOS and b.tgt_out[i, : len(y)].tolist() == y
        # tgt_in is tgt_out shifted right by one, behind <s>
        assert b.tgt_in[i, 1 : len(y) + 1].tolist() == b.tgt_out[i, : len(y)].tolist()
        assert (b.tgt_in[i, len(y) + 1 :] == PAD).all() and (b.tgt_out[i, len(y) + 1 :] == PAD).all()
    assert b.tokens == int((b.tgt_out != PAD).sum()) == sum(len(y) + 1 for _, y in pairs)


def _pairs(n: int = 200, seed: int = 0) -> list[tuple[list[int], list[int]]]:
    rng = random.Random(seed)
    # ids encode (pair index, position) so a join can be traced back to its parts
    return [([1000 * k + j for j in range(rng.randint(1, 9))], [-1000 * k - j for j in range(rng.randint(1, 9))]) for k in range(n)]


def test_joined_pairs_are_whole_pairs_end_to_end_within_the_cap():
    pairs = _pairs()
    extra = joined_pairs(pairs, 0.5, seed=1, epoch=0, max_pieces=20)
    assert 0 < len(extra) <= 100
    by_first = {s[0]: (s, t) for s, t in pairs}
    for src, tgt in extra:
        assert len(src) <= 20 and len(tgt) <= 20
        parts, i = [], 0
        while i < len(src):  # walk the source pair by pair; the target must follow the same pairs
            s, t = by_first[src[i]]
            assert src[i : i + len(s)] == s
            parts.append(t)
            i += len(s)
        assert 2 <= len(parts) <= 4
        assert tgt == [x for t in parts for x in t]


def test_joined_pairs_deterministic_per_epoch_and_off_by_default():
    pairs = _pairs()
    assert joined_pairs(pairs, 0.2, 1, 3, 80) == joined_pairs(pairs, 0.2, 1, 3, 80)
    assert joined_pairs(pairs, 0.2, 1, 3, 80) != joined_pairs(pairs, 0.2, 1, 4, 80)
    assert joined_pairs(pairs, 0.0, 1, 0, 80) == []
    assert joined_pairs(pairs[:1], 0.5, 1, 0, 80) == []


def test_batch_to_moves_every_tensor_and_keeps_the_count():
    b = collate([([5, 6], [7]), ([8], [9, 10])], pad=0, bos=2, eos=3)
    assert b.to("cpu") is b  # already there: nothing copied
    moved = b.to(torch.device("meta"))  # a device of shapes only: what a GPU batch would look like here
    assert all(getattr(moved, k).device.type == "meta" and getattr(moved, k).shape == getattr(b, k).shape
               for k in ("src", "src_len", "tgt_in", "tgt_out"))
    assert moved.tokens == b.tokens == 5  # y and </s>: 2 + 3
