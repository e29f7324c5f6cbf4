"""`python -m s2s lab`: JSON lines with the summary last, the table, refusals."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from s2s.__main__ import main

REPO = Path(__file__).resolve().parent.parent


def test_json_lines_one_per_snapshot_then_the_summary(capsys):
    assert main(["lab", "--task", "sort", "--model", "dot", "--cell", "lstm", "--min-len", "2", "--max-len", "4",
                 "--steps", "20", "--every", "10", "--hidden", "16", "--seed", "3", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    *snaps, summary = lines
    assert [s["step"] for s in snaps] == [0, 10, 20]
    assert set(summary) >= {"task", "model", "steps", "seconds", "exact_match", "token_accuracy", "time_to_95"}
    assert (summary["task"], summary["model"], summary["steps"]) == ("sort", "dot", 20)
    assert list(summary["exact_match"]) == [str(n) for n in range(2, 9)]  # up to twice the longest trained
    assert summary["exact_match"] == snaps[-1]["exact_match"]
    assert summary["time_to_95"] is None or summary["time_to_95"] <= summary["seconds"]


def test_table_without_json():
    out = subprocess.run([sys.executable, "-m", "s2s", "lab", "--model", "vanilla", "--steps", "10", "--every", "5",
                          "--max-len", "4", "--hidden", "16"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "reverse with vanilla (gru): 10 steps" in out.stdout
    assert "     8" in out.stdout and "(longer than trained)" in out.stdout
    assert "10/10" in out.stderr  # the progress bar


def test_bad_settings_are_refused_before_anything_runs(capsys):
    assert main(["lab", "--max-len", "30"]) == 2
    assert "max_len must be a whole number from 1 to 20" in capsys.readouterr().err
    assert main(["lab", "--hidden", "33"]) == 2
    assert "hidden must be even" in capsys.readouterr().err
    assert main(["lab", "--threads", "0"]) == 2
    assert "--threads must be at least 1" in capsys.readouterr().err


@pytest.mark.skipif(torch.cuda.is_available(), reason="the default (auto) is the CPU only without CUDA")
def test_device_cpu_gives_the_default_numbers(capsys):
    args = ["lab", "--task", "reverse", "--max-len", "4", "--steps", "12", "--every", "4", "--hidden", "16", "--json"]
    runs = []
    for extra in ([], ["--device", "cpu"]):
        assert main(args + extra) == 0
        lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        for line in lines:  # wall-clock figures differ from run to run
            for key in ("elapsed", "seconds", "time_to_95"):
                line.pop(key, None)
        runs.append(lines)
    assert runs[0] == runs[1] and runs[1][-1]["device"] == "cpu" and len(runs[1]) == 5
