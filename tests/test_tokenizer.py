"""Tests of s2s.tokenizer: training on a tiny corpus, round trips, special ids, bad files."""

from __future__ import annotations

import io
import json
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
import sentencepiece as spm

from s2s.data import DATA_ROOT, PAIR
from s2s.errors import TokenizerMismatch
from s2s.tokenizer import Tokenizer, train_tokenizer

SYLLABLES = ["ka", "lo", "mi", "tre", "san", "pe", "ro", "di", "no", "vel", "ar", "es", "ción",
             "tá", "ñu", "the", "ing", "er"]


def _tiny_corpus() -> list[str]:
    """300 synthetic sentences over ~120 invented words (with a few accented letters)."""
    rng = random.Random(0)
    words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(120)]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(2, 8))) + "."
            for _ in range(300)]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("tok") / "spm100.model"
    train_tokenizer(_tiny_corpus(), path, vocab_size=100)
    return path


def test_train_writes_only_the_model_file(tiny_model):
    assert tiny_model.is_file()
    assert [p.name for p in tiny_model.parent.iterdir()] == ["spm100.model"]


def test_special_ids_and_vocab(tiny_model):
    tok = Tokenizer.load(tiny_model)
    assert (tok.pad_id, tok.unk_id, tok.bos_id, tok.eos_id) == (0, 1, 2, 3)
    assert tok.vocab_size == 100
    assert [tok.id_to_piece(i) for i in range(4)] == ["<pad>", "<unk>", "<s>", "</s>"]
    assert tok.piece_to_id("</s>") == 3
    assert tok.piece_to_id("definitely-not-a-piece") == tok.unk_id
    assert tok.path == tiny_model and len(tok.sha256) == 64
    with pytest.raises(IndexError):
        tok.id_to_piece(100)


def test_round_trip_encode_decode(tiny_model):
    tok = Tokenizer.load(tiny_model)
    for text in _tiny_corpus()[::37] + ["kaloción está.", "the santre ñu."]:
        ids = tok.encode(text)
        assert ids and all(4 <= i < tok.vocab_size or i == tok.unk_id for i in ids)
        assert tok.decode(ids) == text
        assert tok.decode([tok.bos_id, *ids, tok.eos_id, tok.pad_id, tok.pad_id]) == text
        assert "".join(tok.pieces(ids)).replace("▁", " ").strip() == text


def test_training_is_deterministic(tiny_model, tmp_path):
    texts = _tiny_corpus()
    again = train_tokenizer(list(reversed(texts)) + texts[:10], tmp_path / "b.model",
                            vocab_size=100)
    assert again.read_bytes() == tiny_model.read_bytes()


def test_from_bytes_and_thread_sharing(tiny_model):
    tok = Tokenizer(tiny_model.read_bytes())
    assert tok.path is None and tok.sha256 == Tokenizer.load(tiny_model).sha256
    texts = _tiny_corpus()
    expected = [tok.encode(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(tok.encode, texts))
    assert got == expected


def test_corrupt_or_missing_model_raises_tokenizer_mismatch(tiny_model, tmp_path):
    bad = tmp_path / "corrupt.model"
    bad.write_bytes(b"this is not a sentencepiece model")
    with pytest.raises(TokenizerMismatch, match="corrupt.model"):
        Tokenizer.load(bad)
    truncated = tmp_path / "truncated.model"
    truncated.write_bytes(tiny_model.read_bytes()[:500])
    with pytest.raises(TokenizerMismatch, match="truncated.model"):
        Tokenizer.load(truncated)
    with pytest.raises(TokenizerMismatch, match="missing.model"):
        Tokenizer.load(tmp_path / "missing.model")


def test_model_with_other_special_ids_is_rejected(tmp_path):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(_tiny_corpus()), model_writer=model,
                                   vocab_size=60, minloglevel=2)  # default ids: unk=0, bos=1
    path = tmp_path / "default-ids.model"
    path.write_bytes(model.getvalue())
    with pytest.raises(TokenizerMismatch, match="default-ids.model"):
        Tokenizer.load(path)


def test_committed_tokenizer_loads():
    path = DATA_ROOT / PAIR / "spm8000.model"
    tok = Tokenizer.load(path)
    assert tok.vocab_size == 8000
    meta = json.loads((DATA_ROOT / PAIR / "splits.json").read_text(encoding="utf-8"))
    assert meta["tokenizer"]["sha256"] == tok.sha256
    for text in ["¿Dónde está la biblioteca?", "Where is the library?"]:
        ids = tok.encode(text)
        assert tok.unk_id not in ids
        assert tok.decode(ids) == text
