"""Every page's view through its link (s2s/ui/links.py), with AppTest on the tiny checkpoints of
tests/app_fixtures.py: a link sets the widgets, the page writes the same link back, the link
reopened in a new session draws the same figures, a bad link says what it changed and never
raises, and a new language re-labels the page and keeps the view.

Every run goes through app.py, as in the served app (tests/conftest.py: _app_routed_by_app_py).
"""

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_fixtures import tiny_env, tiny_root  # noqa: F401  (fixtures)
from test_app_analysis_pages import evaluated_env, evaluated_root  # noqa: F401  (fixtures)
from s2s.text import MAX_BEAM, MAX_CHARS
from s2s.ui.strings import TEXT

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180
KO = TEXT["ko"]
HTML = '<img src=x onerror="alert(1)"><b>bold</b>'

# page -> (a non-default link, {(widget kind, key): the value that link gives it})
VIEWS = {
    "pages/1_translate.py": (
        {"text": "The cat sleeps on the sofa.", "models": "eng-spa/dot,eng-spa/general,eng-spa/concat", "beam": "3",
         "lp": "0.6", "a": "eng-spa/general", "b": "eng-spa/concat"},
        {("text_area", "w:translate.sentence"): "The cat sleeps on the sofa.",
         ("multiselect", "w:translate.models"): ["eng-spa/dot", "eng-spa/general", "eng-spa/concat"],
         ("radio", "w:translate.mode"): "beam", ("slider", "w:translate.beam"): 3, ("slider", "w:translate.lp"): 0.6,
         ("selectbox", "w:translate.diff_a"): "eng-spa/general", ("selectbox", "w:translate.diff_b"): "eng-spa/concat"}),
    "pages/2_attention.py": (
        {"text": "The cat sleeps on the sofa.", "models": "eng-spa/bahdanau,eng-spa/dot", "beam": "4", "lp": "0.4",
         "hyp": "3", "level": "words"},
        {("text_area", "w:attention.sentence"): "The cat sleeps on the sofa.",
         ("multiselect", "w:attention.models"): ["eng-spa/bahdanau", "eng-spa/dot"], ("slider", "w:attention.beam"): 4,
         ("slider", "w:attention.lp"): 0.4, ("selectbox", "w:attention.rank"): 3, ("radio", "w:attention.level"): "words"}),
    "pages/3_beam.py": (
        {"text": "The cat sleeps on the sofa.", "model": "eng-spa/general", "beam": "6", "hyp": "2", "alt_step": "2"},
        {("text_area", "w:beam.sentence"): "The cat sleeps on the sofa.", ("selectbox", "w:beam.models"): "eng-spa/general",
         ("slider", "w:beam.beam"): 6, ("selectbox", "w:beam.hyp"): 2, ("select_slider", "w:beam.alt_step"): 2}),
    "pages/4_context.py": (
        {"text": "I am hungry.\nI am tired.\nHe is hungry.", "model": "eng-spa/bahdanau", "traj": "I am tired."},
        {("text_area", "w:context.lines"): "I am hungry.\nI am tired.\nHe is hungry.",
         ("selectbox", "w:context.models"): "eng-spa/bahdanau", ("selectbox", "w:context.traj"): "I am tired."}),
    "pages/6_step_player.py": (
        {"text": "We will go to the beach.", "model": "eng-spa/general", "ref": "Iremos a la playa.", "feed": "forced",
         "t": "3"},
        {("text_area", "w:step.sentence"): "We will go to the beach.", ("selectbox", "w:step.models"): "eng-spa/general",
         ("text_input", "w:step.reference"): "Iremos a la playa.", ("radio", "w:step.feed"): "forced",
         ("select_slider", "w:step.t"): 3}),
    "pages/8_embeddings.py": (
        {"models": "eng-spa/bahdanau,eng-spa/dot", "word": "house", "k": "5", "words": "cat\ndog\nperro",
         "map": "eng-spa/bahdanau", "pairs": "cat = gato"},
        {("multiselect", "w:embeddings.models"): ["eng-spa/bahdanau", "eng-spa/dot"],
         ("text_input", "w:embeddings.word"): "house", ("slider", "w:embeddings.k"): 5,
         ("text_area", "w:embeddings.list.lines"): "cat\ndog\nperro", ("selectbox", "w:embeddings.map_model"): "eng-spa/bahdanau",
         ("text_area", "w:embeddings.pairs"): "cat = gato"}),
}
EXPLAIN = "pages/9_explain.py"
VIEWS[EXPLAIN] = (
    {"text": "Tom bought a red car yesterday.", "model": "eng-spa/general", "beam": "3", "lp": "0.6", "hyp": "2",
     "methods": "saliency", "ig_steps": "16", "block": "0,2", "ov_step": "2", "ov_piece": "1"},
    {("text_area", "w:explain.sentence"): "Tom bought a red car yesterday.",
     ("selectbox", "w:explain.models"): "eng-spa/general", ("slider", "w:explain.beam"): 3,
     ("slider", "w:explain.lp"): 0.6, ("selectbox", "w:explain.rank"): 2,
     ("multiselect", "w:explain.methods"): ["saliency"], ("slider", "w:explain.steps"): 16,
     ("multiselect", "w:explain.block"): [0, 2], ("selectbox", "w:explain.ov_step"): 2,
     ("selectbox", "w:explain.ov_piece"): 1})
