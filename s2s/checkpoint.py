"""Checkpoints: a directory with `model.safetensors`, `card.json` and the tokenizer model.

The card describes everything needed to rebuild the model (config, tokenizer, data split,
training, metrics) and records the SHA-256 of the weights and of the tokenizer. Loading
reads JSON and safetensors only: nothing is ever unpickled. Every way a checkpoint can be
broken raises a named subclass of `CheckpointError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from . import paths
from .config import ModelConfig
from .errors import (
    CheckpointCorrupt,
    CheckpointLocationError,
    CheckpointMismatch,
    CheckpointMissing,
    ConfigError,
    TokenizerMismatch,
)
from .fast import freeze
from .model import Seq2Seq
from .tokenizer import Tokenizer

FORMAT = "attention-lab/1"
WEIGHTS = "model.safetensors"
CARD = "card.json"
TOKENIZER = "spm.model"
CHECKPOINTS_DIR = paths.CHECKPOINTS_DIR  # checkpoints/ in a clone, ./checkpoints installed


@dataclass(frozen=True)
class Checkpoint:
    """A loaded model, read-only: safe to share between threads and browser sessions."""

    name: str
    path: Path
    model: Seq2Seq
    tokenizer: Tokenizer
    card: dict

    @property
    def cfg(self) -> ModelConfig:
        return self.model.cfg

    @property
    def pair(self) -> tuple[str, str]:
        return self.card["pair"]["src"], self.card["pair"]["tgt"]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve(name: str, root: Path = CHECKPOINTS_DIR) -> Path:
    """Path of checkpoint `name` (e.g. "eng-spa/bahdanau"), refusing anything outside `root`."""
    root = root.resolve()
    path = (root / name).resolve()
    if path == root or root not in path.parents:
        raise CheckpointLocationError(f"checkpoint {name!r} is outside {root}")
    return path


def list_checkpoints(root: Path = CHECKPOINTS_DIR) -> list[str]:
    """Names (relative to root) of every directory under root that holds a card.

    Directories being written by `save` (hidden temporaries, `.old` leftovers) are skipped.
    """
    names = (p.parent.relative_to(root) for p in root.glob(f"**/{CARD}"))
    return sorted(str(n) for n in names if not any(part.startswith(".") or part.endswith(".old") for part in n.parts))


def save(model: Seq2Seq, tokenizer_path: Path, card: dict, out_dir: Path) -> Path:
    """Write weights (fp16), tokenizer and card into `out_dir`, replacing it atomically."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        tensors = {k: v.detach().to("cpu", torch.float16).contiguous() for k, v in model.state_dict().items()}
        save_file(tensors, str(tmp / WEIGHTS))
        shutil.copyfile(tokenizer_path, tmp / TOKENIZER)
        card = dict(card)
        card.update(
            format=FORMAT,
            model=model.cfg.to_dict(),
            weights={
                "file": WEIGHTS,
                "sha256": sha256_file(tmp / WEIGHTS),
                "dtype": "float16",
                "parameters": model.num_parameters(),
            },
            tokenizer={"file": TOKENIZER, "sha256": sha256_file(tmp / TOKENIZER)},
        )
        (tmp / CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        old = out_dir.with_name(out_dir.name + ".old")
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def read_card(path: Path) -> dict:
    card_path = Path(path) / CARD
    if not card_path.is_file():
        raise CheckpointMissing(f"no {CARD} in {path}")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointCorrupt(f"{card_path} is not valid JSON: {exc}") from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise CheckpointCorrupt(f"{card_path} is not an {FORMAT} card")
    for key in ("model", "weights", "tokenizer", "pair"):
        if not isinstance(card.get(key), dict):
            raise CheckpointCorrupt(f"{card_path} lacks the '{key}' section")
    return card


def write_card(path: Path, card: dict) -> None:
    """Rewrite the card of an existing checkpoint (e.g. to add metrics), atomically."""
    card_path = Path(path) / CARD
    tmp = card_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, card_path)


def _checked_file(path: Path, section: dict, what: str, error: type) -> Path:
    file = path / str(section.get("file", ""))
    if not file.is_file() or file.parent != path:
        raise CheckpointMissing(f"{what} file {section.get('file')!r} is missing from {path}")
    if sha256_file(file) != section.get("sha256"):
        raise error(f"{what} file {file} does not match the SHA-256 recorded in the card")
    return file


def _build(path: Path, cfg: ModelConfig, tensors: dict[str, torch.Tensor], fast: bool) -> Seq2Seq:
    """The card's model with the file's weights, in eval mode (int8 when `fast`).

    Built on the CPU and its random init thrown away (40 ms): built on the meta device, the
    init would import torch._dynamo (1.5 s on the first load).
    """
    try:
        model = Seq2Seq(cfg)
    except (ConfigError, ValueError, RuntimeError) as exc:
        raise CheckpointMismatch(f"{path}: the card's model cannot be built: {exc}") from None
    expected = model.state_dict()
    problems = sorted(set(expected) ^ set(tensors))
    problems += [k for k in expected if k in tensors and tensors[k].shape != expected[k].shape]
    if problems:
        raise CheckpointMismatch(f"{path}: weights do not fit the card's model ({', '.join(problems[:5])})")
    model.load_state_dict({k: v.float() for k, v in tensors.items()})
    model.eval().requires_grad_(False)
    if fast:
        freeze(model)
    return model


def load(path: Path | str, name: str | None = None, fast: bool = True, device: torch.device | None = None) -> Checkpoint:
    """Rebuild a model from its checkpoint directory alone, in eval mode.

    `fast`: decode with int8 weights (`fast.freeze`, what the app and the CLI use); False
    keeps the fp32 modules (what training computed with). `device` other than the CPU (CUDA)
    moves the fp32 model there: int8 decoding is a CPU path, so `fast` does not apply.
    """
    path = Path(path).resolve()
    if not path.is_dir():
        raise CheckpointMissing(f"checkpoint directory {path} does not exist")
    card = read_card(path)
    weights_file = _checked_file(path, card["weights"], "weights", CheckpointCorrupt)
    tok_file = _checked_file(path, card["tokenizer"], "tokenizer", TokenizerMismatch)
    try:
        cfg = ModelConfig.from_dict(card["model"])
    except (ConfigError, TypeError) as exc:
        raise CheckpointMismatch(f"{path}: the card's model config is not valid: {exc}") from None
    tokenizer = Tokenizer.load(tok_file)
    if tokenizer.vocab_size != cfg.vocab_size:
        raise TokenizerMismatch(f"{path}: tokenizer has {tokenizer.vocab_size} pieces, model expects {cfg.vocab_size}")
    specials = (tokenizer.pad_id, tokenizer.unk_id, tokenizer.bos_id, tokenizer.eos_id)
    if specials != (cfg.pad_id, cfg.unk_id, cfg.bos_id, cfg.eos_id):
        raise TokenizerMismatch(f"{path}: tokenizer special ids {specials} differ from the model's")
    try:
        tensors = load_file(str(weights_file))
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointCorrupt(f"{weights_file} cannot be read: {exc}") from None
    with torch.random.fork_rng(devices=[]):  # init and freeze draw from a stream of their own
        on_cpu = device is None or torch.device(device).type == "cpu"
        model = _build(path, cfg, tensors, fast and on_cpu)
    if not on_cpu:
        model.to(device)
    return Checkpoint(name or path.name, path, model, tokenizer, card)
