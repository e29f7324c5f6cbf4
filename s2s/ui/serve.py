"""`python -m s2s.ui.serve [streamlit options]`: `streamlit run app.py`, warmed up as it starts.

Plain `streamlit run` imports torch, the s2s package and every checkpoint only when the first
browser session's script runs, after that browser has fetched the page (about 1.5 s here):
all of it stands between launching the server and the first rendered page. This starts the
same server (same options and .streamlit/config.toml) and meanwhile, in a background thread,
imports what the pages import and loads the home page's default models into the app's shared
cache (`models.load_checkpoint`). A checkpoint that fails to load is skipped here; its page
shows the error when it asks for it. It also tells Streamlit up front that app.py routes with
st.navigation, so a shared link to any page works from the server's first visit (see `main`).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Callable

from streamlit.runtime import Runtime

APP = Path(__file__).resolve().parents[2] / "app.py"


def warm(server_up: Callable[[], bool] = Runtime.exists) -> None:
    """Once `server_up()`, import the pages' modules and load the home page's default models
    into the shared cache. Waiting keeps these imports from slowing the server's own start; the
    other checkpoints load when a page first asks for them (so the number of checkpoints does
    not lengthen the cold start)."""
    while not server_up():
        time.sleep(0.05)
    from .. import figures  # noqa: F401  (torch comes with them)
    from . import analysis, models, page_data, widgets  # noqa: F401

    infos = models.catalog()
    if not infos:
        return
    pair = widgets.default_pair(models.pairs(infos))
    shown = [i for i in infos if i.pair == pair]
    defaults = widgets.default_models(shown)
    for info in shown:
        if info.name in defaults:
            models.load(info)  # a load error is returned, not raised: the page shows it


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    # app.py routes every URL with st.navigation. Streamlit only learns that when a session first
    # calls it: until then, because a pages/ folder exists, it runs a deep link's page script on
    # its own (no sidebar, no language switch), and if the server's first visitor comes through
    # a link to /attention, every later deep link does the same until someone opens the home page.
    PagesManager.uses_pages_directory = False
    threading.Thread(target=warm, name="s2s-warm", daemon=True).start()
    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
