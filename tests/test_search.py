"""Tests of s2s.search: beam 1 == greedy, hypothesis records, the search tree, bounds."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
import torch

from s2s.search import Hypothesis, beam_search, greedy_search, length_penalty
from s2s.synthetic import SymbolTokenizer

from conftest import VARIANTS, build_model, tiny_config

TOK = SymbolTokenizer()  # 24 ids: 4 specials + 20 symbols
EOS = TOK.eos_id
SOURCES = [[5, 9, 12, 7, EOS], [EOS], [4, 4, 4, 4, 4, 4, 4, 4, 4, 23, EOS]]
FATES = {"kept", "pruned", "finished"}


def _model(variant: str, seed: int = 0, eos_bias: float = 0.0):
    """A tiny random model; `eos_bias` makes </s> more likely, so some hypotheses finish."""
    model = build_model(tiny_config(TOK.vocab_size, **VARIANTS[variant]), seed=seed, scale=2.0)
    with torch.no_grad():
        model.out_bias[EOS] = eos_bias
    return model


def _assert_same_hypothesis(a: Hypothesis, b: Hypothesis):
    assert a.ids == b.ids and a.pieces == b.pieces and a.text == b.text
    assert a.log_probs == b.log_probs
    assert a.score == b.score and a.norm_score == b.norm_score and a.finished == b.finished
    if a.attention is None:
        assert b.attention is None
    else:
        assert np.array_equal(a.attention, b.attention)
    assert np.array_equal(a.contexts, b.contexts)
    assert np.array_equal(a.states, b.states)


def _path(tree, node_id):
    """Nodes from the root's child down to node_id, following parent links."""
    nodes = []
    while tree[node_id].parent is not None:
        nodes.append(tree[node_id])
        node_id = tree[node_id].parent
    assert node_id == 0
    return nodes[::-1]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_beam_one_is_greedy(variant):
    for eos_bias in (0.0, 3.0):
        model = _model(variant, seed=1, eos_bias=eos_bias)
        for src in SOURCES:
            for alpha in (0.0, 1.0):
                greedy = greedy_search(model, TOK, src, max_len=12, alpha=alpha)
                beam = beam_search(model, TOK, src, beam=1, max_len=12, alpha=alpha)
                assert len(greedy.hypotheses) == len(beam.hypotheses) == 1
                _assert_same_hypothesis(greedy.hypotheses[0], beam.hypotheses[0])
                assert greedy.tree == beam.tree


def _check_output(model, src, out, beam, max_len, alpha):
    cfg = model.cfg
    hyps = out.hypotheses
    assert len(hyps) == beam
    norm = [h.norm_score for h in hyps]
    assert norm == sorted(norm, reverse=True)
    for h in hyps:
        n = len(h.ids)
        assert 1 <= n <= max_len
        assert h.finished == (h.ids[-1] == EOS)
        assert EOS not in h.ids[:-1]
        if not h.finished:
            assert n == max_len  # stopped by the bound only
        assert len(h.log_probs) == n and all(lp <= 0 for lp in h.log_probs)
        assert h.score == pytest.approx(math.fsum(h.log_probs), abs=1e-9)
        assert h.norm_score == pytest.approx(h.score / length_penalty(n, alpha))
        assert h.pieces == TOK.pieces(h.ids) and h.text == TOK.decode(h.ids)
        if cfg.family == "vanilla":
            assert h.attention is None
        else:
            assert h.attention.shape == (n, len(src))
            assert np.allclose(h.attention.sum(1), 1.0, atol=1e-5)
            assert (h.attention >= 0).all()
        assert h.contexts.shape == (n, cfg.memory_dim)
        assert h.states.shape == (n, cfg.dec_hidden)


