"""The encoder-decoder: one shared embedding, an encoder, a decoder, a tied output layer.

The source and target share one SentencePiece vocabulary, so one embedding matrix E serves
the encoder input, the decoder input and the output layer (logits = E o_t + b; Press & Wolf
2017). The model is read-only at inference: search functions pass every bit of state
explicitly, so one instance can serve many browser sessions at once.
"""

from __future__ import annotations

import torch
from torch import nn

from .config import ModelConfig
from .decoder import Decoder, DecoderState, Memory, StepOut
from .encoder import Encoder


def reverse_padded(ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Index [B, S] that reverses each row's first length-1 positions (the final </s> stays).

    The permutation is its own inverse: gathering with it twice restores the order.
    """
    b, s = ids.shape
    pos = torch.arange(s, device=ids.device)[None, :].expand(b, s)  # [B, S]
    last = (lengths - 2)[:, None]  # index of the last word before </s>
    return torch.where(pos <= last, last - pos, pos)  # [B, S]


class Seq2Seq(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.emb_dim, padding_idx=cfg.pad_id)
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)
        self.out_bias = nn.Parameter(torch.zeros(cfg.vocab_size))
        self.drop = nn.Dropout(cfg.dropout)
        nn.init.normal_(self.embed.weight, std=cfg.emb_dim**-0.5)
        with torch.no_grad():
            self.embed.weight[cfg.pad_id].zero_()

    # ----- encoder side -------------------------------------------------------------------
    def encode(self, src: torch.Tensor, lengths: torch.Tensor) -> Memory:
        """src [B, S] token ids ending in </s>, lengths [B] -> Memory for the decoder."""
        return self.encode_embedded(self.embed(src), lengths, src != self.cfg.pad_id)

    def encode_embedded(self, emb: torch.Tensor, lengths: torch.Tensor, mask: torch.Tensor) -> Memory:
        """emb [B, S, E] source embeddings in source order, lengths [B], mask [B, S] -> Memory.

        The entry point for attributions, which perturb the embeddings rather than the ids.
        """
        if self.cfg.reverse_source:
            order = reverse_padded(mask, lengths)  # [B, S]
            emb = emb.gather(1, order[:, :, None].expand_as(emb))
        values, final = self.encoder(self.drop(emb), lengths)  # [B, S, M], [B, M]
        if self.cfg.reverse_source:  # put encoder states back in source order
            values = values.gather(1, order[:, :, None].expand_as(values))
        return self.decoder.memory(values, mask, final)

    def init_state(self, memory: Memory) -> DecoderState:
        return self.decoder.init_state(memory)

    # ----- decoder side -------------------------------------------------------------------
    def logits(self, output: torch.Tensor) -> torch.Tensor:
        """o [..., E] -> vocabulary logits [..., V] through the tied embedding."""
        packed = getattr(self, "packed_logits", None)  # int8 twin set by fast.freeze
        if packed is not None and not torch.is_grad_enabled():
            return packed(output)
        return nn.functional.linear(self.drop(output), self.embed.weight, self.out_bias)

    def step(
        self, prev: torch.Tensor, state: DecoderState, memory: Memory, attention: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, StepOut]:
        """prev [B] token ids y_{t-1} -> (log-probabilities [B, V], everything the step computed).

        `attention` [B, S] or [S]: weights that replace the step's own (an override, see Decoder.step).
        """
        out = self.decoder.step(self.embed(prev), state, memory, attention=attention)
        return torch.log_softmax(self.logits(out.output).float(), dim=-1), out

    def forward(
        self, src: torch.Tensor, src_len: torch.Tensor, tgt_in: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Teacher forcing. tgt_in [B, T] = <s> y_1 .. y_{T-1} -> o [B, T, E], weights [B, T, S] | None.

        Returns the pre-output vectors rather than logits so that training can project only
        the non-padding positions onto the vocabulary (most of the compute).
        """
        memory = self.encode(src, src_len)
        return self.decoder(self.embed(tgt_in), memory)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
