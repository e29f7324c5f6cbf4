"""Model configuration: every size and switch a checkpoint needs to be rebuilt."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .attention import SCORERS
from .errors import ConfigError

CELLS = ("gru", "lstm")
ATTENTIONS = ("none", *SCORERS)


@dataclass(frozen=True)
class ModelConfig:
    """Sizes and switches of one encoder-decoder.

    `attention="none"` is the vanilla model (Cho 2014): one context vector, the encoder's
    final state, fed to the decoder's first state, to every step and to the output.
    """

    vocab_size: int = 8000
    emb_dim: int = 256
    cell: str = "gru"
    enc_hidden: int = 256  # per direction
    enc_layers: int = 2
    bidirectional: bool = True
    dec_hidden: int = 512
    dec_layers: int = 1
    attention: str = "bahdanau"
    attn_dim: int = 256  # hidden size of the additive / concat scorers
    input_feeding: bool = False  # Luong: feed the last attentional vector into the RNN
    learned_scale: bool = False  # dot score: learn its softmax temperature (from 1/sqrt(d))
    reverse_source: bool = False  # Sutskever: read the source backwards
    dropout: float = 0.2
    pad_id: int = 0
    unk_id: int = 1
    bos_id: int = 2
    eos_id: int = 3

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ConfigError(f"unknown cell {self.cell!r}; valid: {', '.join(CELLS)}")
        if self.attention not in ATTENTIONS:
            raise ConfigError(f"unknown attention {self.attention!r}; valid names: {', '.join(ATTENTIONS)}")
        if self.input_feeding and self.attention in ("none", "bahdanau"):
            raise ConfigError("input_feeding applies to Luong attention (dot, general, concat) only")
        if self.learned_scale and self.attention != "dot":
            raise ConfigError("learned_scale applies to dot attention only")
        for name in ("vocab_size", "emb_dim", "enc_hidden", "enc_layers", "dec_hidden", "dec_layers", "attn_dim"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}")
        if not isinstance(self.dropout, (int, float)) or isinstance(self.dropout, bool) or not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout must be a number in [0, 1), got {self.dropout!r}")
        if self.attention == "dot" and self.dec_hidden != self.memory_dim:
            raise ConfigError(
                f"dot attention needs dec_hidden == encoder output size {self.memory_dim}, got {self.dec_hidden}"
            )

    @property
    def memory_dim(self) -> int:
        """Size of one encoder output (and of the vanilla context vector)."""
        return self.enc_hidden * (2 if self.bidirectional else 1)

    @property
    def family(self) -> str:
        """'vanilla', 'bahdanau' or 'luong' — which decoder recurrence the model uses."""
        if self.attention == "none":
            return "vanilla"
        return "bahdanau" if self.attention == "bahdanau" else "luong"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ModelConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown model settings: {', '.join(sorted(unknown))}")
        return cls(**data)
