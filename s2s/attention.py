"""Attention scorers: score every encoder state, softmax, weighted sum = context.

Each scorer turns a decoder query q and the encoder states h_1..h_S ("memory") into
a context vector c = sum_j a_j h_j, where a = softmax(e) over the unmasked positions and
e_j is the scorer's raw score. Scorers keep no state between calls: `precompute` runs
once per sentence (the part of the score that depends only on the encoder), `score`
once per decoding step.

Shapes: B batch, T query steps (1 while decoding), S source positions,
Q query size, M memory size, A attention size.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .errors import ConfigError


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over the last axis where `mask` is True; masked weights are exactly 0.

    scores [B, T, S], mask [B, S] (True = real token) -> weights [B, T, S].
    Every row must have at least one real token (a source always ends in </s>).
    """
    scores = scores.masked_fill(~mask[:, None, :], float("-inf"))  # [B, T, S]
    return torch.softmax(scores, dim=-1)


def attend(scores: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Raw scores [B, T, S] -> (context [B, T, M], weights [B, T, S]): softmax, then weighted sum."""
    weights = masked_softmax(scores, mask)  # [B, T, S]
    return torch.bmm(weights, memory), weights  # [B, T, S] @ [B, S, M] -> [B, T, M]


class Scorer(nn.Module):
    """Common interface: `forward(query, keys, memory, mask) -> (context, weights)`."""

    def precompute(self, memory: torch.Tensor) -> torch.Tensor:
        """memory [B, S, M] -> keys [B, S, K]: the query-independent part of the score."""
        return memory

    def score(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """query [B, T, Q], keys [B, S, K] -> raw scores e [B, T, S] (before softmax)."""
        raise NotImplementedError

    def forward(
        self, query: torch.Tensor, keys: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """query [B, T, Q] -> context [B, T, M], weights [B, T, S]."""
        return attend(self.score(query, keys), memory, mask)


class AdditiveScorer(Scorer):
    """Bahdanau et al. 2015, additive ("learned") attention.

        e_tj = v_a^T tanh(W_a s_{t-1} + U_a h_j)

    The query is the decoder state *before* step t (s_{t-1}); U_a h_j is precomputed once
    per sentence. The score itself is a small feed-forward network learned jointly.
    """

    def __init__(self, query_dim: int, memory_dim: int, attn_dim: int):
        super().__init__()
        self.query_proj = nn.Linear(query_dim, attn_dim, bias=False)  # W_a
        self.key_proj = nn.Linear(memory_dim, attn_dim)  # U_a (with bias)
        self.v = nn.Linear(attn_dim, 1, bias=False)  # v_a

    def precompute(self, memory: torch.Tensor) -> torch.Tensor:
        return self.key_proj(memory)  # [B, S, M] -> [B, S, A]

    def score(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        q = self.query_proj(query)  # [B, T, A]
        hidden = torch.tanh(q[:, :, None, :] + keys[:, None, :, :])  # [B, T, S, A]
        return torch.matmul(hidden, self.v.weight[0])  # v_a^T hidden: [B, T, S]


class DotScorer(Scorer):
    """Luong et al. 2015, dot score, scaled by the state size d (Vaswani et al. 2017).

        e_tj = h_t^T h_j / sqrt(d)            (fixed scale)
        e_tj = tau * h_t^T h_j,  tau_0 = 1/sqrt(d)   (learned_scale: tau = exp(log_tau) is learnt)

    No weights: the decoder state h_t and the encoder states must have the same size.
    Unscaled, a sum of d = 512 products saturates the softmax: on the eng-spa data a Luong
    model's weights were one-hot (max 1.00 at every step) after one epoch, so no gradient
    reached the scores and it learnt slower than the vanilla model (after 2,000 updates: mean
    max weight 0.98 and loss 3.71 unscaled, 0.73 and 3.23 scaled). The general and concat
    scores can learn how sharp to be (W_a, v_a); with `learned_scale` the dot score can too,
    through one number.
    """

    def __init__(self, query_dim: int, memory_dim: int, attn_dim: int = 0, learned_scale: bool = False):
        super().__init__()
        if query_dim != memory_dim:
            raise ConfigError(
                f"dot attention needs decoder size == encoder output size, got {query_dim} and {memory_dim}"
            )
        self.log_scale = nn.Parameter(torch.tensor(-0.5 * math.log(query_dim))) if learned_scale else None

    @property
    def tau(self) -> torch.Tensor | None:
        """The learnt temperature exp(log_tau) (a 0-d tensor); None with the fixed 1/sqrt(d)."""
        return None if self.log_scale is None else self.log_scale.exp()

    def score(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        return scaled_dot(query, keys, self.tau)


def scaled_dot(query: torch.Tensor, keys: torch.Tensor, scale: torch.Tensor | None = None) -> torch.Tensor:
    """query [B, T, Q], keys [B, S, Q] -> q . k * scale, [B, T, S]; scale 1/sqrt(Q) unless given."""
    scale = query.size(-1) ** -0.5 if scale is None else scale
    return torch.bmm(query, keys.transpose(1, 2)) * scale  # [B, T, Q] @ [B, Q, S]


class GeneralScorer(Scorer):
    """Luong et al. 2015, general (bilinear) score, scaled like the dot score.

        e_tj = h_t^T W_a h_j / sqrt(d)

    W_a h_j is precomputed once per sentence, so each step is one batched dot product.
    """

    def __init__(self, query_dim: int, memory_dim: int, attn_dim: int = 0):
        super().__init__()
        self.key_proj = nn.Linear(memory_dim, query_dim, bias=False)  # W_a

    def precompute(self, memory: torch.Tensor) -> torch.Tensor:
        return self.key_proj(memory)  # [B, S, M] -> [B, S, Q]

    def score(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        return scaled_dot(query, keys)


class ConcatScorer(AdditiveScorer):
    """Luong et al. 2015, concat score.

        e_tj = v_a^T tanh(W_a [h_t; h_j])  =  v_a^T tanh(W_1 h_t + W_2 h_j)

    The same arithmetic as the additive score, split over the concatenation, but queried
    with the *current* decoder state h_t (Luong's order: RNN step first, then attention).
    """


SCORERS: dict[str, type[Scorer]] = {
    "bahdanau": AdditiveScorer,
    "dot": DotScorer,
    "general": GeneralScorer,
    "concat": ConcatScorer,
}


def make_scorer(name: str, query_dim: int, memory_dim: int, attn_dim: int, learned_scale: bool = False) -> Scorer:
    """Build the scorer registered under `name`; an unknown name lists the valid ones.
    `learned_scale` applies to the dot score only."""
    try:
        cls = SCORERS[name]
    except KeyError:
        valid = ", ".join(sorted(SCORERS))
        raise ConfigError(f"unknown attention {name!r}; valid names: {valid}") from None
    if not learned_scale:
        return cls(query_dim, memory_dim, attn_dim)
    if cls is not DotScorer:
        raise ConfigError(f"learned_scale applies to dot attention only, not {name!r}")
    return DotScorer(query_dim, memory_dim, attn_dim, learned_scale=True)
