"""s2s.ui.projector (through s2s.ui.widgets) in AppTest (tiny checkpoints): the toggle, the CSS, the
folded introduction, figures stacked one per row with their least width, the clicker's script.
What the browser draws of it is measured in tests/test_browser_projector.py."""

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app_fixtures import tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s.figures import style
from s2s.ui import widgets

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run(page: str | None, projector: bool) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state[widgets.PROJECTOR_KEY] = projector  # as a link (?projector=1) would set it
    at.run()
    assert at.toggle(key="w:" + widgets.PROJECTOR_KEY).value is projector
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def htmls(at: AppTest) -> list[str]:
    """st.html bodies and the markdown carrying CSS."""
    return [h.proto.body for h in at.get("html")] + [m.value for m in at.markdown if "<style>" in m.value]


def test_css_class_matches_streamlits_key_class():
    assert widgets.css_class("w:step.next") == "st-key-w-step-next"
    assert widgets.css_class("a b<c>") == "st-key-a-b-c-"  # nothing of markup survives


def test_projector_toggle_css_and_folded_intro(tiny_env):
    home = run(None, True)
    assert widgets.PROJECTOR_CSS in htmls(home)  # in the sidebar (AppTest shows it on the first run)
    assert widgets.PROJECTOR_CSS not in htmls(run(None, False))
    at = run("pages/2_attention.py", True)
    assert at.session_state[widgets.PROJECTOR_KEY] is True
    assert [e.label for e in at.expander][:1] == ["Introduction"]
    intro = at.expander[0].markdown[0].value
    assert intro.startswith("At every decoder step")
    normal = run("pages/2_attention.py", False)
    assert intro in [m.value for m in normal.main.markdown]  # shown as it is, outside any expander
    assert "Introduction" not in [e.label for e in normal.expander]


def test_projector_stacks_figures_and_keeps_their_least_width(tiny_env):
    at = run(None, True)  # translate & compare: vanilla + bahdanau by default
    assert not at.columns or all(len(c.get("plotly_chart")) == 0 for c in at.columns)  # no figure in a column
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert charts and charts[0]["layout"]["xaxis"]["tickfont"]["size"] == style.font_size(True)
    least = charts[0]["layout"]["meta"]["min_width"]
    assert any(f"min-width: {least}px" in h for h in htmls(at))
    normal = run(None, False)
    assert any(len(c.get("plotly_chart")) for c in normal.columns)  # side by side on a laptop


def test_step_player_installs_the_clicker_keys(tiny_env):
    at = run("pages/6_step_player.py", True)
    script = next(h for h in htmls(at) if "keydown" in h)
    assert ".st-key-w-step-next button" in script and ".st-key-w-step-prev button" in script
    assert "PageDown" in script and "ArrowLeft" in script


def test_training_lab_and_explain_fold_their_intro_and_stack_their_figures(tiny_env):
    for page, start in (("pages/7_training_lab.py", "Train two small models"), ("pages/9_explain.py", "")):
        at = run(page, True)
        assert [e.label for e in at.expander][:1] == ["Introduction"], page
        assert at.expander[0].markdown[0].value.startswith(start)
        assert "Introduction" not in [e.label for e in run(page, False).expander]
    at.multiselect(key="w:explain.block").set_value([0]).run()  # the original / blocked / removed figures too
    assert not at.exception and len(at.get("plotly_chart")) >= 4
    assert all(len(c.get("plotly_chart")) == 0 for c in at.columns)  # no figure shares a row
    normal = run("pages/9_explain.py", False)
    assert any(len(c.get("plotly_chart")) for c in normal.columns)  # side by side on a laptop
