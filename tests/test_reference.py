"""The bench's reference loop (the PyTorch tutorial's seq2seq): it trains, and it decodes."""

import torch
from torch import nn

from s2s.batches import collate
from s2s.tools import reference


def tiny_batches(n: int = 4):
    g = torch.Generator().manual_seed(0)
    pairs = [(torch.randint(4, 40, (int(torch.randint(3, 8, (1,), generator=g)),), generator=g).tolist(),) * 2
             for _ in range(16 * n)]  # copy task: target = source
    return [collate(pairs[i:i + 16], 0, 2, 3) for i in range(0, len(pairs), 16)]


def test_reference_loop_trains_loss_falls():
    torch.manual_seed(0)
    model = reference.TutorialSeq2Seq(vocab=40, emb=16, enc_hidden=16, enc_layers=1, dec_hidden=32, attn=16)
    opt, loss_fn = torch.optim.Adam(model.parameters(), lr=1e-2), nn.NLLLoss(ignore_index=0)
    batches = tiny_batches()
    first = sum(reference.train_step(model, opt, b, loss_fn) for b in batches) / len(batches)
    for _ in range(15):
        for b in batches:
            last = reference.train_step(model, opt, b, loss_fn)
    assert last < 0.5 * first


def test_reference_pads_are_ignored_and_greedy_runs_the_steps_asked():
    torch.manual_seed(0)
    model = reference.TutorialSeq2Seq(vocab=40, emb=8, enc_hidden=8, enc_layers=1, dec_hidden=16, attn=8).eval()
    src = torch.tensor([[5, 6, 7, 3, 0, 0]])
    keys, final = model.encoder(src)
    _, weights = model.decoder.attention(torch.zeros(1, 16), keys, src != 0)
    assert torch.all(weights[0, 4:] == 0) and torch.isclose(weights.sum(), torch.tensor(1.0))
    assert len(model.greedy(src, 7)) == 7


def test_unbucketed_batches_cover_every_pair_in_shuffled_order():
    batches = reference.unbucketed_batches(130, 64)
    assert [len(b) for b in batches] == [64, 64, 2]
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(130)) and flat != list(range(130))


def test_throughput_counts_tokens():
    model = reference.TutorialSeq2Seq(vocab=40, emb=8, enc_hidden=8, enc_layers=1, dec_hidden=16, attn=8)
    r = reference.throughput(model, tiny_batches(2), seconds=0.2)
    assert r["batches"] >= 1 and r["seconds"] >= 0.2 and r["tokens_per_s"] > 0
