"""pyproject.toml: the wheel holds the package, its tokenizer and splits, the locale files and the app,
its two console scripts point at real functions, and its pins are requirements.txt's."""

import configparser
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "README.md", "app.py", "pages", "s2s", "data", ".streamlit"]


def test_dependencies_are_the_pinned_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert sorted(project["dependencies"]) == sorted(x for x in lock if x)
    assert all("==" in dep for dep in project["dependencies"])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    for name in SOURCES:  # a copy: building writes build/ and *.egg-info next to the sources
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(
            ROOT / name, src / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if (ROOT / name).is_dir() else {}))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--disable-pip-version-check", str(src), "-w", str(out)], check=True, timeout=300)
    (built,) = out.glob("attention_lab-*.whl")
    return built


def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"s2s/{p.relative_to(ROOT / 's2s')}" for p in (ROOT / "s2s").rglob("*.py")}
    expected |= {f"s2s/_bundle/data/eng-spa/{f}" for f in ("spm8000.model", "dev.tsv", "test.tsv", "splits.json")}
    expected |= {"s2s/ui/locales/en.toml", "s2s/ui/locales/ko.toml", "s2s/_bundle/app/app.py",
                 "s2s/_bundle/app/.streamlit/config.toml"}
    expected |= {f"s2s/_bundle/app/pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert expected <= names, sorted(expected - names)
    assert not [n for n in names if n.startswith(("tests/", "checkpoints/", "scripts/")) or "__pycache__" in n]


def test_wheel_entry_points(wheel):
    with zipfile.ZipFile(wheel) as z:
        info = next(n for n in z.namelist() if n.endswith(".dist-info/entry_points.txt"))
        entry = configparser.ConfigParser()
        entry.read_string(z.read(info).decode())
    assert dict(entry["console_scripts"]) == {"s2s": "s2s.__main__:main", "attention-lab": "s2s.ui.serve:cli"}


def test_unpacked_wheel_finds_its_data_and_app_outside_a_clone(wheel, tmp_path):
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = ("from s2s import paths, data; from s2s.ui import serve, strings; "
            "assert not paths.IN_CLONE and paths.DATA_ROOT.is_relative_to(paths.BUNDLE), paths.DATA_ROOT; "
            "assert len(data.load_pairs('test', 'eng', 'spa')) > 100; "
            "assert (paths.DATA_ROOT / 'eng-spa' / 'spm8000.model').is_file() and paths.APP.is_file(); "
            "assert set(strings.LANGS) == {'en', 'ko'}; "
            "args, _ = serve.server_args([]); assert '--browser.gatherUsageStats=false' in args and "
            "'--server.enableXsrfProtection=true' in args and '--server.address=127.0.0.1' in args; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
    for module in ("s2s", "s2s.ui.serve"):
        out = subprocess.run([sys.executable, "-m", module, "--help"], cwd=elsewhere, env=env,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0 and "usage:" in out.stdout, out.stderr
