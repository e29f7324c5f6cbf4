"""Tests of s2s.checkpoint: save/load round trip, the card, every broken case, locations."""

from __future__ import annotations

import copy
import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from s2s import checkpoint
from s2s.checkpoint import CARD, FORMAT, TOKENIZER, WEIGHTS, Checkpoint, list_checkpoints, read_card, resolve, sha256_file
from s2s.errors import (CheckpointCorrupt, CheckpointError, CheckpointLocationError, CheckpointMismatch,
                        CheckpointMissing, TokenizerMismatch)
from s2s.model import Seq2Seq
from s2s.tokenizer import Tokenizer
from s2s.translate import translate

from conftest import TOKENIZER_VOCAB, VARIANTS, build_model, card_for, tiny_config

TEXTS = ["The cat drinks water.", "Yo quiero pan y agua hoy.", "we see"]


def _rounded(model: Seq2Seq) -> Seq2Seq:
    """The same model with its weights rounded to fp16 and back, as a checkpoint stores them."""
    twin = Seq2Seq(model.cfg)
    twin.load_state_dict({k: v.half().float() for k, v in model.state_dict().items()})
    return twin.eval().requires_grad_(False)


@pytest.fixture
def saved(tmp_path, tokenizer_path):
    """A saved Bahdanau checkpoint directory and the in-memory model it came from."""
    model = build_model(tiny_config(TOKENIZER_VOCAB), seed=1, scale=2.0)
    return checkpoint.save(model, tokenizer_path, card_for(), tmp_path / "ckpt"), model


# ----- round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["bahdanau-gru", "vanilla-lstm", "dot-feed-lstm", "concat", "bahdanau-reversed"])
def test_load_translates_like_the_saved_model(make_checkpoint, variant):
    ckpt, model = make_checkpoint(variant)
    ckpt = checkpoint.load(ckpt.path, fast=False)  # fp32, as trained: the round trip is exact
    twin = Checkpoint("twin", ckpt.path, _rounded(model), ckpt.tokenizer, ckpt.card)
    loaded_sd, twin_sd = ckpt.model.state_dict(), twin.model.state_dict()
    assert loaded_sd.keys() == twin_sd.keys()
    assert all(torch.equal(loaded_sd[k], twin_sd[k]) and loaded_sd[k].dtype == torch.float32 for k in loaded_sd)
    assert not ckpt.model.training and not any(p.requires_grad for p in ckpt.model.parameters())
    assert ckpt.cfg == model.cfg
    for text in TEXTS:
        for beam in (1, 3):
            a, b = translate(ckpt, text, beam=beam), translate(twin, text, beam=beam)
            assert [h.ids for h in a.hypotheses] == [h.ids for h in b.hypotheses]
            assert [h.score for h in a.hypotheses] == [h.score for h in b.hypotheses]
            for ha, hb in zip(a.hypotheses, b.hypotheses):
                if ha.attention is None:
                    assert hb.attention is None and model.cfg.family == "vanilla"
                else:
                    assert np.array_equal(ha.attention, hb.attention)
                assert np.array_equal(ha.contexts, hb.contexts)
    # fp16 storage is close to the original weights
    for k, v in model.state_dict().items():
        assert torch.allclose(loaded_sd[k], v, rtol=1e-3, atol=1e-4)


def test_two_loads_are_identical(saved):
    path, _ = saved
    a, b = checkpoint.load(path), checkpoint.load(path)
    assert a.model is not b.model
    for text in TEXTS:
        ta, tb = translate(a, text, beam=2), translate(b, text, beam=2)
        assert [h.ids for h in ta.hypotheses] == [h.ids for h in tb.hypotheses]
        assert all(np.array_equal(x.attention, y.attention) for x, y in zip(ta.hypotheses, tb.hypotheses))


def test_load_leaves_the_global_random_state_alone(saved):
    """The model is built (random init) before the weights replace it: not from the caller's stream."""
    torch.manual_seed(123)
    expected = torch.rand(5)
    torch.manual_seed(123)
    checkpoint.load(saved[0])
    assert torch.equal(torch.rand(5), expected)


def test_card_contents(saved, tokenizer_path):
    path, model = saved
    assert sorted(p.name for p in path.iterdir()) == sorted([CARD, WEIGHTS, TOKENIZER])
    card = json.loads((path / CARD).read_text(encoding="utf-8"))
    assert card["format"] == FORMAT
    assert card["model"] == model.cfg.to_dict()
    assert card["weights"] == {
        "file": WEIGHTS,
        "sha256": sha256_file(path / WEIGHTS),
        "dtype": "float16",
        "parameters": model.num_parameters(),
    }
    assert card["tokenizer"] == {"file": TOKENIZER, "sha256": sha256_file(tokenizer_path)}
    assert card["tokenizer"]["sha256"] == Tokenizer.load(tokenizer_path).sha256
    assert (path / TOKENIZER).read_bytes() == tokenizer_path.read_bytes()
    for key, value in card_for().items():  # the caller's sections are kept
        assert card[key] == value
    ckpt = checkpoint.load(path, name="eng-spa/tiny")
    assert ckpt.card == card and ckpt.name == "eng-spa/tiny" and ckpt.pair == ("eng", "spa")
    assert ckpt.path == path.resolve() and checkpoint.load(path).name == "ckpt"
    assert ckpt.tokenizer.vocab_size == TOKENIZER_VOCAB


