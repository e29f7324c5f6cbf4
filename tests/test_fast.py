"""Tests of s2s.fast: int8 decoding twins agree with fp32, leave the weights alone, step aside for autograd."""

from __future__ import annotations

import copy
import threading

import pytest
import torch
from torch import nn

from s2s import fast
from s2s.search import beam_search, greedy_search

from conftest import VARIANTS, build_model, tiny_config

pytestmark = pytest.mark.skipif(not fast.available(), reason="no fbgemm int8 kernels on this CPU")

SRC = [5, 9, 14, 7, 22, 3]  # ends in </s> (eos_id 3)


def _pair(variant: str, seed: int = 0):
    """(fp32 model, frozen copy) of one tiny variant, sharpened so that outputs are not near ties."""
    model = build_model(tiny_config(**VARIANTS[variant]), seed=seed, scale=2.0).requires_grad_(False)
    return model, fast.freeze(copy.deepcopy(model))


def _step_log_probs(model, steps: int = 4) -> torch.Tensor:
    """Teacher-forced log-probabilities [steps, V] of a fixed target prefix."""
    with torch.inference_mode():
        memory = model.encode(torch.tensor([SRC]), torch.tensor([len(SRC)]))
        state, rows = model.init_state(memory), []
        for tok in [model.cfg.bos_id, 11, 12, 13][:steps]:
            logp, out = model.step(torch.tensor([tok]), state, memory)
            rows.append(logp[0])
            state = out.state
    return torch.stack(rows)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_frozen_log_probs_follow_fp32(variant):
    model, frozen = _pair(variant)
    ref, got = _step_log_probs(model), _step_log_probs(frozen)
    probs_ref, probs_got = ref.exp(), got.exp()
    assert (probs_got - probs_ref).abs().max() < 0.02  # int8 weights: close, not equal
    assert not torch.equal(ref, got)  # the int8 path did run
    assert torch.allclose(probs_got.sum(-1), torch.ones(len(got)), atol=1e-5)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_frozen_search_invariants_hold(variant):
    _, frozen = _pair(variant, seed=3)
    greedy = greedy_search(frozen, _Tok(), SRC, max_len=12)
    beam1 = beam_search(frozen, _Tok(), SRC, beam=1, max_len=12)
    assert greedy.hypotheses[0].ids == beam1.hypotheses[0].ids
    assert greedy.hypotheses[0].score == pytest.approx(beam1.hypotheses[0].score, abs=1e-5)
    for hyp in beam_search(frozen, _Tok(), SRC, beam=4, max_len=12).hypotheses:
        if hyp.attention is not None:
            assert hyp.attention.shape == (len(hyp.ids), len(SRC))
            assert abs(hyp.attention.sum(1) - 1).max() < 1e-5


def test_freeze_keeps_state_dict_parameters_and_is_idempotent():
    model, frozen = _pair("bahdanau-lstm-2layer")
    before = {k: v.clone() for k, v in frozen.state_dict().items()}
    assert before.keys() == model.state_dict().keys()
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert len(list(frozen.parameters())) == len(list(model.parameters()))
    twin = frozen.decoder.rnn
    assert fast.freeze(frozen) is frozen and frozen.decoder.rnn is twin  # a second freeze changes nothing
    assert isinstance(frozen.decoder.out, fast.PackedLinear) and isinstance(twin, fast.QuantizedRNN)
    assert isinstance(frozen.decoder.scorer.v, nn.Linear)  # one output: left as it is


def test_autograd_runs_the_fp32_fallback():
    model, frozen = _pair("bahdanau-gru")
    x = torch.randn(2, 3, frozen.decoder.out.fallback.in_features)
    with torch.enable_grad():
        assert torch.equal(frozen.decoder.out(x), model.decoder.out(x))
        emb = torch.randn(2, 4, model.cfg.emb_dim)
        assert torch.equal(frozen.encoder.rnn(emb)[0], model.encoder.rnn(emb)[0])
    with torch.inference_mode():
        assert not torch.equal(frozen.decoder.out(x), model.decoder.out(x))


@pytest.mark.parametrize("layers, bidirectional", [(1, False), (2, True)])
def test_quantized_gru_direct_call_equals_the_quantized_module(layers, bidirectional):
    torch.manual_seed(0)
    twin = fast.QuantizedRNN(nn.GRU(12, 16, layers, batch_first=True, bidirectional=bidirectional))
    x, h = torch.randn(3, 5, 12), torch.randn(layers * (1 + bidirectional), 3, 16)
    with torch.inference_mode():
        direct, module = twin(x, h), twin.quantized(x, h)  # with a state: the kernel directly
        assert all(torch.equal(a, b) for a, b in zip(direct, module))
        assert all(torch.equal(a, b) for a, b in zip(twin(x), twin.quantized(x)))  # no state: the module


def test_packed_linear_matches_fp32_within_int8_error():
    torch.manual_seed(0)
    layer = nn.Linear(64, 48)
    twin = fast.PackedLinear(layer.weight, layer.bias)
    x = torch.randn(5, 7, 64)
    with torch.inference_mode():
        ref, got = layer(x), twin(x)
    assert got.shape == ref.shape == (5, 7, 48)
    assert (got - ref).abs().max() < 0.05 * ref.abs().max()


def test_threads_sharing_one_frozen_model_get_identical_results():
    _, frozen = _pair("dot-feed-lstm", seed=2)
    expected = greedy_search(frozen, _Tok(), SRC, max_len=12).hypotheses[0]
    results = []

    def work():
        for _ in range(5):
            results.append(greedy_search(frozen, _Tok(), SRC, max_len=12).hypotheses[0])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20
    assert all(h.ids == expected.ids and h.score == expected.score for h in results)


class _Tok:
    """Just enough of a tokenizer for search results."""

    def id_to_piece(self, i: int) -> str:
        return f"p{i}"

    def decode(self, ids: list[int]) -> str:
        return " ".join(map(str, ids))
