"""Tests of s2s.attention: every scorer's weights, masks, contexts, raw scores and registry."""

from __future__ import annotations

import math

import pytest
import torch

from s2s.attention import SCORERS, AdditiveScorer, ConcatScorer, DotScorer, masked_softmax, make_scorer
from s2s.errors import ConfigError

B, T, S, Q, M, A = 4, 3, 7, 12, 12, 8  # dot needs Q == M
LENGTHS = [7, 5, 1, 3]


def _inputs(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    query = torch.randn(B, T, Q, generator=g) * 2
    memory = torch.randn(B, S, M, generator=g) * 2
    mask = torch.arange(S)[None, :] < torch.tensor(LENGTHS)[:, None]  # [B, S]
    memory = memory * mask[:, :, None]  # padding rows are zero, as the encoder leaves them
    return query, memory, mask


@pytest.fixture(params=sorted(SCORERS))
def scorer(request):
    torch.manual_seed(1)
    return make_scorer(request.param, Q, M, A)


def test_registry_has_all_four_mechanisms():
    assert set(SCORERS) == {"bahdanau", "dot", "general", "concat"}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weights_are_a_masked_distribution(scorer, seed):
    query, memory, mask = _inputs(seed)
    keys = scorer.precompute(memory)
    context, weights = scorer(query, keys, memory, mask)
    assert weights.shape == (B, T, S)
    assert context.shape == (B, T, M)
    assert torch.allclose(weights.sum(-1), torch.ones(B, T), atol=1e-6)
    pad = ~mask[:, None, :].expand(B, T, S)
    assert (weights[pad] == 0.0).all()  # exactly zero, not just small
    assert (weights[~pad] > 0).all()
    # a single real token takes all the weight
    assert torch.equal(weights[2, :, 0], torch.ones(T))


def test_context_is_weighted_sum_of_memory(scorer):
    query, memory, mask = _inputs()
    context, weights = scorer(query, scorer.precompute(memory), memory, mask)
    manual = torch.einsum("bts,bsm->btm", weights, memory)
    assert torch.allclose(context, manual, atol=1e-5)
    # weights are not trivially uniform: the scorer looks at the query
    assert weights[0].std() > 1e-3


def test_padding_content_does_not_matter(scorer):
    """What sits in masked memory positions changes neither weights nor context."""
    query, memory, mask = _inputs()
    noisy = memory + torch.randn_like(memory) * (~mask)[:, :, None] * 100
    c1, w1 = scorer(query, scorer.precompute(memory), memory, mask)
    c2, w2 = scorer(query, scorer.precompute(noisy), noisy, mask)
    assert torch.equal(w1, w2)
    assert torch.allclose(c1, c2, atol=1e-5)


def test_score_is_the_raw_score_before_softmax(scorer):
    query, memory, mask = _inputs()
    keys = scorer.precompute(memory)
    scores = scorer.score(query, keys)
    assert scores.shape == (B, T, S)
    assert torch.isfinite(scores).all()  # raw scores are defined everywhere; masking is separate
    _, weights = scorer(query, keys, memory, mask)
    assert torch.allclose(masked_softmax(scores, mask), weights, atol=1e-7)
    # manual masked softmax over the real positions only
    for b, n in enumerate(LENGTHS):
        ref = torch.softmax(scores[b, :, :n], dim=-1)
        assert torch.allclose(weights[b, :, :n], ref, atol=1e-6)


def test_scores_match_the_docstring_formulas():
    query, memory, _ = _inputs()
    torch.manual_seed(0)
    dot = make_scorer("dot", Q, M, A)
    scale = Q**-0.5  # dot and general are scaled by the state size
    assert torch.allclose(dot.score(query, dot.precompute(memory)), query @ memory.transpose(1, 2) * scale, atol=1e-5)

    general = make_scorer("general", Q, M, A)
    w = general.key_proj.weight  # [Q, M]
    expected = torch.einsum("btq,qm,bsm->bts", query, w, memory) * scale
    assert torch.allclose(general.score(query, general.precompute(memory)), expected, atol=1e-4)

    for name in ("bahdanau", "concat"):
        add = make_scorer(name, Q, M, A)
        assert isinstance(add, AdditiveScorer)
        wq, uk, bk, v = add.query_proj.weight, add.key_proj.weight, add.key_proj.bias, add.v.weight[0]
        hidden = torch.tanh((query @ wq.T)[:, :, None, :] + (memory @ uk.T + bk)[:, None, :, :])
        assert torch.allclose(add.score(query, add.precompute(memory)), hidden @ v, atol=1e-5)
    assert isinstance(make_scorer("concat", Q, M, A), ConcatScorer)


def test_learned_scale_starts_at_one_over_sqrt_d_and_is_learnt():
    query, memory, mask = _inputs()
    dot = make_scorer("dot", Q, M, A, learned_scale=True)
    assert dot.log_scale.exp().item() == pytest.approx(Q**-0.5)
    fixed = make_scorer("dot", Q, M, A)
    assert torch.allclose(dot.score(query, memory), fixed.score(query, memory), atol=1e-5)  # same at the start
    with torch.no_grad():
        dot.log_scale.fill_(math.log(2.0))  # tau = 2
    assert torch.allclose(dot.score(query, memory), 2 * query @ memory.transpose(1, 2), atol=1e-4)
    context, _ = dot(query, memory, memory, mask)
    context.sum().backward()
    assert dot.log_scale.grad is not None and dot.log_scale.grad != 0
    assert not list(fixed.parameters())  # the fixed dot score has no weights at all
    with pytest.raises(ConfigError, match="learned_scale applies to dot"):
        make_scorer("general", Q, M, A, learned_scale=True)


def test_scorers_keep_no_state_between_calls(scorer):
    query, memory, mask = _inputs()
    keys = scorer.precompute(memory)
    first = scorer(query, keys, memory, mask)
    scorer(query * 3, keys, memory, mask)  # another "session" in between
    again = scorer(query, keys, memory, mask)
    assert all(torch.equal(a, b) for a, b in zip(first, again))


def test_step_query_equals_slice_of_full_query(scorer):
    """Scoring T queries at once equals scoring them one at a time (decoding uses T = 1)."""
    query, memory, mask = _inputs()
    keys = scorer.precompute(memory)
    context, weights = scorer(query, keys, memory, mask)
    for t in range(T):
        c_t, w_t = scorer(query[:, t : t + 1], keys, memory, mask)
        assert torch.allclose(c_t[:, 0], context[:, t], atol=1e-6)
        assert torch.allclose(w_t[:, 0], weights[:, t], atol=1e-6)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ConfigError) as err:
        make_scorer("luong-magic", Q, M, A)
    assert str(err.value) == "unknown attention 'luong-magic'; valid names: bahdanau, concat, dot, general"


