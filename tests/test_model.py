"""Tests of s2s.model (and the decoder through it): reversal, teacher forcing == stepping,
tied logits, parameter counts, padding invariance, statelessness."""

from __future__ import annotations

import pytest
import torch

from s2s.model import Seq2Seq, reverse_padded

from conftest import VARIANTS, build_model, tiny_config

LENGTHS = [5, 8, 2, 1]
BOS, EOS = 2, 3


def _src(vocab: int = 40, lengths=LENGTHS, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    src = torch.zeros(len(lengths), max(lengths), dtype=torch.long)
    for i, n in enumerate(lengths):
        src[i, : n - 1] = torch.randint(4, vocab, (n - 1,), generator=g)
        src[i, n - 1] = EOS
    return src, torch.tensor(lengths)


def _tgt_in(batch: int, steps: int, vocab: int = 40, seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    tgt = torch.randint(4, vocab, (batch, steps), generator=g)
    tgt[:, 0] = BOS
    return tgt


# ----- reverse_padded ----------------------------------------------------------------------


def test_reverse_padded_reverses_words_keeps_eos_and_padding():
    src, lengths = _src()
    order = reverse_padded(src, lengths)
    rev = src.gather(1, order)
    for b, n in enumerate(LENGTHS):
        assert rev[b, : n - 1].tolist() == src[b, : n - 1].tolist()[::-1]
        assert rev[b, n - 1] == EOS  # </s> stays last
        assert (rev[b, n:] == 0).all()  # padding stays where it was


def test_reverse_padded_is_an_involution():
    src, lengths = _src(lengths=[7, 3, 1, 2, 7, 4], seed=3)
    order = reverse_padded(src, lengths)
    assert torch.equal(order.gather(1, order), torch.arange(src.size(1)).expand_as(order))
    assert torch.equal(src.gather(1, order).gather(1, order), src)
    for row in order.tolist():  # a permutation of the positions
        assert sorted(row) == list(range(src.size(1)))


def test_reverse_source_memory_comes_back_in_source_order():
    """A reversing model equals a non-reversing model (same weights) fed the reversed source,
    with its memory rows put back into source order."""
    for variant in ("bahdanau-reversed", "vanilla-reversed-lstm"):
        rev_model = build_model(tiny_config(**VARIANTS[variant]), seed=4)
        plain_cfg = tiny_config(**(VARIANTS[variant] | {"reverse_source": False}))
        plain = Seq2Seq(plain_cfg).eval()
        plain.load_state_dict(rev_model.state_dict())
        src, lengths = _src()
        order = reverse_padded(src, lengths)
        with torch.no_grad():
            got = rev_model.encode(src, lengths)
            ref = plain.encode(src.gather(1, order), lengths)
            unreversed = plain.encode(src, lengths)
        assert torch.allclose(got.values, ref.values.gather(1, order[:, :, None].expand_as(ref.values)), atol=1e-6)
        assert torch.allclose(got.final, ref.final, atol=1e-6)
        assert torch.equal(got.mask, src != 0)
        # and reversal does change what the encoder computes
        assert not torch.allclose(got.final[0], unreversed.final[0], atol=1e-4)


# ----- teacher forcing equals stepping -----------------------------------------------------


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_teacher_forcing_equals_step_by_step(variant):
    """The fused / looped teacher-forced pass and model.step agree at every position."""
    model = build_model(tiny_config(**VARIANTS[variant]), seed=2, scale=1.5)
    src, lengths = _src()
    tgt_in = _tgt_in(len(LENGTHS), 6)
    with torch.no_grad():
        o, weights = model(src, lengths, tgt_in)
        memory = model.encode(src, lengths)
        state = model.init_state(memory)
        assert o.shape == (len(LENGTHS), 6, model.cfg.emb_dim)
        if model.cfg.family == "vanilla":
            assert weights is None
        else:
            assert weights.shape == (len(LENGTHS), 6, src.size(1))
        for t in range(tgt_in.size(1)):
            logp, step = model.step(tgt_in[:, t], state, memory)
            state = step.state
            assert torch.allclose(step.output, o[:, t], atol=1e-5), f"output differs at step {t}"
            assert torch.allclose(logp, torch.log_softmax(model.logits(o[:, t]), -1), atol=1e-5)
            if weights is None:
                assert step.weights is None and step.scores is None
                assert torch.equal(step.context, memory.final)  # the one fixed context vector
            else:
                assert torch.allclose(step.weights, weights[:, t], atol=1e-6)
                for b, n in enumerate(LENGTHS):
                    assert (step.weights[b, n:] == 0).all()
                assert torch.allclose(step.weights.sum(-1), torch.ones(len(LENGTHS)), atol=1e-6)
            assert logp.shape == (len(LENGTHS), model.cfg.vocab_size)


@pytest.mark.parametrize("variant", ["vanilla-gru", "bahdanau-lstm-2layer", "dot-feed-lstm", "general", "concat-feed-unidir"])
def test_step_record_is_consistent(variant):
    """StepOut's fields hold what the decoder docstring says: query, context, features."""
    model = build_model(tiny_config(**VARIANTS[variant]), seed=5, scale=1.5)
    cfg = model.cfg
    src, lengths = _src()
    with torch.no_grad():
        memory = model.encode(src, lengths)
        state = model.init_state(memory)
        for tok in (BOS, 7, 9):
            prev = torch.full((len(LENGTHS),), tok)
            _, step = model.step(prev, state, memory)
            assert step.query.shape == (len(LENGTHS), cfg.dec_hidden)
            assert torch.equal(step.query, step.state.hidden[0][-1])  # top layer after the step
            assert step.context.shape == (len(LENGTHS), cfg.memory_dim)
            if step.weights is not None:
                assert torch.allclose(step.context, torch.einsum("bs,bsm->bm", step.weights, memory.values), atol=1e-5)
                assert torch.allclose(torch.softmax(step.scores.masked_fill(~memory.mask, -torch.inf), -1), step.weights,
                                      atol=1e-6)
            assert torch.allclose(step.output, torch.tanh(model.decoder.out(step.features)), atol=1e-6)
            if cfg.input_feeding:
                assert torch.equal(step.state.feed, step.output)
            else:
                assert step.state.feed is None
            state = step.state


def test_batch_rows_are_independent():
    """Decoding a sentence inside a padded batch equals decoding it alone."""
    for variant in ("bahdanau-gru", "dot-feed-lstm", "vanilla-gru"):
        model = build_model(tiny_config(**VARIANTS[variant]), seed=6)
        src, lengths = _src()
        tgt_in = _tgt_in(len(LENGTHS), 5)
        with torch.no_grad():
            o, w = model(src, lengths, tgt_in)
            for b, n in enumerate(LENGTHS):
                o1, w1 = model(src[b : b + 1, :n], lengths[b : b + 1], tgt_in[b : b + 1])
                assert torch.allclose(o[b], o1[0], atol=1e-5)
                if w is not None:
                    assert torch.allclose(w[b, :, :n], w1[0], atol=1e-6)


def test_model_keeps_no_state_between_calls(make_model):
    model = make_model("general-feed", seed=7)
    assert model.cfg.input_feeding and model.cfg.attention == "general" and not model.training
    src, lengths = _src()
    tgt_in = _tgt_in(len(LENGTHS), 4)
    with torch.no_grad():
        first = model(src, lengths, tgt_in)
        model(*_src(seed=9), _tgt_in(len(LENGTHS), 7, seed=2))
        again = model(src, lengths, tgt_in)
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])


