"""Tests of s2s.translate on a tiny saved checkpoint: input checks, records, JSON."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from s2s.errors import InputError
from s2s.search import beam_search, greedy_search
from s2s.text import MAX_BEAM, MAX_CHARS, MAX_PIECES, max_output_len, pieces_to_words
from s2s.trace import trace
from s2s.translate import Translation, encode_source, translate


@pytest.fixture(scope="module")
def ckpts(tmp_path_factory, tokenizer_path):
    """A Bahdanau and a vanilla checkpoint, saved and loaded once for the module."""
    from s2s import checkpoint

    from conftest import VARIANTS, build_model, card_for, tiny_config, TOKENIZER_VOCAB

    root = tmp_path_factory.mktemp("translate")
    out = {}
    for variant in ("bahdanau-gru", "vanilla-gru", "dot-feed-lstm"):
        model = build_model(tiny_config(TOKENIZER_VOCAB, **VARIANTS[variant]), seed=0, scale=2.0)
        out[variant] = checkpoint.load(checkpoint.save(model, tokenizer_path, card_for(), root / variant))
    return out


@pytest.fixture
def ckpt(ckpts):
    return ckpts["bahdanau-gru"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u3000"])
def test_empty_text(ckpt, text):
    with pytest.raises(InputError, match="empty"):
        translate(ckpt, text)


def test_too_many_characters(ckpt):
    with pytest.raises(InputError, match=f"too long: {MAX_CHARS + 1} characters"):
        translate(ckpt, "a" * (MAX_CHARS + 1))


def test_too_many_pieces(ckpt):
    text = " ".join(["yo"] * 250)  # one piece per word, within the character limit
    assert len(text) <= MAX_CHARS
    n = len(ckpt.tokenizer.encode(text))
    assert n > MAX_PIECES
    with pytest.raises(InputError, match=f"{n} pieces \\(limit {MAX_PIECES}\\)"):
        translate(ckpt, text)
    # just under the limit is fine (the </s> added to the source is not counted)
    ok = " ".join(["yo"] * MAX_PIECES)
    assert len(ckpt.tokenizer.encode(ok)) == MAX_PIECES
    assert translate(ckpt, ok, max_len=3).hypotheses


@pytest.mark.parametrize("ch, what", [("\x00", "control character U+0000"), ("\x07", "control character U+0007"),
                                      ("\x1b", "control character U+001B"), ("\ud800", "surrogate U+D800")])
def test_forbidden_characters(ckpt, ch, what):
    with pytest.raises(InputError, match=re.escape(what)):
        translate(ckpt, f"the cat{ch} is big")


@pytest.mark.parametrize("beam", [0, MAX_BEAM + 1, -3, 1.5])
def test_beam_out_of_range(ckpt, beam):
    with pytest.raises(InputError, match="beam"):
        translate(ckpt, "the cat", beam=beam)


@pytest.mark.parametrize("text", ["I see 😀 today", "the 고양이 is big", "😀"])
def test_out_of_vocabulary_characters_are_counted_and_translated(ckpt, text):
    result = translate(ckpt, text)
    unk = ckpt.tokenizer.unk_id
    assert result.unk_count == sum(i == unk for i in result.source_ids) >= 1
    assert result.source_pieces.count("<unk>") == result.unk_count
    assert result.hypotheses and result.best.ids
    words, index = result.source_words
    assert "<unk>" in words and len(index) == len(result.source_pieces)


def test_translation_record(ckpt):
    result = translate(ckpt, "  The cat   drinks water. ")
    assert isinstance(result, Translation)
    assert result.source == "The cat drinks water."
    assert result.source_ids == ckpt.tokenizer.encode(result.source) + [ckpt.tokenizer.eos_id]
    assert result.source_pieces == ckpt.tokenizer.pieces(result.source_ids)
    assert result.source_pieces[-1] == "</s>" and result.unk_count == 0
    assert result.max_len == max_output_len(len(result.source_ids))
    assert result.beam == 1 and len(result.hypotheses) == 1 and result.best is result.hypotheses[0]
    assert len(result.best.ids) <= result.max_len
    assert result.best.attention.shape == (len(result.best.ids), len(result.source_ids))
    assert result.seconds > 0
    assert result.source_words == pieces_to_words(result.source_pieces)


def test_greedy_and_beam_match_search(ckpt):
    _, ids = encode_source(ckpt, "we have bread")
    bound = max_output_len(len(ids))
    g = translate(ckpt, "we have bread", beam=1, length_penalty=0.6)
    ref = greedy_search(ckpt.model, ckpt.tokenizer, ids, bound, 0.6).hypotheses[0]
    assert g.best.ids == ref.ids and g.best.norm_score == ref.norm_score
    b = translate(ckpt, "we have bread", beam=4, length_penalty=0.6)
    ref_b = beam_search(ckpt.model, ckpt.tokenizer, ids, 4, bound, 0.6)
    assert [h.ids for h in b.hypotheses] == [h.ids for h in ref_b.hypotheses]
    assert len(b.hypotheses) == 4 and b.tree == ref_b.tree and b.beam == 4 and b.length_penalty == 0.6
    assert translate(ckpt, "we have bread", beam=1, length_penalty=0.6).best.ids == g.best.ids  # deterministic


def test_max_len_is_respected(ckpt):
    result = translate(ckpt, "the red house is big", beam=3, max_len=4)
    assert result.max_len == 4
    assert all(len(h.ids) <= 4 for h in result.hypotheses)


@pytest.mark.parametrize("variant", ["bahdanau-gru", "vanilla-gru", "dot-feed-lstm"])
@pytest.mark.parametrize("beam", [1, 3])
def test_to_json(ckpts, variant, beam):
    result = translate(ckpts[variant], "Yo veo el perro 😀", beam=beam)
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert data["source"] == result.source
    assert data["source_tokens"] == result.source_pieces
    assert data["unk_count"] == 1 and data["beam"] == beam
    assert len(data["hypotheses"]) == beam
    for h, hyp in zip(data["hypotheses"], result.hypotheses):
        assert h["text"] == hyp.text and h["tokens"] == hyp.pieces
        assert h["score"] == pytest.approx(hyp.score) and h["norm_score"] == pytest.approx(hyp.norm_score)
        assert isinstance(h["finished"], bool)
        if variant.startswith("vanilla"):
            assert h["attention"] is None
        else:
            assert len(h["attention"]) == len(h["tokens"])
            for row in h["attention"]:
                assert len(row) == len(data["source_tokens"])
                assert all(isinstance(x, float) for x in row)
                assert sum(row) == pytest.approx(1.0, abs=1e-4)
            assert np.allclose(h["attention"], hyp.attention, atol=1e-5)


def test_one_checkpoint_serves_many_threads(tiny_checkpoint):
    """Models are shared by all browser sessions: concurrent calls give the sequential results."""
    from concurrent.futures import ThreadPoolExecutor

    texts = ["The cat drinks water.", "yo veo el perro", "we have bread today", "la casa es roja"] * 3
    expected = [(translate(tiny_checkpoint, t, beam=2).best.ids, trace(tiny_checkpoint, t).ids) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda t: (translate(tiny_checkpoint, t, beam=2).best.ids, trace(tiny_checkpoint, t).ids), texts))
    assert got == expected
