"""The Streamlit app through streamlit.testing.v1.AppTest, on tiny untrained checkpoints.

S2S_CHECKPOINTS points the app at a temporary root with eng-spa models of every kind and one
checkpoint with corrupt weights (tests/app_fixtures.py).
"""

import html
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_fixtures import shipped_root, tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s import checkpoint, translate
from s2s.text import MAX_CHARS
from s2s.ui import widgets
from s2s.ui.strings import t
from test_escaping import shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["pages/1_translate.py", "pages/2_attention.py", "pages/3_beam.py"]
TIMEOUT = 180


def new_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def translations(at: AppTest) -> list[str]:
    return [m.value[5:] for m in at.markdown if m.value.startswith("#### ")]


def messages(at: AppTest) -> list[str]:
    return [e.value for e in (*at.error, *at.warning, *at.info)]


def ticks(axis: dict) -> list[str]:
    return [html.unescape(x) for x in axis["ticktext"]]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(tiny_env, page):
    at = new_app().run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception
    assert at.title and charts(at)


def test_translate_two_models_and_heatmap_tokens(tiny_env):
    at = new_app().run()
    assert at.multiselect(key="w:translate.models").value == ["eng-spa/vanilla", "eng-spa/bahdanau"]
    at.text_area(key="w:translate.sentence").input("The cat sleeps on the red sofa.").run()
    assert not at.exception
    assert len(translations(at)) == 2
    assert any("fixed context vector" in m for m in messages(at))  # the vanilla model's statement
    ckpt = checkpoint.load(tiny_env / "eng-spa" / "bahdanau")
    expected = translate.translate(ckpt, "The cat sleeps on the red sofa.")
    (heat,) = charts(at)
    assert ticks(heat["layout"]["xaxis"]) == expected.source_pieces
    assert ticks(heat["layout"]["yaxis"]) == expected.best.pieces
    assert translations(at)[1].replace("\\", "") == expected.best.text


def test_difference_heatmap_between_two_attention_models(tiny_env):
    at = new_app({"text": "I am hungry.", "models": "eng-spa/dot,eng-spa/general"}).run()
    assert not at.exception
    heat_dot, heat_general, diff = charts(at)
    n = min(len(heat_dot["layout"]["yaxis"]["ticktext"]), len(heat_general["layout"]["yaxis"]["ticktext"]))
    assert len(diff["layout"]["yaxis"]["ticktext"]) == n
    assert diff["data"][0]["zmid"] == 0
    assert any("common prefix" in c.value for c in at.caption)


def test_beam_size_changes_hypotheses_table(tiny_env):
    at = new_app().run().switch_page(PAGES[2]).run()
    at.slider(key="w:beam.beam").set_value(2).run()
    assert not at.exception and len(at.dataframe[0].value) == 2
    at.slider(key="w:beam.beam").set_value(5).run()
    assert not at.exception and len(at.dataframe[0].value) == 5
    tree = charts(at)[0]
    legend = [d.get("name", "") for d in tree["data"] if d.get("showlegend") is not False]
    assert [name.split()[0] for name in legend[:3]] == ["kept", "pruned", "finished"]
    top_k = at.dataframe[1].value
    assert len(top_k) == at.dataframe[0].value.iloc[0]["length"]
    at.select_slider(key="w:beam.alt_step").set_value(1).run()
    assert not at.exception
    assert any("forced" in c.value for c in at.caption)
    assert len(translations(at)) == 1  # the continued translation


def test_attention_page_words_and_diagnostics(tiny_env):
    at = new_app({"text": "I am hungry."}).run().switch_page(PAGES[1]).run()
    at.text_area(key="w:attention.sentence").input("Unbelievably, the cat sleeps.").run()
    at.radio(key="w:attention.level").set_value("words").run()
    assert not at.exception
    specs = charts(at)
    heats = [s for s in specs if s["data"][0]["type"] == "heatmap"]
    assert len(heats) == 4  # one per attention type: bahdanau, dot, general, concat
    assert ticks(heats[0]["layout"]["xaxis"])[:3] == ["Unbelievably,", "the", "cat"]
    assert not at.error
    kinds = [s["data"][0]["type"] for s in specs]
    assert "scatter" in kinds and "bar" in kinds  # entropy and coverage
    at.selectbox(key="w:attention.rank").set_value(2).run()
    assert not at.exception
    at.multiselect(key="w:attention.models").select("eng-spa/broken").select("eng-spa/vanilla").run()
    assert not at.exception and any("broken" in e.value for e in at.error)
    assert any("vanilla" in i.value for i in at.info)
    assert len([s for s in charts(at) if s["data"][0]["type"] == "heatmap"]) == 4


def test_korean_ui(tiny_env):
    at = new_app().run()
    at.radio(key="w:app.lang").set_value("ko").run()
    assert not at.exception
    assert at.title[0].value == "번역과 비교"
    assert any("컨텍스트 벡터" in m.value for m in at.markdown)
    at.switch_page(PAGES[2]).run()
    assert at.title[0].value == "빔 서치" and not at.exception


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_CHARS + 1), "<script>alert(1)</script>", "I love 🍕 pizza",
                                  "안녕하세요 반갑습니다", "**bold** [link](javascript:alert(1)) :red[x] $x$"])
