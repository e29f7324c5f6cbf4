"""Tests of s2s.ui.serve: the warm-up loads the home page's default models into the shared cache; the
server caps glibc's malloc arenas."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app_fixtures import tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s.ui import models, serve


def test_warm_loads_the_home_pages_default_models_into_the_shared_cache(tiny_env, monkeypatch):
    models.load_checkpoint.clear()
    loaded = []
    original = models.load_checkpoint

    def recording(path, stamp):
        loaded.append(path.split("/eng-spa/")[1])
        return original(path, stamp)

    monkeypatch.setattr(models, "load_checkpoint", recording)
    serve.warm(server_up=lambda: True)
    assert sorted(loaded) == ["bahdanau", "vanilla"]  # vanilla vs Bahdanau: the home page's default

    def no_loading(*args, **kwargs):
        raise AssertionError("not in the cache: loaded again")

    monkeypatch.setattr("s2s.checkpoint.load", no_loading)
    monkeypatch.setattr(models, "load_checkpoint", original)
    for info in models.catalog():  # the pages' own calls are served from the cache warm() filled
        if info.short in ("vanilla", "bahdanau"):
            ckpt, error = models.load(info)
            assert error is None and ckpt.model is not None


# a child process: cap the arenas (or not), hold 8 threads that each allocate at once, count glibc's arenas
ARENAS_PY = r"""
import ctypes, sys, threading
from s2s.ui import serve
capped = serve.limit_malloc_arenas() if sys.argv[1] == "cap" else None
libc = ctypes.CDLL(None)
held, ready, done = [], threading.Barrier(9), threading.Event()
def work():
    held.append(bytearray(200_000) + bytearray(1000))  # malloc'd in this thread
    ready.wait()
    done.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
ready.wait()
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
fp = libc.fopen(sys.argv[2].encode(), b"w")
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
libc.malloc_info(0, fp)
libc.fclose(fp)
done.set()
print(capped, open(sys.argv[2]).read().count("<heap nr="))
"""


@pytest.mark.skipif(not hasattr(os, "confstr") or "glibc" not in (os.confstr("CS_GNU_LIBC_VERSION") or "").lower(),
                    reason="glibc only")
def test_the_server_caps_glibcs_malloc_arenas(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_ARENA_MAX", "GLIBC_TUNABLES")}

    def arenas(mode: str) -> tuple[str, int]:
        out = subprocess.run([sys.executable, "-c", ARENAS_PY, mode, str(tmp_path / f"{mode}.xml")], env=env,
                             capture_output=True, text=True, check=True, cwd=Path(serve.__file__).parents[2])
        capped, count = out.stdout.split()
        return capped, int(count)

    assert arenas("cap") == ("True", serve.MALLOC_ARENAS)
    assert arenas("none")[1] > serve.MALLOC_ARENAS  # without the cap, 8 threads get arenas of their own
    # whoever starts the server with glibc's own setting keeps it
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MALLOC_ARENA_MAX", "4")
        assert serve.limit_malloc_arenas() is False
