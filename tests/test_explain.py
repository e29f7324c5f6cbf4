"""Tests of s2s.explain: Captum attributions beside attention, on tiny seeded models and on a model
trained in the test on the synthetic reverse task."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from captum.attr import FeatureAblation, IntegratedGradients

from s2s import checkpoint
from s2s import explain as explain_mod
from s2s.agreement import row_agreement
from s2s.config import ModelConfig
from s2s.errors import InputError
from s2s.explain import (ATTRIBUTIONS, MAX_SOURCE, METHODS, PASS_BUDGET, attributions, attributions_per_row,
                         explain)
from s2s.search import greedy_search
from s2s.synthetic import SymbolTokenizer, make_pairs, train_synthetic
from s2s.teacher_forced import TeacherForced
from s2s.translate import translate

TEXT = "The dog reads a book today."
ATTN = ["bahdanau-gru", "general-feed", "concat", "dot-learned-scale", "bahdanau-reversed"]
FIELDS = ["source_tokens", "target_tokens", "attention", "attributions", "agreement", "convergence_delta"]


def _logp(model, src_ids, tgt_ids) -> np.ndarray:
    """log P(y_t | y_<t, x) of every target piece through the model's own teacher-forced forward."""
    cfg = model.cfg
    with torch.no_grad():
        out, _ = model(torch.tensor([src_ids]), torch.tensor([len(src_ids)]), torch.tensor([[cfg.bos_id, *tgt_ids[:-1]]]))
        logp = torch.log_softmax(model.logits(out), -1)[0]  # [T, V]
    return logp[torch.arange(len(tgt_ids)), torch.tensor(tgt_ids)].numpy()


@pytest.mark.parametrize("variant", ATTN + ["vanilla-lstm", "vanilla-reversed-lstm"])
def test_shapes_rows_and_json(make_checkpoint, variant):
    ckpt, _ = make_checkpoint(variant)
    ex = explain(ckpt, TEXT, n_steps=8)
    tr = translate(ckpt, TEXT)
    s, t = len(tr.source_pieces), len(tr.best.ids)
    assert ex.source_pieces == tr.source_pieces and ex.target_pieces == tr.best.pieces
    assert set(ex.attributions) == set(ATTRIBUTIONS)
    for m in ATTRIBUTIONS:
        assert ex.attributions[m].shape == (t, s) and np.isfinite(ex.attributions[m]).all()
        assert np.allclose(ex.normalised[m].sum(1), 1.0) and (ex.normalised[m] >= 0).all()
    data = ex.to_json()
    assert list(data) == FIELDS
    assert all(len(row) == s for m in ATTRIBUTIONS for row in data["attributions"][m])
    assert len(data["convergence_delta"]) == t
    if variant.startswith("vanilla"):
        assert data["attention"] is None and data["agreement"] is None
    else:
        assert np.array(data["attention"]).shape == (t, s)
        assert np.allclose(ex.attention, tr.best.attention, atol=1e-2)  # teacher-forced fp32 vs int8 decoding
        assert set(data["agreement"]) == set(ATTRIBUTIONS)
        for m in ATTRIBUTIONS:
            assert set(data["agreement"][m]) == {"kendall_tau", "js", "top1"}
            assert 0 <= data["agreement"][m]["js"] <= 1 and 0 <= data["agreement"][m]["top1"] <= 1


@pytest.mark.parametrize("variant", ["bahdanau-gru", "general-feed", "vanilla-lstm"])
def test_occlusion_is_the_hand_computed_log_prob_difference(make_checkpoint, variant):
    _, model = make_checkpoint(variant)  # the in-memory fp32 model
    src = [5, 17, 30, 8, 3]
    tgt = [12, 40, 7, 3]
    ex = attributions(model, src, tgt, ["occlusion"])
    base = _logp(model, src, tgt)
    for j in range(len(src)):
        ids = list(src)
        ids[j] = model.cfg.unk_id
        assert np.allclose(ex.attributions["occlusion"][:, j], base - _logp(model, ids, tgt), atol=1e-5)


