"""The load-test command, small: 2 browser sessions for ~20 s against the tiny checkpoints.

Checks that it runs end to end and reports figures (requests made, none failed, numbers
parse); the figures themselves are not judged here. Needs /usr/bin/chromium, else skipped.
"""

import math

import pytest

from app_fixtures import needs_browser, tiny_root  # noqa: F401  (fixture)
from s2s.tools import load

pytestmark = needs_browser
FIGURES = ("sessions opened", "single-session p50", "single-session p95", "requests", "errors", "p50 under load",
           "p95 under load", "p95 ratio load/single", "server RSS start", "server RSS peak", "server RSS end",
           "RSS growth end vs start", "machine busy", "server CPU", "browsers CPU", "server CPU per request",
           "browsers CPU per request")


def test_load_two_sessions(tiny_root, capsys):
    pytest.importorskip("playwright.async_api")
    code = load.main(["--sessions", "2", "--minutes", "0.3", "--single", "3", "--think", "1",
                      "--checkpoints", str(tiny_root)])
    out = capsys.readouterr().out
    assert code == 0, out
    figures = {}
    for line in out.splitlines():
        name, sep, rest = line.partition(":")
        if sep and rest.split():
            figures[name.strip()] = rest.split()[0]
    values = {name: float(figures[name]) for name in FIGURES}  # KeyError / ValueError: not reported
    assert all(math.isfinite(v) for v in values.values()), out
    assert values["sessions opened"] == 2 and values["requests"] > 0 and values["errors"] == 0, out
    assert values["server RSS start"] > 0 and values["server RSS peak"] >= values["server RSS end"], out
    assert 0 < values["server CPU"] <= values["machine busy"] <= 100, out
    assert 0 < values["browsers CPU"] <= 100, out
    assert float(figures["renderer"]) > 0, out  # the browsers' CPU by chromium process type: the pages' own
