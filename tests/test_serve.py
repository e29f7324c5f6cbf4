"""Tests of s2s.ui.serve: the warm-up loads every checkpoint into the shared cache, the home
page's default models first; app.py asks the browser for the chart script early."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app_fixtures import BROKEN, KINDS, tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s.ui import models, serve


def test_warm_loads_the_default_models_first_then_every_other_one(tiny_env, monkeypatch):
    models.load_checkpoint.clear()
    loaded = []
    original = models.load_checkpoint

    def recording(path, stamp):
        loaded.append(path.split("/eng-spa/")[1])
        return original(path, stamp)

    monkeypatch.setattr(models, "load_checkpoint", recording)
    serve.warm(server_up=lambda: True)
    assert sorted(loaded[:2]) == ["bahdanau", "vanilla"]  # vanilla vs Bahdanau: the home page's default
    assert sorted(loaded) == sorted(KINDS + (BROKEN,))  # the broken one too: its error is returned, not raised

    def no_loading(*args, **kwargs):
        raise AssertionError("not in the cache: loaded again")

    monkeypatch.setattr("s2s.checkpoint.load", no_loading)
    monkeypatch.setattr(models, "load_checkpoint", original)
    for info in models.catalog():  # the pages' own calls are served from the cache warm() filled
        if info.short != BROKEN:
            ckpt, error = models.load(info)
            assert error is None and ckpt.model is not None


def test_app_asks_the_browser_for_streamlits_own_chart_script(tiny_env):
    at = AppTest.from_file(str(serve.APP), default_timeout=60).run()
    assert not at.exception
    scripts = sorted(serve.STATIC_JS.glob("PlotlyChart.*.js"))
    assert len(scripts) == 1  # the pinned Streamlit ships one
    html = [e.proto for e in at.sidebar if type(e).__name__ == "Html"]
    assert len(html) == 1 and html[0].unsafe_allow_javascript
    assert f"<script>import('./static/js/{scripts[0].name}')</script>" in html[0].body
    assert f"div:has(> .st-key-{serve.PRELOAD}) {{display: none}}" in html[0].body  # no gap in the sidebar
