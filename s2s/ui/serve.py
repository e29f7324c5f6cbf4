"""`python -m s2s.ui.serve [streamlit options]`: `streamlit run app.py`, warmed up as it starts.

Plain `streamlit run` imports torch, the s2s package and every checkpoint only when the first
browser session's script runs, after that browser has fetched the page (about 1.5 s here):
all of it stands between launching the server and the first rendered page. This starts the
same server (same options and .streamlit/config.toml) and meanwhile, in a background thread,
imports what the pages import and loads the home page's default models into the app's shared
cache (`models.load_checkpoint`), then the other checkpoints. A checkpoint that fails to load
is skipped here; its page shows the error when it asks for it.

The browser's side of a cold start has the same shape: the chart library (Plotly, a 4.7 MB
script) is fetched only when the first chart arrives, at the end of the first run. `app.py`
asks for it as the page opens (`preload_charts`), while the server still imports and loads.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Callable

import streamlit as st
from streamlit.runtime import Runtime

APP = Path(__file__).resolve().parents[2] / "app.py"
STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"  # served at ./static/js/
PRELOAD = "s2s-preload-charts"


def preload_charts() -> None:
    """Start loading Streamlit's Plotly chart script in the browser now, so that the first chart
    does not wait for it: a script element in a hidden sidebar container. No-op without the file."""
    scripts = sorted(STATIC_JS.glob("PlotlyChart.*.js"))
    if scripts:  # a fixed script of Streamlit's own: no user input in it
        with st.sidebar.container(key=PRELOAD):
            st.html(f"<style>div:has(> .st-key-{PRELOAD}) {{display: none}}</style>"
                    f"<script>import('./static/js/{scripts[0].name}')</script>", unsafe_allow_javascript=True)


def warm(server_up: Callable[[], bool] = Runtime.exists) -> None:
    """Once `server_up()`, import the pages' modules, build one figure (Plotly sets up its
    validators on first use, ~0.2 s) and load every checkpoint into the shared cache: the home
    page's default models first, then the rest of its language pair, then the others. Waiting
    keeps this from slowing the server's own start."""
    while not server_up():
        time.sleep(0.05)
    from .. import figures, figures_more  # noqa: F401  (torch comes with them)
    from . import analysis, lab, models, widgets  # noqa: F401

    figures.attention_heatmap([[1.0]], ["a"], ["b"]).to_json()
    infos = models.catalog()
    if not infos:
        return
    pair = widgets.default_pair(models.pairs(infos))
    defaults = widgets.default_models([i for i in infos if i.pair == pair])
    for info in sorted(infos, key=lambda i: (i.name not in defaults, i.pair != pair)):  # stable: by name within
        models.load(info)  # a load error is returned, not raised: the page shows it


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    threading.Thread(target=warm, name="s2s-warm", daemon=True).start()
    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
