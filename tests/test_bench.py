"""The benchmark's measuring functions return real, positive figures (nothing is timed here)."""

from s2s.tools.bench import SENTENCE, TOKENIZER, latency, training_throughput
from s2s.checkpoint import load
from s2s.tokenizer import Tokenizer
from tiny import make_checkpoint, tiny_config


def test_sentence_has_eight_words():
    assert len(SENTENCE.split()) == 8


def test_training_throughput_counts_tokens():
    r = training_throughput(tiny_config(), Tokenizer.load(TOKENIZER), seconds=0.3, threads=1)
    assert r["batches"] >= 1 and r["seconds"] >= 0.3 and r["tokens_per_s"] > 0


def test_latency_reports_median_and_p90(tmp_path):
    r = latency(load(make_checkpoint(tmp_path / "b")), beam=2, runs=3)
    assert 0 < r["median_ms"] <= r["p90_ms"] and r["output_tokens"] >= 1
