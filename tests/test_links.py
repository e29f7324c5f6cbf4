"""s2s.ui.links: a link read into the page's state once per session and page, the view written
back (only what differs from its defaults), late fields bounded by `settle` / `settle_many`, and
the link's problems shown as plain text in the page's box until the view changes.

Fast: Streamlit's session state, query parameters, container and message boxes are replaced by
the small `Browser` below, with the semantics links.py relies on (a parameter may repeat, the
last one counts; `from_dict` replaces the whole query). The same behaviour through the real
Streamlit, on every page: tests/test_app_links.py and tests/test_app_query_params.py (AppTest),
tests/test_browser_links.py (a browser).
"""

from __future__ import annotations

import re

import pytest
import streamlit

from s2s.ui import links, widgets
from s2s.ui.strings import LANG_KEY, TEXT

NS = "demo"
SCHEMA = links.Schema(NS, (
    links.text("text", f"{NS}.sentence", 40, default="Hello."),
    links.choices("models", f"{NS}.models", max_len=3),  # choices and default given when read
    links.integer("beam", f"{NS}.beam", 1, 16, default=5),
    links.number("lp", f"{NS}.lp", 0.0, 2.0, default=1.0, step=0.1),
    links.flag("quick", f"{NS}.quick", default=True),
    links.integer("hyp", f"{NS}.hyp", 1, 16, default=1, late=True),  # bounded by the page's results
    links.text("traj", f"{NS}.traj", 40, late=True),  # one of the page's sentences (settled with a list)
    links.Field("block", f"{NS}.block", "choices", default=[], late=True),
))
MODELS = ["a/vanilla", "a/dot", "a/general", "a/concat"]
DEFAULT_MODELS = ["a/vanilla", "a/dot"]
PAIRS = ["eng-fra", "eng-spa"]
EN = TEXT["en"]


class QueryParams:
    """What links.py uses of st.query_params."""

    def __init__(self, query: dict):
        self.items = {k: list(v) if isinstance(v, list) else [v] for k, v in query.items()}
        self.writes = 0

    def __contains__(self, key):
        return key in self.items

    def get_all(self, key):
        return list(self.items.get(key, []))

    def to_dict(self):
        return {k: v[-1] for k, v in self.items.items() if v}

    def from_dict(self, params):
        self.browser._after_stop()
        self.writes += 1
        self.items = {k: [v] for k, v in params.items()}


class Box:
    def __init__(self, browser):
        self.browser, self.messages = browser, []

    def __enter__(self):
        self.browser.inside.append(self)

    def __exit__(self, *exc):
        self.browser.inside.pop()


class Stopped(Exception):
    pass


class Browser:
    """One session's Streamlit as links.py sees it: state, the address, what each run showed."""

    def __init__(self, monkeypatch, query: dict | None = None):
        self.session_state, self.query_params = {}, QueryParams(query or {})
        self.inside: list[Box] = []
        self.boxes: list[Box] = []
        self.loose: list[str] = []  # messages outside any box (at the page's end)
        self.errors: list[str] = []  # link problems are warnings, never errors
        self.stopped = False
        self.query_params.browser = self
        for name in ("session_state", "query_params", "container", "warning", "error", "stop"):
            monkeypatch.setattr(streamlit, name, getattr(self, name))

    def container(self):
        self.boxes.append(Box(self))
        return self.boxes[-1]

    def warning(self, text):
        self._after_stop()
        (self.inside[-1].messages if self.inside else self.loose).append(text)

    def error(self, text):
        self._after_stop()
        self.errors.append(text)

    def stop(self):
        self.stopped = True
        raise Stopped

    def _after_stop(self):
        if self.stopped:  # after st.stop every call that sends something stops the script again
            raise Stopped

    @property
    def shown(self) -> list[str]:
        """This run's messages in the page's box (the last box opened)."""
        return self.boxes[-1].messages if self.boxes else []

    @property
    def address(self) -> dict:
        return self.query_params.to_dict()

    def run(self, pairs=PAIRS, page=None, schema=SCHEMA, choices=None, defaults=None):
        """One script run: app.py's begin, the page (read, its widgets, `page(ss)`), app.py's finish."""
        self.boxes.clear()
        self.loose.clear()
        self.stopped = False
        links.begin(list(pairs))
        try:
            if schema is not None:
                links.read(schema, {"models": MODELS} if choices is None else choices,
                           {"models": DEFAULT_MODELS} if defaults is None else defaults)
                for key, default in (("sentence", "Hello."), ("models", DEFAULT_MODELS), ("beam", 5), ("lp", 1.0),
                                     ("quick", True)):
                    self.widget(f"{NS}.{key}", default)
            if page:
                page(self.session_state)
        except Stopped:
            pass
        try:
            links.finish()  # app.py's, in its `finally`
        except Stopped:
            pass
        assert self.errors == []
        return self

    def widget(self, key, default):
        """A widget built as the pages build theirs: from its widget key, its value kept."""
        return widgets.keep(key, self.session_state[widgets.widget_key(key, default)])

    def change(self, key, value):
        """The user sets a widget before the next run (Streamlit puts its value under its key)."""
        self.session_state["w:" + key] = value


