"""Attributions beside attention: which source pieces did each target piece depend on?

One translation is explained teacher-forced on its own pieces y_1..y_T (ending in </s>): the model
reads the source embeddings x_1..x_S and the forced prefix, and F_t(x) = log P(y_t | y_<t, x) is the
log-probability of target piece t. Every method gives a matrix [T, S] (Captum computes them):

- saliency:              ||dF_t/dx_j||_2                          (Captum `Saliency`, abs=True)
- input_x_gradient:      sum_e x_je dF_t/dx_je                    (Captum `InputXGradient`)
- integrated_gradients:  sum_e (x_je - b_je) int_0^1 dF_t(b + a(x - b))/dx_je da   (Captum
                         `IntegratedGradients`, Gauss-Legendre, `n_steps` points). The baseline b is
                         the zero embedding at every piece but the final </s>, which keeps its own
                         (as Captum's BERT tutorial keeps [CLS] and [SEP]): the path runs from "a
                         sentence of nothing" to the sentence, so the </s> column is exactly 0. (Not
                         the <pad> row: tied to the output layer, it is trained, up to |x| = 0.09 in
                         the shipped models.) With </s> zeroed too, the </s> column takes most of the
                         attribution: the decoder finds its place from the end of the source.
                         Captum's convergence delta per row: sum_j IG_tj - (F_t(x) - F_t(b)).
- occlusion:             F_t(x) - F_t(x with x_j replaced by the <unk> embedding), i.e. leave one
                         out, exact (Captum `FeatureAblation`, one feature per source position).

All target rows are explained in one Captum call per method (the forward function, its copies and
what keeps them cheap: s2s/teacher_forced.py). Integrated gradients' T x n_steps examples run in as
few passes as `PASS_BUDGET` allows (one for 16 source pieces, 14 target pieces and 32 steps).
`attributions_per_row` is the plain way (one call per row), the reference the tests compare with.

Attributions are those of the fp32 model, and attention for the agreement comes from the same
teacher-forced fp32 pass. Vanilla models have attributions and no attention, hence no agreement.
On CUDA as on the CPU the gradients are fp32 (no bf16 autocast: integrated gradients' convergence
delta would measure the rounding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import torch
from captum.attr import FeatureAblation, InputXGradient, IntegratedGradients, Saliency

from .agreement import mean_agreement, normalise_rows, row_agreement
from .checkpoint import Checkpoint
from .errors import InputError
from .model import Seq2Seq
from .teacher_forced import TeacherForced
from .translate import translate

METHODS = ("attention", "saliency", "input_x_gradient", "integrated_gradients", "occlusion")
ATTRIBUTIONS = METHODS[1:]
BASELINE = "zero embedding (the final </s> kept)"
MAX_SOURCE = 60  # source pieces an explanation accepts (IG costs T x n_steps passes)
MAX_TARGET = 80  # target pieces
MAX_STEPS = 256  # integrated gradients' n_steps
PASS_BUDGET = 16384  # IG, per forward/backward pass: examples (T rows x points) x (S + T) pieces at most (memory)


@dataclass
class Explanation:
    source_pieces: list[str]
    target_pieces: list[str]  # the pieces explained (ending in </s> when the hypothesis finished)
    attention: np.ndarray | None  # [T, S] teacher-forced attention (None: vanilla)
    attributions: dict[str, np.ndarray]  # method -> [T, S]
    convergence_delta: np.ndarray | None  # [T] IG's delta per target row (None: IG not asked for)
    n_steps: int
    baseline: str = BASELINE
    normalised: dict[str, np.ndarray] = field(init=False)  # method -> [T, S], |rows| summing to 1

    def __post_init__(self):
        self.normalised = {m: normalise_rows(a) for m, a in self.attributions.items()}

    @property
    def agreement_rows(self) -> dict[str, dict[str, np.ndarray]] | None:
        """method -> {metric: [T]} against attention; None for a vanilla model."""
        if self.attention is None:
            return None
        return {m: row_agreement(self.attention, a) for m, a in self.attributions.items()}

    @property
    def agreement(self) -> dict[str, dict[str, float | None]] | None:
        """method -> {"kendall_tau", "js", "top1"}: means over the target rows."""
        rows = self.agreement_rows
        return None if rows is None else {m: mean_agreement(r) for m, r in rows.items()}

    def to_json(self) -> dict:
        matrix = lambda a: np.round(np.asarray(a, dtype=float), 6).tolist()  # noqa: E731
        return {
            "source_tokens": self.source_pieces,
            "target_tokens": self.target_pieces,
            "attention": None if self.attention is None else matrix(self.attention),
            "attributions": {m: matrix(a) for m, a in self.attributions.items()},
            "agreement": self.agreement,
            "convergence_delta": None if self.convergence_delta is None else matrix(self.convergence_delta[None])[0],
        }


def check_methods(methods: Sequence[str]) -> tuple[str, ...]:
    """Known method names, in the canonical order; InputError listing the valid ones otherwise."""
    methods = tuple(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        what = f"unknown method {unknown[0]!r}" if unknown else "no method given"
        raise InputError(f"{what}; valid methods: {', '.join(METHODS)}")
    return tuple(m for m in METHODS if m in methods)


def check_steps(n_steps: int) -> int:
    if isinstance(n_steps, bool) or not isinstance(n_steps, int) or not 1 <= n_steps <= MAX_STEPS:
        raise InputError(f"integrated gradients' steps must be an integer from 1 to {MAX_STEPS}, got {n_steps!r}")
    return n_steps


def attributions(model: Seq2Seq, src_ids: Sequence[int], tgt_ids: Sequence[int], methods=ATTRIBUTIONS,
                 n_steps: int = 32) -> Explanation:
    """Explain target ids `tgt_ids` (teacher-forced) given source ids `src_ids` (ending in </s>)."""
    methods = check_methods(methods)
    check_steps(n_steps)
    if not tgt_ids:
        raise InputError("nothing to explain: the translation is empty")
    f = TeacherForced(model, src_ids, tgt_ids)
    x = f.embeddings()  # [1, S, E]
    s, t = x.shape[1], len(tgt_ids)
    copies = x.expand(t, -1, -1).clone().requires_grad_()  # [T, S, E]: copy i is explained for target row i
    with torch.no_grad():
        _, weights = f.run(x)
    out: dict[str, np.ndarray] = {}
    delta = None
    rows = torch.arange(t, device=x.device)  # copy i is explained for target row i
    if "saliency" in methods:
        grad = Saliency(f).attribute(copies, additional_forward_args=(rows,), abs=True)  # [T, S, E]
        out["saliency"] = grad.norm(dim=-1).detach().cpu().numpy()
    if "input_x_gradient" in methods:
        ixg = InputXGradient(f).attribute(copies, additional_forward_args=(rows,))  # [T, S, E]
        out["input_x_gradient"] = ixg.sum(-1).detach().cpu().numpy()
    if "integrated_gradients" in methods:
        base = torch.zeros_like(x)  # [1, S, E] the zero embedding (BASELINE) ...
        base[:, -1] = x[:, -1]  # ... but for the final </s>
        points = max(1, min(n_steps, PASS_BUDGET // (t * (s + t))))  # interpolation points per pass, all T rows
        attr, d = IntegratedGradients(f).attribute(
            copies, baselines=base.expand(t, -1, -1), additional_forward_args=(rows,), n_steps=n_steps,
            internal_batch_size=t * points, return_convergence_delta=True)  # [T, S, E], [T]
        out["integrated_gradients"] = attr.sum(-1).detach().cpu().numpy()
        delta = d.detach().cpu().numpy()
    if "occlusion" in methods:
        mask = torch.arange(s, device=x.device)[None, :, None].expand_as(x)  # [1, S, E]: feature j = source position j
        occ = FeatureAblation(f).attribute(x, baselines=f.baseline(model.cfg.unk_id), feature_mask=mask,
                                           perturbations_per_eval=s)  # [T, S, E]: one value per position
        out["occlusion"] = occ[:, :, 0].detach().cpu().numpy()
    return Explanation(
        source_pieces=[],
        target_pieces=[],
        attention=None if weights is None else weights[0].detach().cpu().numpy(),
        attributions=out,
        convergence_delta=delta,
        n_steps=n_steps,
    )


def attributions_per_row(model: Seq2Seq, src_ids: Sequence[int], tgt_ids: Sequence[int],
                         methods=("saliency", "input_x_gradient", "integrated_gradients"),
                         n_steps: int = 32) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """The gradient methods the plain way: one Captum call per target row t, forward F_t(x) taken
    from the whole teacher-forced pass. The reference `attributions` (all rows in one call) is
    tested against, and timed beside by `--bench`: ({method: [T, S]}, IG's delta [T] | None)."""
    f = TeacherForced(model, src_ids, tgt_ids)
    x = f.embeddings().requires_grad_()  # [1, S, E]
    base = torch.zeros_like(x).detach()
    base[:, -1] = x[:, -1].detach()
    rows, deltas = {m: [] for m in methods}, []
    for t in range(len(tgt_ids)):
        row = lambda e, t=t: f(e)[:, t]  # noqa: E731  [N]
        if "saliency" in methods:
            rows["saliency"].append(Saliency(row).attribute(x, abs=True)[0].norm(dim=-1))
        if "input_x_gradient" in methods:
            rows["input_x_gradient"].append(InputXGradient(row).attribute(x)[0].sum(-1))
        if "integrated_gradients" in methods:
            attr, d = IntegratedGradients(row).attribute(x, baselines=base, n_steps=n_steps,
                                                         return_convergence_delta=True)
            rows["integrated_gradients"].append(attr[0].sum(-1))
            deltas.append(d[0])
    out = {m: torch.stack(r).detach().cpu().numpy() for m, r in rows.items()}  # [T, S] each
    return out, (torch.stack(deltas).detach().cpu().numpy() if deltas else None)


def explain(ckpt: Checkpoint, text: str, methods: Sequence[str] = METHODS, n_steps: int = 32, beam: int = 1,
            rank: int = 1, length_penalty: float = 1.0) -> Explanation:
    """Translate `text` (greedy, or beam search's hypothesis `rank`) and explain that translation."""
    methods = check_methods(methods)
    check_steps(n_steps)
    tr = translate(ckpt, text, beam=beam, length_penalty=length_penalty)
    if len(tr.source_ids) > MAX_SOURCE:
        raise InputError(f"text is too long to explain: {len(tr.source_ids)} pieces (limit {MAX_SOURCE})")
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= len(tr.hypotheses):
        raise InputError(f"hypothesis rank must be from 1 to {len(tr.hypotheses)}, got {rank!r}")
    hyp = tr.hypotheses[rank - 1]
    if len(hyp.ids) > MAX_TARGET:
        raise InputError(f"translation is too long to explain: {len(hyp.ids)} pieces (limit {MAX_TARGET})")
    ex = attributions(ckpt.model, tr.source_ids, hyp.ids, [m for m in methods if m != "attention"] or ["attention"],
                      n_steps)
    ex.source_pieces, ex.target_pieces = tr.source_pieces, hyp.pieces
    return ex
