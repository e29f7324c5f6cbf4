"""Real browser: typed markup is shown as typed by Streamlit's own markdown renderer (what
tests/test_escaping.py approximates with markdown-it-py). The context page repeats a typed
sentence in its warning; a model directory with markup in its name heads a column."""

import shutil

import pytest

from app_fixtures import needs_browser, tiny_root  # noqa: F401  (fixture)
from s2s.tools import bench_app

pytestmark = needs_browser
LINE = "**x** _y_ [a](b) <b>bold</b> :red[z] $q$ `c` ~~s~~"
NAME = "**b**_[a](b)<i>x"


def test_browser_shows_typed_markup_literally(tiny_root, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    root = tmp_path / "checkpoints"
    shutil.copytree(tiny_root, root)
    shutil.copytree(root / "eng-spa" / "bahdanau", root / "eng-spa" / NAME)
    with bench_app.serve(root) as (url, _proc), sync_api.sync_playwright() as p:
        browser = bench_app.launch_browser(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            page.goto(f"{url}/context")
            box = page.locator("textarea").first
            box.wait_for(timeout=120_000)
            box.fill(f"{LINE}\n{LINE}\nI am hungry.")
            box.press("Control+Enter")
            alert = page.locator('[data-testid="stAlert"]', has_text="Typed more than once")
            alert.first.wait_for(timeout=60_000)
            assert f"{LINE} ×2" in alert.first.inner_text()
            assert not alert.first.locator("strong, em, a, b, code, del, .katex").count()  # no markup rendered
            page.goto(f"{url}/translate?models=eng-spa/{NAME.replace('[', '%5B').replace(']', '%5D')}&text=Hi.")
            heading = page.locator('[data-testid="stHeading"]', has_text="b")
            page.get_by_text(NAME, exact=True).first.wait_for(timeout=60_000)
            assert page.get_by_text(NAME, exact=True).count() >= 1
            assert heading.count() >= 1
        finally:
            browser.close()
