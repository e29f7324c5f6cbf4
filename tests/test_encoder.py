"""Tests of s2s.encoder: packing of padded batches, final state, zeros past each length."""

from __future__ import annotations

import pytest
import torch

from s2s.encoder import Encoder, make_rnn

from conftest import tiny_config

LENGTHS = [6, 2, 9, 1, 4]


def _batch(vocab: int = 40, lengths=LENGTHS, seed: int = 0):
    """Random source ids [B, S] ending in </s> (3), padded with 0, and their lengths."""
    g = torch.Generator().manual_seed(seed)
    s = max(lengths)
    src = torch.zeros(len(lengths), s, dtype=torch.long)
    for i, n in enumerate(lengths):
        src[i, : n - 1] = torch.randint(4, vocab, (n - 1,), generator=g)
        src[i, n - 1] = 3
    return src, torch.tensor(lengths)


ENCODERS = [
    dict(cell="gru", enc_layers=1, bidirectional=True),
    dict(cell="gru", enc_layers=2, bidirectional=False),
    dict(cell="lstm", enc_layers=1, bidirectional=False),
    dict(cell="lstm", enc_layers=2, bidirectional=True),
]


@pytest.fixture(params=ENCODERS, ids=lambda d: f"{d['cell']}-{d['enc_layers']}-{'bi' if d['bidirectional'] else 'uni'}")
def encoder_and_embed(request):
    cfg = tiny_config(**request.param)
    torch.manual_seed(0)
    enc = Encoder(cfg).eval()
    embed = torch.nn.Embedding(cfg.vocab_size, cfg.emb_dim, padding_idx=0)
    return cfg, enc, embed


def test_shapes_and_zero_padding(encoder_and_embed):
    cfg, enc, embed = encoder_and_embed
    src, lengths = _batch()
    with torch.no_grad():
        memory, final = enc(embed(src), lengths)
    assert memory.shape == (len(LENGTHS), max(LENGTHS), cfg.memory_dim)
    assert final.shape == (len(LENGTHS), cfg.memory_dim)
    assert enc.out_dim == cfg.memory_dim
    for b, n in enumerate(LENGTHS):
        assert (memory[b, n:] == 0).all()  # exactly zero past the length
        assert (memory[b, :n].abs().sum(-1) > 0).all()


def test_padded_batch_equals_each_sentence_alone(encoder_and_embed):
    """Packing is right: padding changes nothing, in either direction, for any layer."""
    cfg, enc, embed = encoder_and_embed
    src, lengths = _batch()
    with torch.no_grad():
        memory, final = enc(embed(src), lengths)
        for b, n in enumerate(LENGTHS):
            alone_mem, alone_final = enc(embed(src[b : b + 1, :n]), lengths[b : b + 1])
            assert torch.allclose(memory[b, :n], alone_mem[0], atol=1e-6)
            assert torch.allclose(final[b], alone_final[0], atol=1e-6)


def test_one_padded_sentence_is_packed_too(encoder_and_embed):
    """A batch of one with trailing padding gives the same result as without the padding."""
    cfg, enc, embed = encoder_and_embed
    src, lengths = _batch()
    b = 1  # length 2, padded to 9
    with torch.no_grad():
        padded_mem, padded_final = enc(embed(src[b : b + 1]), lengths[b : b + 1])
        exact_mem, exact_final = enc(embed(src[b : b + 1, : LENGTHS[b]]), lengths[b : b + 1])
    assert torch.allclose(padded_mem[0, : LENGTHS[b]], exact_mem[0], atol=1e-6)
    assert (padded_mem[0, LENGTHS[b] :] == 0).all()
    assert torch.allclose(padded_final, exact_final, atol=1e-6)


def test_final_state_is_last_forward_and_first_backward_output():
    """The context vector: top layer's forward state after the last token and backward state
    after reading back to the first token (these are also memory positions n-1 and 0)."""
    cfg = tiny_config(enc_layers=2, bidirectional=True)
    torch.manual_seed(0)
    enc = Encoder(cfg).eval()
    embed = torch.nn.Embedding(cfg.vocab_size, cfg.emb_dim)
    src, lengths = _batch()
    h = cfg.enc_hidden
    with torch.no_grad():
        memory, final = enc(embed(src), lengths)
    for b, n in enumerate(LENGTHS):
        assert torch.allclose(final[b, :h], memory[b, n - 1, :h], atol=1e-6)
        assert torch.allclose(final[b, h:], memory[b, 0, h:], atol=1e-6)

    uni = Encoder(tiny_config(bidirectional=False)).eval()
    with torch.no_grad():
        memory, final = uni(embed(src), lengths)
    for b, n in enumerate(LENGTHS):
        assert torch.allclose(final[b], memory[b, n - 1], atol=1e-6)


def test_source_order_matters():
    """The encoder reads order: a permuted sentence gives another final state."""
    cfg = tiny_config()
    torch.manual_seed(0)
    enc = Encoder(cfg).eval()
    embed = torch.nn.Embedding(cfg.vocab_size, cfg.emb_dim)
    src = torch.tensor([[5, 6, 7, 8, 3]])
    swapped = torch.tensor([[8, 7, 6, 5, 3]])
    with torch.no_grad():
        _, f1 = enc(embed(src), torch.tensor([5]))
        _, f2 = enc(embed(swapped), torch.tensor([5]))
    assert not torch.allclose(f1, f2, atol=1e-4)


@pytest.mark.parametrize("cell, cls", [("gru", torch.nn.GRU), ("lstm", torch.nn.LSTM)])
def test_make_rnn(cell, cls):
    rnn = make_rnn(cell, 8, 12, layers=1, dropout=0.5, bidirectional=True)
    assert isinstance(rnn, cls)
    assert rnn.batch_first and rnn.bidirectional and rnn.hidden_size == 12
    assert rnn.dropout == 0.0  # dropout between layers only; one layer has none
    assert make_rnn(cell, 8, 12, layers=2, dropout=0.5).dropout == 0.5
