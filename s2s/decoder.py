"""Decoders: the vanilla one (one context vector) and the attention one (a context per step).

Three recurrences, chosen by `ModelConfig.family`:

- vanilla (Cho 2014):      s_t = RNN([E y_{t-1}; c], s_{t-1});        o_t = tanh(W_o [s_t; c; E y_{t-1}])
  with c the encoder's final state, reused unchanged at every step (the bottleneck).
- bahdanau (2015):         c_t = attend(s_{t-1});  s_t = RNN([E y_{t-1}; c_t], s_{t-1});
                           o_t = tanh(W_o [s_t; c_t; E y_{t-1}])
- luong (2015):            h_t = RNN([E y_{t-1}; o_{t-1}], h_{t-1})  (o_{t-1} only with input feeding);
                           c_t = attend(h_t);  o_t = tanh(W_c [c_t; h_t])   (the "attentional vector")

The model maps o_t to vocabulary logits with the (tied) embedding matrix. Nothing is kept on
the module between calls: every bit of decoding state travels in `DecoderState`.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from .attention import attend, make_scorer
from .config import ModelConfig
from .encoder import low_precision_weights, make_rnn, run_rnn


class Memory(NamedTuple):
    """What the decoder reads from the encoder, for B sentences."""

    values: torch.Tensor  # [B, S, M] encoder states h_j
    keys: torch.Tensor  # [B, S, K] scorer.precompute(values)
    mask: torch.Tensor  # [B, S] True at real tokens
    final: torch.Tensor  # [B, M] encoder final state (vanilla context vector)

    def expand(self, k: int) -> "Memory":
        """The memory of one sentence (B = 1) seen by k hypotheses, without copying."""
        return Memory(*(x.expand(k, *x.shape[1:]) for x in self))


class DecoderState(NamedTuple):
    hidden: tuple[torch.Tensor, ...]  # GRU: (h,), LSTM: (h, c); each [L, B, H]
    feed: torch.Tensor | None  # [B, E] last attentional vector (Luong input feeding) or None

    def select(self, index: torch.Tensor) -> "DecoderState":
        """Keep/reorder batch rows (beam search): index [k] -> state of k rows."""
        hidden = tuple(h.index_select(1, index) for h in self.hidden)
        feed = None if self.feed is None else self.feed.index_select(0, index)
        return DecoderState(hidden, feed)


class StepOut(NamedTuple):
    output: torch.Tensor  # [B, E] o_t, the vector the vocabulary projection reads
    state: DecoderState
    query: torch.Tensor  # [B, H] top-layer decoder state after the step (s_t or h_t)
    context: torch.Tensor  # [B, M] c_t (vanilla: the fixed c)
    weights: torch.Tensor | None  # [B, S] attention weights a_t (None for vanilla)
    scores: torch.Tensor | None  # [B, S] raw scores e_t before softmax (None for vanilla)
    features: torch.Tensor  # [B, F] the concatenation W_o (or W_c) reads: [s_t; c_t; E y_{t-1}] or [c_t; h_t]


def _attend(scores: torch.Tensor, memory: Memory, attention: torch.Tensor | None):
    """scores [B, 1, S] -> (context [B, 1, M], weights [B, 1, S]); `attention` replaces the softmax."""
    if attention is None:
        return attend(scores, memory.values, memory.mask)
    weights = attention.to(memory.values.dtype)
    weights = weights.reshape(-1, 1, weights.size(-1)).expand(scores.shape).contiguous()  # [S] | [B, S] -> [B, 1, S]
    return torch.bmm(weights, memory.values), weights  # [B, 1, S] @ [B, S, M] -> [B, 1, M]


class Decoder(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.family = cfg.family
        emb, mem, hid = cfg.emb_dim, cfg.memory_dim, cfg.dec_hidden
        rnn_in = emb + (mem if self.family in ("vanilla", "bahdanau") else 0)
        rnn_in += emb if cfg.input_feeding else 0
        self.rnn = make_rnn(cfg.cell, rnn_in, hid, cfg.dec_layers, cfg.dropout)
        self.init = nn.Linear(mem, hid * cfg.dec_layers)  # s_0 = tanh(W_i c)
        self.scorer = None if self.family == "vanilla" else make_scorer(
            cfg.attention, hid, mem, cfg.attn_dim, cfg.learned_scale
        )
        out_in = mem + hid + (emb if self.family != "luong" else 0)
        self.out = nn.Linear(out_in, emb)  # W_o (vanilla, bahdanau) or W_c (luong)
        self.drop = nn.Dropout(cfg.dropout)

    # ----- set-up -------------------------------------------------------------------------
    def memory(self, values: torch.Tensor, mask: torch.Tensor, final: torch.Tensor) -> Memory:
        keys = values if self.scorer is None else self.scorer.precompute(values)  # [B, S, K]
        return Memory(values, keys, mask, final)

    def init_state(self, memory: Memory) -> DecoderState:
        b = memory.final.size(0)
        h0 = torch.tanh(self.init(memory.final))  # [B, L*H]
        h0 = h0.view(b, self.cfg.dec_layers, -1).transpose(0, 1).contiguous()  # [L, B, H]
        hidden = (h0, torch.zeros_like(h0)) if self.cfg.cell == "lstm" else (h0,)
        feed = memory.final.new_zeros(b, self.cfg.emb_dim) if self.cfg.input_feeding else None
        return DecoderState(hidden, feed)

    def _rnn(self, x: torch.Tensor, hidden: tuple[torch.Tensor, ...], rnn_weights: dict | None):
        """x [B, T, I] -> out [B, T, H], new hidden."""
        out, new = run_rnn(self.rnn, x, hidden if self.cfg.cell == "lstm" else hidden[0], rnn_weights)
        return out, (new if isinstance(new, tuple) else (new,))

    # ----- one step -----------------------------------------------------------------------
    def step(
        self, emb: torch.Tensor, state: DecoderState, memory: Memory, rnn_weights: dict | None = None,
        project: bool = True, attention: torch.Tensor | None = None,
    ) -> StepOut:
        """emb [B, E] embedding of y_{t-1} (dropout already applied) -> StepOut for step t.

        `rnn_weights`: the RNN's weights in low precision, cast once per training batch.
        `project=False` leaves `output` None (training projects all steps at once instead).
        `attention` [B, S] or [S]: an override. The step still computes its raw scores, but the
        context is c_t = sum_j a'_j h_j with these weights a' instead of softmax(e_t); the
        record's `weights` are a'. Given the step's own weights, every number is unchanged.
        """
        emb = emb[:, None, :]  # [B, 1, E]
        weights = scores = None
        if self.family == "vanilla":
            context = memory.final[:, None, :]  # [B, 1, M]
            out, hidden = self._rnn(torch.cat([emb, context], -1), state.hidden, rnn_weights)
            features = torch.cat([out, context, emb], -1)  # [B, 1, H + M + E]
        elif self.family == "bahdanau":
            prev = state.hidden[0][-1][:, None, :]  # s_{t-1} [B, 1, H]
            scores = self.scorer.score(prev, memory.keys)  # [B, 1, S]
            context, weights = _attend(scores, memory, attention)
            out, hidden = self._rnn(torch.cat([emb, context], -1), state.hidden, rnn_weights)
            features = torch.cat([out, context, emb], -1)  # [B, 1, H + M + E]
        else:
            x = emb if state.feed is None else torch.cat([emb, state.feed[:, None, :]], -1)
            out, hidden = self._rnn(x, state.hidden, rnn_weights)  # h_t [B, 1, H]
            scores = self.scorer.score(out, memory.keys)  # [B, 1, S]
            context, weights = _attend(scores, memory, attention)
            features = torch.cat([context, out], -1)  # [B, 1, M + H]
        o = self.project(features)[:, 0] if project or self.cfg.input_feeding else None  # [B, E]
        feed = o if self.cfg.input_feeding else None
        if weights is not None:
            weights, scores = weights[:, 0], scores[:, 0]  # [B, S]
        return StepOut(o, DecoderState(hidden, feed), out[:, 0], context[:, 0], weights, scores, features[:, 0])

    # ----- teacher forcing ----------------------------------------------------------------
    def forward(self, emb: torch.Tensor, memory: Memory) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Teacher-forced pass. emb [B, T, E] of y_0..y_{T-1} -> o [B, T, E], weights [B, T, S] | None.

        The vanilla decoder and Luong without input feeding have no step-to-step dependency
        besides the RNN, so the RNN runs fused over all T steps; the others loop over steps.
        """
        state = self.init_state(memory)
        rnn_weights = low_precision_weights(self.rnn)
        emb = self.drop(emb)
        if self.family == "vanilla":
            context = memory.final[:, None, :].expand(-1, emb.size(1), -1)  # [B, T, M]
            out, _ = self._rnn(torch.cat([emb, context], -1), state.hidden, rnn_weights)  # [B, T, H]
            return torch.tanh(self.out(torch.cat([out, context, emb], -1))), None
        if self.family == "luong" and not self.cfg.input_feeding:
            out, _ = self._rnn(emb, state.hidden, rnn_weights)  # [B, T, H]
            context, weights = self.scorer(out, memory.keys, memory.values, memory.mask)
            return torch.tanh(self.out(torch.cat([context, out], -1))), weights
        outputs, features, weights = [], [], []
        for emb_t in emb.unbind(1):  # unbind, not emb[:, t]: its backward is one stack, not T zero-filled copies
            step = self.step(emb_t, state, memory, rnn_weights, project=False)
            state = step.state
            outputs.append(step.output)
            features.append(step.features)
            weights.append(step.weights)
        if self.cfg.input_feeding:  # o_t was needed inside the loop
            return torch.stack(outputs, 1), torch.stack(weights, 1)  # [B, T, E], [B, T, S]
        # o_t is not fed back: project every step's features at once
        return self.project(torch.stack(features, 1)), torch.stack(weights, 1)

    def project(self, features: torch.Tensor) -> torch.Tensor:
        """features [..., F] (StepOut.features) -> o [..., E] = tanh(W_o features) (W_c for Luong)."""
        return torch.tanh(self.out(features))

    @property
    def loops(self) -> bool:
        """Whether teacher forcing runs step by step (attention fed into the RNN, or input feeding)."""
        return not (self.family == "vanilla" or (self.family == "luong" and not self.cfg.input_feeding))
