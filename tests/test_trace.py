"""Tests of s2s.trace: the step player's numbers, forced prefixes, divergence."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from s2s.errors import InputError
from s2s.text import MAX_OUTPUT, max_output_len
from s2s.trace import prefix_ids, trace
from s2s.translate import encode_source, translate

TEXT = "The dog reads a book today."


@pytest.fixture(scope="module")
def ckpts(tmp_path_factory, tokenizer_path):
    from s2s import checkpoint

    from conftest import TOKENIZER_VOCAB, VARIANTS, build_model, card_for, tiny_config

    root = tmp_path_factory.mktemp("trace")
    out = {}
    for variant in ("bahdanau-gru", "vanilla-lstm", "general-feed", "concat"):
        model = build_model(tiny_config(TOKENIZER_VOCAB, **VARIANTS[variant]), seed=3, scale=2.0)
        with torch.no_grad():
            model.out_bias[3] = 1.0  # </s> now and then, so that some decodings end by themselves
        out[variant] = checkpoint.load(checkpoint.save(model, tokenizer_path, card_for(), root / variant))
    return out


ATTN = ["bahdanau-gru", "general-feed", "concat"]
ALL = ATTN + ["vanilla-lstm"]


@pytest.mark.parametrize("variant", ALL)
def test_free_running_trace_is_greedy(ckpts, variant):
    ckpt = ckpts[variant]
    for text in (TEXT, "yo", "Nosotros bebemos agua y comemos pan hoy."):
        tr = trace(ckpt, text)
        best = translate(ckpt, text).best
        assert tr.ids == best.ids and tr.pieces == best.pieces
        assert tr.forced_len == 0 and tr.first_divergence() is None
        assert tr.source == translate(ckpt, text).source
        assert tr.source_pieces[-1] == "</s>"
        for s, lp in zip(tr.steps, best.log_probs):
            assert not s.forced and s.chosen_id == s.predicted_id == s.top_ids[0]
            assert np.log(s.chosen_prob) == pytest.approx(lp, abs=1e-5)
        # the per-step records are those of the search result
        assert np.allclose(np.stack([s.context for s in tr.steps]), best.contexts, atol=1e-6)
        assert np.allclose(np.stack([s.state for s in tr.steps]), best.states, atol=1e-6)
        if best.attention is not None:
            assert np.allclose(np.stack([s.weights for s in tr.steps]), best.attention, atol=1e-6)


@pytest.mark.parametrize("variant", ATTN)
def test_weights_are_softmax_of_scores(ckpts, variant):
    tr = trace(ckpts[variant], TEXT)
    s_len = len(tr.source_pieces)
    for s in tr.steps:
        assert s.scores.shape == s.weights.shape == (s_len,)
        assert s.weights.sum() == pytest.approx(1.0, abs=1e-6)
        softmax = np.exp(s.scores - s.scores.max())
        assert np.allclose(softmax / softmax.sum(), s.weights, atol=1e-6)


@pytest.mark.parametrize("variant", ALL)
def test_step_arithmetic(ckpts, variant):
    """context = weights @ memory, output = tanh(W features), features end/start with the state."""
    ckpt = ckpts[variant]
    cfg = ckpt.cfg
    _, src_ids = encode_source(ckpt, TEXT)
    with torch.no_grad():
        memory = ckpt.model.encode(torch.tensor([src_ids]), torch.tensor([len(src_ids)]))
    values = memory.values[0].numpy()
    tr = trace(ckpt, TEXT, max_len=6)
    for s in tr.steps:
        assert s.context.shape == (cfg.memory_dim,) and s.state.shape == (cfg.dec_hidden,)
        assert s.output.shape == (cfg.emb_dim,)
        with torch.no_grad():
            out = torch.tanh(ckpt.model.decoder.out(torch.from_numpy(s.features))).numpy()
        assert np.allclose(out, s.output, atol=1e-6)
        if cfg.family == "luong":
            assert np.allclose(s.features, np.concatenate([s.context, s.state]))  # [c_t; h_t]
        else:
            assert np.allclose(s.features[: cfg.dec_hidden + cfg.memory_dim], np.concatenate([s.state, s.context]))
        if s.weights is not None:
            assert np.allclose(s.weights @ values, s.context, atol=1e-5)


def test_vanilla_trace_has_one_fixed_context(ckpts):
    ckpt = ckpts["vanilla-lstm"]
    tr = trace(ckpt, TEXT)
    assert len(tr.steps) > 1
    _, src_ids = encode_source(ckpt, TEXT)
    with torch.no_grad():
        final = ckpt.model.encode(torch.tensor([src_ids]), torch.tensor([len(src_ids)])).final[0].numpy()
    for s in tr.steps:
        assert s.weights is None and s.scores is None
        assert np.array_equal(s.context, final)
    assert len({s.state.tobytes() for s in tr.steps}) == len(tr.steps)  # the state moves, the context does not


@pytest.mark.parametrize("top_k", [1, 5, 500])
def test_top_probs(ckpts, top_k):
    ckpt = ckpts["concat"]
    tr = trace(ckpt, TEXT, top_k=top_k)
    for s in tr.steps:
        k = min(top_k, ckpt.tokenizer.vocab_size)
        assert len(s.top_ids) == len(s.top_probs) == len(s.top_pieces) == k
        assert s.top_probs == sorted(s.top_probs, reverse=True)
        assert all(0 <= p <= 1 for p in s.top_probs) and sum(s.top_probs) <= 1 + 1e-5
        assert s.top_pieces == [ckpt.tokenizer.id_to_piece(i) for i in s.top_ids]
        assert s.predicted_id == s.top_ids[0] and s.chosen_prob == pytest.approx(s.top_probs[0])
        if k == ckpt.tokenizer.vocab_size:
            assert sum(s.top_probs) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("variant", ALL)
def test_prefix_of_own_greedy_output_changes_nothing(ckpts, variant):
    ckpt = ckpts[variant]
    free = trace(ckpt, TEXT)
    assert len(free.steps) >= 3
    for k in (1, 3):
        forced = trace(ckpt, TEXT, prefix=free.ids[:k])
        assert forced.ids == free.ids and forced.forced_len == k
        assert [s.forced for s in forced.steps] == [i < k for i in range(len(free.steps))]
        assert forced.first_divergence() is None
        for a, b in zip(free.steps, forced.steps):
            assert np.array_equal(a.output, b.output) and a.top_ids == b.top_ids


@pytest.mark.parametrize("variant", ALL)
def test_forced_prefix_then_greedy(ckpts, variant):
    ckpt = ckpts[variant]
    free = trace(ckpt, TEXT)
    # force two of the model's own tokens, then a token it would not have picked
    other = next(s for s in free.steps[2].top_ids[1:] if s != ckpt.tokenizer.eos_id)
    prefix = free.ids[:2] + [other]
    tr = trace(ckpt, TEXT, prefix=prefix)
    assert tr.ids[:3] == prefix and tr.forced_len == 3
    assert tr.first_divergence() == 3
    assert tr.steps[2].predicted_id == free.ids[2] != tr.steps[2].chosen_id
    for prev, s in zip(tr.steps, tr.steps[1:]):
        assert s.input_id == prev.chosen_id  # what was chosen is what is fed back
    assert tr.steps[0].input_piece == "<s>"
    for s in tr.steps[3:]:
        assert not s.forced and s.chosen_id == s.predicted_id
    # the continuation is the greedy decoding of the model given that prefix
    model = ckpt.model
    _, src_ids = encode_source(ckpt, TEXT)
    with torch.no_grad():
        memory = model.encode(torch.tensor([src_ids]), torch.tensor([len(src_ids)]))
        state, prev = model.init_state(memory), torch.tensor([2])
        for t, tok in enumerate(tr.ids):
            logp, step = model.step(prev, state, memory)
            if t >= 3:
                assert int(logp[0].argmax()) == tok
            assert float(logp[0, tok].exp()) == pytest.approx(tr.steps[t].chosen_prob, rel=1e-5)
            state, prev = step.state, torch.tensor([tok])
    assert len(tr.steps) == max_output_len(len(src_ids)) or tr.ids[-1] == ckpt.tokenizer.eos_id


def test_teacher_forcing_with_a_reference(ckpts):
    """The whole reference with </s> as prefix: every step forced, stops at </s>, and the
    weights equal those of the model's teacher-forced pass."""
    ckpt = ckpts["bahdanau-gru"]
    ref = prefix_ids(ckpt, "El perro lee un libro hoy.", add_eos=True)
    assert ref[-1] == ckpt.tokenizer.eos_id and prefix_ids(ckpt, "hoy", add_eos=False) == ckpt.tokenizer.encode("hoy")
    tr = trace(ckpt, TEXT, prefix=ref)
    assert tr.ids == ref and tr.forced_len == len(ref) and all(s.forced for s in tr.steps)
    _, src_ids = encode_source(ckpt, TEXT)
    with torch.no_grad():
        _, weights = ckpt.model(torch.tensor([src_ids]), torch.tensor([len(src_ids)]), torch.tensor([[2] + ref[:-1]]))
    assert np.allclose(np.stack([s.weights for s in tr.steps]), weights[0].numpy(), atol=1e-6)
    divergent = [s.step for s in tr.steps if s.predicted_id != s.chosen_id]
    assert tr.first_divergence() == (divergent[0] if divergent else None)


