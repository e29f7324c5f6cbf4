"""Fast decoding: int8 weights (fbgemm dynamic quantisation) for one sentence at a time.

Decoding one sentence multiplies vectors (batch 1, or the beam) by the weight matrices, so
its cost is reading those weights, and MKL's fp32 kernels run these shapes slowly on this
CPU: [5, 768] x [768, 1536] takes 306 us in fp32, 47 us with int8 weights; the
vocabulary projection [1, 256] x [256, 8000] 207 us against 49 us (scratch measurements,
one thread; `python -m s2s bench` prints the end-to-end figures). `freeze(model)` swaps
the layers decoding runs for twins holding int8 weights, quantised once per output row
(per channel) and packed in fbgemm's layout:

- `PackedLinear`  for every nn.Linear with more than one output (W_a, W_o / W_c, ...),
- `QuantizedRNN`  for the encoder's and the decoder's GRU / LSTM (torch's dynamic
                  quantised RNN, whose loop over time runs in C++),
- the tied output layer (logits = E o_t + b) through an int8 copy of E.

Each product quantises its input vector on the fly (per tensor) and returns fp32; the
gates, the softmax and everything else stay fp32. Quality holds: dev BLEU within noise of
fp32 (see docs/performance.md). The swapped-out modules stay reachable as
`fallback` and run when autograd is on. A frozen model
is for inference only: training and `checkpoint.save` use unfrozen models. Nothing here
holds state between calls, so one frozen model serves every session.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn
import torch.ao.nn.quantized.dynamic as qdyn
from torch.ao.quantization import per_channel_dynamic_qconfig


_LINEAR = torch.ops.quantized.linear_dynamic.default


def available() -> bool:
    """fbgemm's int8 kernels on this CPU (else `freeze` leaves the model as it is)."""
    return bool({"fbgemm", "x86"} & set(torch.backends.quantized.supported_engines))


def pack(weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """[O, I] fp32 weight and [O] bias -> int8 weight (one scale per row) packed for fbgemm."""
    w = weight.detach().float()
    scale = (w.abs().amax(1) / 127).clamp_min(1e-12).double()  # [O]
    zero = torch.zeros(w.size(0), dtype=torch.long)
    q = torch.quantize_per_channel(w, scale, zero, 0, torch.qint8)
    return torch.ops.quantized.linear_prepack(q, None if bias is None else bias.detach().float())


def linear(x: torch.Tensor, packed: torch.Tensor) -> torch.Tensor:
    """x [..., I] fp32 -> x W^T + b [..., O] fp32 through the int8 weights."""
    if x.dim() == 2 and x.is_contiguous():
        return _LINEAR(x, packed, True)  # reduce_range: 7-bit inputs, no overflow in fbgemm's kernels
    return _LINEAR(x.reshape(-1, x.size(-1)).contiguous(), packed, True).view(*x.shape[:-1], -1)


class PackedLinear:
    """x -> x W^T + b through int8 weights; `fallback` (the fp32 layer) runs under autograd."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None, fallback: nn.Module | None = None):
        self.packed = pack(weight, bias)
        self.fallback = fallback

    def __call__(self, x: torch.Tensor) -> torch.Tensor:  # x [..., I]
        if self.fallback is not None and torch.is_grad_enabled():
            return self.fallback(x)
        return linear(x, self.packed)


class QuantizedRNN:
    """nn.GRU / nn.LSTM with int8 weights: torch's dynamic quantised RNN, one C++ loop.

    Weights quantised per output row, inputs per step on the fly; states stay fp32. A GRU given
    a tensor and a state (every decoding step) calls the quantised kernel directly: the module's
    own forward checks shapes and permutes the state first, ~13 us of Python a call (a sixth of
    one decoder step's GRU).
    """

    def __init__(self, rnn: nn.GRU | nn.LSTM):
        self.fallback = rnn
        rnn.qconfig = per_channel_dynamic_qconfig
        q = self.quantized = (qdyn.GRU if isinstance(rnn, nn.GRU) else qdyn.LSTM).from_float(rnn)
        del rnn.qconfig
        self.gru = None
        if isinstance(rnn, nn.GRU):  # the arguments qdyn.GRU.forward passes to the same kernel
            self.gru = ([m.param for m in q._all_weight_values], q.bias, q.num_layers, float(q.dropout), False,
                        q.bidirectional, q.batch_first)

    def __call__(self, x, hx=None):
        if torch.is_grad_enabled():
            return self.fallback(x, hx)
        if self.gru is not None and hx is not None and isinstance(x, torch.Tensor):
            return torch.quantized_gru(x, hx, *self.gru)
        return self.quantized(x, hx)


def frozen(model: nn.Module) -> bool:
    """Whether `freeze` swapped this model's layers (it decodes with int8 weights)."""
    return getattr(model, "packed_logits", None) is not None


def freeze(model: nn.Module) -> nn.Module:
    """Swap `model`'s layers for int8 twins, in place (no-op without fbgemm).

    Each twin is a plain object set in the parent's instance dict, which attribute lookup
    reads before nn.Module's registry of submodules: `parent.out` is the twin, while
    state_dict(), parameters() and modules() still see the original (also each twin's
    `fallback`). Calling a twin skips nn.Module's per-call machinery (microseconds, but
    dozens of calls a step).
    """
    if not available() or frozen(model):
        return model
    with warnings.catch_warnings():  # quantised tensors are deprecated, still in the pinned torch
        warnings.simplefilter("ignore", UserWarning)
        for parent in list(model.modules()):
            for name, child in list(parent.named_children()):
                twin = None
                if isinstance(child, nn.Linear) and child.out_features > 1:  # v_a stays: a dot product
                    twin = PackedLinear(child.weight, child.bias, child)
                elif isinstance(child, (nn.GRU, nn.LSTM)):
                    twin = QuantizedRNN(child)
                if twin is not None:  # the instance dict shadows _modules, which keeps the original
                    object.__setattr__(parent, name, twin)
        object.__setattr__(model, "packed_logits", PackedLinear(model.embed.weight, model.out_bias))  # tied: E o + b
    return model
