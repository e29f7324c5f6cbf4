"""The Embeddings page through AppTest on the tiny checkpoints of tests/app_fixtures.py (and the
shipped ones): neighbours per model and per language, the word-list map and matrix, one-hot
numbers, translation pairs; bad input gives a message and leaves the rest of the page working."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app_fixtures import shipped_root, tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s import embeddings as em

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/8_embeddings.py"


def open_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    if lang != "en":
        at.radio(key="w:app.lang").set_value(lang).run()
    return at.switch_page(PAGE).run()


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def messages(at: AppTest) -> list[str]:
    return [e.value for e in (*at.error, *at.warning, *at.info)]


def tables(at: AppTest, column: str) -> list:
    return [d.value for d in at.dataframe if column in d.value.columns]


def test_neighbours_per_model_and_language_map_one_hot_and_pairs(tiny_env):
    at = open_page()
    assert not at.exception and at.title[0].value == "Word embeddings"
    neighbours = tables(at, "piece")
    assert len(neighbours) == 2 * 3  # vanilla and Bahdanau; all, English, Spanish pieces
    for df in neighbours:
        assert len(df) == 10 and list(df["cosine"]) == sorted(df["cosine"], reverse=True)
        assert df["cosine"].between(-1, 1).all() and "▁dog" not in set(df["piece"])
    assert set(neighbours[1]["language"]) == {"English"} and set(neighbours[2]["language"]) == {"Spanish"}
    assert any("Pieces (1): ▁dog" in c.value for c in at.caption)
    scatter, heat = charts(at)[:2]
    assert len(scatter["data"][0]["x"]) == len(em.WORD_LISTS["family"])
    z = np.array(heat["data"][0]["z"], dtype=float)
    assert z.shape == (12, 12) and np.allclose(np.diag(z), 1.0, atol=1e-5)
    assert [m.value for m in at.metric][:2] == ["8,000", "16"]  # the tiny model's real sizes
    assert any("cos(dog, cat): one-hot **0.00**" in m.value for m in at.markdown)
    pairs = tables(at, "translation")
    assert len(pairs) == 2 and list(pairs[0]["translation"]) == [b for _, b in em.PAIRS]
    assert (pairs[0]["rank of the translation"] >= 1).all()


def test_changing_word_k_preset_and_map_model(tiny_env):
    at = open_page()
    at.text_input(key="w:embeddings.word").input("unbelievably").run()
    at.slider(key="w:embeddings.k").set_value(5).run()
    assert not at.exception and all(len(df) == 5 for df in tables(at, "piece"))
    assert any("Pieces (6)" in c.value for c in at.caption)
    at.selectbox(key="w:embeddings.list.preset").set_value("numbers").run()
    assert not at.exception and len(charts(at)[0]["data"][0]["x"]) == len(em.WORD_LISTS["numbers"])
    at.selectbox(key="w:embeddings.map_model").set_value("eng-spa/vanilla").run()
    assert not at.exception and any("vanilla" in c.value for c in at.caption)


@pytest.mark.parametrize("word, expect", [("ꙮꙮ", "only unknown pieces"), ("x" * 80, "too long"),
                                          ("   ", "Type a word")])
def test_bad_words_give_a_message_and_the_rest_works(tiny_env, word, expect):
    at = open_page()
    at.text_input(key="w:embeddings.word").input(word).run()
    assert not at.exception and any(expect in m for m in messages(at)), messages(at)
    assert not tables(at, "piece") and len(tables(at, "translation")) == 2 and len(charts(at)) == 2


def test_bad_word_lists_and_pairs(tiny_env):
    at = open_page()
    at.text_area(key="w:embeddings.list.lines").input("dog\nꙮ\n<script>alert(1)</script>").run()
    assert not at.exception and any("Left out" in m and "ꙮ" in m for m in messages(at))
    assert len(charts(at)[0]["data"][0]["x"]) == 2
    at.text_area(key="w:embeddings.list.lines").input("dog").run()
    assert not at.exception and any("No map" in m for m in messages(at)) and not charts(at)
    at.text_area(key="w:embeddings.list.lines").input(", ".join(f"w{i}" for i in range(em.MAX_WORDS + 5))).run()
    assert not at.exception and any(f"first {em.MAX_WORDS} words" in m for m in messages(at))
    at.text_area(key="w:embeddings.pairs").input("dog = perro\nno pair here\ncat = ꙮ").run()
    assert not at.exception and any("Line 2 left out" in m for m in messages(at))
    assert any("Left out" in m and "cat" in m for m in messages(at))
    assert [len(df) for df in tables(at, "translation")] == [1, 1]
    at.text_area(key="w:embeddings.pairs").input("").run()
    assert not at.exception and any("at least one pair" in m for m in messages(at))
    for element in (*at.markdown, *at.error, *at.warning, *at.caption):
        assert "<script>" not in element.value


def test_a_broken_model_is_named_and_the_other_works(tiny_env):
    at = open_page()
    at.multiselect(key="w:embeddings.models").set_value(["eng-spa/broken", "eng-spa/bahdanau"]).run()
    assert not at.exception and any("broken" in e.value for e in at.error)
    assert len(tables(at, "piece")) == 3
    at.multiselect(key="w:embeddings.models").set_value([]).run()
    assert not at.exception and any("at least one model" in m for m in messages(at))


def test_korean_embeddings_page(tiny_env):
    at = open_page("ko")
    assert not at.exception and at.title[0].value == "단어 임베딩"
    assert any("원-핫" in m.value for m in at.markdown) and tables(at, "조각")


@pytest.mark.skipif(shipped_root() is None, reason="no shipped checkpoints in checkpoints/eng-spa yet")
def test_embeddings_page_on_the_shipped_checkpoints(monkeypatch):
    monkeypatch.delenv("S2S_CHECKPOINTS", raising=False)
    at = open_page()
    assert not at.exception
    at.multiselect(key="w:embeddings.models").set_value(["eng-spa/bahdanau"]).run()
    everything, english, spanish = tables(at, "piece")
    assert "▁dogs" in set(everything["piece"]) and set(english["language"]) == {"English"}
    (pairs,) = tables(at, "translation")
    dog = pairs[pairs["word"] == "dog"].iloc[0]
    assert dog["translation"] == "perro" and dog["rank of the translation"] > 100  # far, as measured
