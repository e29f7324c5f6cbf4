"""Does the protocol client time what the browser waits for on the server? (prints figures, asserts nothing)
`python -m s2s.tools agree [--requests 10]`.

One server (`python -m s2s.ui.serve`, bench_app.serve), one session at a time, the home page's
default pair (vanilla vs Bahdanau, greedy), new sentences each (alternate test sentences for the
two clients, so neither profits from the other's cached results):
- protocol client (st_protocol.Session): from sending rerun_script to script_finished with every result;
- chromium (Playwright): the time from the click on Translate to the first frame with every result
  (bench_app.stopwatch_js), and inside it the server's share: from the first websocket frame the
  page sends after the click (its rerun_script) to the script_finished frame it receives, both
  stamped in the page (performance.now(), the click's clock) by a wrapper around WebSocket.
Prints the medians, the protocol/server-share ratio and the rest of the browser's time (rendering).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from .bench_app import CHROMIUM, TEXT_DONE_JS, checkpoints_root, launch_browser, pick_models, serve, stopwatch_js
from .home_page import HomePage, check

# every frame the page sends (its bytes) and every small one it receives (a script_finished is a few bytes)
WS_SPY = """(() => {
  window.__ws = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    window.__ws.push([performance.now(), 's', 0]);
    if (!this.__spied) {
      this.__spied = true;
      this.addEventListener('message', e => {
        const n = e.data.byteLength ?? e.data.size ?? 0;
        window.__ws.push([performance.now(), 'r', n <= 64 && e.data instanceof ArrayBuffer ? Array.from(new Uint8Array(e.data)) : n]);
      });
    }
    return send.call(this, data);
  };
})();"""


def finished(frame) -> bool:
    if not isinstance(frame, list):
        return False
    msg = ForwardMsg()
    try:
        msg.ParseFromString(bytes(frame))
    except Exception:  # noqa: BLE001 (a small frame that is not a whole ForwardMsg)
        return False
    return msg.WhichOneof("type") == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY


def browser_times(url: str, sentences: list[str], shorts: list[str]) -> list[tuple[float, float]]:
    """(click to results drawn, server's share) in s for each sentence, one tab."""
    from playwright.sync_api import sync_playwright

    ready = [len(shorts), 1]
    out = []
    with sync_playwright() as p:
        browser = launch_browser(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(WS_SPY)
            page.goto(url)
            page.locator("textarea").first.wait_for(timeout=120_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
            for text in sentences:
                page.locator("textarea").first.fill(text)
                page.evaluate(stopwatch_js(TEXT_DONE_JS), [*ready, text])
                page.evaluate("() => { window.__from = window.__ws.length; document.addEventListener('click', "
                              "e => { window.__clickAt = e.timeStamp; }, {capture: true, once: true}); }")
                page.get_by_role("button", name="Translate").click()
                total = page.evaluate("() => window.__s2s.done")
                click, frames = page.evaluate("() => [window.__clickAt, window.__ws.slice(window.__from)]")
                drawn = click + total * 1000
                sent = next(t for t, kind, _ in frames if kind == "s" and t >= click)
                done = max(t for t, kind, data in frames if kind == "r" and t <= drawn + 1 and finished(data))
                out.append((total, (done - sent) / 1000))
        finally:
            browser.close()
    return out


def protocol_times(url: str, sentences: list[str], models: list[str]) -> list[float]:
    session = HomePage(url)
    try:
        session.open()
        times = []
        for text in sentences:
            start = time.perf_counter()
            check(session.translate(text, models), [m.split("/", 1)[1] for m in models])
            times.append(time.perf_counter() - start)
        return times
    finally:
        session.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m s2s.tools agree", description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=10, help="sentences per client (default 10)")
    args = ap.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is absent (apt-get install -y chromium)", file=sys.stderr)
        return 1
    from ..data import load_split

    sources = random.Random(1).sample([ex.source for ex in load_split("test", "eng", "spa")], 2 * args.requests)
    with checkpoints_root() as root:
        models = pick_models(root)[0][:2]
        shorts = [m.split("/", 1)[1] for m in models]
        with serve(root) as (url, _proc):
            ours = protocol_times(url, sources[0::2], models)
            theirs = browser_times(url, sources[1::2], shorts)
    total = statistics.median(t for t, _ in theirs)
    share = statistics.median(s for _, s in theirs)
    proto = statistics.median(ours)
    print(f"models: {', '.join(models)}; greedy; {args.requests} new sentences per client, one session at a time")
    print(f"{'protocol client, median:':42s} {proto:6.3f} s")
    print(f"{'browser, click to results drawn, median:':42s} {total:6.3f} s")
    print(f"{'browser, server share (rerun sent to script_finished), median:':42s} {share:6.3f} s")
    print(f"{'protocol / server share:':42s} {proto / share:6.2f}")
    print(f"{'browser time not on the server (rendering):':42s} {total - share:6.3f} s ({(total - share) / total * 100:.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
