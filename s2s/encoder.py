"""Encoder: embedded source -> one state per source position, and a final state.

The final state is the vanilla model's context vector: the top layer's last forward
state, concatenated with its last backward state (the one that read the first word last)
when the encoder is bidirectional.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.func import functional_call
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .config import ModelConfig


def make_rnn(cell: str, input_size: int, hidden: int, layers: int, dropout: float, bidirectional: bool = False):
    rnn_cls = nn.LSTM if cell == "lstm" else nn.GRU
    return rnn_cls(
        input_size,
        hidden,
        num_layers=layers,
        batch_first=True,
        dropout=dropout if layers > 1 else 0.0,
        bidirectional=bidirectional,
    )


def low_precision_weights(rnn: nn.Module) -> dict | None:
    """The RNN's weights cast to the CPU autocast dtype, or None outside autocast.

    CPU autocast runs matrix products in bf16 but leaves GRUs in fp32; training casts the
    weights once per forward pass and runs the recurrence in bf16 (see `run_rnn`).
    """
    if not torch.is_autocast_enabled("cpu"):
        return None
    dtype = torch.get_autocast_dtype("cpu")
    return {name: w.to(dtype) for name, w in rnn.named_parameters()}


def run_rnn(rnn: nn.Module, x, hx, weights: dict | None = None):
    """rnn(x, hx), in the weights' dtype when `weights` (from low_precision_weights) is given."""
    if weights is None:
        return rnn(x, hx)
    dtype = next(iter(weights.values())).dtype
    cast = (lambda h: None if h is None else h.to(dtype))  # noqa: E731
    hx = tuple(map(cast, hx)) if isinstance(hx, tuple) else cast(hx)
    with torch.autocast("cpu", enabled=False):
        return functional_call(rnn, weights, (x.to(dtype), hx))


class Encoder(nn.Module):
    """Embedding (owned by the model) -> GRU or LSTM, layers, optionally bidirectional."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.rnn = make_rnn(cfg.cell, cfg.emb_dim, cfg.enc_hidden, cfg.enc_layers, cfg.dropout, cfg.bidirectional)
        self.out_dim = cfg.memory_dim

    def forward(self, emb: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """emb [B, S, E], lengths [B] -> memory [B, S, M] (zeros past each length), final [B, M]."""
        total = emb.size(1)
        weights = low_precision_weights(self.rnn)
        if bool((lengths == total).all()):  # no padding (one sentence, or copies of one): no packing needed
            memory, last = run_rnn(self.rnn, emb, None, weights)
        else:
            packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, last = run_rnn(self.rnn, packed, None, weights)
            memory, _ = pad_packed_sequence(out, batch_first=True, total_length=total)  # [B, S, M]
        h_n = last[0] if isinstance(last, tuple) else last  # [layers * dirs, B, H]
        if self.cfg.bidirectional:
            final = torch.cat([h_n[-2], h_n[-1]], dim=-1)  # forward last, backward last -> [B, 2H]
        else:
            final = h_n[-1]  # [B, H]
        return memory, final