def test_dropout_is_off_in_eval_mode():
    model = build_model(tiny_config(dropout=0.5, enc_layers=2), seed=0)
    src, lengths = _src()
    tgt_in = _tgt_in(len(LENGTHS), 4)
    with torch.no_grad():
        a, _ = model(src, lengths, tgt_in)
        b, _ = model(src, lengths, tgt_in)
        model.train()
        c, _ = model(src, lengths, tgt_in)
    assert torch.equal(a, b)
    assert not torch.allclose(a, c)


# ----- output layer and size -----------------------------------------------------------------


def test_logits_are_tied_to_the_embedding():
    model = build_model(tiny_config(vocab_size=33), seed=1)
    with torch.no_grad():
        model.out_bias.normal_()
        o = torch.randn(2, 5, model.cfg.emb_dim)
        logits = model.logits(o)
    assert logits.shape == (2, 5, 33)
    assert torch.allclose(logits, o @ model.embed.weight.T + model.out_bias, atol=1e-5)
    assert model.logits(torch.randn(model.cfg.emb_dim)).shape == (33,)
    assert (model.embed.weight[model.cfg.pad_id] == 0).all()


def test_num_parameters_matches_the_architecture():
    """Bahdanau GRU, bidirectional 1-layer encoder: count every weight by hand."""
    cfg = tiny_config(vocab_size=40)
    v, e, h, d, a = cfg.vocab_size, cfg.emb_dim, cfg.enc_hidden, cfg.dec_hidden, cfg.attn_dim
    m = 2 * h
    gru = lambda i, hid: 3 * hid * (i + hid) + 6 * hid  # noqa: E731
    expected = (
        v * e + v  # tied embedding + output bias (no separate output matrix)
        + 2 * gru(e, h)  # encoder, two directions
        + gru(e + m, d)  # decoder RNN reads [E y; c]
        + m * d + d  # s_0 = tanh(W_i c)
        + d * a + m * a + a + a  # W_a, U_a (+bias), v_a
        + (d + m + e) * e + e  # W_o
    )
    model = Seq2Seq(cfg)
    assert model.num_parameters() == expected
    assert model.num_parameters() == sum(p.numel() for p in model.parameters())


def test_num_parameters_grows_with_sizes_and_input_feeding():
    base = Seq2Seq(tiny_config(attention="general")).num_parameters()
    fed = Seq2Seq(tiny_config(attention="general", input_feeding=True)).num_parameters()
    assert fed - base == 3 * 32 * 16  # GRU input grows by E = 16: W_ir, W_iz, W_in gain 16 columns each
    dot = Seq2Seq(tiny_config(attention="dot")).num_parameters()
    assert base - dot == 32 * 32  # general's W_a [Q, M]
    assert Seq2Seq(tiny_config(vocab_size=41)).num_parameters() - Seq2Seq(tiny_config()).num_parameters() == 16 + 1
