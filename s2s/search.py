"""Greedy and beam search. Both return the same record for every final hypothesis.

Beam search keeps its live hypotheses as a batch dimension: one decoder step scores all k
of them at once. It starts with one hypothesis and `beam` slots; at each step every live
hypothesis proposes its best continuations, the best `k` of all proposals are kept, and
those that end in </s> leave the beam as finished (so the beam shrinks, and exactly `beam`
hypotheses come back). Every proposal is a node of the search tree with its fate:
"kept", "pruned" or "finished". With beam 1 this is greedy search, step for step.

Final hypotheses are ranked by the length-normalised score  log P(y|x) / lp(y)  with
GNMT's penalty  lp(y) = ((5 + |y|) / 6) ** alpha  (alpha = 0: raw log-probability).

Interventions (s2s/intervene.py) are parameters of both: `block` source positions are masked
from attention at every step; `override` replaces the attention of one step for every live
hypothesis, and decoding continues from there free-running.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from . import device
from .decoder import StepOut
from .intervene import Override, block_mask, check_block, check_override
from .model import Seq2Seq


@dataclass
class Hypothesis:
    ids: list[int]  # target token ids, ending in </s> when finished
    pieces: list[str]
    text: str
    log_probs: list[float]  # log P(y_t | y_<t, x) of each emitted token
    score: float  # sum of log_probs
    norm_score: float  # score / lp(len)
    finished: bool  # ended in </s> (False: stopped at the length bound)
    attention: np.ndarray | None  # [len(ids), source_len] (None: vanilla model)
    contexts: np.ndarray  # [len(ids), M] context vector used at each step
    states: np.ndarray  # [len(ids), H] decoder state at each step


@dataclass
class TreeNode:
    id: int
    parent: int | None  # None for the root (<s>)
    step: int  # 0 for the root; a token emitted at step t has step t
    token: int
    log_prob: float  # log P(token | its parent's prefix)
    score: float  # cumulative log-probability of the prefix ending in this node
    fate: str  # "kept" | "pruned" | "finished"


@dataclass
class SearchOutput:
    hypotheses: list[Hypothesis]  # best first
    tree: list[TreeNode] = field(default_factory=list)


def length_penalty(length: int, alpha: float) -> float:
    return ((5.0 + length) / 6.0) ** alpha


def _start(model: Seq2Seq, src_ids: list[int], block=()):
    """Encode one source; `block`ed positions leave the attention mask (InputError if not valid)."""
    block = check_block(block, len(src_ids), model.cfg.family == "vanilla")
    on = device.of(model)
    src = torch.tensor([src_ids], device=on)  # [1, S]
    memory = model.encode(src, torch.tensor([len(src_ids)], device=on))
    memory = memory._replace(mask=block_mask(memory.mask, block))
    return memory, model.init_state(memory)


def _override_at(model: Seq2Seq, override: Override | None, n_source: int):
    """step t (1-based) -> the override's weights [S] at its step, else None."""
    override = check_override(override, n_source, model.cfg.family == "vanilla")
    if override is None:
        return lambda t: None
    weights = override.tensor(device.of(model))  # [S], where the model computes
    return lambda t: weights if t == override.step else None


def _hypothesis(model, tokenizer, ids, log_probs, outs: list[StepOut], rows: list[int], finished, alpha):
    """Gather one hypothesis's per-step records (step t used row rows[t] of outs[t])."""
    pick = lambda get: torch.stack([get(o)[r] for o, r in zip(outs, rows)]).float().cpu().numpy()  # noqa: E731
    attention = None if outs[0].weights is None else pick(lambda o: o.weights)  # [T, S]
    score = math.fsum(log_probs)
    return Hypothesis(
        ids=ids,
        pieces=[tokenizer.id_to_piece(i) for i in ids],
        text=tokenizer.decode(ids),
        log_probs=log_probs,
        score=score,
        norm_score=score / length_penalty(len(ids), alpha),
        finished=finished,
        attention=attention,
        contexts=pick(lambda o: o.context),
        states=pick(lambda o: o.query),
    )


