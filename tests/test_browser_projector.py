"""Projector mode in a real browser at 1280x720 (Debian's chromium, like tests/test_browser.py).

Switches the sidebar's "Projector mode" on, then measures what a room sees: the rendered size of the
attention heatmap's tick labels, legend and hover text (>= 16 px), the heatmap's width against the
main area's (>= 80 %), tick labels that do not overlap, a page title larger than body text, nothing
cut off in the sidebar or the model tags, the introduction folded, a vanilla model's note on a row of
its own, the sidebar collapsed without losing the mode, and the step player stepping on Page Down /
Page Up / arrows as a clicker sends them. Then every other page in projector mode: every figure's
tick labels, legends and the numbers written in bars and cells (their size on screen, after plotly's
own scaling) >= 16 px and never overlapping, every heatmap >= 80 % of the main area, the title
larger than body text; on the Training lab, after a short run, the clicker's keys move the snapshot
slider. The measured values go to tests/artifacts/projector*.json.
With S2S_SCREENSHOTS set, it saves projector_attention.png and projector_step_player.png there.
"""

import json
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from app_fixtures import needs_browser, shipped_root, tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SHOTS = Path(os.environ["S2S_SCREENSHOTS"]) if os.environ.get("S2S_SCREENSHOTS") else None
VIEWPORT = {"width": 1280, "height": 720}
# 40-odd pieces with the shipped tokenizer: a long input must keep readable cells (it scrolls)
LONG = ("When I was a child, my grandmother used to tell me long stories about the small village in the "
        "mountains where she had grown up with her four brothers.")
MIN_PX = 16

pytestmark = needs_browser

# sizes of the first heatmap (the first plot whose trace is a heatmap) and of the page around it
MEASURE_JS = """() => {
  const px = e => e ? parseFloat(getComputedStyle(e).fontSize) : null;
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const cs = getComputedStyle(main);
  const mainWidth = main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const heat = plots.find(p => p.querySelector('.heatmaplayer .hm, .heatmaplayer image'));
  const ticks = heat ? [...heat.querySelectorAll('.xtick text, .ytick text')] : [];
  const boxes = axis => [...heat.querySelectorAll(`.${axis}tick text`)].map(t => t.getBoundingClientRect());
  const overlaps = axis => { const b = boxes(axis); let n = 0;
    for (let i = 1; i < b.length; i++) {
      const a = b[i - 1], c = b[i];
      if (a.left < c.right - 0.5 && c.left < a.right - 0.5 && a.top < c.bottom - 0.5 && c.top < a.bottom - 0.5) n++;
    } return n; };
  // page names, model tags, button labels: cut with "…" or sticking out of their box (on screen only:
  // a collapsed sidebar is moved off it)
  const cut = [...document.querySelectorAll('[data-testid="stSidebarNav"] a span[label] p, [data-tag] > span, [data-testid="stButton"] p')]
    .filter(e => { const r = e.getBoundingClientRect();
      const box = (e.closest('[data-testid="stMultiSelectTagsContainer"]') || e.closest('[data-testid="stSidebarNav"]')
                   || e.closest('button')).getBoundingClientRect();
      return r.right > 0 && (e.scrollWidth > e.clientWidth + 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1); })
    .map(e => e.textContent);
  const legend = document.querySelector('.js-plotly-plot .legendtext');
  return {
    main_width: mainWidth, heatmap_width: heat ? heat.getBoundingClientRect().width : null,
    heatmap_svg_width: heat ? heat.querySelector('.main-svg').getBoundingClientRect().width : null,
    heatmap_scrolls: heat && heat.closest('[class*="st-key-figscroll"]') ? (s => s.scrollWidth > s.clientWidth)(heat.closest('[class*="st-key-figscroll"]')) : false,
    tick_px_min: ticks.length ? Math.min(...ticks.map(px)) : null, n_ticks: ticks.length,
    x_overlaps: heat ? overlaps('x') : null, y_overlaps: heat ? overlaps('y') : null,
    legend_px: px(legend), h1_px: px(document.querySelector('h1')),
    body_px: px(document.querySelector('[data-testid="stMarkdownContainer"] p')), cut_off: cut,
  };
}"""
# the element near the top of the screen, with 100 px above it (a title, a label)
SCROLL_TO_JS = """e => { e.scrollIntoView({block: 'start'}); document.querySelector('[data-testid="stMain"]').scrollBy(0, -100); }"""
HEATMAP = ".js-plotly-plot:has(.heatmaplayer .hm)"
SLIDER_JS = """() => { const s = document.querySelector('.st-key-w-step-t [data-testid="stSliderThumbValue"]');
  return s ? Number(s.textContent) : null; }"""  # the step player's step