@pytest.mark.parametrize("variant", ["bahdanau-gru", "concat", "bahdanau-reversed", "vanilla-lstm"])
def test_integrated_gradients_convergence_delta_is_small(make_checkpoint, variant):
    _, model = make_checkpoint(variant)
    src, tgt = [5, 17, 30, 8, 3], [12, 40, 7, 3]
    ex = attributions(model, src, tgt, ["integrated_gradients"], n_steps=64)
    f = TeacherForced(model, src, tgt)
    x = f.embeddings()
    b = torch.zeros_like(x)
    b[:, -1] = x[:, -1]
    gap = (f(x) - f(b))[0].detach().numpy()  # F(x) - F(baseline) per row
    assert np.allclose(ex.attributions["integrated_gradients"].sum(1) - gap, ex.convergence_delta, atol=1e-4)
    assert (np.abs(ex.convergence_delta) <= 0.01 * np.maximum(1.0, np.abs(gap))).all(), (ex.convergence_delta, gap)
    assert (ex.attributions["integrated_gradients"][:, -1] == 0).all()  # </s> is kept in the baseline


def test_saliency_is_the_gradient_norm(make_checkpoint):
    _, model = make_checkpoint("bahdanau-gru")
    src, tgt = [5, 17, 30, 8, 3], [12, 40, 7, 3]
    ex = attributions(model, src, tgt, ["saliency", "input_x_gradient"])
    f = TeacherForced(model, src, tgt)
    for t in range(len(tgt)):
        x = f.embeddings().requires_grad_()
        (grad,) = torch.autograd.grad(f(x)[0, t], x)
        assert np.allclose(ex.attributions["saliency"][t], grad[0].norm(dim=-1).numpy(), atol=1e-6)
        assert np.allclose(ex.attributions["input_x_gradient"][t], (grad * x).sum(-1)[0].detach().numpy(), atol=1e-6)


@pytest.mark.parametrize("variant", ["bahdanau-gru", "bahdanau-lstm-2layer", "general-feed", "dot",
                                     "concat-feed-unidir", "bahdanau-reversed", "vanilla-lstm"])
@pytest.mark.parametrize("budget", [PASS_BUDGET, 5 * 11 * 3])  # IG in one pass; in passes of 3 points (the last of 1)
def test_all_rows_in_one_call_equal_one_call_per_row(make_checkpoint, monkeypatch, variant, budget):
    """The batched Captum calls (T copies, each example's decoder stopped at its own row, IG's points
    in passes of PASS_BUDGET) give the matrices and deltas of one plain Captum call per target row."""
    monkeypatch.setattr(explain_mod, "PASS_BUDGET", budget)
    n_steps = 16
    _, model = make_checkpoint(variant)
    src, tgt = [5, 17, 30, 8, 11, 3], [12, 40, 7, 9, 3]
    methods = ("saliency", "input_x_gradient", "integrated_gradients")
    batched = attributions(model, src, tgt, methods, n_steps=n_steps)
    reference, delta = attributions_per_row(model, src, tgt, methods, n_steps=n_steps)
    for m in methods:
        assert batched.attributions[m].shape == reference[m].shape == (len(tgt), len(src))
        assert np.allclose(batched.attributions[m], reference[m], rtol=1e-4, atol=1e-6), m
    assert batched.convergence_delta.shape == (len(tgt),)
    assert np.allclose(batched.convergence_delta, delta, rtol=1e-3, atol=1e-6)


def test_explanations_use_the_fp32_weights(make_checkpoint):
    """The app's checkpoints decode with int8 twins; attributions must be those of the fp32 model."""
    ckpt, _ = make_checkpoint("bahdanau-gru")
    fp32 = checkpoint.load(ckpt.path, fast=False)
    a, b = explain(ckpt, TEXT, n_steps=8), explain(fp32, TEXT, n_steps=8)
    if a.target_pieces == b.target_pieces:  # int8 decoding may pick another translation
        for m in ATTRIBUTIONS:
            assert np.allclose(a.attributions[m], b.attributions[m], atol=1e-5)
    tr = translate(ckpt, TEXT)
    direct = attributions(fp32.model, tr.source_ids, tr.best.ids, n_steps=8)
    for m in ATTRIBUTIONS:
        assert np.allclose(a.attributions[m], direct.attributions[m], atol=1e-5)