BOTTLENECK = "pages/5_bottleneck.py"
BOTTLENECK_VIEW = (
    {"metric": "chrf", "dir": "b", "a": "eng-spa/bahdanau", "b": "eng-spa/vanilla", "quick": "0", "n": "7"},
    {("radio", "w:bottleneck.metric"): "chrf", ("radio", "w:bottleneck.dir"): "b",
     ("selectbox", "w:bottleneck.a"): "eng-spa/bahdanau", ("selectbox", "w:bottleneck.b"): "eng-spa/vanilla",
     ("checkbox", "w:bottleneck.quick"): False, ("number_input", "w:bottleneck.quick_n"): 7})


def open_link(page: str, query: dict) -> AppTest:
    """A new session (a fresh browser) opening `page` with the link's query parameters."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def warnings(at: AppTest) -> list[str]:
    return [w.value.replace("\\", "") for w in at.warning]


def widget(at: AppTest, kind: str, key: str):
    return getattr(at, kind)(key=key)


def check_view(at: AppTest, expected: dict) -> None:
    assert not at.exception, at.exception
    for (kind, key), value in expected.items():
        got = widget(at, kind, key).value
        assert got == (pytest.approx(value) if isinstance(value, float) else value), (key, got)


def check_link(page, query, expected):
    at = open_link(page, query)
    check_view(at, expected)
    assert not warnings(at) or all("link" not in w for w in warnings(at)), warnings(at)
    assert dict(at.query_params) == query  # the page writes the link it was opened with
    again = open_link(page, dict(at.query_params))  # the link, in a fresh session
    check_view(again, expected)
    assert charts(again) and charts(again)[0]["data"] == charts(at)[0]["data"]
    return at


@pytest.mark.parametrize("page", list(VIEWS))
def test_a_link_sets_every_widget_and_reopens_the_same_view(tiny_env, page):
    check_link(page, *VIEWS[page])


def test_the_step_players_override_link(tiny_env):
    from s2s.checkpoint import load
    from s2s.translate import translate

    text = "We will go to the beach."
    n = len(translate(load(tiny_env / "eng-spa" / "bahdanau"), text).source_pieces)
    typed = " ".join(["0"] * (n - 1) + ["1"])
    for query, expected in (
            ({"text": text, "t": "2", "ov": "piece", "ov_piece": "1"},
             {("select_slider", "w:step.t"): 2, ("radio", "w:step.ov"): "piece", ("selectbox", "w:step.ov_piece"): 1}),
            ({"text": text, "t": "2", "ov": "weights", "ov_w": typed},
             {("radio", "w:step.ov"): "weights", ("text_input", "w:step.ov_w"): typed})):
        at = check_link("pages/6_step_player.py", query, expected)
        assert [c for c in charts(at) if "attention overridden" in str(c["layout"].get("title"))], query


def test_the_bottleneck_link(evaluated_env):
    check_link(BOTTLENECK, *BOTTLENECK_VIEW)


def test_a_changed_widget_changes_the_link_and_defaults_stay_out(tiny_env):
    at = open_link("pages/3_beam.py", {})
    assert dict(at.query_params) == {}  # the default view: a bare address
    at.slider(key="w:beam.beam").set_value(7).run()
    assert dict(at.query_params) == {"beam": "7"}
    at.selectbox(key="w:beam.hyp").set_value(5).run()
    assert dict(at.query_params) == {"beam": "7", "hyp": "5"}
    at.slider(key="w:beam.beam").set_value(4).run()  # the default beam again; hypothesis 5 of 4 is gone
    assert not at.exception and dict(at.query_params) == {"hyp": "4"}
    assert not warnings(at)  # the user's own change is not the link's problem


def test_the_global_keys_in_every_link(tiny_env):
    at = open_link("pages/6_step_player.py", {"lang": "ko", "projector": "1", "pair": "eng-spa"})
    assert not at.exception and at.title[0].value == "한 시점씩 보기"
    assert at.toggle(key="w:app.large").value is True and at.radio(key="w:app.lang").value == "ko"
    assert dict(at.query_params) == {"lang": "ko", "projector": "1"}  # the pair is the default one
    at.toggle(key="w:app.large").set_value(False).run()
    assert dict(at.query_params) == {"lang": "ko"}


BAD = {
    "pages/1_translate.py": ({"models": "eng-spa/nope,eng-spa/bahdanau", "beam": "999", "lp": "0.5"},
                             ["eng-spa/nope", f"beam 999 is out of range 1–{MAX_BEAM}: using {MAX_BEAM}"]),
    "pages/2_attention.py": ({"hyp": "9", "beam": "3", "level": HTML},
                             ["hyp 9 is out of range 1–3: using 3", f"level “{HTML[:39]}…”"]),
    "pages/3_beam.py": ({"model": "x,eng-spa/dot,eng-spa/general", "text": "y" * 5000, "beam": "abc"},
                        ["left out: x.", "kept the first 1", f"5000 characters, more than {MAX_CHARS}",
                         "beam “abc” is not a whole number: using 4"]),
    "pages/4_context.py": ({"traj": "Not one of them.", "model": "eng-spa/<script>,eng-spa/bahdanau"},
                           ["traj “Not one of them.” is not one of the choices here", "eng-spa/<script>"]),
    "pages/6_step_player.py": ({"t": "500", "feed": "forced", "lang": "xx", "projector": "maybe"},
                               ["t 500 is out of range 1–", "feed “forced”", "lang “xx”", "projector “maybe”"]),
    EXPLAIN: ({"text": "Tom bought a red car yesterday.", "model": "eng-spa/bahdanau", "ig_steps": "18",
                "methods": "saliency,shap", "block": "1,999,x", "ov_step": "900", "ov_piece": "-4", "hyp": "2"},
               ["ig_steps “18” is not one of the choices here: using 32", "methods in the link, left out: shap.",
                "block in the link, left out: x.", "block in the link, left out: 999.", "ov_step 900 is out of range 1–",
                "ov_piece -4 is out of range 0–"]),
}


@pytest.mark.parametrize("page", list(BAD))
def test_a_bad_link_says_what_it_changed_and_never_raises(tiny_env, page):
    query, said = BAD[page]
    at = open_link(page, query)
    assert not at.exception, at.exception
    shown = " | ".join(warnings(at))
    for fragment in said:
        assert fragment in shown, (fragment, shown)
    for element in (*at.markdown, *at.warning, *at.caption, *at.error):
        assert not re.search(r"(?<!\\)<(script|img)", element.value), element.value  # escaped: shown, never run
    assert at.title and (charts(at) or at.warning)  # the page works on with what it could use


def test_a_bad_links_messages_stay_until_the_view_changes_and_follow_the_language(tiny_env):
    at = open_link("pages/1_translate.py", {"beam": "999"})
    assert any("out of range" in w for w in warnings(at))
    at.run()
    assert any("out of range" in w for w in warnings(at))  # a rerun alone keeps them
    at.radio(key="w:app.lang").set_value("ko").run()
    assert any("범위" in w for w in warnings(at))  # in the new language
    at.slider(key="w:translate.lp").set_value(0.5).run()
    assert not [w for w in warnings(at) if "범위" in w]  # the view changed: the link is no longer the view


def test_switching_the_language_relabels_everything_and_keeps_the_view(tiny_env):
    page, (query, expected) = "pages/2_attention.py", VIEWS["pages/2_attention.py"]
    at = open_link(page, query)
    before = charts(at)[0]["data"]
    assert at.selectbox(key="w:attention.preset").options[0] == "— pick a preset —"
    at.radio(key="w:app.lang").set_value("ko").run()
    check_view(at, expected)
    assert at.title[0].value == "어텐션"
    assert at.selectbox(key="w:attention.preset").options[0] == "— 예시 선택 —"
    assert at.selectbox(key="w:attention.preset").value == ""  # still "none picked"
    assert at.radio(key="w:attention.level").options == [KO["at.pieces"], KO["at.words"]]
    assert charts(at)[0]["data"][0]["z"] == before[0]["z"]
    assert dict(at.query_params) == {**query, "lang": "ko"}


def test_a_bad_beam_does_not_discard_a_good_length_penalty(tiny_env):
    at = open_link("pages/1_translate.py", {"beam": "abc", "lp": "0.5"})
    assert not at.exception
    assert at.slider(key="w:translate.lp").value == 0.5 and at.radio(key="w:translate.mode").value == "greedy"
    assert any("beam “abc” is not a whole number: using 1" in w for w in warnings(at))
    assert dict(at.query_params) == {"lp": "0.5"}


def test_the_app_benchmark_knows_the_sentence_a_link_leaves_out():
    from s2s.tools.bench_app import DEFAULT_TEXT
    from s2s.ui.widgets import PRESETS

    assert DEFAULT_TEXT == PRESETS["eng"]["short"][0]


LAB = "pages/7_training_lab.py"
LAB_VIEW = (
    {"task": "copy", "a": "general", "b": "vanilla", "cell": "lstm", "hidden": "32", "min_len": "2", "max_len": "6",
     "seconds": "30", "steps": "500", "typed": "a b c"},
    {("selectbox", "w:lab.task"): "copy", ("selectbox", "w:lab.model_a"): "general",
     ("selectbox", "w:lab.model_b"): "vanilla", ("radio", "w:lab.cell"): "lstm", ("select_slider", "w:lab.hidden"): 32,
     ("number_input", "w:lab.min_len"): 2, ("number_input", "w:lab.max_len"): 6,
     ("number_input", "w:lab.seconds"): 30.0, ("number_input", "w:lab.steps"): 500})


def test_the_training_lab_link(tiny_env):
    """The lab's settings through the link (the runs are the session's own: a link starts none, so
    the typed sequence is kept for the decoding box and the snapshot slider is not in the link)."""
    query, expected = LAB_VIEW
    at = open_link(LAB, query)
    check_view(at, expected)
    assert not warnings(at)
    assert dict(at.query_params) == query
    assert at.session_state["lab.typed"] == "a b c"
    again = open_link(LAB, dict(at.query_params))
    check_view(again, expected)


def test_a_bad_training_lab_link_says_what_it_changed(tiny_env):
    at = open_link(LAB, {"task": "<script>x</script>", "hidden": "48", "min_len": "-3", "steps": "many",
                         "a": "transformer", "typed": "a " * 600})
    assert not at.exception, at.exception
    shown = " | ".join(warnings(at))
    for fragment in ("task “<script>x</script>” is not one of the choices here: using reverse",
                     "hidden “48” is not one of the choices here: using 64", "min_len -3 is out of range 0–1000: using 0",
                     "steps “many” is not a whole number: using 3000", "a “transformer”",
                     f"typed has 1200 characters, more than {MAX_CHARS}"):
        assert fragment in shown, (fragment, shown)
    assert at.select_slider(key="w:lab.hidden").value == 64 and at.number_input(key="w:lab.min_len").value == 0
    for element in (*at.markdown, *at.warning, *at.caption, *at.error):
        assert not re.search(r"(?<!\\)<(script|img)", element.value), element.value


class Browser:
    """What a browser shows in each selectbox and multiselect of a page: the value the server sent
    with the element (`set_value`) or, when it sent none, what it showed before (on a first draw:
    the element's default; after a choice: the text chosen). Streamlit's frontend keeps a keyed
    widget's shown text from run to run while the server does not send a value."""

    def __init__(self):
        self.shown = {}

    def choose(self, box, value) -> None:
        """A person picks `value` in `box`: the browser shows the text of that option as drawn."""
        many = box.type == "multiselect"
        self.shown[box.key] = [box.format_func(v) for v in value] if many else box.format_func(value)

    def look(self, at: AppTest) -> dict:
        """{key: shown text} after a run."""
        for box in (*at.selectbox, *at.multiselect):
            p, many = box.proto, box.type == "multiselect"
            if p.set_value:
                self.shown[box.key] = list(p.raw_values) if many else p.raw_value
            elif box.key not in self.shown:
                self.shown[box.key] = [box.options[i] for i in p.default] if many else box.options[p.default]
        return {box.key: self.shown[box.key] for box in (*at.selectbox, *at.multiselect)}


def labels(at: AppTest) -> dict:
    """{key: the text of each box's value in this run's options}: what the box should show."""
    return {box.key: list(box.values) if box.type == "multiselect" else
            None if box.index is None else box.options[box.index] for box in (*at.selectbox, *at.multiselect)}


# a person's changes, one run each, that change the text of a box's options while its value stays valid
# (hypothesis 1 of another beam is another sentence; step 2 of another sentence is another piece)
RELABELS = {
    "pages/3_beam.py": [("slider", "w:beam.beam", 6), ("text_area", "w:beam.sentence", "The cat sleeps on the sofa."),
                        ("slider", "w:beam.beam", 2), ("selectbox", "w:beam.hyp", 2), ("slider", "w:beam.beam", 7),
                        ("select_slider", "w:beam.alt_step", 2), ("select_slider", "w:beam.alt_step", 3),
                        ("slider", "w:beam.lp", 0.3)],
    EXPLAIN: [("multiselect", "w:explain.block", [0, 1]), ("selectbox", "w:explain.ov_step", 2),
              ("selectbox", "w:explain.ov_piece", 1), ("text_area", "w:explain.sentence", "Tom bought a red car yesterday."),
              ("text_area", "w:explain.sentence", "We will go to the beach tomorrow.")],
}


@pytest.mark.parametrize("page", list(RELABELS))
def test_every_box_shows_its_values_text_after_each_change_as_a_fresh_link_does(tiny_env, page):
    """Issue: on the Beam page, after a beam change the hypothesis box went on showing the text of
    the hypothesis of the beam before, where the link opened afresh showed the new one."""
    at, browser = open_link(page, {"methods": "saliency"} if page == EXPLAIN else {}), Browser()
    assert browser.look(at) == labels(at)
    for kind, key, value in RELABELS[page]:
        w = widget(at, kind, key)
        if kind in ("selectbox", "multiselect"):
            browser.choose(w, value)
        w.set_value(value).run()
        assert not at.exception, at.exception
        shown = browser.look(at)
        assert shown == labels(at), (key, value, shown, labels(at))
        fresh = open_link(page, dict(at.query_params))
        assert Browser().look(fresh) == shown, (key, value, dict(at.query_params))