# every figure on the page: its smallest tick label, legend entry and number written in a bar or a
# heatmap's cell, as drawn on screen (font size x the scale of the element's transform: plotly
# shrinks text in bars with a transform, not with its font size), how many numbers it has and shows
# (plotly hides one that would have to shrink), overlapping numbers; and the page around them
PAGE_JS = """() => {
  const px = e => e ? parseFloat(getComputedStyle(e).fontSize) : null;
  const shown = e => getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0;
  const screenPx = e => { const m = e.getScreenCTM(); return px(e) * Math.hypot(m.a, m.b); };
  const least = els => els.length ? Math.min(...els.map(screenPx)) : null;
  const overlaps = boxes => { let n = 0;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], c = boxes[j];
      if (a.left < c.right - 0.5 && c.left < a.right - 0.5 && a.top < c.bottom - 0.5 && c.top < a.bottom - 0.5) n++;
    } return n; };
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const cs = getComputedStyle(main);
  const figures = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.getBoundingClientRect().width > 0)
    .map(p => {
      const ticks = [...p.querySelectorAll('.xtick text, .ytick text, .y2tick text')].filter(shown);
      const legend = [...p.querySelectorAll('.legendtext')].filter(shown);
      const numbers = [...p.querySelectorAll('text.bartext, g.heatmap-label text')];
      const written = numbers.filter(shown);
      return {title: (p.querySelector('.gtitle') || {}).textContent || '',
              heatmap: !!p.querySelector('.heatmaplayer .hm, .heatmaplayer image'),
              width: p.getBoundingClientRect().width, tick_px: least(ticks), n_ticks: ticks.length,
              legend_px: least(legend), numbers: numbers.length, numbers_shown: written.length,
              number_px: least(written), number_overlaps: overlaps(written.map(e => e.getBoundingClientRect()))};
    });
  return {main_width: main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
          h1_px: px(document.querySelector('h1')),
          body_px: px(document.querySelector('[data-testid="stMarkdownContainer"] p')), figures};
}"""


def check_page(page, name: str, measured: dict, min_figures: int = 1, numbers: bool = False) -> dict:
    """PAGE_JS's sizes, recorded under `name`, and the projector's bars for every figure on the page;
    `numbers`: at least one figure writes numbers in its bars or cells."""
    m = measured[name] = page.evaluate(PAGE_JS)
    figs = m["figures"]
    assert len(figs) >= min_figures, m
    assert m["h1_px"] >= 1.5 * m["body_px"], m  # the title stands out
    for f in figs:
        assert f["n_ticks"] == 0 or f["tick_px"] >= MIN_PX, (name, f)
        assert f["legend_px"] is None or f["legend_px"] >= MIN_PX, (name, f)
        assert f["number_px"] is None or f["number_px"] >= MIN_PX, (name, f)
        assert f["number_overlaps"] == 0, (name, f)
        if f["heatmap"]:
            assert f["width"] >= 0.8 * m["main_width"], (name, f, m["main_width"])
    if numbers:
        assert any(f["numbers_shown"] for f in figs), m
    return m


def hover_px(page) -> float:
    """Font size of the hover label over a cell of the first heatmap."""
    area = page.locator(f"{HEATMAP} .nsewdrag").first
    box = area.bounding_box()
    area.hover(position={"x": min(200, box["width"] / 2), "y": min(100, box["height"] / 2)})
    label = page.locator(".hoverlayer .hovertext text").first
    label.wait_for(timeout=10_000)
    return float(label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def wait_step(page, value: int) -> None:
    page.wait_for_function(f"() => ({SLIDER_JS})() === {value}", timeout=30_000)


@contextmanager
def projector_page(tiny_root, path: str, artifact: str):
    """(page, its url, measured): a 1280x720 page of the app opened at `path` with projector mode
    switched on (the shipped checkpoints, else the tiny ones); `measured` goes to
    tests/artifacts/`artifact` at the end, also when the test fails."""
    sync_api = pytest.importorskip("playwright.sync_api")
    measured: dict = {}
    with bench_app.serve(shipped_root(min_models=2) or tiny_root) as (url, _proc), sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{url}/{path}")
            page.locator("textarea").first.wait_for(timeout=120_000)
            page.get_by_text("Projector mode").first.click()
            yield page, url, measured
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / artifact).write_text(json.dumps(measured, indent=1))
            browser.close()