def test_methods_subset_beam_and_rank(make_checkpoint):
    ckpt, _ = make_checkpoint("bahdanau-gru")
    ex = explain(ckpt, TEXT, ["occlusion"])
    assert list(ex.attributions) == ["occlusion"] and ex.convergence_delta is None
    only_attention = explain(ckpt, TEXT, ["attention"])
    assert only_attention.attributions == {} and only_attention.agreement == {}
    tr = translate(ckpt, TEXT, beam=3)
    ex = explain(ckpt, TEXT, ["saliency"], beam=3, rank=2)
    assert ex.target_pieces == tr.hypotheses[1].pieces


@pytest.mark.parametrize("kwargs, message", [
    (dict(methods=["saliency", "shap"]), "unknown method 'shap'; valid methods: " + ", ".join(METHODS)),
    (dict(methods=[]), "no method given; valid methods"),
    (dict(n_steps=0), "steps must be an integer from 1 to"),
    (dict(n_steps=1000), "steps must be an integer from 1 to"),
    (dict(rank=4, beam=3), "rank must be from 1 to 3"),
    (dict(beam=0), "beam size"),
])
def test_bad_input_says_what_is_valid(make_checkpoint, kwargs, message):
    ckpt, _ = make_checkpoint("bahdanau-gru")
    with pytest.raises(InputError, match=message):
        explain(ckpt, TEXT, **kwargs)


def test_too_long_or_bad_text_is_refused(make_checkpoint):
    ckpt, _ = make_checkpoint("bahdanau-gru")
    with pytest.raises(InputError, match=f"too long to explain: .* \\(limit {MAX_SOURCE}\\)"):
        explain(ckpt, " ".join(["dog"] * (MAX_SOURCE + 5)))
    for bad in ("", "   ", "a\x00b"):
        with pytest.raises(InputError):
            explain(ckpt, bad)


# ----- the synthetic reverse task ---------------------------------------------------------------

TOK = SymbolTokenizer()


def _mean_symbol(model, x: torch.Tensor) -> torch.Tensor:
    """The mean embedding of the task's symbols at every position, the final </s> kept: [1, S, E]."""
    base = model.embed.weight[TOK.eos_id + 1:].mean(0).detach().expand_as(x).clone()
    base[:, -1] = x[:, -1]
    return base


@pytest.fixture(scope="module")
def reverse_explained():
    """A Bahdanau model (bidirectional encoder) trained in the test to reverse 3-6 symbols; over 30
    held-out sequences, the top-1 agreement of each method with attention (all rows), the share of
    the anti-diagonal, and two controls computed with Captum on the same forward function: integrated
    gradients from the mean symbol embedding and occlusion by the mean symbol embedding (instead of
    the zero embedding and <unk>); plus how often input x gradient peaks on </s> in a symbol row."""
    torch.set_num_threads(1)
    cfg = ModelConfig(vocab_size=TOK.vocab_size, emb_dim=16, enc_hidden=16, enc_layers=1, bidirectional=True,
                      dec_hidden=32, attn_dim=16, attention="bahdanau", dropout=0.0)
    model = train_synthetic(cfg, make_pairs(4000, 3, 6, "reverse", vocab=TOK.vocab_size, seed=0),
                            steps=300, batch_size=32, lr=1e-2, seed=0)
    top1 = {m: [] for m in [*ATTRIBUTIONS, "ig_mean_symbol", "occlusion_mean_symbol"]}
    diagonal, ixg_on_eos, solved = [], [], []
    for src, tgt in make_pairs(30, 3, 6, "reverse", vocab=TOK.vocab_size, seed=1):
        ids = src + [TOK.eos_id]
        hyp = greedy_search(model, TOK, ids, 20).hypotheses[0]
        solved.append(hyp.ids == tgt + [TOK.eos_id])
        ex = attributions(model, ids, hyp.ids, n_steps=32)
        symbols = range(min(len(src), len(hyp.ids) - 1))  # rows that emit a symbol
        diagonal.append(np.mean([ex.attention[t].argmax() == len(src) - 1 - t for t in symbols]))
        for m, a in ex.agreement.items():
            top1[m].append(a["top1"])
        for m, rows in ex.agreement_rows.items():  # the same, over the symbol rows only (not </s>)
            top1.setdefault(f"{m} (symbol rows)", []).append(rows["top1"][list(symbols)].mean())
        ixg_on_eos.append(np.mean([ex.normalised["input_x_gradient"][t].argmax() == len(src) for t in symbols]))
        f, t = TeacherForced(model, ids, hyp.ids), len(hyp.ids)
        x = f.embeddings()
        ig = IntegratedGradients(f).attribute(x.expand(t, -1, -1).clone(),
                                              baselines=_mean_symbol(model, x).expand(t, -1, -1),
                                              additional_forward_args=(torch.arange(t),), n_steps=32)
        mask = torch.arange(x.size(1))[None, :, None].expand_as(x)
        occ = FeatureAblation(f).attribute(x, baselines=_mean_symbol(model, x), feature_mask=mask)
        top1["ig_mean_symbol"].append(row_agreement(ex.attention, ig.sum(-1).detach().numpy())["top1"].mean())
        top1["occlusion_mean_symbol"].append(row_agreement(ex.attention, occ[:, :, 0].detach().numpy())["top1"].mean())
    means = {m: float(np.mean(v)) for m, v in top1.items()}
    return means, float(np.mean(diagonal)), float(np.mean(ixg_on_eos)), float(np.mean(solved))


