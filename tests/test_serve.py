"""Tests of s2s.ui.serve: the warm-up fills the app's shared model cache and skips broken checkpoints."""

from __future__ import annotations

from app_fixtures import BROKEN, KINDS, tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s.ui import models, serve


def test_warm_loads_every_checkpoint_into_the_shared_cache_default_pair_first(tiny_env, monkeypatch):
    models.load_checkpoint.clear()
    loaded = []
    original = models.load_checkpoint

    def recording(path, stamp):
        loaded.append(path.split("/eng-spa/")[1])
        return original(path, stamp)

    monkeypatch.setattr(models, "load_checkpoint", recording)
    serve.warm(server_up=lambda: True)  # the broken checkpoint raises inside; warm() goes on
    assert loaded[0] == "bahdanau"  # a name of the default pair before the others
    assert sorted(loaded) == sorted(KINDS + (BROKEN,))

    def no_loading(*args, **kwargs):
        raise AssertionError("not in the cache: loaded again")

    monkeypatch.setattr("s2s.checkpoint.load", no_loading)
    for kind in KINDS:  # the app's own calls are served from the cache warm() filled
        path = tiny_env / "eng-spa" / kind
        assert original(str(path), models.stamp(path)).model is not None
