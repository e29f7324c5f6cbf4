"""Tiny checkpoints for the app tests: untrained eng-spa models of every kind, with the real
tokenizer (so the pieces are real), plus one checkpoint with corrupt weights.

Import the fixtures into a test module (`from app_fixtures import tiny_root`); the root is
built once per test session. Also `needs_browser`, the mark of every test that drives Debian's
chromium, and `SHOTS`, where the browser tests save their screenshots. `build_tiny_root(path)` also serves the app benchmark.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from s2s import checkpoint
from s2s.model import Seq2Seq
from s2s.tools import bench_app
from tiny import TOKENIZER, tiny_config

needs_browser = pytest.mark.skipif(not bench_app.CHROMIUM.exists(),
                                   reason="/usr/bin/chromium is absent (install it: apt-get install -y chromium)")
# Screenshots go to tests/artifacts/screenshots/ (ignored by git); set S2S_SCREENSHOTS=docs/screenshots
# to refresh the ones the README shows.
SHOTS = Path(os.environ.get("S2S_SCREENSHOTS") or Path(__file__).resolve().parent / "artifacts" / "screenshots")

KINDS = ("vanilla", "bahdanau", "dot", "general", "concat")
BROKEN = "broken"


def build_tiny_root(root: Path) -> Path:
    """checkpoints root with eng-spa/{vanilla,bahdanau,dot,general,concat} and eng-spa/broken."""
    root = Path(root)
    for seed, kind in enumerate(KINDS + (BROKEN,)):
        torch.manual_seed(seed)
        extra = {"learned_scale": True} if kind == "dot" else {}  # like the shipped luong-dot
        model = Seq2Seq(tiny_config({"vanilla": "none", BROKEN: "bahdanau"}.get(kind, kind), **extra))
        card = {"name": kind, "pair": {"src": "eng", "tgt": "spa"}, "metrics": {}}
        checkpoint.save(model, TOKENIZER, card, root / "eng-spa" / kind)
    weights = root / "eng-spa" / BROKEN / checkpoint.WEIGHTS
    data = bytearray(weights.read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = b"\xff" * 64  # corrupt: the SHA-256 no longer matches
    weights.write_bytes(bytes(data))
    return root


def shipped_root(min_models: int = 1) -> Path | None:
    """The real checkpoints root when at least `min_models` shipped eng-spa checkpoints exist there."""
    root = checkpoint.CHECKPOINTS_DIR
    return root if len(list(root.glob("eng-spa/*/card.json"))) >= min_models else None


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory) -> Path:
    return build_tiny_root(tmp_path_factory.mktemp("checkpoints"))


@pytest.fixture()
def tiny_env(tiny_root, monkeypatch) -> Path:
    """S2S_CHECKPOINTS points at the tiny root for this test (AppTest runs in this process)."""
    monkeypatch.setenv("S2S_CHECKPOINTS", str(tiny_root))
    return tiny_root


__all__ = ["tiny_root", "tiny_env", "build_tiny_root", "shipped_root", "KINDS", "BROKEN"]