def en(key, **fields):
    return widgets.escape_md(EN[key].format(**fields))


@pytest.fixture
def browser(monkeypatch):
    return lambda query=None: Browser(monkeypatch, query)


# --- read and write back ---

def test_a_link_fills_the_page_and_the_page_writes_the_same_link(browser):
    query = {"text": "Where is the station?", "models": "a/general,a/dot", "beam": "3", "lp": "0.6", "quick": "0"}
    b = browser(query).run()
    ss = b.session_state
    assert ss["demo.sentence"] == "Where is the station?" and ss["demo.models"] == ["a/general", "a/dot"]
    assert ss["w:demo.beam"] == 3 and ss["w:demo.lp"] == 0.6 and ss["w:demo.quick"] is False
    assert b.address == query and b.shown == []
    again = browser(b.address).run()  # the written link reopened in a new session: the same view
    assert {k: again.session_state[k] for k in ss if k.startswith("demo.")} == {
        k: v for k, v in ss.items() if k.startswith("demo.")}


def test_a_view_at_its_defaults_has_an_empty_link_and_is_not_rewritten(browser):
    b = browser().run()
    assert b.address == {} and b.query_params.writes == 0
    b.change("demo.beam", 5)
    b.run()
    assert b.query_params.writes == 0
    b.change("demo.beam", 7)
    b.run()
    assert b.address == {"beam": "7"} and b.query_params.writes == 1
    b.run()  # the same view again: the address is not written again
    assert b.query_params.writes == 1


def test_only_values_that_differ_from_their_default_are_written(browser):
    b = browser({"lp": "1.0", "models": "a/vanilla,a/dot", "quick": "1", "text": "Hello."}).run()
    assert b.address == {}
    b = browser({"models": "a/dot,a/vanilla"}).run()  # the default models in another order are another view
    assert b.address == {"models": "a/dot,a/vanilla"}


def test_the_link_is_read_once_per_session_and_page(browser):
    b = browser({"beam": "3"}).run()
    b.change("demo.beam", 8)
    b.run()
    assert b.session_state["demo.beam"] == 8 and b.address == {"beam": "8"}
    b.query_params.items["beam"] = ["2"]  # the address changed by hand later: the session's view stays
    b.run()
    assert b.session_state["demo.beam"] == 8
    other = links.Schema("other", (links.integer("beam", "other.beam", 1, 16, default=5),))
    b.run(schema=other)  # another page reads its own fields from the link it is opened with
    assert b.session_state["other.beam"] == 8


def test_a_link_value_replaces_what_the_widget_held(browser):
    b = browser({"beam": "3"})
    b.session_state["w:demo.beam"] = 9
    b.run()
    assert b.session_state["w:demo.beam"] == 3 and b.session_state["demo.beam"] == 3


def test_a_refused_value_leaves_the_widget_alone(browser):
    b = browser({"beam": "x"})
    b.session_state["w:demo.beam"] = 9
    b.run()
    assert b.session_state["w:demo.beam"] == 9


def test_a_parameter_given_twice_counts_once_the_last(browser):
    b = browser({"beam": ["3", "4", "6"]}).run()
    assert b.session_state["demo.beam"] == 6 and b.address == {"beam": "6"}


# --- the link's problems ---

def test_bad_values_are_said_in_the_pages_box_until_the_view_changes(browser):
    b = browser({"beam": "999", "lp": "x", "text": "fine"}).run()
    assert b.session_state["demo.beam"] == 16 and b.session_state["demo.lp"] == 1.0  # clamped; refused: the default
    said = [en("ln.range", name="beam", value="999", lo="1", hi="16", used="16"),
            en("ln.not_number", name="lp", value="x", used="1")]
    assert b.shown == said and b.loose == []
    assert b.address == {"beam": "16", "text": "fine"}  # the link now says what the page shows
    b.run()
    assert b.shown == said  # still the view the link opened
    b.change("demo.beam", 4)
    b.run()
    assert b.shown == []
    b.change("demo.beam", 16)
    b.run()  # back to the link's view: the messages were about the link, not the view
    assert b.shown == []


