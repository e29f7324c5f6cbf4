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


def test_bench_prints_the_ratios_to_the_reference_loop(monkeypatch, tmp_path, capsys):
    from argparse import Namespace

    from s2s.tools import bench
    from tiny import tiny_config

    sizes = {"bahdanau": tiny_config(), "vanilla-gru": tiny_config("none"), "luong-general": tiny_config("general")}
    monkeypatch.setattr(bench, "models", lambda: sizes)
    monkeypatch.setattr(bench, "CHECKPOINTS_DIR", tmp_path)  # untrained tiny models, not the shipped ones
    assert bench.main(Namespace(seconds=0.2, runs=2, device="cpu")) == 0
    out = capsys.readouterr().out
    assert "reference" in out and "target tokens/s" in out
    for name in sizes:
        assert f"ratio {name}" in out
    ratios = [line for line in out.splitlines() if line.strip().startswith("ratio ")]
    assert len(ratios) == 3 + 4  # training: three models; greedy latency: three int8 and one fp32
    assert all(float(line.split("x")[0].split()[-1]) > 0 for line in ratios)
