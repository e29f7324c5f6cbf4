"""What CI=true changes in a test run (hooks imported by tests/conftest.py).

- A skip is a failure: on CI everything a test needs is provided by scripts/test's set-up
  (/usr/bin/chromium, the corpus cache, fbgemm's int8 kernels on an x86 runner), so a test that
  skips there would be a check that silently stopped running.
- The run ends with one line of counts: ran, passed, failed, skipped.
"""

from __future__ import annotations

import os

import pytest


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if on_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped with CI=true (every test must run on CI): {_reason(report)}"


def pytest_terminal_summary(terminalreporter):
    passed, failed, skipped, errors = (len(terminalreporter.stats.get(k, [])) for k in ("passed", "failed", "skipped", "error"))
    ran = passed + failed + errors
    terminalreporter.write_line(f"tests: ran {ran} ({passed} passed, {failed} failed, {errors} errors), "
                                f"skipped {skipped}; CI={'true' if on_ci() else 'false'}")