def test_projector_mode_at_1280x720(tiny_root):
    with projector_page(tiny_root, "attention", "projector.json") as (page, url, measured):
        bench_app.wait_done(page, 0, 1)
        assert page.locator('[data-testid="stExpander"]', has_text="Introduction").count() == 1
        assert not page.get_by_text("At every decoder step the model").first.is_visible()  # folded
        m = measured["attention_short"] = page.evaluate(MEASURE_JS)  # the default sentence: 4 pieces
        assert m["heatmap_width"] >= 0.8 * m["main_width"] and m["tick_px_min"] >= MIN_PX, m
        page.locator("textarea").first.fill(LONG)
        page.get_by_role("button", name="Translate").click()
        bench_app.wait_done(page, 0, 3)
        page.wait_for_timeout(1000)
        m = measured["attention"] = page.evaluate(MEASURE_JS)
        check_page(page, "attention_figures", measured, min_figures=2)
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.locator(HEATMAP).first.evaluate(SCROLL_TO_JS)
            page.screenshot(path=str(SHOTS / "projector_attention.png"))
        m["hover_px"] = hover_px(page)
        assert m["n_ticks"] > 40 and m["tick_px_min"] >= MIN_PX, m
        assert m["hover_px"] >= MIN_PX and m["legend_px"] >= MIN_PX, m
        assert m["heatmap_width"] >= 0.8 * m["main_width"], m
        assert m["x_overlaps"] == 0 and m["y_overlaps"] == 0, m
        assert m["h1_px"] >= 1.5 * m["body_px"], m
        assert not m["cut_off"], m

        # translate & compare: vanilla beside bahdanau by default; each model on a row of its own
        page.locator('[data-testid="stSidebarNav"] a', has_text="Translate & compare").click()
        bench_app.wait_done(page, 2, 1)
        m = measured["translate"] = page.evaluate(MEASURE_JS)
        note = page.locator('[data-testid="stAlert"]', has_text="No attention")
        if note.count():  # a vanilla model is among the defaults
            m["note_width"] = note.first.bounding_box()["width"]
            assert m["note_width"] >= 0.8 * m["main_width"], m
        assert m["heatmap_width"] >= 0.8 * m["main_width"] and m["tick_px_min"] >= MIN_PX, m
        check_page(page, "translate_figures", measured)

        # the step player, reached inside the same session: the clicker's keys step it
        page.locator('[data-testid="stSidebarNav"] a[href$="/step_player"]').click()
        bench_app.wait_done(page, 0, 2)
        page.wait_for_function(f"() => ({SLIDER_JS})() !== null", timeout=30_000)
        start = page.evaluate(SLIDER_JS)
        page.locator("h1").first.click()  # focus on the page, not on a text box
        page.keyboard.press("PageDown")
        wait_step(page, start + 1)
        page.keyboard.press("ArrowRight")
        wait_step(page, start + 2)
        page.keyboard.press("PageUp")
        wait_step(page, start + 1)
        page.keyboard.press("ArrowLeft")
        wait_step(page, start)
        page.keyboard.press("PageDown")
        wait_step(page, start + 1)
        bench_app.wait_done(page, 0, 2)
        m = measured["step_player"] = page.evaluate(MEASURE_JS)
        m["steps"] = [start, start + 1]
        # scores, weights (vertical) and the top-k (horizontal bars): numbers in the bars
        sp = check_page(page, "step_player_figures", measured, min_figures=3, numbers=True)
        topk = [f for f in sp["figures"] if "next-piece probabilities" in f["title"]]
        assert topk and topk[0]["numbers_shown"] == topk[0]["numbers"], sp  # every probability written
        page.locator("textarea").first.press("PageDown")  # inside the sentence box: no step
        page.wait_for_timeout(1500)
        assert page.evaluate(SLIDER_JS) == start + 1
        if SHOTS:
            page.locator(".st-key-w-step-next").evaluate(SCROLL_TO_JS)
            page.wait_for_timeout(500)
            page.screenshot(path=str(SHOTS / "projector_step_player.png"))
        assert m["h1_px"] >= 1.5 * m["body_px"] and not m["cut_off"], m

        # collapse the sidebar: its settings (projector mode) stay, and a rerun keeps them
        page.locator('[data-testid="stSidebar"]').hover()  # the collapse button shows on hover
        page.locator('[data-testid="stSidebarCollapseButton"] button').click()
        page.wait_for_function("(w) => document.querySelector('[data-testid=\"stMainBlockContainer\"]').clientWidth > w",
                               arg=measured["step_player"]["main_width"] + 100, timeout=10_000)
        page.wait_for_timeout(1000)  # the sidebar's slide
        page.locator("h1").first.click()
        page.keyboard.press("PageDown")
        wait_step(page, start + 2)
        bench_app.wait_done(page, 0, 2)
        m = measured["collapsed"] = page.evaluate(MEASURE_JS)
        assert m["body_px"] == measured["step_player"]["body_px"], m  # still in projector mode
        assert m["main_width"] > measured["step_player"]["main_width"], m  # the figures got the width
        page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
        toggle = page.get_by_role("switch", name="Projector mode")
        toggle.wait_for(timeout=10_000)
        assert toggle.is_checked()