def test_save_leaves_the_callers_card_alone_and_replaces_atomically(tmp_path, tokenizer_path):
    card = card_for()
    before = copy.deepcopy(card)
    first = build_model(tiny_config(TOKENIZER_VOCAB), seed=1)
    out = checkpoint.save(first, tokenizer_path, card, tmp_path / "models" / "m")
    assert card == before
    second = build_model(tiny_config(TOKENIZER_VOCAB, attention="none"), seed=2)
    assert checkpoint.save(second, tokenizer_path, card, out) == out
    assert checkpoint.load(out).cfg.attention == "none"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["m"]  # no temp or .old dirs left


def test_write_card_keeps_the_checkpoint_loadable(saved):
    path, _ = saved
    card = read_card(path)
    card["metrics"] = {"test": {"bleu": 12.5}}
    checkpoint.write_card(path, card)
    assert checkpoint.load(path).card["metrics"]["test"]["bleu"] == 12.5
    assert sorted(p.name for p in path.iterdir()) == sorted([CARD, WEIGHTS, TOKENIZER])


def test_loading_never_unpickles(saved, monkeypatch):
    path, _ = saved

    def refuse(*args, **kwargs):
        raise AssertionError("checkpoint loading must not unpickle")

    class Refuse(pickle.Unpickler):
        def __init__(self, *args, **kwargs):
            refuse()

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "Unpickler", Refuse)
    monkeypatch.setattr(torch, "load", refuse)
    ckpt = checkpoint.load(path)
    assert translate(ckpt, "we see").best.ids


# ----- broken checkpoints --------------------------------------------------------------------


def _edit_card(path: Path, edit) -> None:
    card = json.loads((path / CARD).read_text(encoding="utf-8"))
    edit(card)
    (path / CARD).write_text(json.dumps(card), encoding="utf-8")


def test_every_checkpoint_error_is_a_checkpoint_error():
    for err in (CheckpointMissing, CheckpointCorrupt, CheckpointMismatch, TokenizerMismatch, CheckpointLocationError):
        assert issubclass(err, CheckpointError)


def test_missing_directory_and_files(saved, tmp_path):
    path, _ = saved
    with pytest.raises(CheckpointMissing):
        checkpoint.load(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CheckpointMissing, match="card.json"):
        checkpoint.load(tmp_path / "empty")
    with pytest.raises(CheckpointMissing):
        checkpoint.load(path / WEIGHTS)  # a file, not a directory
    for name in (WEIGHTS, TOKENIZER):
        broken = tmp_path / f"no-{name}"
        shutil.copytree(path, broken)
        (broken / name).unlink()
        with pytest.raises(CheckpointMissing, match="missing"):
            checkpoint.load(broken)


def test_card_file_outside_the_directory_is_missing(saved, tmp_path):
    path, _ = saved
    shutil.copy(path / WEIGHTS, tmp_path / WEIGHTS)  # a perfectly good file one level up
    _edit_card(path, lambda c: c["weights"].update(file=f"../{WEIGHTS}"))
    with pytest.raises(CheckpointMissing):
        checkpoint.load(path)


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'"card"', b"{}"],
)
def test_card_that_is_not_a_card(saved, content):
    path, _ = saved
    (path / CARD).write_bytes(content)
    with pytest.raises(CheckpointCorrupt):
        checkpoint.load(path)


@pytest.mark.parametrize("section", ["model", "weights", "tokenizer", "pair"])
def test_card_without_a_section(saved, section):
    path, _ = saved
    _edit_card(path, lambda c: c.pop(section))
    with pytest.raises(CheckpointCorrupt, match=section):
        checkpoint.load(path)


def test_card_of_another_format(saved):
    path, _ = saved
    _edit_card(path, lambda c: c.update(format="attention-lab/0"))
    with pytest.raises(CheckpointCorrupt, match="card"):
        checkpoint.load(path)


def test_weights_changed_by_one_byte(saved):
    path, _ = saved
    data = bytearray((path / WEIGHTS).read_bytes())
    data[-7] ^= 0x01  # deep inside the tensor data
    (path / WEIGHTS).write_bytes(bytes(data))
    with pytest.raises(CheckpointCorrupt, match="SHA-256"):
        checkpoint.load(path)


def test_truncated_weights(saved):
    path, _ = saved
    data = (path / WEIGHTS).read_bytes()
    (path / WEIGHTS).write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointCorrupt):
        checkpoint.load(path)
    # even when the card's hash is updated to match, the file itself cannot be read
    _edit_card(path, lambda c: c["weights"].update(sha256=sha256_file(path / WEIGHTS)))
    with pytest.raises(CheckpointCorrupt, match="cannot be read"):
        checkpoint.load(path)


