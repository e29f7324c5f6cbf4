"""App benchmark (prints figures, asserts nothing): `python -m s2s.tools bench-app`.

Starts the real server (`python -m s2s.ui.serve`, as scripts/app does) and drives Debian's chromium with Playwright:
- cold start: from launching the server to the first frame the browser draws with the whole first
  page (every translation and chart): the home page as a visitor opens it (its defaults), and a
  shared link to the three models below with beam 5 as the server's first visit,
- submit: from clicking Translate on a new sentence (the click event's time) to the first frame drawn
  with every result, for vanilla + Bahdanau + one Luong model with beam 5 (first time: computed;
  again: from the cache); both taken inside the page (`frame_when_js`, `stopwatch_js`),
- server RSS (VmRSS of the server's process tree) with every model loaded.
Each of --runs runs starts its own server and browser context; the figures are their median (and range).
Uses the checkpoints under $S2S_CHECKPOINTS or checkpoints/; with none there, tiny untrained
ones are built in a temporary folder (tests/app_fixtures.py). Also used by tests/test_browser.py.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
# the page is done: nothing stale, no "running" widget, at least n translations and m charts
DONE_JS = """([n, m]) => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-stale="true"]')
  && document.querySelectorAll('[data-testid="stMarkdownContainer"] h4').length >= n
  && document.querySelectorAll('.js-plotly-plot').length >= m"""
# a link leaves out what is the default (s2s/ui/links.py): no text= is the home page's first preset
DEFAULT_TEXT = "I am hungry."
TEXT_DONE_JS = (f"""([n, m, text]) => (new URLSearchParams(location.search).get('text') ?? {DEFAULT_TEXT!r}) === text"""
                f""" && ({DONE_JS})([n, m])""")
# a promise of the time (ms since the epoch) of the first frame drawn once ready() holds, checked at
# every change of the page (nothing polls it from outside); rejected with "<what> in <ms> ms" after ms
_FRAME_WHEN = """(ready, ms, what) => new Promise((resolve, reject) => {
  const check = () => {
    if (!ready()) return;
    observer.disconnect();
    requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()));
  };
  const observer = new MutationObserver(check);
  observer.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  setTimeout(() => { observer.disconnect(); reject(new Error(`${what} in ${ms} ms`)); }, ms);
  check();
})"""


def frame_when_js(ready: str, timeout_ms: int = 60_000) -> str:
    """JS taking `ready`'s argument: a promise of the time (ms since the epoch) of the first frame drawn
    once `ready` holds; it rejects after `timeout_ms`."""
    return f"(arg) => {{ const ready = {ready}; return ({_FRAME_WHEN})(() => ready(arg), {timeout_ms}, 'not ready'); }}"


def stopwatch_js(ready: str, timeout_ms: int = 60_000) -> str:
    """JS taking `ready`'s argument, to run right before a click: window.__s2s.done becomes a promise
    of the seconds from that click (the event's own timestamp) to the first frame drawn once `ready`
    holds, so neither the trip through Playwright's driver nor its actionability checks count; it
    rejects `timeout_ms` after being armed."""
    return f"""(arg) => {{
  const ready = {ready};
  let start = null;
  document.addEventListener('click', e => {{ start = e.timeStamp; }}, {{capture: true, once: true}});
  const drawn = ({_FRAME_WHEN})(() => start !== null && ready(arg), {timeout_ms}, 'no result');
  window.__s2s = {{done: drawn.then(t => (t - performance.timeOrigin - start) / 1000)}};
}}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(checkpoints: Path | None = None, port: int | None = None, timeout: float = 120.0):
    """Run the app's server (`python -m s2s.ui.serve`: `streamlit run app.py`, warmed up) on
    127.0.0.1; yields (base url, Popen). Always stopped on exit."""
    port = port or free_port()
    env = dict(os.environ)
    if checkpoints is not None:
        env["S2S_CHECKPOINTS"] = str(checkpoints)
    cmd = [sys.executable, "-m", "s2s.ui.serve", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log = tempfile.TemporaryFile()  # not a pipe: a full pipe nobody reads would stall the server
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit did not answer on {url} in {timeout:.0f} s")
            time.sleep(0.05)
        yield url, proc
    finally:
        stop(proc)
        log.close()


def stop(proc: subprocess.Popen) -> None:
    """End a server: SIGTERM, then SIGKILL after 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def launch_browser(playwright, extra_args: list[str] = ()):
    """Debian's chromium, headless, with CHROMIUM_ARGS (and `extra_args`)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args])


def wait_done(page, n_texts: int, n_charts: int, text: str | None = None, timeout_ms: int = 60_000) -> None:
    """Wait for DONE_JS; with `text`, also for the URL to carry it (the run for that sentence has
    started, so the results shown are its own); without, 300 ms first for the rerun to start."""
    if text is None:
        page.wait_for_timeout(300)
        page.wait_for_function(DONE_JS, arg=[n_texts, n_charts], timeout=timeout_ms, polling=100)
    else:
        page.wait_for_function(TEXT_DONE_JS, arg=[n_texts, n_charts, text], timeout=timeout_ms, polling=50)


def tree_pids(pid: int) -> set[int]:
    """`pid` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    family, frontier = {pid}, [pid]
    while frontier:
        kids = [p for p, pp in parents.items() if pp == frontier[-1]]
        frontier.pop()
        family.update(kids)
        frontier.extend(kids)
    return family


def tree_rss_kib(pid: int) -> int:
    """VmRSS of `pid` and all its descendants, in KiB (from /proc)."""
    total = 0
    for p in tree_pids(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` and its live descendants (from /proc)."""
    ticks = 0
    for p in tree_pids(pid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """CPU seconds of all cores: (all, idle) (from /proc/stat; idle includes iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields) / os.sysconf("SC_CLK_TCK"), (fields[3] + fields[4]) / os.sysconf("SC_CLK_TCK")


def pick_models(root: Path) -> tuple[list[str], str | None]:
    """vanilla + bahdanau + one Luong model of eng-spa (by their cards), and the vanilla one's name."""
    import json

    kinds: dict[str, str] = {}
    for card in sorted(root.glob("eng-spa/*/card.json")):
        with contextlib.suppress(OSError, ValueError, KeyError):
            kinds.setdefault(json.loads(card.read_text())["model"]["attention"], f"eng-spa/{card.parent.name}")
    luong = next((kinds[k] for k in ("general", "dot", "concat") if k in kinds), None)
    return [m for m in (kinds.get("none"), kinds.get("bahdanau"), luong) if m], kinds.get("none")


@contextlib.contextmanager
def checkpoints_root(root: Path | None = None):
    """Yields `root`, else $S2S_CHECKPOINTS or checkpoints/; when it holds no eng-spa checkpoint, tiny
    untrained ones built in a temporary folder (tests/app_fixtures.py), removed on exit."""
    root = Path(root or os.environ.get("S2S_CHECKPOINTS") or REPO / "checkpoints")
    if any(root.glob("eng-spa/*/card.json")):
        yield root
        return
    sys.path.insert(0, str(REPO / "tests"))
    from app_fixtures import build_tiny_root

    with tempfile.TemporaryDirectory() as tmp:
        print(f"no eng-spa checkpoints in {root}: using tiny untrained ones")
        yield build_tiny_root(Path(tmp))


@contextlib.contextmanager
def cold_start(browser, root: Path, query: str, ready: str, arg: list):
    """Launch a server, open `query` in a fresh browser context; yields (seconds from the launch to the
    first frame drawn once `ready(arg)` holds, page, base url, server process). Stops the server on exit."""
    start = time.time()
    with serve(root) as (url, proc):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/{query}")
        drawn = page.evaluate(frame_when_js(ready), arg) / 1000
        try:
            yield drawn - start, page, url, proc
        finally:
            page.context.close()


def heatmaps(models: list[str], vanilla: str | None) -> int:
    """Charts the home page draws for `models`: a heatmap per attention model, plus their difference."""
    n_attn = len(models) - (vanilla in models)
    return n_attn + (n_attn > 1)


def one_run(browser, root: Path, chosen: list[str], vanilla: str | None, args, every_page: bool) -> dict[str, float]:
    """Two fresh servers, each with a fresh browser context. One opens the home page as a visitor does
    (its defaults: vanilla vs Bahdanau, greedy); the other a shared link to `chosen` with beam
    `args.beam`, then submits two sentences there (seconds); with `every_page`, it also opens the
    attention and beam pages (loading every model) and reads the server's RSS (MiB)."""
    figures = {}
    home = chosen[:2]  # the home page's default pair (pick_models puts vanilla and bahdanau first)
    with cold_start(browser, root, "", DONE_JS, [len(home), heatmaps(home, vanilla)]) as (seconds, *_):
        figures["cold_home"] = seconds
    first = "I am hungry."
    query = "?" + urlencode({"text": first, "models": ",".join(chosen), "beam": args.beam, "lp": 1.0})
    charts = heatmaps(chosen, vanilla)
    with cold_start(browser, root, query, TEXT_DONE_JS, [len(chosen), charts, first]) as (seconds, page, url, proc):
        figures["cold_link"] = seconds
        for label, text in (("computed", args.sentence), ("cached", first)):
            page.locator("textarea").first.fill(text)
            page.evaluate(stopwatch_js(TEXT_DONE_JS), [len(chosen), charts, text])
            page.get_by_role("button", name="Translate").click()
            figures[label] = page.evaluate("() => window.__s2s.done")
        if every_page:
            page.goto(f"{url}/attention")  # loads every attention model too
            wait_done(page, 0, 1)
            page.goto(f"{url}/beam")
            wait_done(page, 0, 1)
            figures["rss"] = tree_rss_kib(proc.pid) / 1024
    return figures


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m s2s.tools bench-app", description=__doc__.split("\n")[0])
    ap.add_argument("--sentence", default="When I was a child, my grandmother used to tell me long stories about "
                    "the small village in the mountains where she had grown up with her four brothers.")
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--runs", type=int, default=5, help="fresh server + fresh browser context each (default 5)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with checkpoints_root() as root:
        chosen, vanilla = pick_models(root)
        print(f"checkpoints: {root}\nmodels: {', '.join(chosen)}; beam {args.beam}; CPU cores: {os.cpu_count()}")
        with sync_playwright() as p:
            browser = launch_browser(p)
            runs = [one_run(browser, root, chosen, vanilla, args, every_page=i == args.runs - 1)
                    for i in range(args.runs)]
            browser.close()
    print(f"{args.runs} runs, each with a fresh server and browser context: median [min - max]")
    for key, label in (("cold_home", "cold start, home page as opened:"),
                       ("cold_link", f"cold start, link to {len(chosen)} models, beam {args.beam}:"),
                       ("computed", f"submit (computed)  {len(chosen)} models, beam {args.beam}:"),
                       ("cached", f"submit (cached)    {len(chosen)} models, beam {args.beam}:")):
        values = [r[key] for r in runs]
        print(f"{label:40s} {statistics.median(values):5.2f} s  [{min(values):.2f} - {max(values):.2f}]")
    print(f"{'server RSS, every model loaded:':40s} {runs[-1]['rss']:5.0f} MiB")


if __name__ == "__main__":
    main()
