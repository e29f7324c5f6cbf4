"""Shared fixtures: one thread, a tiny SentencePiece tokenizer, tiny seeded models, a checkpoint.

Everything here is small enough that a test file runs in seconds on one CPU thread.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
import torch

from ci_policy import pytest_runtest_makereport, pytest_terminal_summary  # noqa: F401  (hooks: CI=true)
from s2s import checkpoint
from s2s.config import ModelConfig
from s2s.model import Seq2Seq
from s2s.tokenizer import Tokenizer, train_tokenizer

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _keep_main_module():
    """AppTest runs page scripts in this process and leaves sys.modules["__main__"] pointing at the
    last one (for AppTest.from_function a temporary file that needs its call arguments); a worker
    process started with "spawn" (the training lab's pool) runs the main module first, so every
    test gets pytest's own back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main

EN_WORDS = ("the a cat dog house is big small red green I you we see have want eat drink "
            "water bread book reads runs quickly today tomorrow").split()
ES_WORDS = ("el la gato perro casa es grande pequeña roja verde yo tú nosotros veo tengo "
            "quiero como bebo agua pan libro lee corre rápido hoy mañana niño canción").split()
TOKENIZER_VOCAB = 120

# Every decoder variant the engine supports, as ModelConfig overrides (see `tiny_config`).
VARIANTS = {
    "vanilla-gru": dict(attention="none"),
    "vanilla-lstm": dict(attention="none", cell="lstm"),
    "bahdanau-gru": dict(attention="bahdanau"),
    "bahdanau-lstm-2layer": dict(attention="bahdanau", cell="lstm", enc_layers=2, dec_layers=2),
    "dot": dict(attention="dot"),
    "dot-feed-lstm": dict(attention="dot", input_feeding=True, cell="lstm"),
    "dot-learned-scale": dict(attention="dot", input_feeding=True, learned_scale=True),
    "general": dict(attention="general"),
    "general-feed": dict(attention="general", input_feeding=True),
    "concat": dict(attention="concat", enc_layers=2),
    "concat-feed-unidir": dict(attention="concat", input_feeding=True, bidirectional=False),
    "bahdanau-reversed": dict(attention="bahdanau", reverse_source=True),
    "vanilla-reversed-lstm": dict(attention="none", reverse_source=True, cell="lstm"),
}


@pytest.fixture(autouse=True)
def _app_routed_by_app_py(monkeypatch):
    """AppTest resets Streamlit's "this app has a pages/ folder" flag before every run, so from the
    second run on it would run a page's script without app.py (no sidebar, no link written back).
    The served app routes every run through app.py's st.navigation (s2s.ui.serve sets the flag, as
    st.navigation does): so do the tests."""
    from streamlit.runtime.pages_manager import PagesManager

    init = PagesManager.__init__

    def routed(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", routed)


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    """Tests share a small machine with long-running jobs: one intra-op thread."""
    torch.set_num_threads(1)
    yield


def tiny_corpus(n: int = 400, seed: int = 0) -> list[str]:
    """n English-like and n Spanish-like sentences over small fixed word lists."""
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        for words in (EN_WORDS, ES_WORDS):
            s = " ".join(rng.choice(words) for _ in range(rng.randint(3, 9)))
            texts.append(s[0].upper() + s[1:] + rng.choice(".?!"))
    return texts


@pytest.fixture(scope="session")
def tokenizer_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tokenizer") / "spm.model"
    return train_tokenizer(tiny_corpus(), path, vocab_size=TOKENIZER_VOCAB, num_threads=1)


@pytest.fixture(scope="session")
def tokenizer(tokenizer_path) -> Tokenizer:
    return Tokenizer.load(tokenizer_path)


def tiny_config(vocab_size: int = 40, **overrides) -> ModelConfig:
    """A few-thousand-parameter model; dec_hidden == memory_dim so the dot scorer fits."""
    settings = dict(vocab_size=vocab_size, emb_dim=16, enc_hidden=16, enc_layers=1, bidirectional=True,
                    dec_hidden=32, dec_layers=1, attention="bahdanau", attn_dim=16, dropout=0.0)
    settings.update(overrides)
    if settings["attention"] == "dot" and "dec_hidden" not in overrides:
        settings["dec_hidden"] = settings["enc_hidden"] * (2 if settings["bidirectional"] else 1)
    return ModelConfig(**settings)


def build_model(cfg: ModelConfig, seed: int = 0, scale: float = 1.0) -> Seq2Seq:
    """A seeded, untrained model in eval mode. `scale` > 1 sharpens its (random) distributions,
    so that attention and output probabilities are far from uniform."""
    torch.manual_seed(seed)
    model = Seq2Seq(cfg)
    if scale != 1.0:
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(scale)
    return model.eval().requires_grad_(False)


@pytest.fixture
def make_model():
    """Factory: make_model(variant_or_overrides, vocab_size=40, seed=0, scale=1.0) -> Seq2Seq."""

    def make(variant: str | dict = "bahdanau-gru", vocab_size: int = 40, seed: int = 0, scale: float = 1.0,
             **overrides) -> Seq2Seq:
        settings = dict(VARIANTS[variant]) if isinstance(variant, str) else dict(variant)
        settings.update(overrides)
        return build_model(tiny_config(vocab_size, **settings), seed=seed, scale=scale)

    return make


def card_for(pair=("eng", "spa")) -> dict:
    return {"pair": {"src": pair[0], "tgt": pair[1]}, "training": {"steps": 0}, "metrics": {}}


@pytest.fixture
def make_checkpoint(tmp_path, tokenizer_path):
    """Factory: save an untrained tiny model with the tiny tokenizer and load it back.

    Returns (Checkpoint, in-memory model). The loaded model went through fp16 storage.
    """

    def make(variant: str | dict = "bahdanau-gru", seed: int = 0, name: str = "tiny", **overrides):
        settings = dict(VARIANTS[variant]) if isinstance(variant, str) else dict(variant)
        settings.update(overrides)
        model = build_model(tiny_config(TOKENIZER_VOCAB, **settings), seed=seed, scale=2.0)
        out = checkpoint.save(model, tokenizer_path, card_for(), tmp_path / "ckpts" / name)
        return checkpoint.load(out), model

    return make


@pytest.fixture
def tiny_checkpoint(make_checkpoint):
    return make_checkpoint("bahdanau-gru")[0]
