"""Tiny untrained checkpoints over the real tokenizer, for tests that need a checkpoint directory."""

from pathlib import Path

import torch

from s2s.checkpoint import save
from s2s.config import ModelConfig
from s2s.model import Seq2Seq

TOKENIZER = Path(__file__).resolve().parent.parent / "data" / "eng-spa" / "spm8000.model"


def tiny_config(attention: str = "bahdanau", **kw) -> ModelConfig:
    sizes = dict(vocab_size=8000, emb_dim=16, enc_hidden=16, enc_layers=1, dec_hidden=32, attn_dim=16, dropout=0.0)
    return ModelConfig(attention=attention, **{**sizes, **kw})


def make_checkpoint(out_dir: Path, attention: str = "bahdanau", seed: int = 0, **kw) -> Path:
    torch.manual_seed(seed)
    model = Seq2Seq(tiny_config(attention, **kw)).eval()
    card = {"name": out_dir.name, "pair": {"src": "eng", "tgt": "spa"}, "metrics": {}}
    return save(model, TOKENIZER, card, out_dir)