@pytest.mark.parametrize(
    "change",
    [
        {"enc_hidden": 20},  # every encoder and decoder matrix changes shape
        {"dec_hidden": 40},
        {"attn_dim": 8},
        {"attention": "general"},  # other parameter names
        {"cell": "lstm"},
        {"enc_layers": 2},
        {"input_feeding": False, "attention": "none"},
    ],
)
def test_card_model_that_does_not_fit_the_weights(saved, change):
    path, _ = saved
    _edit_card(path, lambda c: c["model"].update(change))
    with pytest.raises(CheckpointMismatch):
        checkpoint.load(path)


@pytest.mark.parametrize(
    "change",
    [{"cell": "rnn"}, {"attention": "dot"}, {"dropout": 2.0}, {"hidden_size": 32}, {"emb_dim": "wide"}],
)
def test_card_model_that_is_not_valid(saved, change):
    path, _ = saved
    _edit_card(path, lambda c: c["model"].update(change))
    with pytest.raises(CheckpointMismatch):
        checkpoint.load(path)


def test_swapped_tokenizer(saved, tmp_path):
    path, _ = saved
    other = tmp_path / "other.model"
    from s2s.tokenizer import train_tokenizer

    from conftest import tiny_corpus

    train_tokenizer(tiny_corpus(120, seed=5), other, vocab_size=TOKENIZER_VOCAB, num_threads=1)
    assert other.read_bytes() != (path / TOKENIZER).read_bytes()
    shutil.copy(other, path / TOKENIZER)
    with pytest.raises(TokenizerMismatch, match="SHA-256"):
        checkpoint.load(path)
    # a tokenizer file that is not a SentencePiece model, even with a matching hash
    (path / TOKENIZER).write_bytes(b"not a model")
    _edit_card(path, lambda c: c["tokenizer"].update(sha256=sha256_file(path / TOKENIZER)))
    with pytest.raises(TokenizerMismatch):
        checkpoint.load(path)


def test_tokenizer_vocab_that_does_not_fit_the_model(saved):
    path, _ = saved
    _edit_card(path, lambda c: c["model"].update(vocab_size=TOKENIZER_VOCAB + 1))
    with pytest.raises(TokenizerMismatch, match="pieces"):
        checkpoint.load(path)
    _edit_card(path, lambda c: c["model"].update(vocab_size=TOKENIZER_VOCAB, eos_id=5))
    with pytest.raises(TokenizerMismatch, match="special ids"):
        checkpoint.load(path)


# ----- locations -----------------------------------------------------------------------------


def test_resolve_inside_root(tmp_path):
    root = tmp_path / "ckpts"
    root.mkdir()
    assert resolve("eng-spa/bahdanau", root) == (root / "eng-spa" / "bahdanau").resolve()
    assert resolve("eng-spa/../eng-spa/x", root) == (root / "eng-spa" / "x").resolve()
    assert resolve(str(root / "a"), root) == (root / "a").resolve()  # an absolute path inside is fine


@pytest.mark.parametrize("name", ["../x", "a/../../x", "..", "", ".", "/etc", "/tmp/elsewhere", "eng-spa/../../.."])
def test_resolve_refuses_outside_root(tmp_path, name):
    root = tmp_path / "ckpts"
    root.mkdir()
    with pytest.raises(CheckpointLocationError):
        resolve(name, root)


def test_resolve_refuses_symlink_out_of_root(tmp_path):
    root = tmp_path / "ckpts"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (root / "sneaky").symlink_to(tmp_path / "outside")
    with pytest.raises(CheckpointLocationError):
        resolve("sneaky", root)


def test_list_checkpoints(tmp_path, tokenizer_path):
    root = tmp_path / "ckpts"
    assert list_checkpoints(root) == []
    model = build_model(tiny_config(TOKENIZER_VOCAB, **VARIANTS["vanilla-gru"]))
    for name in ("eng-spa/vanilla", "eng-spa/bahdanau", "toy"):
        checkpoint.save(model, tokenizer_path, card_for(), root / name)
    (root / "eng-spa" / "notes").mkdir()  # a directory without a card is not a checkpoint
    assert list_checkpoints(root) == ["eng-spa/bahdanau", "eng-spa/vanilla", "toy"]
    # what `save` leaves while it replaces a checkpoint is not listed
    shutil.copytree(root / "toy", root / "eng-spa" / ".bahdanau.tmp123")
    shutil.copytree(root / "toy", root / "eng-spa" / "bahdanau.old")
    assert list_checkpoints(root) == ["eng-spa/bahdanau", "eng-spa/vanilla", "toy"]
    for name in list_checkpoints(root):
        assert checkpoint.load(resolve(name, root)).cfg == model.cfg
