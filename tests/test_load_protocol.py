"""`python -m s2s.tools load --protocol`, small: 2 Locust users for ~8 s against the tiny checkpoints.

Checks that it runs end to end, reports every figure and ends with the summary line; the
figures themselves are not judged here. And what it does with a --host it cannot or may not use.
"""

import math
import re

import pytest

from app_fixtures import tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app, load

SUMMARY = re.compile(r"^users=(\d+) requests=(\d+) errors=(\d+) p95_single=([\d.]+) p95_load=([\d.]+) "
                     r"p95_ratio=([\d.]+) rss_growth=(-?[\d.]+)%$")
FIGURES = ("single-user p50", "single-user p95", "translate requests", "errors", "p50 under load", "p95 under load",
           "p95 ratio load/single", "server RSS start", "server RSS peak", "server RSS end", "RSS growth end vs start",
           "server RSS users gone", "machine busy", "server CPU", "clients CPU", "server CPU per request")


def test_load_protocol_small(tiny_root, tmp_path, capsys):
    code = load.main(["--protocol", "--users", "2", "--seconds", "8", "--think", "1", "--single", "2",
                      "--checkpoints", str(tiny_root), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.strip().splitlines()
    summary = SUMMARY.match(lines[-1])
    assert summary, lines[-1]
    users, requests, errors = (int(summary[i]) for i in (1, 2, 3))
    assert users == 2 and requests > 0 and errors == 0, out
    figures = {}
    for line in lines:
        name, sep, rest = line.partition(":")
        if sep and rest.split():
            figures[name.strip()] = rest.split()[0]
    values = {name: float(figures[name]) for name in FIGURES}  # KeyError / ValueError: not reported
    assert all(math.isfinite(v) for v in values.values()), out
    assert values["translate requests"] == requests and values["p95 under load"] == float(summary[5]), out
    assert values["server RSS start"] > 0 and values["server RSS peak"] >= values["server RSS end"] > 0, out
    rss = {name: float(figures[name]) for name in ("server RSS start", "server RSS end")}
    assert values["RSS growth end vs start"] == pytest.approx(
        (rss["server RSS end"] / rss["server RSS start"] - 1) * 100, abs=0.1), out
    assert 0 < values["server CPU"] <= values["machine busy"] <= 100 and values["clients CPU"] > 0, out
    # Locust's own reports
    assert (tmp_path / "load_stats.csv").exists() and (tmp_path / "load.html").exists()
    assert (tmp_path / "single_stats.csv").exists()


def test_unreachable_host_is_one_line(capsys):
    port = bench_app.free_port()  # nothing listens there
    assert load.main(["--protocol", "--host", f"http://127.0.0.1:{port}", "--users", "1", "--seconds", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"error: no app answers at http://127.0.0.1:{port} (GET /_stcore/health failed)"
    assert captured.out == ""


def test_only_this_machine_is_a_host(capsys):
    assert load.main(["--protocol", "--host", "http://example.com:8501"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "only http://127.0.0.1:PORT or http://localhost:PORT" in err
    assert load.main(["--protocol", "--users", "0"]) == 2
