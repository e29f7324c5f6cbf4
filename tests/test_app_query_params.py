"""Hand-edited or broken links: what the translate page does with bad query parameters.

Judged by the page (the widgets' values, the messages), not by the code that parses the link:
each parameter is taken or dropped on its own; numbers are clamped to the controls' ranges;
unknown model names are dropped; text is never interpreted.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_fixtures import tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s.text import MAX_BEAM, MAX_CHARS
from s2s.ui.strings import t
from test_escaping import shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
DEFAULT_MODELS = ["eng-spa/vanilla", "eng-spa/bahdanau"]


def open_with(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def controls(at: AppTest) -> tuple[str, int | None, float]:
    mode = at.radio(key="w:translate.mode").value
    beam = at.slider(key="w:translate.beam").value if mode == "beam" else None
    return mode, beam, at.slider(key="w:translate.lp").value


@pytest.mark.parametrize("query, expected", [
    ({"beam": "abc", "lp": "0.6"}, ("greedy", None, 0.6)),  # a bad beam leaves a good lp alone
    ({"beam": "3", "lp": "x"}, ("beam", 3, 1.0)),  # and a bad lp a good beam
    ({"beam": "3.5", "lp": ""}, ("greedy", None, 1.0)),
    ({"beam": "999", "lp": "7"}, ("beam", MAX_BEAM, 2.0)),  # clamped to the sliders' ranges
    ({"beam": "-4", "lp": "-1"}, ("greedy", None, 0.0)),
    ({"beam": "1", "lp": "0.04"}, ("greedy", None, 0.0)),  # lp on the slider's 0.1 grid
    ({"beam": "2", "lp": "nan"}, ("beam", 2, 1.0)),
    ({"lp": "inf"}, ("greedy", None, 1.0)),  # not a number on the slider: the default
])
def test_bad_numbers_are_clamped_or_dropped_one_by_one(tiny_env, query, expected):
    at = open_with({"text": "I am hungry.", **query})
    assert not at.exception
    assert controls(at) == expected
    assert len([m for m in at.markdown if m.value.startswith("#### ")]) == 2  # the page still translates


def test_unknown_model_names_are_dropped(tiny_env):
    at = open_with({"text": "I am hungry.", "models": "eng-spa/nope,eng-spa/concat,,../../etc/passwd,eng-spa/dot"})
    assert not at.exception
    assert at.multiselect(key="w:translate.models").value == ["eng-spa/concat", "eng-spa/dot"]
    assert [shown(h.value) for h in at.subheader][:2] == ["concat", "dot"]


def test_only_unknown_model_names_leave_a_page_that_says_what_to_do(tiny_env):
    at = open_with({"text": "I am hungry.", "models": "eng-spa/nope"})
    assert not at.exception
    chosen = at.multiselect(key="w:translate.models").value
    assert chosen in ([], DEFAULT_MODELS)
    if not chosen:
        assert [i.value for i in at.info] == [t("w.pick_model")]


def test_text_parameter_is_text(tiny_env):
    script = "<script>alert(1)</script> **x**"
    at = open_with({"text": script})
    assert not at.exception
    assert at.text_area(key="w:translate.sentence").value == script
    for element in (*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.subheader):
        assert "<script>" not in element.value
    long = open_with({"text": "x" * 5000})
    assert not long.exception
    # the link's text is cut to the box's limit, with a message; the cut text is then refused for its pieces
    assert long.text_area(key="w:translate.sentence").value == "x" * MAX_CHARS
    assert [shown(w.value) for w in long.warning][0] == t("ln.too_long", name="text", n=5000, limit=MAX_CHARS)
    assert not [m for m in long.markdown if m.value.startswith("#### ")]  # nothing translated


def test_a_link_is_read_once_per_session(tiny_env):
    """After the first run the widgets own the view: the link does not undo what was changed."""
    at = open_with({"text": "I am hungry.", "beam": "3"})
    at.slider(key="w:translate.beam").set_value(5).run()
    at.run()
    assert controls(at)[1] == 5 and at.query_params["beam"] == "5"
