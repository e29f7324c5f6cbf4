"""Real browser: the Embeddings page served by `streamlit run`, driven by Debian's chromium (helpers of
s2s/tools/bench_app.py, like tests/test_browser.py). Types a word and sees its neighbours, the map and
the matrix; saves docs/screenshots/embeddings.png when S2S_SCREENSHOTS=docs/screenshots."""

from urllib.parse import urlparse

import pytest

from app_fixtures import SHOTS, needs_browser, shipped_root, tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app


pytestmark = needs_browser


def test_browser_embeddings_page(tiny_root):
    sync_api = pytest.importorskip("playwright.sync_api")
    root = shipped_root(min_models=2) or tiny_root
    SHOTS.mkdir(parents=True, exist_ok=True)
    with bench_app.serve(root) as (url, _proc), sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2600})
            outside = []
            page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None) and outside.append(r.url))
            page.goto(f"{url}/embeddings")
            page.get_by_role("heading", name="Word embeddings").first.wait_for(timeout=120_000)
            bench_app.wait_done(page, 0, 2)  # the word-list map and matrix
            box = page.get_by_label("Word", exact=True)
            box.fill("mother")
            box.press("Enter")
            page.get_by_text("Pieces (1): ▁mother").first.wait_for(timeout=60_000)
            bench_app.wait_done(page, 0, 2)
            assert page.get_by_text("Pieces (1): ▁mother").count() == 2  # one column per default model
            assert page.locator(".js-plotly-plot").count() >= 2
            assert page.locator('[data-testid="stDataFrame"]').count() >= 2
            page.wait_for_timeout(1000)  # let canvas tables paint before the screenshot
            page.screenshot(path=str(SHOTS / "embeddings.png"))
            assert not outside, outside
        finally:
            browser.close()
