"""Tests of s2s.intervene through search, trace and translate: block, override, remove; bad input;
and on the synthetic reverse task with a unidirectional encoder, what blocking one position does."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from s2s.config import ModelConfig
from s2s.errors import InputError
from s2s.intervene import Override, check_block, check_override, check_remove, parse_indices, parse_weights
from s2s.search import beam_search, greedy_search
from s2s.synthetic import SymbolTokenizer, make_pairs, train_synthetic
from s2s.trace import trace
from s2s.translate import translate

from conftest import VARIANTS, build_model, tiny_config

TOK = SymbolTokenizer()
EOS = TOK.eos_id
SRC = [5, 9, 12, 7, 15, 4, EOS]
ATTN = sorted(v for v, s in VARIANTS.items() if s["attention"] != "none")
TEXT = "The dog reads a book today."


def _model(variant: str, seed: int = 1, eos_bias: float = 0.0):
    """A tiny random model; a negative `eos_bias` keeps it from stopping early."""
    model = build_model(tiny_config(TOK.vocab_size, **VARIANTS[variant]), seed=seed, scale=2.0)
    with torch.no_grad():
        model.out_bias[EOS] = eos_bias
    return model


def _same(a, b):
    assert a.ids == b.ids and a.log_probs == b.log_probs and a.score == b.score
    assert np.array_equal(a.attention, b.attention)
    assert np.array_equal(a.contexts, b.contexts) and np.array_equal(a.states, b.states)


@pytest.mark.parametrize("variant", ATTN)
def test_identity_override_reproduces_greedy_bit_for_bit(variant):
    model = _model(variant)
    base = greedy_search(model, TOK, SRC, max_len=12).hypotheses[0]
    for t in range(1, len(base.ids) + 1):
        own = Override(t, tuple(base.attention[t - 1].tolist()))
        _same(greedy_search(model, TOK, SRC, max_len=12, override=own).hypotheses[0], base)
        _same(beam_search(model, TOK, SRC, beam=1, max_len=12, override=own).hypotheses[0], base)


def test_identity_override_in_trace_and_translate(make_checkpoint):
    ckpt, _ = make_checkpoint("general-feed")
    base = translate(ckpt, TEXT)
    tr = trace(ckpt, TEXT)
    for t in (1, len(base.best.ids)):
        own = Override(t, tuple(base.best.attention[t - 1].tolist()))
        _same(translate(ckpt, TEXT, override=own).best, base.best)
        again = trace(ckpt, TEXT, override=own)
        assert again.ids == tr.ids
        assert all(np.array_equal(a.weights, b.weights) and a.top_probs == b.top_probs for a, b in zip(again.steps, tr.steps))


@pytest.mark.parametrize("variant", ATTN)
def test_override_replaces_one_step_and_decoding_continues(variant):
    model = _model(variant, eos_bias=-20.0)
    base = greedy_search(model, TOK, SRC, max_len=12).hypotheses[0]
    for t in (1, 2):
        forced = greedy_search(model, TOK, SRC, max_len=12, override=Override.one_hot(t, 0, len(SRC))).hypotheses[0]
        assert forced.ids[: t - 1] == base.ids[: t - 1]  # the steps before t are untouched
        assert np.array_equal(forced.attention[: t - 1], base.attention[: t - 1])
        assert forced.attention[t - 1].tolist() == [1.0] + [0.0] * (len(SRC) - 1)
        assert np.allclose(forced.attention[t:].sum(1), 1.0, atol=1e-5)  # later steps: the model's own again
        beam = beam_search(model, TOK, SRC, beam=3, max_len=12, override=Override.one_hot(t, 0, len(SRC)))
        for h in beam.hypotheses:
            if len(h.ids) >= t:
                assert h.attention[t - 1].tolist() == [1.0] + [0.0] * (len(SRC) - 1)


def test_override_changes_the_next_piece_distribution(make_checkpoint):
    ckpt, _ = make_checkpoint("bahdanau-gru")
    free = trace(ckpt, TEXT)
    n = len(free.source_pieces)
    own = int(np.argmax(free.steps[0].weights))
    forced = trace(ckpt, TEXT, override=Override.one_hot(1, (own + 1) % n, n))
    assert forced.steps[0].scores.tolist() == free.steps[0].scores.tolist()  # raw scores as computed
    assert forced.steps[0].weights[(own + 1) % n] == 1.0
    assert forced.steps[0].top_probs != free.steps[0].top_probs


@pytest.mark.parametrize("variant", ATTN)
def test_blocked_columns_exactly_zero_greedy_and_beam(variant):
    model = _model(variant)
    for block in ([0], [2, 3], [len(SRC) - 1]):
        outs = [greedy_search(model, TOK, SRC, max_len=12, block=block),
                beam_search(model, TOK, SRC, beam=4, max_len=12, block=block)]
        for out in outs:
            for h in out.hypotheses:
                assert (h.attention[:, block] == 0).all()
                assert np.allclose(h.attention.sum(1), 1.0, atol=1e-5)  # the rest renormalised


@pytest.mark.parametrize("variant", ATTN)
def test_blocking_all_but_one_puts_weight_exactly_one_on_it(variant):
    model = _model(variant)
    for keep in (0, 3, len(SRC) - 1):
        block = [j for j in range(len(SRC)) if j != keep]
        for out in (greedy_search(model, TOK, SRC, max_len=12, block=block),
                    beam_search(model, TOK, SRC, beam=3, max_len=12, block=block)):
            for h in out.hypotheses:
                assert (h.attention[:, keep] == 1.0).all()


def test_remove_replaces_pieces_by_unk(make_checkpoint):
    ckpt, _ = make_checkpoint("bahdanau-gru")
    base = translate(ckpt, TEXT)
    res = translate(ckpt, TEXT, remove=[0, 2])
    assert res.source_pieces[0] == res.source_pieces[2] == "<unk>"
    assert res.source_pieces[1:2] == base.source_pieces[1:2] and res.source_pieces[-1] == "</s>"
    assert res.unk_count == base.unk_count  # removed pieces are not "unknown to the tokenizer"
    ids = list(base.source_ids)
    ids[0] = ids[2] = ckpt.tokenizer.unk_id
    direct = greedy_search(ckpt.model, ckpt.tokenizer, ids, res.max_len).hypotheses[0]
    assert direct.ids == res.best.ids
    assert res.to_json()["removed"] == [0, 2] and "blocked" not in res.to_json()


def test_block_refused_for_vanilla_remove_allowed(make_checkpoint):
    ckpt, _ = make_checkpoint("vanilla-gru")
    with pytest.raises(InputError, match="vanilla model has no attention to block"):
        translate(ckpt, TEXT, block=[0])
    with pytest.raises(InputError, match="no attention to override"):
        translate(ckpt, TEXT, override=Override(1, (1.0,)))
    assert translate(ckpt, TEXT, remove=[0]).source_pieces[0] == "<unk>"


@pytest.mark.parametrize("call, message", [
    (lambda: check_block([7], 7, False), "index 7 is out of range; valid indices are 0 to 6"),
    (lambda: check_block([-1], 7, False), "out of range"),
    (lambda: check_block([1, 1], 7, False), "given twice"),
    (lambda: check_block(list(range(7)), 7, False), "all 7 source pieces blocked"),
    (lambda: check_block(["a"], 7, False), "not an integer"),
    (lambda: check_remove([6], 7), "valid indices are 0 to 5 .* the final </s> stays"),
    (lambda: check_override(Override(0, (1.0,)), 1, False), "positive integer"),
    (lambda: check_override(Override(1, (0.5, 0.4)), 2, False), "summing to 1"),
    (lambda: check_override(Override(1, (1.5, -0.5)), 2, False), "non-negative"),
    (lambda: check_override(Override(1, (1.0,)), 2, False), "1 weights given for 2 source pieces"),
    (lambda: parse_indices("1,x"), "comma-separated"),
])
def test_bad_interventions_say_what_is_valid(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_bad_interventions_change_nothing(make_checkpoint):
    ckpt, _ = make_checkpoint("bahdanau-gru")
    before = translate(ckpt, TEXT).best.ids
    n = len(translate(ckpt, TEXT).source_pieces)
    for kwargs in (dict(block=list(range(n))), dict(block=[n]), dict(remove=[n - 1]), dict(block=[0, 0])):
        with pytest.raises(InputError):
            translate(ckpt, TEXT, **kwargs)
    with pytest.raises(InputError):
        trace(ckpt, TEXT, block=list(range(n)))
    assert translate(ckpt, TEXT).best.ids == before


# ----- the synthetic reverse task, unidirectional encoder -----------------------------------------

REV_MIN, REV_MAX = 3, 6


@pytest.fixture(scope="module")
def reverse_unidirectional():
    """A Bahdanau model with a one-directional encoder trained to reverse 3-6 symbols (seeded)."""
    torch.set_num_threads(1)
    cfg = ModelConfig(vocab_size=TOK.vocab_size, emb_dim=16, enc_hidden=16, enc_layers=1, bidirectional=False,
                      dec_hidden=16, attn_dim=16, attention="bahdanau", dropout=0.0)
    train = make_pairs(4000, REV_MIN, REV_MAX, "reverse", vocab=TOK.vocab_size, seed=0)
    held = make_pairs(30, REV_MIN, REV_MAX, "reverse", vocab=TOK.vocab_size, seed=1)
    return train_synthetic(cfg, train, steps=300, batch_size=32, lr=1e-2, seed=0), held


def _block_each_position(model, held):
    """For each held-out source and position j: (output, original output, source, j)."""
    for src, _ in held:
        ids = src + [EOS]
        orig = greedy_search(model, TOK, ids, 20).hypotheses[0].ids
        for j in range(len(src)):
            yield greedy_search(model, TOK, ids, 20, block=[j]).hypotheses[0].ids, orig, src, j


def test_reverse_unidirectional_blocking_replaces_that_symbol(reverse_unidirectional):
    """Measured: blocking position j mostly changes the output at x_j's place only (x_j gone from it,
    every other symbol kept); the symbol is replaced, not dropped (see the strict test below)."""
    model, held = reverse_unidirectional
    hits = total = 0
    for out, orig, src, j in _block_each_position(model, held):
        pos = len(src) - 1 - j  # where the reversed output has x_j
        total += 1
        hits += len(out) == len(orig) and out[pos] != src[j] and all(
            out[k] == orig[k] for k in range(len(orig)) if k != pos)
    assert hits / total >= 0.5, (hits, total)


@pytest.mark.xfail(strict=True, reason="measured, not bent: blocking one position of a unidirectional reverse model "
                   "removes exactly that symbol (output = reverse of the source without it) in under 10% of cases; "
                   "the decoder keeps the length and fills the place with another symbol")
def test_reverse_unidirectional_blocking_removes_exactly_that_symbol(reverse_unidirectional):
    model, held = reverse_unidirectional
    exact = [out == [s for k, s in enumerate(src) if k != j][::-1] + [EOS]
             for out, _, src, j in _block_each_position(model, held)]
    assert np.mean(exact) >= 0.9


def test_interventions_make_their_tensors_on_the_model_device(make_checkpoint):
    """Override weights and block masks follow the model's device (`translate --device`)."""
    from device_watch import made_tensors, off_device

    cpu = torch.device("cpu")
    assert Override(1, (0.25, 0.75)).tensor(cpu).tolist() == [0.25, 0.75]
    assert Override(1, (0.25, 0.75)).tensor(torch.device("meta")).device.type == "meta"  # where it is asked
    model = _model("bahdanau-gru", eos_bias=-5.0)
    over = Override.one_hot(2, 3, len(SRC))
    with made_tensors() as made:
        greedy = greedy_search(model, TOK, SRC, max_len=6, block=(1,), override=over).hypotheses[0]
        beam = beam_search(model, TOK, SRC, beam=3, max_len=6, block=(1,), override=over).hypotheses[0]
    assert greedy.attention[1].tolist() == list(over.weights) and (greedy.attention[:, 1] == 0).all()
    assert (beam.attention[:, 1] == 0).all()
    assert any(m.where.startswith("s2s/intervene.py") for m in made)  # Override.tensor was watched
    assert not off_device(made, cpu), off_device(made, cpu)
    ckpt, _ = make_checkpoint("bahdanau-gru")
    with made_tensors() as made:
        trace(ckpt, TEXT, override=Override.one_hot(1, 0, len(translate(ckpt, TEXT).source_ids)), block=(2,))
    assert made and not off_device(made, cpu), off_device(made, cpu)


def test_parse_weights_scales_proportions_and_refuses_the_rest():
    assert parse_weights("1, 0, 3", 3) == (0.25, 0.0, 0.75)
    assert parse_weights("0 0 0.2", 3) == (0.0, 0.0, 1.0)
    for bad, says in (("1 2", "2 numbers given"), ("1, x, 2", "got '1, x, 2'"), ("0 0 0", "not all 0"),
                      ("1 -1 1", "non-negative"), ("1 nan 1", "non-negative"), ("", "0 numbers given")):
        with pytest.raises(InputError, match=says):
            parse_weights(bad, 3)