def test_a_new_language_relabels_the_messages_and_keeps_them(browser):
    b = browser({"beam": "0"}).run()
    assert b.shown == [en("ln.range", name="beam", value="0", lo="1", hi="16", used="1")]
    b.session_state[LANG_KEY] = "ko"
    b.run()
    assert b.shown == [widgets.escape_md(TEXT["ko"]["ln.range"].format(name="beam", value="0", lo="1", hi="16",
                                                                        used="1"))]
    assert b.address == {"beam": "1", "lang": "ko"}


def test_html_in_a_link_is_shown_as_text(browser):
    html = '<img src=x onerror="alert(1)">'
    b = browser({"text": html, "beam": html, "traj": "<b>x</b>"})
    b.run(page=lambda ss: links.settle(SCHEMA, "traj", ["one", "two"], "one"))
    assert b.session_state["demo.sentence"] == html  # the text itself, to be shown escaped by the page
    assert len(b.shown) == 2
    for text in b.shown:
        assert "\\<" in text and re.search(r"(?<!\\)[<>]", text) is None  # every < and > escaped: never run
    assert b.shown[1] == en("ln.unknown", name="traj", value="<b>x</b>", used="one")


def test_a_page_stopped_early_still_writes_its_view_and_shows_its_messages(browser):
    def page(ss):
        links.stop()
        ss["after"] = True

    b = browser({"beam": "99"})
    b.run(page=page)
    assert "after" not in b.session_state and b.address == {"beam": "16"}
    assert len(b.shown) == 1  # app.py's finish after st.stop shows nothing twice


# --- the link's global values ---

def test_language_pair_and_projector_come_from_the_link(browser):
    b = browser({"lang": "ko", "pair": "eng-fra", "projector": "1"}).run()
    ss = b.session_state
    assert ss[LANG_KEY] == "ko" and ss[links.PAIR_KEY] == "eng-fra" and ss[widgets.PROJECTOR_KEY] is True
    assert b.address == {"lang": "ko", "pair": "eng-fra", "projector": "1"}
    assert browser({"lang": "en", "pair": "eng-spa", "projector": "0"}).run().address == {}


def test_the_default_pair_is_eng_spa_or_the_first(browser):
    b = browser({"pair": "xx"}).run(pairs=["fra-eng", "deu-eng"])
    assert b.shown == [en("ln.unknown", name="pair", value="xx", used="fra-eng")]
    b.session_state[links.PAIR_KEY] = "fra-eng"
    b.run(pairs=["fra-eng", "deu-eng"])
    assert b.address == {}
    b.session_state[links.PAIR_KEY] = "deu-eng"
    b.run(pairs=["fra-eng", "deu-eng"])
    assert b.address == {"pair": "deu-eng"}


def test_global_values_are_read_once_per_session(browser):
    b = browser({"lang": "ko"}).run()
    b.session_state[LANG_KEY] = "en"  # the user switches back
    b.query_params.items["lang"] = ["ko"]
    b.run()
    assert b.session_state[LANG_KEY] == "en" and b.address == {}


def test_without_checkpoints_the_pair_is_not_read(browser):
    b = browser({"pair": "eng-fra", "lang": "ko", "projector": "1"}).run(pairs=[], schema=None)
    assert links.PAIR_KEY not in b.session_state and b.session_state[LANG_KEY] == "ko"
    assert b.session_state[widgets.PROJECTOR_KEY] is True
    assert b.loose == [] and b.address == {"lang": "ko", "projector": "1"}


def test_a_page_that_has_not_joined_shows_the_global_problems_at_its_end(browser):
    b = browser({"lang": "xx", "beam": "3"}).run(schema=None)
    assert b.boxes == [] and b.loose == [en("ln.unknown", name="lang", value="xx", used="en")]
    assert b.address == {}  # such a page has no parameters of its own


def test_a_page_script_run_on_its_own_still_reads_its_link(browser):
    b = browser({"beam": "3", "lang": "ko"})
    links.read(SCHEMA)  # no app.py: no begin
    assert b.session_state["demo.beam"] == 3 and b.session_state[LANG_KEY] == "ko"


# --- late fields ---

def hyp_page(n):
    def page(ss):
        ss["bounded"] = links.settle(SCHEMA, "hyp", (1, n), 1)
        widgets.keep(f"{NS}.hyp", ss[ss["bounded"]])
    return page


