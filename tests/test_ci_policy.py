"""tests/ci_policy.py: with CI=true a skip fails the run; the run ends with its counts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
INNER = '''
import pytest

def test_runs():
    pass

@pytest.mark.skipif(True, reason="/usr/bin/chromium is absent")
def test_needs_a_browser():
    pass

def test_skips_inside():
    pytest.skip("no corpus cache")

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_known_bug():
    assert False
'''


def run_inner(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text("from ci_policy import pytest_runtest_makereport, pytest_terminal_summary\n")
    (tmp_path / "test_inner.py").write_text(INNER)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(HERE)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("ci", ["true"])
def test_on_ci_a_skip_fails_with_its_reason(tmp_path, ci):
    out = run_inner(tmp_path, ci)
    assert out.returncode == 1, out.stdout
    assert "skipped with CI=true (every test must run on CI): /usr/bin/chromium is absent" in out.stdout
    assert "skipped with CI=true (every test must run on CI): no corpus cache" in out.stdout
    assert "tests: ran 3 (1 passed, 1 failed, 1 errors), skipped 0; CI=true" in out.stdout  # xfail: neither


@pytest.mark.parametrize("ci", [None, "false"])
def test_off_ci_a_skip_is_a_skip_and_is_counted(tmp_path, ci):
    out = run_inner(tmp_path, ci)
    assert out.returncode == 0, out.stdout
    assert "tests: ran 1 (1 passed, 0 failed, 0 errors), skipped 2; CI=false" in out.stdout
    assert "SKIPPED" in out.stdout and "/usr/bin/chromium is absent" in out.stdout  # -rs names the reasons
