"""One real-browser test: the app served by `streamlit run`, driven by Debian's chromium.

Types a sentence, runs the comparison, sees two translations and a heatmap, and saves a
screenshot of each page (see SHOTS). Uses the shipped checkpoints when there are two
or more, else the tiny ones. Never runs `playwright install`: it needs /usr/bin/chromium
(`apt-get install -y chromium`) and is skipped without it.
"""

from urllib.parse import urlparse

import pytest

from app_fixtures import SHOTS, needs_browser, shipped_root, tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app

SENTENCE = "The doctor told my father that he should stop smoking and walk every day."

pytestmark = needs_browser


def test_browser_translate_compare_and_screenshots(tiny_root):
    sync_api = pytest.importorskip("playwright.sync_api")
    root = shipped_root(min_models=2) or tiny_root  # two models to compare
    SHOTS.mkdir(parents=True, exist_ok=True)
    with bench_app.serve(root) as (url, _proc), sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            # tall viewport: Streamlit scrolls inside its own container, so a full-page
            # screenshot would only show the first screen
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            outside = []  # the app works offline: nothing is fetched from anywhere but the server
            page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None) and outside.append(r.url))
            page.goto(url)
            page.locator("textarea").first.wait_for(timeout=120_000)
            page.locator("textarea").first.fill(SENTENCE)
            page.get_by_role("button", name="Translate").click()
            bench_app.wait_done(page, 2, 1)
            translations = page.locator('[data-testid="stMarkdownContainer"] h4')
            assert translations.count() == 2
            assert page.locator(".js-plotly-plot .main-svg").count() >= 1  # the attention heatmap
            assert "smoking" in page.url  # the view is in the link
            page.wait_for_timeout(1000)  # let canvas tables paint before the screenshot
            page.screenshot(path=str(SHOTS / "translate.png"))
            # context: projection + similarity; bottleneck: none without test metrics; step: vectors + top-k
            for name, n_charts in (("attention", 3), ("beam", 1), ("context", 2), ("bottleneck", 0), ("step_player", 2)):
                page.goto(f"{url}/{name}")
                bench_app.wait_done(page, 0, n_charts)
                assert page.locator(".js-plotly-plot").count() >= n_charts
                page.wait_for_timeout(1000)
                page.screenshot(path=str(SHOTS / f"{name}.png"))
            assert not outside, outside
        finally:
            browser.close()


def test_a_deep_link_as_the_servers_first_visit_gets_the_whole_app(tiny_root):
    """The first visitor of a fresh server opens a shared link to another page than the home
    page: it still runs through app.py (navigation with the pages' titles, the sidebar's widgets)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with bench_app.serve(tiny_root) as (url, _proc), sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            page = browser.new_page()
            page.goto(f"{url}/step_player")
            page.get_by_text("UI language").first.wait_for(timeout=60_000)  # the sidebar app.py draws
            nav = " ".join(page.locator('[data-testid="stSidebarNav"] a').all_inner_texts())
            assert "Translate & compare" in nav and "Step player" in nav
            heading = page.get_by_role("heading", name="Step player")
            heading.first.wait_for(timeout=60_000)  # the page's own script runs after the sidebar
            assert heading.count() == 1
        finally:
            browser.close()
