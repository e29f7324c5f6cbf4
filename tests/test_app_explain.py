"""The Explain & intervene page through AppTest, on tiny untrained checkpoints (tests/app_fixtures.py)."""

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from app_fixtures import tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s import checkpoint, translate
from s2s import explain as explain_mod
from s2s.intervene import Override
from s2s.trace import trace
from s2s.ui import explain_data

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/9_explain.py"
TEXT = "Tom bought a red car yesterday."


def open_page(model: str = "eng-spa/bahdanau") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.switch_page(PAGE).run()
    at.selectbox(key="w:explain.models").set_value(model).run()
    at.text_area(key="w:explain.sentence").input(TEXT).run()
    assert not at.exception
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def array(value) -> np.ndarray:
    """A plotly array from the chart spec: a list, or plotly's typed array {dtype, bdata, shape}."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(x) for x in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value, dtype=float)


def titles(at: AppTest) -> list[str]:
    return [(c["layout"].get("title") or {}).get("text", "") for c in charts(at)]


def test_attention_beside_attributions_and_agreement(tiny_env):
    at = open_page()
    got = titles(at)
    assert "attention" in got and "integrated gradients" in got and any("saliency" in g for g in got)
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 2  # one agreement row per method shown
    at.multiselect(key="w:explain.methods").set_value(["occlusion"]).run()
    assert not at.exception
    assert any("occlusion" in g for g in titles(at)) and not any("integrated" in g for g in titles(at))


def test_only_the_methods_shown_are_computed_and_each_once(tiny_env, monkeypatch):
    computed = []
    real = explain_mod.attributions

    def counting(model, src_ids, tgt_ids, methods, n_steps=32):
        computed.append(tuple(methods))
        return real(model, src_ids, tgt_ids, methods, n_steps)

    monkeypatch.setattr(explain_mod, "attributions", counting)
    explain_data.explanation.clear()
    at = open_page()
    assert set(computed) == {("saliency",), ("integrated_gradients",)}  # the methods shown by default, one at a time
    computed.clear()
    at.button(key="w:explain.p_subject").click().run()  # another part of the page: the cache answers
    at.multiselect(key="w:explain.methods").set_value(["saliency", "occlusion"]).run()
    assert not at.exception
    assert computed == [("occlusion",)]  # only the method newly shown; saliency came from the cache


def test_block_preset_and_remove(tiny_env):
    at = open_page()
    at.button(key="w:explain.p_subject").click().run()
    assert not at.exception
    assert at.multiselect(key="w:explain.block").value == [0]  # "Tom"
    ckpt = checkpoint.load(tiny_env / "eng-spa" / "bahdanau")
    blocked = translate.translate(ckpt, TEXT, block=[0])
    removed = translate.translate(ckpt, TEXT, remove=[0])
    texts = [m.value[5:].replace("\\", "") for m in at.markdown if m.value.startswith("#### ")]
    assert blocked.best.text in texts and removed.best.text in texts
    heat = [c for c in charts(at) if c["data"][0]["type"] == "heatmap"]
    z = next(array(h["data"][0]["z"]) for h in heat
             if array(h["data"][0]["z"]).shape == blocked.best.attention.shape
             and np.allclose(array(h["data"][0]["z"]), blocked.best.attention))
    assert (z[:, 0] == 0).all()  # the blocked column


def test_block_everything_is_refused_with_a_message(tiny_env):
    at = open_page()
    n = len(at.multiselect(key="w:explain.block").options)
    at.multiselect(key="w:explain.block").set_value(list(range(n))).run()
    assert not at.exception
    assert any("nothing to attend to" in w.value for w in at.warning)


def test_override_changes_next_piece_distribution(tiny_env):
    at = open_page()
    at.selectbox(key="w:explain.ov_step").set_value(2).run()
    at.selectbox(key="w:explain.ov_piece").set_value(5).run()
    assert not at.exception
    ckpt = checkpoint.load(tiny_env / "eng-spa" / "bahdanau")
    n = len(translate.translate(ckpt, TEXT).source_pieces)
    forced = trace(ckpt, TEXT, top_k=10, override=Override.one_hot(2, 5, n))
    bars = [c for c in charts(at) if c["data"][0]["type"] == "bar"]
    assert np.allclose(array(bars[1]["data"][0]["x"]), forced.steps[1].top_probs)
    at.button(key="w:explain.p_wrong").click().run()
    assert not at.exception


def test_vanilla_gets_attributions_and_no_intervention(tiny_env):
    at = open_page("eng-spa/vanilla")
    assert "attention" not in titles(at) and "integrated gradients" in titles(at)
    assert any("Vanilla model" in i.value for i in at.info)
    assert at.button(key="w:explain.p_subject").disabled


def test_korean(tiny_env):
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.radio(key="w:app.lang").set_value("ko").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.title[0].value == "설명과 개입"
    assert "적분 그래디언트" in titles(at)
