"""Tests of s2s.config: validation, serialisation, derived sizes."""

from __future__ import annotations

import dataclasses
import json

import pytest

from s2s.config import ATTENTIONS, CELLS, ModelConfig
from s2s.errors import ConfigError


def test_defaults_are_valid_and_describe_an_attention_model():
    cfg = ModelConfig()
    assert cfg.attention == "bahdanau" and cfg.family == "bahdanau"
    assert (cfg.pad_id, cfg.unk_id, cfg.bos_id, cfg.eos_id) == (0, 1, 2, 3)
    assert set(ATTENTIONS) == {"none", "bahdanau", "dot", "general", "concat"}
    assert CELLS == ("gru", "lstm")


@pytest.mark.parametrize(
    "settings, fragment",
    [
        (dict(cell="rnn"), "cell"),
        (dict(attention="multihead"), "attention"),
        (dict(attention="none", input_feeding=True), "input_feeding"),
        (dict(attention="bahdanau", input_feeding=True), "input_feeding"),
        (dict(attention="general", learned_scale=True), "learned_scale"),
        (dict(attention="none", learned_scale=True), "learned_scale"),
        (dict(dropout=1.0), "dropout"),
        (dict(dropout=-0.1), "dropout"),
        (dict(vocab_size=0), "vocab_size"),
        (dict(enc_layers=0), "enc_layers"),
        (dict(dec_hidden=-4), "dec_hidden"),
        (dict(attn_dim=0), "attn_dim"),
        # wrong types (e.g. from a hand-edited card) are config errors too, not crashes later
        (dict(emb_dim="wide"), "emb_dim"),
        (dict(vocab_size=3.5), "vocab_size"),
        (dict(enc_layers=True), "enc_layers"),
        (dict(dropout="0.1"), "dropout"),
        (dict(dropout=None), "dropout"),
    ],
)
def test_invalid_settings_raise_config_error(settings, fragment):
    with pytest.raises(ConfigError, match=fragment):
        ModelConfig(**settings)


def test_unknown_attention_message_lists_valid_names():
    with pytest.raises(ConfigError) as err:
        ModelConfig(attention="Bahdanau")
    for name in ATTENTIONS:
        assert name in str(err.value)


@pytest.mark.parametrize("attention", ["dot", "general", "concat"])
def test_input_feeding_allowed_for_luong(attention):
    cfg = ModelConfig(attention=attention, input_feeding=True)
    assert cfg.input_feeding and cfg.family == "luong"


def test_config_is_frozen():
    cfg = ModelConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.dropout = 0.5  # type: ignore[misc]


def test_round_trip_through_json():
    cfg = ModelConfig(vocab_size=77, cell="lstm", attention="general", input_feeding=True,
                      reverse_source=True, enc_layers=3, bidirectional=False, dropout=0.1)
    data = json.loads(json.dumps(cfg.to_dict()))
    assert ModelConfig.from_dict(data) == cfg
    assert data["cell"] == "lstm" and data["vocab_size"] == 77
    assert set(data) == {f.name for f in dataclasses.fields(ModelConfig)}


def test_from_dict_partial_uses_defaults():
    assert ModelConfig.from_dict({"vocab_size": 50}) == ModelConfig(vocab_size=50)


def test_from_dict_rejects_unknown_keys():
    data = ModelConfig().to_dict() | {"hidden": 3, "zz_extra": 1}
    with pytest.raises(ConfigError) as err:
        ModelConfig.from_dict(data)
    assert "hidden" in str(err.value) and "zz_extra" in str(err.value)


def test_from_dict_still_validates():
    with pytest.raises(ConfigError):
        ModelConfig.from_dict(ModelConfig().to_dict() | {"cell": "transformer"})


@pytest.mark.parametrize(
    "attention, family",
    [("none", "vanilla"), ("bahdanau", "bahdanau"), ("dot", "luong"), ("general", "luong"), ("concat", "luong")],
)
def test_family(attention, family):
    assert ModelConfig(attention=attention).family == family


def test_memory_dim():
    assert ModelConfig(enc_hidden=48, bidirectional=True).memory_dim == 96
    assert ModelConfig(enc_hidden=48, bidirectional=False).memory_dim == 48


def test_dot_with_mismatched_sizes_is_a_config_error():
    """Dot attention needs dec_hidden == memory_dim; the config says so before any model is built."""
    with pytest.raises(ConfigError, match="dot"):
        ModelConfig(attention="dot", enc_hidden=16, bidirectional=True, dec_hidden=16)
    assert ModelConfig(attention="dot", enc_hidden=16, bidirectional=True, dec_hidden=32).family == "luong"