def test_a_late_number_waits_for_the_pages_range(browser):
    b = browser({"hyp": "50"}).run(page=hyp_page(4))  # past the declared 16 too: one message, the page's range
    ss = b.session_state
    assert ss["bounded"] == "w:demo.hyp" and ss["w:demo.hyp"] == 4 and ss["demo.hyp"] == 4
    assert b.shown == [en("ln.range", name="hyp", value="50", lo="1", hi="4", used="4")]
    assert b.address == {"hyp": "4"}
    b.run(page=hyp_page(2))  # a later, smaller range follows the user's view silently
    assert ss["demo.hyp"] == 2 and not any("1–2" in m for m in b.shown)
    assert b.address == {"hyp": "2"}


def test_a_late_number_in_range_is_kept_and_said_nothing(browser):
    b = browser({"hyp": "12"}).run(page=hyp_page(16))
    assert b.session_state["demo.hyp"] == 12 and b.shown == [] and b.address == {"hyp": "12"}
    b = browser({"hyp": "1"}).run(page=hyp_page(3))  # the page's default: not written
    assert b.address == {}


def test_a_late_field_is_written_only_once_settled(browser):
    b = browser({"hyp": "3"}).run()  # the page stopped before it knew the range
    assert b.address == {}
    b.run(page=hyp_page(5))
    assert b.address == {"hyp": "3"}


def test_a_late_problem_found_in_a_later_run_is_shown(browser):
    b = browser({"hyp": "9"}).run()  # the first run stopped before the results
    b.run(page=hyp_page(4))
    assert b.shown == [en("ln.range", name="hyp", value="9", lo="1", hi="4", used="4")]
    choices = {"models": MODELS, "block": [str(j) for j in range(50)]}
    b = browser({"block": "7,1"}).run(choices=choices)
    b.run(page=block_page(range(3)), choices=choices)
    assert b.session_state["demo.block"] == [1] and b.shown == [en("ln.dropped", name="block", values="7")]


def test_a_late_float_is_put_on_the_grid_when_settled(browser):
    temp = links.Field("temp", "demo.temp", "float", default=1.0, lo=0.0, hi=5.0, step=0.5, late=True)
    schema = links.Schema(NS, SCHEMA.fields + (temp,))
    b = browser({"temp": "9.2"}).run(schema=schema, page=lambda ss: links.settle(schema, "temp", (0.0, 2.0), 1.0))
    assert b.session_state["demo.temp"] == 2.0
    assert b.shown == [en("ln.range", name="temp", value="9.2", lo="0", hi="2", used="2")]
    b = browser({"temp": "1.3"}).run(schema=schema, page=lambda ss: links.settle(schema, "temp", (0.0, 2.0), 1.0))
    assert b.session_state["demo.temp"] == 1.5 and b.address == {"temp": "1.5"}


def test_finish_before_any_run_does_nothing(browser):
    b = browser({"beam": "3"})
    links.finish()
    assert b.address == {"beam": "3"} and b.boxes == [] and b.loose == []


def test_a_late_number_without_a_usable_value_takes_the_default(browser):
    b = browser().run(page=hyp_page(4))
    assert b.session_state["w:demo.hyp"] == 1 and b.shown == []
    b.session_state["w:demo.hyp"] = None  # not a number: no range applies
    b.run(page=hyp_page(4))
    assert b.session_state["w:demo.hyp"] == 1 and b.session_state["demo.hyp"] == 1


def test_settle_keeps_a_widget_value_in_range_as_it_is(browser):
    b = browser().run(page=hyp_page(4))
    b.change("demo.hyp", 3)
    b.run(page=hyp_page(4))
    assert b.session_state["w:demo.hyp"] == 3 and b.address == {"hyp": "3"}


def traj_page(allowed, default):
    def page(ss):  # a selectbox on the widget key settle returns, its value kept (as the pages do)
        ss["bounded"] = links.settle(SCHEMA, "traj", allowed, default)
        widgets.keep(f"{NS}.traj", ss[ss["bounded"]])
    return page


def test_a_late_choice_outside_the_pages_values_takes_the_default(browser):
    b = browser({"traj": "I am lost."}).run(page=traj_page(["I am here.", "I am there."], "I am here."))
    ss = b.session_state
    assert ss["bounded"] == "w:demo.traj" and ss["w:demo.traj"] == "I am here." and ss["demo.traj"] == "I am here."
    assert b.shown == [en("ln.unknown", name="traj", value="I am lost.", used="I am here.")]
    assert b.address == {}  # the default of this run
    b = browser({"traj": "I am there."}).run(page=traj_page(["I am here.", "I am there."], "I am here."))
    assert b.session_state["demo.traj"] == "I am there." and b.shown == [] and b.address == {"traj": "I am there."}


