"""`python -m s2s.tools agree`, small: 2 requests per client against the tiny checkpoints.

Checks that it runs end to end and reports every figure (the relay saw each request of both
clients; the browser sent one rerun per click); the figures themselves are not judged here.
Needs /usr/bin/chromium, else skipped.
"""

import math

import pytest

from app_fixtures import needs_browser, tiny_root  # noqa: F401  (fixture)
from s2s.tools import agree

pytestmark = needs_browser
SECONDS = ("protocol client, its own clock, median", "protocol client, at the relay, median",
           "browser, server share at the relay, median", "browser, server share at its network stack",
           "browser, click to results drawn, median", "server CPU per request, protocol client",
           "server CPU per request, browser")


def test_agree_two_requests(tiny_root, capsys):
    pytest.importorskip("playwright.sync_api")
    assert agree.main(["--requests", "2", "--checkpoints", str(tiny_root)]) == 0
    out = capsys.readouterr().out
    rows = dict(line.split(":", 1) for line in out.splitlines() if ": " in line and not line.startswith("models"))
    values = {name: float(rows[name].split()[0]) for name in SECONDS}  # KeyError / ValueError: not reported
    assert all(math.isfinite(v) and v >= 0 for v in values.values()), out
    assert "(2 of 2)" in rows["protocol client, at the relay, median"], out
    assert "(2 of 2)" in rows["browser, server share at the relay, median"], out
    # the relay's share is the server's time: within the client's own, and the browser's drawn time
    assert values["protocol client, at the relay, median"] <= values["protocol client, its own clock, median"], out
    assert values["browser, server share at the relay, median"] <= values["browser, click to results drawn, median"]
    assert float(rows["protocol / browser, both at the relay"]) > 0, out
    assert rows["script runs ended (browser)"].strip().startswith("FINISHED_SUCCESSFULLY"), out