def _check_tree(out, beam, max_len):
    tree = out.tree
    assert tree[0].id == 0 and tree[0].parent is None and tree[0].step == 0 and tree[0].token == 2
    for i, node in enumerate(tree):
        assert node.id == i
        assert node.fate in FATES
        if i:
            parent = tree[node.parent]
            assert parent.fate == "kept"  # only kept prefixes are expanded
            assert node.step == parent.step + 1
            assert node.score == pytest.approx(parent.score + node.log_prob, abs=1e-4)
            assert node.log_prob <= 0
            assert (node.fate == "finished") == (node.fate != "pruned" and node.token == EOS)
    last = max(n.step for n in tree)
    assert last <= max_len
    finished_before = 0
    for step in range(1, last + 1):
        nodes = [n for n in tree if n.step == step]
        chosen = [n for n in nodes if n.fate != "pruned"]
        pruned = [n for n in nodes if n.fate == "pruned"]
        assert len(chosen) == beam - finished_before  # the beam keeps every free slot filled
        if pruned:
            assert min(n.score for n in chosen) >= max(n.score for n in pruned) - 1e-6
        kept = {n.id for n in chosen if n.fate == "kept"}
        children_parents = {n.parent for n in tree if n.step == step + 1}
        if step < last:
            assert children_parents == kept  # every kept node is expanded, nothing else
            # each expansion proposes the free places' worth of tokens, pruned ones included
            width = min(beam - finished_before - sum(n.fate == "finished" for n in chosen), TOK.vocab_size)
            per_parent = Counter(n.parent for n in tree if n.step == step + 1)
            assert set(per_parent.values()) == {width}, (step, per_parent)
        finished_before += sum(n.fate == "finished" for n in chosen)
    # the final hypotheses are exactly the finished nodes plus the live ones at the bound
    ends = [n for n in tree if n.fate == "finished" or (n.fate == "kept" and n.step == max_len)]
    paths = Counter(tuple(n.token for n in _path(tree, e.id)) for e in ends)
    assert paths == Counter(tuple(h.ids) for h in out.hypotheses)
    by_ids = {tuple(n.token for n in _path(tree, e.id)): e for e in ends}
    for h in out.hypotheses:
        end = by_ids[tuple(h.ids)]
        assert [n.log_prob for n in _path(tree, end.id)] == h.log_probs
        assert h.score == pytest.approx(end.score, abs=1e-4)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_beam_hypotheses_and_tree(variant):
    seen_finished = seen_unfinished = 0
    for beam, eos_bias, seed in ((2, 0.0, 0), (3, 2.5, 1), (5, 4.0, 2)):
        model = _model(variant, seed=seed, eos_bias=eos_bias)
        for src in SOURCES[:2]:
            for alpha in (0.0, 1.0):
                out = beam_search(model, TOK, src, beam=beam, max_len=10, alpha=alpha)
                _check_output(model, src, out, beam, 10, alpha)
                _check_tree(out, beam, 10)
                seen_finished += sum(h.finished for h in out.hypotheses)
                seen_unfinished += sum(not h.finished for h in out.hypotheses)
    assert seen_finished and seen_unfinished  # both kinds of ending were exercised


@pytest.mark.parametrize("variant", ["vanilla-lstm", "bahdanau-lstm-2layer", "dot-feed-lstm", "concat", "bahdanau-reversed"])
def test_hypothesis_records_come_from_their_own_path(variant):
    """Re-run each beam hypothesis step by step: its log-probs, attention, contexts and states
    are those of its own prefix (beam search gathered the right rows at every step)."""
    model = _model(variant, seed=3, eos_bias=2.0)
    src = SOURCES[0]
    out = beam_search(model, TOK, src, beam=4, max_len=8, alpha=0.6)
    with torch.no_grad():
        memory = model.encode(torch.tensor([src]), torch.tensor([len(src)]))
        for h in out.hypotheses:
            state, prev = model.init_state(memory), torch.tensor([2])
            for t, tok in enumerate(h.ids):
                logp, step = model.step(prev, state, memory)
                assert float(logp[0, tok]) == pytest.approx(h.log_probs[t], abs=1e-5)
                if h.attention is not None:
                    assert np.allclose(step.weights[0].numpy(), h.attention[t], atol=1e-6)
                assert np.allclose(step.context[0].numpy(), h.contexts[t], atol=1e-6)
                assert np.allclose(step.query[0].numpy(), h.states[t], atol=1e-6)
                state, prev = step.state, torch.tensor([tok])


def test_distinct_hypotheses():
    model = _model("bahdanau-gru", seed=4, eos_bias=1.0)
    out = beam_search(model, TOK, SOURCES[0], beam=6, max_len=9)
    assert len({tuple(h.ids) for h in out.hypotheses}) == 6