def greedy_search(
    model: Seq2Seq, tokenizer, src_ids: list[int], max_len: int, alpha: float = 1.0, block=(),
    override: Override | None = None,
) -> SearchOutput:
    """Pick the most probable token at each step until </s> or `max_len` tokens."""
    eos = model.cfg.eos_id
    memory, state = _start(model, src_ids, block)
    forced = _override_at(model, override, len(src_ids))
    on = device.of(model)
    prev = torch.tensor([model.cfg.bos_id], device=on)
    ids, log_probs, outs = [], [], []
    tree = [TreeNode(0, None, 0, model.cfg.bos_id, 0.0, 0.0, "kept")]
    score = torch.zeros(1, device=on)
    for t in range(max_len):
        logp, out = model.step(prev, state, memory, forced(t + 1))  # [1, V]
        best, token = logp.max(-1)  # [1], [1]
        score = score + best
        tok = int(token)
        ids.append(tok)
        log_probs.append(float(best))
        outs.append(out)
        tree.append(TreeNode(t + 1, t, t + 1, tok, float(best), float(score), "finished" if tok == eos else "kept"))
        if tok == eos:
            break
        prev, state = token, out.state
    hyp = _hypothesis(model, tokenizer, ids, log_probs, outs, [0] * len(ids), ids[-1] == eos, alpha)
    return SearchOutput([hyp], tree)


def beam_search(
    model: Seq2Seq, tokenizer, src_ids: list[int], beam: int, max_len: int, alpha: float = 1.0, block=(),
    override: Override | None = None,
) -> SearchOutput:
    """Batched beam search; returns `beam` hypotheses ranked by normalised score, and the tree."""
    eos = model.cfg.eos_id
    memory, state = _start(model, src_ids, block)
    forced = _override_at(model, override, len(src_ids))
    tree = [TreeNode(0, None, 0, model.cfg.bos_id, 0.0, 0.0, "kept")]
    where: dict[int, tuple[int, int]] = {}  # node id -> (step index into outs, row)
    outs: list[StepOut] = []
    live = [0]  # node ids of the live hypotheses (rows of the batch)
    on = device.of(model)
    scores = torch.zeros(1, device=on)  # [k] cumulative log-probabilities of the live hypotheses
    prev = torch.tensor([model.cfg.bos_id], device=on)
    ended: list[tuple[int, bool]] = []  # (node id, finished)
    for t in range(max_len):
        k = len(live)
        logp, out = model.step(prev, state, memory.expand(k), forced(t + 1))  # [k, V]
        outs.append(out)
        width = min(beam - len(ended), logp.size(1))  # places left in the beam
        top_s, top_i = (scores[:, None] + logp).topk(width, dim=1)  # [k, width] per hypothesis
        chosen = set(top_s.flatten().topk(width).indices.tolist())  # best `width` of k * width
        rows, tokens, kept_scores, next_live = [], [], [], []
        for r, (s_row, i_row, lp_row) in enumerate(zip(top_s.tolist(), top_i.tolist(), logp)):
            for j, (s, tok) in enumerate(zip(s_row, i_row)):
                node = len(tree)
                is_chosen = r * width + j in chosen
                fate = "pruned" if not is_chosen else ("finished" if tok == eos else "kept")
                tree.append(TreeNode(node, live[r], t + 1, tok, float(lp_row[tok]), s, fate))
                if not is_chosen:
                    continue
                where[node] = (t, r)
                if tok == eos:
                    ended.append((node, True))
                else:
                    next_live.append(node)
                    rows.append(r)
                    tokens.append(tok)
                    kept_scores.append(s)
        if not next_live:
            break
        live = next_live
        state = out.state.select(torch.tensor(rows, device=on))
        prev = torch.tensor(tokens, device=on)
        scores = torch.tensor(kept_scores, device=on)
    else:
        ended.extend((node, False) for node in live)  # stopped by the length bound

    hyps = []
    for node, finished in ended:
        path = []
        while tree[node].parent is not None:
            path.append(node)
            node = tree[node].parent
        path.reverse()
        ids = [tree[n].token for n in path]
        log_probs = [tree[n].log_prob for n in path]
        steps = [where[n] for n in path]
        hyps.append(
            _hypothesis(model, tokenizer, ids, log_probs, [outs[s] for s, _ in steps], [r for _, r in steps], finished, alpha)
        )
    hyps.sort(key=lambda h: h.norm_score, reverse=True)
    return SearchOutput(hyps, tree)


# no autograd records while searching; wrapped here rather than with decorator syntax so that
# mutation testing (mutmut skips decorated functions) reaches the search code (docs/testing.md)
_start = torch.inference_mode()(_start)
greedy_search = torch.inference_mode()(greedy_search)
beam_search = torch.inference_mode()(beam_search)
