"""Shareable links in a real browser (Debian's chromium through Playwright, one server for all
pages): on every page, set a view that is not the default with the widgets, take
`location.href`, open it in a fresh browser context, and find the same widgets and the same
data in the first figure. Also: a deep link as the server's first visit, and a language switch
that re-labels the preset box and keeps the view. Skipped without /usr/bin/chromium.
"""

import json
import shutil

import pytest

from app_fixtures import needs_browser, tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app
from s2s.ui.strings import TEXT

EN, KO = TEXT["en"], TEXT["ko"]
pytestmark = needs_browser

# the widgets' shown state and the first figure's data, read from the DOM
VIEW_JS = """() => {
  const all = (sel) => [...document.querySelectorAll(sel)];
  const fig = document.querySelector('.js-plotly-plot');
  return JSON.stringify({
    text: all('[data-testid="stMain"] textarea, [data-testid="stMain"] [data-testid="stTextInput"] input').map(e => e.value),
    select: all('[data-testid="stSelectbox"] input').map(e => e.value),
    multi: all('[data-testid="stMultiSelect"] [data-baseweb="tag"]').map(e => e.innerText),
    radio: all('[data-testid="stRadio"] input:checked').map(e => e.closest('label').innerText),
    slider: all('[data-testid="stSlider"] input[type="range"]').map(e => e.getAttribute('aria-valuetext')),
    check: all('input[type="checkbox"]').map(e => e.checked),
    number: all('[data-testid="stNumberInput"] input').map(e => e.value),
    figure: fig && fig.data ? fig.data.map(t => ({type: t.type, x: t.x, y: t.y, z: t.z, text: t.text})) : null,
  });
}"""
SENTENCE = "The cat sleeps on the sofa."


def view(page) -> dict:
    return json.loads(page.evaluate(VIEW_JS))


def settled_view(page, tries: int = 30) -> dict:
    """The view once two reads half a second apart agree: a rerun may still be redrawing widgets
    (e.g. the hypothesis box after a beam change) when the script has finished."""
    last = view(page)
    for _ in range(tries):
        page.wait_for_timeout(500)
        now = view(page)
        if now == last:
            return now
        last = now
    return last


def wait_url(page, *params: str, timeout_ms: int = 90_000) -> None:
    """Until the address holds every `key=value` of `params` and the page is done."""
    page.wait_for_function("(ps) => ps.every(p => location.search.includes(p))", arg=list(params),
                           timeout=timeout_ms, polling=100)


def type_text(page, text: str) -> None:
    box = page.locator('[data-testid="stMain"] textarea').first
    box.fill(text)
    box.press("Control+Enter")


def click_radio(page, label: str) -> None:
    page.locator('[data-testid="stRadio"] label').filter(has_text=label).first.click()


def slider_right(page, index: int, times: int) -> None:
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').nth(index)
    thumb.focus()
    for _ in range(times):
        thumb.press("ArrowRight")


def beam_then_text(page) -> None:
    """A new beam, then a new sentence: the second change alone changes the text of every hypothesis
    while hypothesis 1 stays chosen (the box must show the new sentence's, as a fresh browser does)."""
    slider_right(page, 0, 2)
    wait_url(page, "beam=6")
    bench_app.wait_done(page, 0, 1)
    type_text(page, SENTENCE)


# page url path ("": the home page) -> (what a person does, the parameters that must appear, charts to wait for)
STEPS = {
    "": (lambda p: (type_text(p, SENTENCE), click_radio(p, EN["w.beam"])), ["text=The+cat", "beam=5"], 1),
    "attention": (lambda p: (type_text(p, SENTENCE), click_radio(p, EN["at.words"])), ["text=The+cat", "level=words"], 3),
    "beam": (beam_then_text, ["text=The+cat", "beam=6"], 1),
    "context": (lambda p: type_text(p, "I am hungry.\nI am tired.\nHe is hungry."), ["text=I+am+hungry."], 2),
    "bottleneck": (lambda p: (click_radio(p, "chrF"), click_radio(p, EN["bn.dir.b"])), ["metric=chrf", "dir=b"], 2),
    "step_player": (lambda p: (type_text(p, SENTENCE), p.get_by_role("button", name=EN["sp.next"]).click()),
                    ["text=The+cat", "t=2"], 2),
    "embeddings": (lambda p: (p.locator('[data-testid="stMain"] [data-testid="stTextInput"] input').first.fill("house"),
                              p.keyboard.press("Enter")), ["word=house"], 1),
    # a new sentence: the overridden step and piece stay chosen, the text of their options changes
    "explain": (lambda p: type_text(p, "Tom bought a red car yesterday."), ["text=Tom+bought"], 6),
}


@pytest.fixture(scope="module")
def evaluated_tiny_root(tiny_root, tmp_path_factory):
    """The tiny root with real (tiny) test metrics for two checkpoints: the bottleneck page has lines."""
    from test_app_analysis_pages import add_test_metrics

    root = tmp_path_factory.mktemp("links") / "checkpoints"
    shutil.copytree(tiny_root, root)
    return add_test_metrics(root)


def test_every_page_is_a_link_that_reopens_the_same_view(evaluated_tiny_root):
    sync_api = pytest.importorskip("playwright.sync_api")
    with bench_app.serve(evaluated_tiny_root) as (url, _proc), sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            # the server's first visit is a shared link to another page than the home page
            first = browser.new_context().new_page()
            first.goto(f"{url}/step_player?text=I+am+hungry.&t=2&lang=ko&projector=1")
            first.get_by_role("heading", name=KO["sp.title"]).first.wait_for(timeout=120_000)
            bench_app.wait_done(first, 0, 2)
            assert first.locator('[data-testid="stMain"] textarea').first.input_value() == "I am hungry."
            assert view(first)["slider"][-1] == "2"  # the step
            assert view(first)["check"][0] is True  # the projector toggle
            first.context.close()

            context = browser.new_context(viewport={"width": 1280, "height": 1600})
            page = context.new_page()
            for name, (act, params, n_charts) in STEPS.items():
                page.goto(f"{url}/{name}")
                bench_app.wait_done(page, 0, n_charts)
                act(page)
                wait_url(page, *params)
                bench_app.wait_done(page, 0, n_charts)
                seen = settled_view(page)
                href = page.evaluate("location.href")
                fresh = browser.new_context(viewport={"width": 1280, "height": 1600})
                other = fresh.new_page()
                other.goto(href)
                bench_app.wait_done(other, 0, n_charts)
                wait_url(other, *params)
                again = settled_view(other)
                assert again == seen, (name, href, seen, again)
                assert seen["figure"], name
                fresh.close()

            # a new language re-labels the preset box and keeps the view; the link carries it
            page.goto(url)
            bench_app.wait_done(page, 0, 1)
            type_text(page, SENTENCE)
            wait_url(page, "text=The+cat")
            bench_app.wait_done(page, 0, 1)
            page.get_by_text(KO["_language"]).click()
            wait_url(page, "lang=ko")
            page.get_by_role("heading", name=KO["tr.title"]).first.wait_for(timeout=60_000)
            bench_app.wait_done(page, 0, 1)
            shown = view(page)
            assert KO["w.preset.none"] in shown["select"] and EN["w.preset.none"] not in shown["select"]
            assert KO["w.greedy"] in shown["radio"] and EN["w.greedy"] not in shown["radio"]  # options too
            assert shown["text"][0] == SENTENCE
            context.close()
        finally:
            browser.close()