@pytest.mark.parametrize("name, learned, shapes", [
    ("bahdanau", False, {"query_proj.weight": (A, Q), "key_proj.weight": (A, M), "key_proj.bias": (A,), "v.weight": (1, A)}),
    ("concat", False, {"query_proj.weight": (A, Q), "key_proj.weight": (A, M), "key_proj.bias": (A,), "v.weight": (1, A)}),
    ("general", False, {"key_proj.weight": (Q, M)}),
    ("dot", False, {}),
    ("dot", True, {"log_scale": ()}),
])
def test_parameters_are_exactly_the_formulas_weights(name, learned, shapes):
    """W_a, U_a (+ bias) and v_a for the additive scores (v_a a vector: no bias, one row), W_a for
    general, none or one temperature for dot: what a checkpoint's weights file must hold."""
    scorer = make_scorer(name, Q, M, A, learned_scale=learned)
    assert {k: tuple(v.shape) for k, v in scorer.state_dict().items()} == shapes


def test_dot_refuses_mismatched_sizes():
    with pytest.raises(ConfigError, match="dot"):
        DotScorer(8, 12)
    with pytest.raises(ConfigError):
        make_scorer("dot", 16, 32, A)
    assert not list(DotScorer(12, 12).parameters())  # no parameters at all


def test_general_and_additive_accept_different_sizes():
    query = torch.randn(2, 1, 5)
    memory = torch.randn(2, 4, 9)
    mask = torch.ones(2, 4, dtype=torch.bool)
    for name in ("general", "bahdanau", "concat"):
        s = make_scorer(name, 5, 9, 6)
        context, weights = s(query, s.precompute(memory), memory, mask)
        assert context.shape == (2, 1, 9) and weights.shape == (2, 1, 4)
