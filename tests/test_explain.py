"""Tests of s2s.explain: Captum attributions beside attention, on tiny seeded models and on a model
trained in the test on the synthetic reverse task."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from s2s import checkpoint
from s2s.config import ModelConfig
from s2s.errors import InputError
from s2s.explain import ATTRIBUTIONS, MAX_SOURCE, METHODS, TeacherForced, attributions, explain
from s2s.search import greedy_search
from s2s.synthetic import SymbolTokenizer, make_pairs, train_synthetic
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


@pytest.fixture(scope="module")
def reverse_explained():
    """A Bahdanau model (bidirectional encoder) trained in the test to reverse 3-6 symbols, and the
    top-1 agreement of each method with attention over 30 held-out sequences."""
    torch.set_num_threads(1)
    cfg = ModelConfig(vocab_size=TOK.vocab_size, emb_dim=16, enc_hidden=16, enc_layers=1, bidirectional=True,
                      dec_hidden=32, attn_dim=16, attention="bahdanau", dropout=0.0)
    model = train_synthetic(cfg, make_pairs(4000, 3, 6, "reverse", vocab=TOK.vocab_size, seed=0),
                            steps=300, batch_size=32, lr=1e-2, seed=0)
    top1 = {m: [] for m in ATTRIBUTIONS}
    diagonal = []
    for src, _ in make_pairs(30, 3, 6, "reverse", vocab=TOK.vocab_size, seed=1):
        ids = src + [TOK.eos_id]
        hyp = greedy_search(model, TOK, ids, 20).hypotheses[0]
        ex = attributions(model, ids, hyp.ids, n_steps=32)
        diagonal.append(np.mean([ex.attention[t].argmax() == len(src) - 1 - t for t in range(len(src))]))
        for m, a in ex.agreement.items():
            top1[m].append(a["top1"])
    return {m: float(np.mean(v)) for m, v in top1.items()}, float(np.mean(diagonal))


def test_reverse_attention_is_anti_diagonal_and_saliency_agrees(reverse_explained):
    top1, diagonal = reverse_explained
    assert diagonal >= 0.95
    assert top1["saliency"] >= 0.9, top1


@pytest.mark.parametrize("method", ["input_x_gradient", "integrated_gradients", "occlusion"])
@pytest.mark.xfail(strict=True, reason="measured, not bent: on the reverse model these methods' top piece matches "
                   "attention's in about 0.40 (input x gradient), 0.83 (integrated gradients) and 0.59 (occlusion: "
                   "replacing </s> or a symbol by the untrained <unk> moves every row) of the rows")
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
