"""Tests of s2s.ui.serve: the warm-up loads the home page's default models into the shared cache."""

from __future__ import annotations

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
