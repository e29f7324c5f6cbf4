"""The yardstick of `python -m s2s bench`: a plain PyTorch seq2seq, written as the PyTorch tutorial
writes it ("NLP From Scratch: Translation with a Sequence to Sequence Network and Attention").

An nn.GRU encoder and a GRU decoder with Bahdanau attention that steps one token at a time in a
Python loop, fp32, no autocast, unbucketed batches (shuffled pairs padded to the longest), the
stock NLLLoss over log-softmax outputs, Adam. Sizes follow configs/eng-spa/bahdanau.toml (embedding
256, bidirectional 2-layer encoder of 256 per direction, decoder 512, attention 256), so the bench
compares the same arithmetic written two ways: its ratios say what the engineering of s2s buys,
measured side by side in one run (on a machine shared with other work, absolute figures drift; the
ratios measured in the same run hold better).

    e_tj = v^T tanh(W_a s_{t-1} + U_a h_j),  a_t = softmax(e_t),  c_t = sum_j a_tj h_j
    s_t = GRU([E y_{t-1}; c_t], s_{t-1}),   p(y_t) = softmax(W_out s_t)
"""

from __future__ import annotations

import random
import time

import torch
from torch import nn
import torch.nn.functional as F


class EncoderRNN(nn.Module):
    def __init__(self, vocab: int, emb: int, hidden: int, layers: int = 2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hidden, num_layers=layers, batch_first=True, bidirectional=True)

    def forward(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outputs, hidden = self.gru(self.embedding(src))  # [B, S, 2H], [2L, B, H]
        return outputs, torch.cat([hidden[-2], hidden[-1]], dim=-1)  # final: [B, 2H]


class BahdanauAttention(nn.Module):
    def __init__(self, query: int, keys: int, dim: int):
        super().__init__()
        self.Wa, self.Ua, self.Va = nn.Linear(query, dim), nn.Linear(keys, dim), nn.Linear(dim, 1)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor):
        scores = self.Va(torch.tanh(self.Wa(query)[:, None] + self.Ua(keys))).squeeze(-1)  # [B, S]
        weights = F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)  # [B, S]
        return torch.bmm(weights[:, None], keys).squeeze(1), weights  # context [B, 2H]


class AttnDecoderRNN(nn.Module):
    def __init__(self, vocab: int, emb: int, hidden: int, memory: int, attn: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        self.bridge = nn.Linear(memory, hidden)
        self.attention = BahdanauAttention(hidden, memory, attn)
        self.gru = nn.GRU(emb + memory, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward_step(self, token: torch.Tensor, hidden: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor):
        """token [B], hidden [1, B, H] -> log-probs [B, V], new hidden."""
        context, _ = self.attention(hidden[0], keys, mask)
        x = torch.cat([self.embedding(token), context], dim=-1)[:, None]  # [B, 1, E + 2H]
        output, hidden = self.gru(x, hidden)
        return F.log_softmax(self.out(output[:, 0]), dim=-1), hidden

    def forward(self, keys, final, mask, tgt_in: torch.Tensor) -> torch.Tensor:
        """Teacher forcing, one step at a time in Python: tgt_in [B, T] -> log-probs [B, T, V]."""
        hidden = torch.tanh(self.bridge(final))[None]  # [1, B, H]
        outputs = []
        for t in range(tgt_in.size(1)):
            logp, hidden = self.forward_step(tgt_in[:, t], hidden, keys, mask)
            outputs.append(logp)
        return torch.stack(outputs, dim=1)


class TutorialSeq2Seq(nn.Module):
    def __init__(self, vocab: int = 8000, emb: int = 256, enc_hidden: int = 256, enc_layers: int = 2,
                 dec_hidden: int = 512, attn: int = 256):
        super().__init__()
        self.encoder = EncoderRNN(vocab, emb, enc_hidden, enc_layers)
        self.decoder = AttnDecoderRNN(vocab, emb, dec_hidden, 2 * enc_hidden, attn)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        keys, final = self.encoder(src)
        return self.decoder(keys, final, src != 0, tgt_in)

    @torch.inference_mode()
    def greedy(self, src: torch.Tensor, steps: int, bos: int = 2) -> list[int]:
        """Greedy decoding of one sentence src [1, S] for exactly `steps` steps (no early stop)."""
        keys, final = self.encoder(src)
        hidden, token, out = torch.tanh(self.decoder.bridge(final))[None], torch.tensor([bos]), []
        for _ in range(steps):
            logp, hidden = self.decoder.forward_step(token, hidden, keys, src != 0)
            token = logp.argmax(-1)
            out.append(int(token))
        return out


def unbucketed_batches(n: int, batch_size: int, seed: int = 0) -> list[list[int]]:
    """Shuffled indices cut into batches: no sorting by length (the tutorial's DataLoader)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def train_step(model: TutorialSeq2Seq, opt: torch.optim.Optimizer, batch, loss_fn) -> float:
    """One fp32 update on a collated batch (s2s.batches.Batch); returns the loss."""
    logp = model(batch.src, batch.tgt_in)  # [B, T, V]
    loss = loss_fn(logp.reshape(-1, logp.size(-1)), batch.tgt_out.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def throughput(model: TutorialSeq2Seq, batches, seconds: float, warmup: int = 2) -> dict:
    """Target tokens/s of `train_step` over `batches` (cycled), after `warmup` batches."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.NLLLoss(ignore_index=0)
    model.train()
    tokens, spent, done = 0, 0.0, 0
    while spent < seconds:
        batch = batches[done % len(batches)]
        start = time.perf_counter()
        train_step(model, opt, batch, loss_fn)
        if done >= warmup:
            spent += time.perf_counter() - start
            tokens += batch.tokens
        done += 1
    return {"tokens_per_s": tokens / spent, "batches": done - warmup, "seconds": spent}