def test_reverse_attention_is_anti_diagonal_and_saliency_agrees(reverse_explained):
    top1, diagonal, _, solved = reverse_explained
    assert solved >= 0.95 and diagonal >= 0.95, (solved, diagonal)  # the model solves the task, attending right
    assert top1["saliency"] >= 0.9, top1
    assert top1["saliency (symbol rows)"] >= 0.95, top1  # a symbol's gradient peaks at its aligned position


def test_reverse_baselines_decide_where_ig_and_occlusion_peak(reverse_explained):
    """Why integrated gradients and occlusion miss the bar (below): the reference they measure from.
    From the mean symbol embedding (a symbol is there, which one is unknown) both peak where attention
    does; from the zero embedding and the untrained <unk> they also credit "a symbol is here at all",
    which locates every row, and <unk> is a vector the model never read. Input x gradient is one
    point of integrated gradients from an all-zero input (</s> zeroed too), and peaks on </s>."""
    top1, _, ixg_on_eos, _ = reverse_explained
    assert top1["ig_mean_symbol"] >= 0.9 and top1["occlusion_mean_symbol"] >= 0.9, top1
    assert top1["ig_mean_symbol"] > top1["integrated_gradients"] and top1["occlusion_mean_symbol"] > top1["occlusion"]
    assert ixg_on_eos >= 0.3, ixg_on_eos


@pytest.mark.parametrize("method", ["input_x_gradient", "integrated_gradients", "occlusion"])
@pytest.mark.xfail(strict=True, reason="measured, not bent: on the reverse model (it reverses the held-out "
                   "sequences, attention anti-diagonal) the top piece matches attention's in 0.40 (input x gradient: peaks on </s> in 46% "
                   "of symbol rows), 0.83 (integrated gradients from the zero embedding) and 0.59 (occlusion by the "
                   "untrained <unk>) of the rows; from the mean symbol embedding IG and occlusion reach 0.94 and 0.92 "
                   "(test_reverse_baselines_decide_where_ig_and_occlusion_peak)")
def test_reverse_other_methods_agree_at_top1(reverse_explained, method):
    assert reverse_explained[0][method] >= 0.9


@pytest.mark.parametrize("variant", ["bahdanau-gru", "vanilla-lstm"])
def test_every_tensor_an_explanation_makes_follows_the_model_device(make_checkpoint, variant):
    """ids, embeddings, masks, IG's baseline and occlusion's feature mask sit where the model computes
    (`explain --device`); every method's result comes back as numpy on the CPU."""
    from device_watch import made_tensors, off_device

    ckpt, _ = make_checkpoint(variant)
    cpu = torch.device("cpu")
    with made_tensors() as made:
        ex = explain(ckpt, TEXT, n_steps=4)
    assert any(m.where.startswith("s2s/explain.py") for m in made)  # the watch saw explain's own
    assert not off_device(made, cpu), off_device(made, cpu)
    assert set(ex.attributions) == set(ATTRIBUTIONS)
    assert all(isinstance(a, np.ndarray) for a in ex.attributions.values())