LAB_SLIDER_JS = """() => { const s = document.querySelector('.st-key-w-lab-step [data-testid="stSliderThumbValue"]');
  return s ? Number(s.textContent.replace(/[^0-9]/g, '')) : null; }"""  # the lab's snapshot shown
# (page, charts to wait for, numbers written in a bar or cell on it with the default inputs)
PAGES = (("beam", 1, False), ("context", 2, True), ("bottleneck", 1, False), ("embeddings", 2, True),
         ("explain", 4, True))


def wait_lab_step(page, value: int) -> None:
    page.wait_for_function(f"() => ({LAB_SLIDER_JS})() === {value}", timeout=30_000)


def press_lab_key(page, key: str, shown: int) -> int:
    """Press `key` on the page; the snapshot the slider moved to from `shown`, once the page settled."""
    page.keyboard.press(key)
    page.wait_for_function(f"() => ![null, {shown}].includes(({LAB_SLIDER_JS})())", timeout=30_000)
    bench_app.wait_done(page, 0, 3, timeout_ms=60_000)
    return page.evaluate(LAB_SLIDER_JS)


def test_projector_every_other_page_and_the_lab_clicker(tiny_root):
    """The pages test_projector_mode_at_1280x720 does not visit, in projector mode at 1280x720, and
    the Training lab: a short run, then Page Up / Page Down / arrows move its snapshot slider back
    and forth (and stop at the last snapshot), and the page's figures follow the rule."""
    with projector_page(tiny_root, "beam", "projector_pages.json") as (page, url, measured):
        for name, charts, numbers in PAGES:
            page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]').click()
            page.wait_for_url(f"**/{name}*", timeout=30_000)
            bench_app.wait_done(page, 0, charts, timeout_ms=240_000)
            page.wait_for_timeout(1000)  # plotly's last redraw at the container's width
            check_page(page, name, measured, min_figures=charts, numbers=numbers)

        # a small run from a link (hidden 16, inputs of 3-4 symbols, 150 steps: snapshots at 0,
        # 50, 100, 150, fewer when the time budget ends it first on a loaded machine)
        page.goto(f"{url}/training_lab?projector=1&hidden=16&min_len=3&max_len=4&steps=150&seconds=45")
        train = page.get_by_role("button", name="Train", exact=True)
        train.wait_for(timeout=120_000)
        train.click()
        page.get_by_text("Finished:", exact=False).nth(1).wait_for(timeout=240_000)  # both runs
        bench_app.wait_done(page, 0, 3, timeout_ms=60_000)
        page.wait_for_function(f"() => ({LAB_SLIDER_JS})() > 0", timeout=30_000)  # it follows the run
        last = page.evaluate(LAB_SLIDER_JS)
        page.locator("h1").first.click()  # focus on the page, not on a widget
        before = press_lab_key(page, "PageUp", last)
        assert 0 < before < last  # the snapshot before the last (and one more before it)
        first = press_lab_key(page, "ArrowLeft", before)
        assert first < before
        seen = [last, before, first]
        for key, value in (("PageDown", before), ("ArrowRight", last), ("ArrowUp", before), ("ArrowDown", last)):
            assert press_lab_key(page, key, seen[-1]) == value, (key, seen)
            seen.append(value)
        page.keyboard.press("PageDown")  # the last snapshot: nothing to step to
        page.wait_for_timeout(1500)
        assert page.evaluate(LAB_SLIDER_JS) == last
        page.keyboard.press("PageUp")
        wait_lab_step(page, before)
        bench_app.wait_done(page, 0, 3, timeout_ms=60_000)
        measured["lab_steps"] = seen + [last, before]
        m = check_page(page, "training_lab", measured, min_figures=3)
        assert any(f["heatmap"] for f in m["figures"]), m  # the Bahdanau run's probe
        assert f"step {before}" in "".join(f["title"] for f in m["figures"]), m  # the figures show the snapshot chosen
