"""The training-lab benchmark's pieces on tiny budgets (the figures themselves come from running it)."""

import re

import pytest

from s2s.tools import lab_bench

TINY = {"hidden": 16, "emb_dim": 8, "test_per_length": 2, "every": 10}  # 20 steps: snapshots at 0, 10, 20


def test_p95_of_a_known_sample():
    assert lab_bench.p95([float(i) for i in range(1, 101)]) == pytest.approx(95.95)


def test_a_run_not_reaching_95_percent_trains_for_its_whole_budget():
    r = lab_bench.bench_run("vanilla", seed=0, seconds=600.0, steps=20, **TINY)
    assert (r["time_to_95"], r["steps_to_95"], r["longest_at_95"]) == (None, None, None)
    end = r["end"]
    assert (end["step"], end["ended"], end["evaluations"]) == (20, "steps", 3)
    assert all(0.0 <= end[k] <= 1.0 for k in ("train_mean", "longest_train", "longest_test"))
    assert end["evaluation_s"] > 0


def test_a_run_stops_at_95_percent_unless_it_trains_for_the_same_budget(monkeypatch):
    monkeypatch.setattr(lab_bench, "TARGET", 0.0)  # the step-0 snapshot already "reaches" it
    early = lab_bench.bench_run("bahdanau", seed=1, seconds=600.0, steps=20, **TINY)
    assert early["steps_to_95"] == 0 and early["time_to_95"] is not None
    assert (early["end"]["step"], early["end"]["ended"], early["end"]["evaluation_s"]) == (0, "reached 95%", None)
    assert early["longest_at_95"] == early["end"]["longest_train"]
    whole = lab_bench.bench_run("bahdanau", seed=1, seconds=600.0, steps=20, full=True, **TINY)
    assert whole["steps_to_95"] == 0  # read from its snapshots, the run went on
    assert (whole["end"]["step"], whole["end"]["ended"], whole["end"]["evaluations"]) == (20, "steps", 3)
    assert whole["end"]["seconds"] >= whole["time_to_95"]


def _per_seed(row: str) -> list[list[float]]:
    """The per-seed values in parentheses of a same-budget row: [at the longest training length, at the longest test length]."""
    return [[float(x) for x in group.split()] for group in re.findall(r"\(([\d. ]+)\)", row)]


def test_learning_table_prints_both_tables(capsys):
    lines = lab_bench.learning_table(["vanilla", "dot"], seeds=2, seconds=600.0, same_budget=["vanilla", "bahdanau"],
                                     steps=20, **TINY)
    out = capsys.readouterr().out
    assert all(line in out for line in lines)
    assert lines[0].startswith("time to 95% exact match, reverse 3-10, budget 600 s or 20 steps, 1 thread, median of 2")
    rows = lines[2:5]
    assert [r.split()[0] for r in rows] == ["vanilla", "bahdanau", "dot"]  # the union, in the lab's order
    assert all("not reached" in r and r.endswith("(reached 95% in 0/2)") for r in rows)
    assert lines[5].startswith("same budget: vanilla, bahdanau each trained for the whole budget 600 s or 20 steps")
    vanilla, bahdanau, diff = lines[7:10]
    assert len(lines) == 10
    for row, kind in ((vanilla, "vanilla"), (bahdanau, "bahdanau")):
        assert row.split()[:2] == [kind, "20"]  # median steps: the whole budget
        longest, test = _per_seed(row)
        assert len(longest) == len(test) == 2 and all(0.0 <= x <= 1.0 for x in longest + test)
    assert diff.startswith("vanilla minus bahdanau at length 10, per seed: ")
    want = [a - b for a, b in zip(_per_seed(vanilla)[0], _per_seed(bahdanau)[0])]
    assert [float(x) for x in diff.split(": ")[1].split()] == pytest.approx(want, abs=0.011)


@pytest.mark.parametrize("argv, message", [
    (["--seeds", "0"], "--seeds must be at least 1"),
    (["--seconds", "0"], "seconds must be a number from 1 to 600"),
    (["--steps", "0"], "steps must be a whole number"),
    (["--same-budget", "luong"], "invalid choice: 'luong'"),
])
def test_bad_arguments_are_refused_before_anything_runs(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        lab_bench.main(argv)
    assert exit_.value.code == 2 and message in capsys.readouterr().err