def test_a_late_choice_that_is_not_from_the_link_is_replaced_silently(browser):
    b = browser().run(page=traj_page(["x", "y"], "x"))
    b.change("demo.traj", "gone")  # the page's values changed under the user's choice
    b.run(page=traj_page(["x", "y"], "x"))
    assert b.session_state["demo.traj"] == "x" and b.shown == []


def block_page(allowed, default=(), schema=SCHEMA, key="block"):
    def page(ss):  # a multiselect on the widget key settle_many returns, its value kept
        ss["bounded"] = links.settle_many(schema, key, allowed, list(default))
        widgets.keep(f"{NS}.{key}", ss[ss["bounded"]])
    return page


def test_a_late_list_keeps_the_known_values_in_the_links_order(browser):
    choices = {"models": MODELS, "block": [str(j) for j in range(50)]}
    b = browser({"block": "4,0,9,x"}).run(page=block_page(range(6)), choices=choices)
    ss = b.session_state
    assert ss["bounded"] == "w:demo.block" and ss["w:demo.block"] == [4, 0] and ss["demo.block"] == [4, 0]
    # x is no piece at all (refused when read), 9 no piece of this sentence (when settled)
    assert b.shown == [en("ln.dropped", name="block", values="x"), en("ln.dropped", name="block", values="9")]
    assert b.address == {"block": "4,0"}
    b.run(page=block_page(range(3)), choices=choices)  # later drops follow the view silently
    assert ss["demo.block"] == [0] and en("ln.dropped", name="block", values="4") not in b.shown
    b.change("demo.block", [])
    b.run(page=block_page(range(3)), choices=choices)
    assert b.address == {} and b.shown == []


def test_a_late_list_names_at_most_five_dropped_values(browser):
    choices = {"models": MODELS, "block": [str(j) for j in range(50)]}
    b = browser({"block": "10,11,12,13,14,15,1"}).run(page=block_page(range(3)), choices=choices)
    assert b.session_state["demo.block"] == [1]
    assert b.shown == [en("ln.dropped", name="block", values="10, 11, 12, 13, 14 …")]
    b = browser({"block": "10,11,12,13,14,1"}).run(page=block_page(range(3)), choices=choices)
    assert b.shown == [en("ln.dropped", name="block", values="10, 11, 12, 13, 14")]


def test_a_late_list_from_the_widget_or_a_single_value(browser):
    b = browser().run(page=block_page([0, 1, 2]))
    assert b.session_state["w:demo.block"] == [] and b.address == {}
    b.change("demo.block", 2)  # one value, not a list: the widget gets the list
    b.run(page=block_page([0, 1, 2]))
    assert b.session_state["demo.block"] == [2] and b.session_state["w:demo.block"] == [2]
    b.change("demo.block", (1, 2))
    b.run(page=block_page([0, 1, 2]))
    assert b.session_state["w:demo.block"] == [1, 2] and b.address == {"block": "1,2"} and b.shown == []


def test_a_late_list_without_a_default_of_its_own_starts_from_the_pages(browser):
    pick = links.Field("pick", f"{NS}.pick", "choices", late=True)
    schema = links.Schema(NS, SCHEMA.fields + (pick,))
    page = block_page(["x", "y", "z"], default=["z", "x"], schema=schema, key="pick")
    b = browser().run(schema=schema, page=page)
    assert b.session_state["w:demo.pick"] == ["z", "x"] and b.address == {}  # the page's default: not written
    b.change("demo.pick", ["y"])
    b.run(schema=schema, page=page)
    assert b.address == {"pick": "y"}
    b.change("demo.pick", [])
    b.run(schema=schema, page=page)
    assert b.address == {"pick": ""}


def test_settle_works_in_a_page_that_has_not_read_a_link(browser):
    b = browser({"hyp": "9", "block": "1"})  # no begin, no read: the link is not this page's
    assert links.settle(SCHEMA, "hyp", (1, 4), 1) == "w:demo.hyp" and b.session_state["demo.hyp"] == 1
    b.change("demo.hyp", 7)
    links.settle(SCHEMA, "hyp", (1, 4), 1)
    assert b.session_state["w:demo.hyp"] == 4 and b.session_state["demo.hyp"] == 4
    assert links.settle_many(SCHEMA, "block", [0, 1], [0]) == "w:demo.block" and b.session_state["demo.block"] == [0]
    b.change("demo.block", [1, 5])
    links.settle_many(SCHEMA, "block", [0, 1], [0])
    assert b.session_state["w:demo.block"] == [1] and b.session_state["demo.block"] == [1]