def test_bad_input_shows_a_message(tiny_env, text):
    """Each input gets its own message: empty -> the empty-box hint and nothing else; over the limit
    -> the length refusal and nothing else; otherwise a translation per model, the unknown-piece
    warning exactly when the tokenizer has no piece for some characters, and the vanilla model's
    statement."""
    at = new_app().run()
    at.text_area(key="w:translate.sentence").input(text).run()
    assert not at.exception
    shown_errors = [shown(e.value) for e in (*at.error, *at.warning)]
    if not text.strip():
        assert [i.value for i in at.info] == [t("w.empty")] and not shown_errors and not translations(at)
    elif len(text) > MAX_CHARS:
        assert shown_errors == [t("w.input_error", msg=f"text is too long: {len(text)} characters (limit {MAX_CHARS})")]
        assert not at.info and not translations(at)
    else:
        unk = translate.translate(checkpoint.load(tiny_env / "eng-spa" / "vanilla"), text).unk_count
        assert unk > 0 if "<" in text or "🍕" in text or "안녕" in text else True
        assert shown_errors == ([t("w.unk", n=unk)] if unk else [])
        # the vanilla model's statement; one attention model, so no difference heatmap
        cards = [t("w.card.none", cmd=widgets.escape_md(f"python -m s2s card {tiny_env / 'eng-spa' / m}"))
                 for m in ("vanilla", "bahdanau")]  # the tiny checkpoints have no model card
        assert sorted(i.value for i in at.info) == sorted([*cards, t("tr.no_attention"), t("tr.diff.need_two")])
        assert len(translations(at)) == 2
    for element in (*at.markdown, *at.error, *at.warning, *at.caption):
        assert "<script>" not in element.value
    at.text_area(key="w:translate.sentence").input("I am hungry.").run()  # the page stays usable
    assert not at.exception and len(translations(at)) == 2 and not at.warning


def test_broken_checkpoint_named_error_others_work(tiny_env):
    at = new_app({"text": "Where is the station?", "models": "eng-spa/broken,eng-spa/bahdanau"}).run()
    assert not at.exception
    (error,) = at.error
    assert "broken" in error.value and "CheckpointCorrupt" in error.value
    assert len(translations(at)) == 1 and len(charts(at)) == 1


def test_query_params_reproduce_the_view(tiny_env):
    query = {"text": "We will go to the beach tomorrow.", "models": "eng-spa/vanilla,eng-spa/concat",
             "beam": "3", "lp": "0.6"}
    at = new_app(query).run()
    assert not at.exception
    assert at.text_area(key="w:translate.sentence").value == query["text"]
    assert at.multiselect(key="w:translate.models").value == ["eng-spa/vanilla", "eng-spa/concat"]
    assert at.radio(key="w:translate.mode").value == "beam"
    assert at.slider(key="w:translate.beam").value == 3 and at.slider(key="w:translate.lp").value == 0.6
    first = translations(at)
    again = new_app(dict(at.query_params)).run()
    assert translations(again) == first and len(first) == 2
    at.slider(key="w:translate.beam").set_value(4).run()
    assert at.query_params["beam"] == "4"


def test_sessions_do_not_share_inputs(tiny_env):
    one, two = new_app().run(), new_app().run()
    one.text_area(key="w:translate.sentence").input("My secret sentence.").run()
    two.run()
    assert two.text_area(key="w:translate.sentence").value != "My secret sentence."


@pytest.mark.skipif(shipped_root() is None, reason="no shipped checkpoints in checkpoints/eng-spa yet")
@pytest.mark.parametrize("page", PAGES)
def test_pages_render_on_shipped_checkpoints(monkeypatch, page):
    monkeypatch.delenv("S2S_CHECKPOINTS", raising=False)
    at = new_app({"text": "Where is the station?"}).run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception and at.title
    assert translations(at) or charts(at)


def test_inputs_are_kept_across_a_language_change(tiny_env):
    """Every label changes with the language, so every widget is rebuilt: what was typed and
    chosen stays, here and on a page visited before, and the results are the same."""
    at = new_app().run()
    at.switch_page(PAGES[2]).run()
    at.text_area(key="w:beam.sentence").input("Where is the station?").run()
    at.slider(key="w:beam.beam").set_value(3).run()
    at.switch_page(PAGES[0]).run()  # the home page (every run goes through app.py: conftest)
    at.text_area(key="w:translate.sentence").input("The dog drinks water.").run()
    at.multiselect(key="w:translate.models").set_value(["eng-spa/concat", "eng-spa/dot"]).run()
    at.radio(key="w:translate.mode").set_value("beam").run()
    at.slider(key="w:translate.beam").set_value(4).run()
    at.slider(key="w:translate.lp").set_value(0.5).run()
    before = translations(at)
    at.radio(key="w:app.lang").set_value("ko").run()
    assert not at.exception and at.title[0].value == "번역과 비교"
    assert at.text_area(key="w:translate.sentence").value == "The dog drinks water."
    assert at.multiselect(key="w:translate.models").value == ["eng-spa/concat", "eng-spa/dot"]
    assert at.radio(key="w:translate.mode").value == "beam"
    assert at.slider(key="w:translate.beam").value == 4 and at.slider(key="w:translate.lp").value == 0.5
    assert translations(at) == before and len(before) == 2
    at.switch_page(PAGES[2]).run()
    assert not at.exception and at.title[0].value == "빔 서치"
    assert at.text_area(key="w:beam.sentence").value == "Where is the station?"
    assert at.slider(key="w:beam.beam").value == 3 and len(at.dataframe[0].value) == 3