def test_prefix_ending_in_eos_stops_there(ckpts):
    ckpt = ckpts["general-feed"]
    eos = ckpt.tokenizer.eos_id
    tr = trace(ckpt, TEXT, prefix=[10, 11, eos])
    assert tr.ids == [10, 11, eos] and len(tr.steps) == 3
    early = trace(ckpt, TEXT, prefix=[eos])
    assert early.ids == [eos] and early.steps[0].chosen_piece == "</s>"


def test_long_prefix_extends_the_bound(ckpts):
    ckpt = ckpts["concat"]
    prefix = [ckpt.tokenizer.encode("casa")[0]] * 30
    tr = trace(ckpt, "yo", prefix=prefix, max_len=5)
    assert len(tr.steps) == 30 and tr.forced_len == 30  # the bound is at least the prefix


def test_bad_prefix_is_refused(ckpts):
    ckpt = ckpts["concat"]
    for prefix in ([ckpt.tokenizer.vocab_size], [-1], [5] * (MAX_OUTPUT + 1)):
        with pytest.raises(InputError, match="prefix"):
            trace(ckpt, TEXT, prefix=prefix)
    with pytest.raises(InputError):
        trace(ckpt, "\x00")


@pytest.mark.parametrize("bad", [0, -1, True, 2.5])
def test_top_k_must_be_a_positive_integer(tiny_checkpoint, bad):
    with pytest.raises(InputError, match="top_k"):
        trace(tiny_checkpoint, "hola", top_k=bad)
