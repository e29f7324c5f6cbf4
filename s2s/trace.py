"""Step traces for the step player: every number of one decoding step, for one sentence.

At step t the decoder reads y_{t-1} and computes, in order: the raw score e_tj of every
source position, the softmax weights a_tj, the context c_t = sum_j a_tj h_j, the
concatenation the output layer reads, and the distribution over the next token. A forced
prefix feeds given tokens instead of the model's own choices: the whole reference gives
teacher forcing; a hypothesis cut at step t plus another word gives "pick a word and
continue decoding" (greedy after the prefix). Interventions as in search: `block` source
positions from attention at every step, `override` one step's attention (s2s/intervene.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from . import device
from .checkpoint import Checkpoint
from .errors import InputError
from .intervene import Override
from .search import _override_at, _start
from .text import MAX_OUTPUT, max_output_len
from .translate import encode_source


@dataclass
class StepTrace:
    step: int  # 1-based: the step that emits token y_t
    input_id: int  # y_{t-1}, the token fed in (<s> at step 1)
    input_piece: str
    scores: np.ndarray | None  # [S] raw scores e_t before softmax (None: vanilla)
    weights: np.ndarray | None  # [S] attention weights a_t (sum to 1)
    context: np.ndarray  # [M] c_t (vanilla: the one fixed context vector)
    state: np.ndarray  # [H] decoder state after the step
    features: np.ndarray  # [F] the concatenation the output layer reads
    output: np.ndarray  # [E] o_t = tanh(W features)
    top_ids: list[int]  # the k most probable next tokens
    top_pieces: list[str]
    top_probs: list[float]
    predicted_id: int  # the model's own most probable token
    chosen_id: int  # the token emitted (forced or predicted)
    chosen_piece: str
    chosen_prob: float  # model probability of the chosen token
    forced: bool  # chosen_id came from the prefix


@dataclass
class Trace:
    source: str
    source_pieces: list[str]
    steps: list[StepTrace]
    forced_len: int  # how many leading steps were forced

    @property
    def pieces(self) -> list[str]:
        return [s.chosen_piece for s in self.steps]

    @property
    def ids(self) -> list[int]:
        return [s.chosen_id for s in self.steps]

    def first_divergence(self) -> int | None:
        """First step whose forced token differs from the model's own prediction (1-based)."""
        return next((s.step for s in self.steps if s.forced and s.predicted_id != s.chosen_id), None)


def prefix_ids(ckpt: Checkpoint, text: str, add_eos: bool) -> list[int]:
    """Target-side ids of `text` (e.g. a reference), optionally ending in </s>."""
    ids = ckpt.tokenizer.encode(text)
    return ids + [ckpt.tokenizer.eos_id] if add_eos else ids


@torch.inference_mode()
def trace(
    ckpt: Checkpoint, text: str, prefix: list[int] | None = None, top_k: int = 10, max_len: int | None = None,
    block=(), override: Override | None = None,
) -> Trace:
    """Decode `text` one step at a time, recording every intermediate number.

    `prefix`: target ids to force at the first steps; after it the model continues greedily
    until </s> or the length bound (a prefix ending in </s> stops there).
    """
    model, tok = ckpt.model, ckpt.tokenizer
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise InputError(f"top_k must be a positive integer, got {top_k!r}")
    clean, src_ids = encode_source(ckpt, text)
    prefix = list(prefix or [])
    if len(prefix) > MAX_OUTPUT or any(not 0 <= i < tok.vocab_size for i in prefix):
        raise InputError("the forced prefix is too long or has unknown token ids")
    bound = max(len(prefix), max_output_len(len(src_ids), max_len))
    memory, state = _start(model, src_ids, block)
    forced_weights = _override_at(model, override, len(src_ids))
    prev = torch.tensor([model.cfg.bos_id], device=device.of(model))
    steps: list[StepTrace] = []
    for t in range(bound):
        logp, out = model.step(prev, state, memory, forced_weights(t + 1))  # [1, V]
        probs = logp[0].exp()
        top_p, top_i = probs.topk(min(top_k, probs.numel()))
        predicted = int(top_i[0])
        forced = t < len(prefix)
        chosen = prefix[t] if forced else predicted
        vec = lambda x: None if x is None else x[0].float().cpu().numpy()  # noqa: E731
        steps.append(
            StepTrace(
                step=t + 1,
                input_id=int(prev[0]),
                input_piece=tok.id_to_piece(int(prev[0])),
                scores=vec(out.scores),
                weights=vec(out.weights),
                context=vec(out.context),
                state=vec(out.query),
                features=vec(out.features),
                output=vec(out.output),
                top_ids=top_i.tolist(),
                top_pieces=[tok.id_to_piece(i) for i in top_i.tolist()],
                top_probs=top_p.tolist(),
                predicted_id=predicted,
                chosen_id=chosen,
                chosen_piece=tok.id_to_piece(chosen),
                chosen_prob=float(probs[chosen]),
                forced=forced,
            )
        )
        if chosen == tok.eos_id:
            break
        prev, state = torch.tensor([chosen], device=prev.device), out.state
    return Trace(clean, tok.pieces(src_ids), steps, min(len(prefix), len(steps)))
