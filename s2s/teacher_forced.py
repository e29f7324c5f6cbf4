"""F_t(x) = log P(y_t | y_<t, x) of a translation's every target piece t, as a function of the
source embeddings x [S, E]: the forward function Captum differentiates (s2s/explain.py).

The translation is teacher-forced on its own pieces y_1..y_T. To explain all T rows in one Captum call,
`attributions` passes T copies of x, copy t explained for row t (its index in `rows`); the forward then
returns copy t's F_t alone, and two things keep that cheap:

- each example's decoder stops at its own row (`TeacherForced._rows`: teacher forcing is causal, so
  F_t needs decoder steps 0..t only);
- a block of k equal copies is encoded once (`EncodeOnce`); the backward still gives each copy its own
  gradient. Integrated gradients' points keep the copies in blocks (one block per point).

The function runs with autograd on, also under Captum's `no_grad` (FeatureAblation): a checkpoint
loaded for decoding has int8 twins that step aside under autograd (s2s/fast.py), so attributions are
always those of the fp32 model. Every tensor is made on the model's device.
"""

from __future__ import annotations

from typing import Sequence

import torch

from . import device
from .decoder import DecoderState, Memory
from .model import Seq2Seq


class TeacherForced:
    """F(x) = log P(y_t | y_<t, x) for every target piece t, as a function of the source embeddings."""

    def __init__(self, model: Seq2Seq, src_ids: Sequence[int], tgt_ids: Sequence[int]):
        cfg = model.cfg
        self.model = model
        on = device.of(model)  # every tensor where the model computes
        self.src = torch.tensor([list(src_ids)], device=on)  # [1, S]
        self.tgt_in = torch.tensor([[cfg.bos_id, *tgt_ids[:-1]]], device=on)  # [1, T]: <s> y_1 .. y_{T-1}
        self.tgt_out = torch.tensor([list(tgt_ids)], device=on)  # [1, T]

    def embeddings(self) -> torch.Tensor:
        """The source embeddings x [1, S, E]."""
        with torch.no_grad():
            return self.model.embed(self.src).float()

    def baseline(self, piece_id: int) -> torch.Tensor:
        """The embedding of `piece_id` at every source position, [1, S, E]."""
        with torch.no_grad():
            return self.model.embed.weight[piece_id].float().expand_as(self.embeddings()).clone()

    def run(self, src_emb: torch.Tensor, rows: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """src_emb [N, S, E] -> (log-probs [N, T], attention [N, T, S] | None), with the fp32 weights.

        `rows` [N]: example n needs only F_{rows[n]}: log-probs [N] of that row alone (attention None),
        each example's decoder run only up to its own row (teacher forcing is causal: exact).
        """
        with torch.enable_grad():  # fp32 weights of a frozen model (see the module docstring)
            n = src_emb.size(0)
            k = _copies(src_emb, rows)
            if k > 1:  # blocks of k copies of one input: encoded once per block
                memory = Memory(*EncodeOnce.apply(src_emb, k, self._encode))
            else:
                memory = self._encode(src_emb)
            if rows is None:
                tgt_in = self.model.embed(self.tgt_in).expand(n, -1, -1)  # [N, T, E]
                out, weights = self.model.decoder(tgt_in, memory)  # [N, T, E], [N, T, S] | None
                target = self.tgt_out.expand(n, -1)  # [N, T]
            else:
                out, weights, target = self._rows(memory, rows)[:, None], None, self.tgt_out[0, rows][:, None]
            logp = torch.log_softmax(self.model.logits(out).float(), dim=-1)  # [N, T | 1, V]
            logp = logp.gather(-1, target[:, :, None])[:, :, 0]  # [N, T | 1]
            return (logp if rows is None else logp[:, 0]), weights

    def _encode(self, src_emb: torch.Tensor) -> Memory:
        """src_emb [N, S, E] -> the encoder's Memory of N full-length sources."""
        n, s, _ = src_emb.shape
        on = src_emb.device
        mask = torch.ones(n, s, dtype=torch.bool, device=on)
        # the same values laid out time-major: the encoder's RNN reads [S, N, E], and its input
        # projections (forward and backward) then run as one matrix product instead of S
        src_emb = src_emb.transpose(0, 1).contiguous().transpose(0, 1)
        return self.model.encode_embedded(src_emb, torch.full((n,), s, device=on), mask)

    def _rows(self, memory: Memory, rows: torch.Tensor) -> torch.Tensor:
        """o_{rows[n]} [N, E] of each example n: one batch in which example n stops after step rows[n].

        Examples are sorted by row, longest first, so the ones still running at step k are a prefix
        of the batch, which shrinks as the rows end (the decoder work of a row-t call is t + 1 steps).
        """
        dec, n = self.model.decoder, rows.numel()
        emb = dec.drop(self.model.embed(self.tgt_in[0]))  # [T, E]: <s> y_1 .. y_{T-1}
        if not dec.loops:  # the RNN runs fused over all steps: run them all, keep each example's row
            out, _ = dec(emb[: int(rows.max()) + 1].expand(n, -1, -1), memory)  # [N, T', E]
            return out[torch.arange(n, device=rows.device), rows]
        order = torch.argsort(rows, descending=True, stable=True)  # [N]
        ranked = rows[order].tolist()
        memory = Memory(*(x.index_select(0, order) for x in memory))
        state, outs, ends = dec.init_state(memory), [], []
        for k in range(ranked[0] + 1):
            live = sum(r >= k for r in ranked)  # examples still running: the first `live`
            if live < memory.mask.size(0):  # sliced from the last step's: gradients padded to that size only
                memory = Memory(*(x[:live] for x in memory))
                state = DecoderState(tuple(h[:, :live].contiguous() for h in state.hidden),
                                     None if state.feed is None else state.feed[:live])
            step = dec.step(emb[k].expand(live, -1), state, memory, project=False)
            state, done = step.state, sum(r > k for r in ranked)  # examples done..live end at step k
            if done < live:
                outs.append(step.output[done:live] if dec.cfg.input_feeding else dec.project(step.features[done:live]))
                ends.append(order[done:live])
        back = torch.empty(n, dtype=torch.long, device=rows.device)
        back[torch.cat(ends)] = torch.arange(n, device=rows.device)  # output row of each example
        return torch.cat(outs)[back]  # [N, E]

    def __call__(self, src_emb: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        """Captum's forward function: [N, T] log-probs, or [N] (one target row each) with `rows`."""
        return self.run(src_emb, rows)[0]


def _copies(src_emb: torch.Tensor, rows: torch.Tensor | None) -> int:
    """k when the batch [N, S, E] is blocks of k equal inputs, copy i of each explained for row i (the
    copies `attributions` makes; integrated gradients' points keep them in blocks); 1 otherwise."""
    if rows is None or rows.numel() < 2 or int(rows[0]) != 0:
        return 1
    k = int(rows.max()) + 1
    n = rows.numel()
    if n % k or not torch.equal(rows, torch.arange(k, device=rows.device).repeat(n // k)):
        return 1
    blocks = src_emb.detach().view(n // k, k, *src_emb.shape[1:])
    return k if torch.equal(blocks, blocks[:, :1].expand_as(blocks)) else 1


class EncodeOnce(torch.autograd.Function):
    """The Memory of a batch of G blocks of k equal inputs [G*k, S, E], from one encoder pass of G.

    The k copies of an input are explained for k different target rows, so their gradients differ:
    the backward differentiates the G-example pass for all k at once (autograd's `is_grads_batched`, a
    vmap over the k cotangents [k, G, ...]). Same gradients as encoding all G*k, without the forward
    work of the copies (the explanation benchmark's largest part).
    """

    @staticmethod
    def forward(ctx, src_emb, k, encode):
        one = src_emb[::k].detach().requires_grad_()  # [G, S, E]
        with torch.enable_grad():
            memory = encode(one)
        ctx.one, ctx.k, ctx.floats = one, k, (memory.values, memory.keys, memory.final)
        ctx.mark_non_differentiable(mask := memory.mask.repeat_interleave(k, 0))
        each = [x.detach().repeat_interleave(k, 0) for x in ctx.floats]  # [G*k, ...]
        return each[0], (each[0] if memory.keys is memory.values else each[1]), mask, each[2]

    @staticmethod
    def backward(ctx, d_values, d_keys, _, d_final):
        k, (values, keys, final) = ctx.k, ctx.floats
        split = lambda d: d.reshape(-1, k, *d.shape[1:]).transpose(0, 1)  # noqa: E731  [G*k, ...] -> [k, G, ...]
        if keys is values:  # dot attention: the keys are the values, one output given twice
            outs, grads = (values, final), (split(d_values + d_keys), split(d_final))
        else:
            outs, grads = (values, keys, final), (split(d_values), split(d_keys), split(d_final))
        (d_one,) = torch.autograd.grad(outs, ctx.one, grads, is_grads_batched=True)  # [k, G, S, E]
        return d_one.transpose(0, 1).reshape(-1, *d_one.shape[2:]), None, None
