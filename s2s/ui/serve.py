"""`python -m s2s.ui.serve [streamlit options]`: `streamlit run app.py`, warmed up as it starts.

Plain `streamlit run` imports torch, the s2s package and every checkpoint only when the first
browser session's script runs, after that browser has fetched the page (about 1.5 s here):
all of it stands between launching the server and the first rendered page. This starts the
same server (same options and .streamlit/config.toml) and meanwhile, in a background thread,
imports what the pages import, builds a first figure (plotly sets up its templates then)
and loads the checkpoints into the app's shared cache
(`models.load_checkpoint`), the home page's default pair first. A checkpoint that fails to load
is skipped here; its page shows the error when it asks for it.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Callable

from streamlit.runtime import Runtime

APP = Path(__file__).resolve().parents[2] / "app.py"
FIRST = ("vanilla-gru", "bahdanau")  # the home page's default pair


def warm(server_up: Callable[[], bool] = Runtime.exists) -> None:
    """Once `server_up()`, import the pages' modules and load every checkpoint under the root
    (default pair first). Waiting keeps these imports from slowing the server's own start."""
    while not server_up():
        time.sleep(0.05)
    import torch

    from .. import checkpoint as ck
    from .. import figures, figures_more  # noqa: F401
    from . import analysis, lab, models, widgets  # noqa: F401

    torch.set_num_threads(1)  # as app.py sets it
    base = models.root()
    names = ck.list_checkpoints(base) if base.is_dir() else []
    for name in sorted(names, key=lambda n: (n.split("/")[-1] not in FIRST, n)):
        try:
            models.load_checkpoint(str(base / name), models.stamp(base / name))
        except Exception:  # noqa: BLE001 (any failure is the page's to report)
            continue


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    threading.Thread(target=warm, name="s2s-warm", daemon=True).start()
    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
