"""The training-lab benchmark's pieces (the figures themselves come from running it)."""

import pytest

from s2s.tools import lab_bench


def test_p95_of_a_known_sample():
    assert lab_bench.p95([float(i) for i in range(1, 101)]) == pytest.approx(95.95)


def test_time_to_95_reports_reached_or_not():
    quick = lab_bench.time_to_95("vanilla", seed=0, seconds=1.0)
    assert quick["seconds"] is None and quick["steps"] is None and 0.0 <= quick["longest"] <= 1.0


def test_learning_table_prints_one_line_per_kind(capsys):
    lines = lab_bench.learning_table(["vanilla"], seeds=1, seconds=1.0)
    assert lines[0].startswith("time to 95% exact match, reverse 3-10, budget 1 s")
    assert lines[-1].startswith("vanilla") and "not reached" in lines[-1] and "(reached 95% in 0/1)" in lines[-1]
    assert lines[-1] in capsys.readouterr().out