def test_greedy_picks_the_argmax_and_ends():
    model = _model("general-feed", seed=5, eos_bias=3.0)
    out = greedy_search(model, TOK, SOURCES[0], max_len=20)
    (h,) = out.hypotheses
    assert len(out.tree) == len(h.ids) + 1 and all(n.fate != "pruned" for n in out.tree)
    with torch.no_grad():
        memory = model.encode(torch.tensor([SOURCES[0]]), torch.tensor([len(SOURCES[0])]))
        state, prev = model.init_state(memory), torch.tensor([2])
        for tok, lp in zip(h.ids, h.log_probs):
            logp, step = model.step(prev, state, memory)
            assert int(logp[0].argmax()) == tok and float(logp[0].max()) == pytest.approx(lp, abs=1e-6)
            state, prev = step.state, torch.tensor([tok])


@pytest.mark.parametrize("max_len", [1, 2, 7])
def test_decoding_always_ends_within_max_len(max_len):
    model = _model("dot", seed=6, eos_bias=-20.0)  # </s> (almost) never chosen
    g = greedy_search(model, TOK, SOURCES[0], max_len=max_len)
    assert len(g.hypotheses[0].ids) == max_len and not g.hypotheses[0].finished
    b = beam_search(model, TOK, SOURCES[0], beam=3, max_len=max_len)
    assert len(b.hypotheses) == 3
    assert all(len(h.ids) == max_len and not h.finished for h in b.hypotheses)
    assert max(n.step for n in b.tree) == max_len


def test_eos_at_first_step_finishes_at_once():
    model = _model("bahdanau-gru", seed=7, eos_bias=50.0)  # </s> wins every time
    g = greedy_search(model, TOK, SOURCES[0], max_len=10).hypotheses[0]
    assert g.ids == [EOS] and g.finished and g.text == "" and g.attention.shape == (1, len(SOURCES[0]))
    out = beam_search(model, TOK, SOURCES[0], beam=3, max_len=10)
    assert len(out.hypotheses) == 3 and out.hypotheses[0].ids == [EOS]
    assert all(h.finished for h in out.hypotheses)


def test_length_penalty_formula():
    assert length_penalty(7, 0.0) == 1.0
    assert length_penalty(1, 1.0) == 1.0
    assert length_penalty(10, 1.0) == pytest.approx(15 / 6)
    assert length_penalty(4, 0.6) == pytest.approx(1.5**0.6)
    assert length_penalty(20, 0.6) > length_penalty(10, 0.6) > 1.0


def test_alpha_zero_ranks_by_raw_score_and_alpha_changes_norm_only():
    model = _model("concat", seed=8, eos_bias=2.5)
    raw = beam_search(model, TOK, SOURCES[0], beam=4, max_len=10, alpha=0.0)
    assert all(h.norm_score == h.score for h in raw.hypotheses)
    scores = [h.score for h in raw.hypotheses]
    assert scores == sorted(scores, reverse=True)
    lp = beam_search(model, TOK, SOURCES[0], beam=4, max_len=10, alpha=1.0)
    # the search itself (by raw scores) is the same; only the final ranking may change
    assert raw.tree == lp.tree
    assert Counter(tuple(h.ids) for h in raw.hypotheses) == Counter(tuple(h.ids) for h in lp.hypotheses)


def test_search_records_no_autograd_even_for_a_trainable_model():
    """Both searches run without autograd: a model whose weights require grad (one being trained,
    or a live-training page) still decodes, and what comes back carries no graph."""
    model = _model("bahdanau-gru").requires_grad_(True)
    for out in (greedy_search(model, TOK, SOURCES[0], max_len=6), beam_search(model, TOK, SOURCES[0], beam=3, max_len=6)):
        assert out.hypotheses and all(h.attention is not None for h in out.hypotheses)


def test_default_length_penalty_is_one():
    """alpha defaults to 1.0 (GNMT's penalty, as the README and the app's slider say)."""
    model = _model("bahdanau-gru", eos_bias=1.0)
    for search, extra in ((greedy_search, {}), (beam_search, {"beam": 3})):
        default = search(model, TOK, SOURCES[0], max_len=8, **extra)
        assert all(len(h.ids) > 1 for h in default.hypotheses)  # lp(1) is 1 for any alpha
        for h, h1 in zip(default.hypotheses, search(model, TOK, SOURCES[0], max_len=8, alpha=1.0, **extra).hypotheses):
            assert h.norm_score == h1.norm_score == pytest.approx(h.score / length_penalty(len(h.ids), 1.0))
