"""Tests of s2s.teacher_forced: the forward function the attributions differentiate, and its
encoder pass shared by the copies of one input (EncodeOnce)."""

from __future__ import annotations

import pytest
import torch

from s2s import teacher_forced
from s2s.teacher_forced import TeacherForced, _copies

SRC, TGT = [5, 17, 30, 8, 11, 3], [12, 40, 7, 9, 3]


def _inputs(f: TeacherForced, points: int) -> tuple[torch.Tensor, torch.Tensor]:
    """`points` blocks of T equal inputs (scaled like integrated gradients' points), rows 0..T-1 in each."""
    t = f.tgt_out.size(1)
    x = f.embeddings()  # [1, S, E]
    scale = torch.linspace(0.1, 1.0, points)[:, None, None, None]  # [P, 1, 1, 1]
    blocks = (scale * x[None]).expand(points, t, *x.shape[1:])  # [P, T, S, E]
    return blocks.reshape(-1, *x.shape[1:]).clone(), torch.arange(t).repeat(points)


def test_copies_finds_blocks_of_equal_inputs_only(make_checkpoint):
    _, model = make_checkpoint("bahdanau-gru")
    f = TeacherForced(model, SRC, TGT)
    x, rows = _inputs(f, 3)
    assert _copies(x, rows) == len(TGT)
    assert _copies(x, None) == 1
    assert _copies(x[: len(TGT)], rows[: len(TGT)]) == len(TGT)  # one block (saliency's copies)
    other = x.clone()
    other[1, 2, 0] += 1e-3  # one copy differs: no sharing
    assert _copies(other, rows) == 1
    assert _copies(x, rows.flip(0)) == 1  # the rows are not 0..T-1 in every block
    assert _copies(x[:-1], rows[:-1]) == 1  # not whole blocks


@pytest.mark.parametrize("variant", ["bahdanau-gru", "dot", "general-feed", "concat", "bahdanau-reversed",
                                     "bahdanau-lstm-2layer", "vanilla-lstm"])
def test_encode_once_gives_every_copy_its_own_gradient(make_checkpoint, monkeypatch, variant):
    """Blocks of copies are encoded once per block (the encoder sees P examples, not P x T), and
    every copy's gradient equals the one of encoding all P x T examples."""
    _, model = make_checkpoint(variant)
    f = TeacherForced(model, SRC, TGT)
    seen = []
    encode = f._encode
    monkeypatch.setattr(f, "_encode", lambda e: seen.append(e.size(0)) or encode(e))
    x, rows = _inputs(f, 4)
    grads = {}
    for shared in (True, False):
        if not shared:
            monkeypatch.setattr(teacher_forced, "_copies", lambda *a: 1)
        e = x.clone().requires_grad_()
        out = f(e, rows)  # [P*T]
        weights = torch.linspace(1.0, 2.0, out.numel())  # a different cotangent for every copy
        (grads[shared],) = torch.autograd.grad((out * weights).sum(), e)
        assert out.shape == (4 * len(TGT),)
    assert seen == [4, 4 * len(TGT)]
    assert torch.allclose(grads[True], grads[False], rtol=1e-5, atol=1e-7)
    assert grads[True].abs().sum() > 0
