"""`attention-lab [--checkpoints DIR] [--port N] [streamlit options]` (also `python -m s2s.ui.serve`,
what scripts/app runs): `streamlit run app.py`, warmed up as it starts.

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

import argparse
import ctypes
import os
import socket
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import Callable

from streamlit.runtime import Runtime

from .. import paths
from ..paths import ENV_CHECKPOINTS as ENV_ROOT
from ..paths import ENV_CLASSROOM

APP = paths.APP  # app.py of the clone, or the copy installed in s2s/_bundle/app/
DEFAULT_PORT = 8501
# glibc's malloc arenas for the server (mallopt(3) M_ARENA_MAX, also the MALLOC_ARENA_MAX variable).
# Streamlit runs every script run in a new thread; by default glibc gives threads up to 8 arenas
# per core, and memory freed in one arena is not reused by the others: the heap grew by many times
# its live data under a lecture hall's load (docs/load.md, "Server memory").
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # malloc.h


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas at `arenas` for this process (before it starts threads), unless
    whoever started it chose (MALLOC_ARENA_MAX or GLIBC_TUNABLES set). True when the cap was set;
    False elsewhere (another C library: nothing to do)."""
    if os.environ.get("MALLOC_ARENA_MAX") or "arena_max" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_ARENA_MAX, arenas) == 1


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


def config_flags(config: Path = paths.STREAMLIT_CONFIG) -> list[str]:
    """.streamlit/config.toml as command-line flags, so the installed app (started from any folder,
    where Streamlit would not find that file) runs with the same settings: XSRF protection on,
    usage statistics off, 127.0.0.1."""
    try:
        settings = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    flags = []
    for section, values in settings.items():
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{key}={text}")
    return flags


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="attention-lab", allow_abbrev=False,
        description="Start the Attention Lab app (Streamlit) on http://127.0.0.1:PORT. Options not listed here "
                    "go to `streamlit run` (e.g. --server.headless=false).")
    p.add_argument("--checkpoints", metavar="DIR",
                   help=f"folder of checkpoints to serve (default: ${ENV_ROOT}, else {paths.CHECKPOINTS_DIR})")
    p.add_argument("--port", type=int, default=None, help=f"port to serve on (default {DEFAULT_PORT})")
    p.add_argument("--classroom", action="store_true",
                   help="serve on the local network (0.0.0.0), print the address students type and show it in "
                        "the app with a QR code; everyone on that network can reach the app")
    return p


def server_args(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    """(the arguments for `streamlit run`, the environment variables to set) for `argv`."""
    args, extra = parser().parse_known_args(argv)
    env: dict[str, str] = {}
    if args.checkpoints:
        root = Path(args.checkpoints).expanduser().resolve()
        if not root.is_dir():
            parser().error(f"--checkpoints {args.checkpoints}: no such folder")
        env[ENV_ROOT] = str(root)
    flags = config_flags()
    if args.port is not None:
        if not 1 <= args.port <= 65535:
            parser().error(f"--port {args.port}: not a port number")
        flags.append(f"--server.port={args.port}")
    if args.classroom:
        from .classroom import lan_address

        flags = [f for f in flags if not f.startswith("--server.address=")] + ["--server.address=0.0.0.0"]
        port = args.port or _port_in(extra) or DEFAULT_PORT
        env[ENV_CLASSROOM] = f"http://{lan_address() or socket.gethostname()}:{port}"
    return ["run", str(APP), *flags, *extra], env


def _port_in(extra: list[str]) -> int | None:
    """The port a `--server.port N` / `--server.port=N` among the streamlit options asks for."""
    for i, arg in enumerate(extra):
        value = arg.split("=", 1)[1] if arg.startswith("--server.port=") else (
            extra[i + 1] if arg == "--server.port" and i + 1 < len(extra) else None)
        if value is not None and value.isdigit():
            return int(value)
    return None


def classroom_notice(url: str) -> str:
    return (f"Classroom mode: Attention Lab is served on every network interface of this machine.\n"
            f"Students open {url} (or scan the QR code in the app's sidebar).\n"
            f"Everyone on this network can reach it while it runs; stop it with Ctrl-C.")


def cli(argv: list[str] | None = None) -> None:
    """The `attention-lab` console script."""
    run_args, env = server_args(sys.argv[1:] if argv is None else argv)
    os.environ.update(env)
    if ENV_CLASSROOM in env:
        print(classroom_notice(env[ENV_CLASSROOM]), flush=True)
    main(run_args[2:])


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    # app.py routes every URL with st.navigation. Streamlit only learns that when a session first
    # calls it: until then, because a pages/ folder exists, it runs a deep link's page script on
    # its own (no sidebar, no language switch), and if the server's first visitor comes through
    # a link to /attention, every later deep link does the same until someone opens the home page.
    PagesManager.uses_pages_directory = False
    limit_malloc_arenas()  # before any thread of the server's allocates
    threading.Thread(target=warm, name="s2s-warm", daemon=True).start()
    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    cli()
