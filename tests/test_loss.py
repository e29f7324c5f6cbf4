"""Tests of s2s.loss: the same loss and gradient as nn.CrossEntropyLoss with label smoothing."""

from __future__ import annotations

import pytest
import torch

from s2s.loss import CHUNK, SmoothedCrossEntropy


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3])
@pytest.mark.parametrize("rows", [1, CHUNK - 1, CHUNK, 2 * CHUNK + 5])
def test_loss_and_gradient_equal_the_stock_loss(eps, rows):
    torch.manual_seed(rows)
    logits = (3 * torch.randn(rows, 50)).requires_grad_()
    target = torch.randint(0, 50, (rows,))
    twin = logits.detach().clone().requires_grad_()
    expected = torch.nn.CrossEntropyLoss(label_smoothing=eps)(logits, target)
    got = SmoothedCrossEntropy(eps)(twin, target)
    (2.5 * expected).backward()
    (2.5 * got).backward()  # the upstream gradient is honoured
    assert got.item() == pytest.approx(expected.item(), rel=1e-5)
    assert torch.allclose(twin.grad, logits.grad, atol=1e-7)


def test_bf16_logits_under_autocast_keep_their_dtype_and_stay_close():
    torch.manual_seed(0)
    logits = torch.randn(300, 400).bfloat16().requires_grad_()
    target = torch.randint(0, 400, (300,))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        got = SmoothedCrossEntropy(0.1)(logits, target)
    got.backward()
    assert got.dtype == torch.float32 and logits.grad.dtype == torch.bfloat16
    ref = logits.detach().float().requires_grad_()
    expected = torch.nn.CrossEntropyLoss(label_smoothing=0.1)(ref, target)
    expected.backward()
    assert got.item() == pytest.approx(expected.item(), rel=1e-5)
    assert torch.allclose(logits.grad.float(), ref.grad, atol=1e-4)
