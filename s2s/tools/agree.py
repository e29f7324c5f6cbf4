"""Does the protocol client time what the browser waits for on the server? (prints figures, asserts nothing)
`python -m s2s.tools agree [--requests 10] [--pin] [--checkpoints DIR]`.

One server (`python -m s2s.ui.serve`, bench_app.serve), the home page's default pair (vanilla vs
Bahdanau, greedy), one request at a time: a protocol session and a chromium tab, both open, each
warmed with one sentence (not counted), then taking turns, each with new sentences (neither profits
from the other's cached results, and a change in the machine's load reaches both alike). Both reach
the server through a relay (s2s/tools/ws_relay.py) that stamps every websocket message on the
server's side of the wire and reads the server's answer as fast as it comes.
- protocol client (st_protocol.Session): from sending rerun_script to script_finished with every
  result, on its own clock and at the relay;
- chromium (Playwright): the time from the click on Translate to the first frame with every result
  (bench_app.stopwatch_js, stamped in the page); the server's share of it at the relay (from the
  rerun_script carrying the button's trigger to the script_finished after it); and the same share
  at the browser's own network stack: the Chrome DevTools Protocol's Network.webSocketFrameSent /
  Network.webSocketFrameReceived events (one clock, off the page's main thread), decoded with
  Streamlit's protobufs;
- how many rerun_script the page sends per click, how each run ended, the other messages it
  sends, the widget values it sends that the protocol client does not, the bytes the server sends
  per request, and the server's CPU seconds per request for each client (its process tree, /proc).
With --pin the server runs on core 0 only and the clients on the others.
Prints the medians, their ratios, the load average before and after, and the rest of the browser's
time (rendering).
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from .bench_app import CHROMIUM, TEXT_DONE_JS, checkpoints_root, launch_browser, pick_models, serve, stopwatch_js
from .bench_app import tree_cpu_seconds
from .home_page import HomePage, check
from .ws_relay import Relay

RUN_BUTTON = "w:translate.run"  # the Translate button's key: its id ends with it
STATUS = {v: k for k, v in ForwardMsg.ScriptFinishedStatus.items()}


@dataclass
class Click:
    """What crossed the websocket for one click, as the browser's network stack saw it."""

    reruns: list[tuple[float, BackMsg]] = field(default_factory=list)  # (s, rerun_script sent)
    other_sent: list[str] = field(default_factory=list)  # kinds of the other BackMsgs
    finished: list[tuple[float, int]] = field(default_factory=list)  # (s, script_finished status)
    received: int = 0  # bytes of the messages the server sent

    def triggered(self) -> tuple[float, BackMsg] | None:
        """The rerun_script whose widget states carry the Translate button's trigger."""
        for at, msg in self.reruns:
            if any(w.id.endswith(RUN_BUTTON) and w.trigger_value for w in msg.rerun_script.widget_states.widgets):
                return at, msg
        return None

    def server_share(self) -> float | None:
        """From the triggering rerun_script sent to the next successful script_finished received, s."""
        trig = self.triggered()
        if trig is None:
            return None
        done = [at for at, status in self.finished if at >= trig[0] and status == ForwardMsg.FINISHED_SUCCESSFULLY]
        return min(done) - trig[0] if done else None


class FrameLog:
    """Websocket frames of one page from the DevTools Protocol (events handled on Playwright's thread)."""

    def __init__(self, page):
        self.frames: list[tuple[float, str, bytes]] = []  # (timestamp s, "s" | "r", payload)
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameSent", lambda e: self._add(e, "s"))
        cdp.on("Network.webSocketFrameReceived", lambda e: self._add(e, "r"))
        cdp.send("Network.enable")

    def _add(self, event: dict, direction: str) -> None:
        frame = event["response"]
        if frame.get("opcode") == 2:  # binary: the payload comes base64-encoded
            self.frames.append((event["timestamp"], direction, base64.b64decode(frame["payloadData"])))

    def click(self, since: int) -> Click:
        return click_of(self.frames[since:])


def click_of(frames: list[tuple[float, str, bytes]]) -> Click:
    """A Click from (s, "s" sent by the client | "r" received, payload) binary messages."""
    out = Click()
    for at, direction, data in frames:
        if direction == "s":
            msg = BackMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "rerun_script":
                out.reruns.append((at, msg))
            else:
                out.other_sent.append(str(kind))
        else:
            out.received += len(data)
            if len(data) > 256:  # a script_finished is a few bytes; the deltas are not decoded
                continue
            msg = ForwardMsg()
            try:
                msg.ParseFromString(data)
            except Exception:  # noqa: BLE001 (a small frame that is no whole ForwardMsg)
                continue
            if msg.WhichOneof("type") == "script_finished":
                out.finished.append((at, msg.script_finished))
    return out


def user_key(widget_id: str) -> str:
    """A widget id's user key ("$$ID-<hash>-<key>"); "(no key)" for a widget without one."""
    key = re.sub(r"^\$\$ID-[0-9a-f]+-", "", widget_id)
    return "(no key)" if key in ("", "None") else key


def widget_kinds(states) -> dict[str, str]:
    """User key -> the kind of value the widget state carries."""
    return {user_key(w.id): w.WhichOneof("value") or "none" for w in states}


def measure(relay: Relay, sentences: list[str], models: list[str], pid: int) -> tuple[dict, dict]:
    """Both clients open at once through the relay (one chromium tab, one protocol session), each
    warmed with one sentence first (not counted), then taking turns sentence by sentence, so a
    change in the machine's load reaches both alike. Per client: its times, each request's
    messages at the relay (Click), and the server's CPU seconds over its requests; for the browser
    also each click's frames at its own network stack (Click, from the DevTools Protocol)."""
    from playwright.sync_api import sync_playwright

    shorts = [m.split("/", 1)[1] for m in models]
    ours = {"times": [], "relay": [], "cpu": 0.0}
    theirs = {"drawn": [], "clicks": [], "relay": [], "cpu": 0.0}
    url = relay.url
    with sync_playwright() as p:
        browser = launch_browser(p)
        session = HomePage(url)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            log = FrameLog(page)
            page.goto(url)
            page.locator("textarea").first.wait_for(timeout=120_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
            session.open()

            def by_protocol(text: str) -> None:
                since = len(relay.messages)
                start = time.perf_counter()
                check(session.translate(text, models), shorts)
                ours["times"].append(time.perf_counter() - start)
                ours["relay"].append(click_of(relay.messages[since:]))

            def by_browser(text: str) -> None:
                page.locator("textarea").first.fill(text)
                page.evaluate(stopwatch_js(TEXT_DONE_JS), [len(shorts), 1, text])
                since, since_relay = len(log.frames), len(relay.messages)
                page.get_by_role("button", name="Translate").click()
                theirs["drawn"].append(page.evaluate("() => window.__s2s.done"))
                deadline = time.monotonic() + 10  # the network events may trail the page's answer
                while log.click(since).server_share() is None and time.monotonic() < deadline:
                    page.wait_for_timeout(20)
                theirs["clicks"].append(log.click(since))
                theirs["relay"].append(click_of(relay.messages[since_relay:]))

            warm_p, warm_b, *rest = sentences
            by_protocol(warm_p)
            by_browser(warm_b)
            for tally in (ours, theirs):
                for values in tally.values():
                    if isinstance(values, list):
                        values.clear()
            for i, text in enumerate(rest):
                client, tally = (by_protocol, ours) if i % 2 == 0 else (by_browser, theirs)
                cpu = tree_cpu_seconds(pid)
                client(text)
                tally["cpu"] += tree_cpu_seconds(pid) - cpu
            # what the protocol client's reruns carried (HomePage: every widget value it set, and the trigger)
            ours["widgets"] = {**widget_kinds(session.states.values()), RUN_BUTTON: "trigger_value"}
        finally:
            session.close()
            browser.close()
    return ours, theirs


def median_share(clicks: list[Click]) -> tuple[float, int]:
    """The median server share of `clicks` (s) and how many had one."""
    shares = [s for s in (c.server_share() for c in clicks) if s is not None]
    return (statistics.median(shares) if shares else float("nan")), len(shares)


def report(models: list[str], n: int, ours: dict, theirs: dict, load: tuple[float, float]) -> None:
    clicks = theirs["clicks"]
    proto, total = statistics.median(ours["times"]), statistics.median(theirs["drawn"])
    proto_relay, n_pr = median_share(ours["relay"])
    browser_relay, n_br = median_share(theirs["relay"])
    browser_cdp, n_bc = median_share(clicks)
    print(f"models: {', '.join(models)}; greedy; {n} new sentences per client, the clients taking turns; "
          f"CPU cores: {os.cpu_count()}; load average (1 min): {load[0]:.2f} -> {load[1]:.2f}")
    rows = [("protocol client, its own clock, median", f"{proto:.3f} s"),
            ("protocol client, at the relay, median", f"{proto_relay:.3f} s  ({n_pr} of {n})"),
            ("browser, server share at the relay, median", f"{browser_relay:.3f} s  ({n_br} of {n})"),
            ("protocol / browser, both at the relay", f"{proto_relay / browser_relay:.2f}"),
            ("browser, server share at its network stack", f"{browser_cdp:.3f} s  ({n_bc} of {n}; DevTools Protocol)"),
            ("protocol (own clock) / that share", f"{proto / browser_cdp:.2f}"),
            ("browser, click to results drawn, median", f"{total:.3f} s"),
            ("browser time not on the server (rendering)",
             f"{total - browser_relay:.3f} s ({(total - browser_relay) / total * 100:.0f}%; drawn minus the relay's share)"),
            ("server's bytes per request, protocol / browser",
             f"{statistics.median(c.received for c in ours['relay']) / 1024:.0f} / "
             f"{statistics.median(c.received for c in theirs['relay']) / 1024:.0f} KiB (median, at the relay)"),
            ("server CPU per request, protocol client", f"{ours['cpu'] / n:.3f} s"),
            ("server CPU per request, browser", f"{theirs['cpu'] / n:.3f} s")]
    reruns = Counter(len(c.reruns) for c in clicks)
    rows.append(("rerun_script sent per click (browser)", ", ".join(f"{k}: {v} clicks" for k, v in sorted(reruns.items()))))
    ends = Counter(STATUS.get(s, str(s)) for c in clicks for _, s in c.finished)
    rows.append(("script runs ended (browser)", ", ".join(f"{k} x{v}" for k, v in sorted(ends.items()))))
    first = [c.triggered()[0] - c.reruns[0][0] for c in clicks if c.triggered() and len(c.reruns) > 1]
    if first:
        rows.append(("first rerun sent before the trigger's", f"{statistics.median(first) * 1000:.0f} ms (median)"))
    other = Counter(k for c in clicks for k in c.other_sent)
    rows.append(("other messages sent per click (browser)", ", ".join(f"{k} x{v}" for k, v in sorted(other.items())) or "none"))
    trig = next((c.triggered()[1] for c in clicks if c.triggered()), None)
    if trig is not None:
        theirs_w, ours_w = widget_kinds(trig.rerun_script.widget_states.widgets), ours["widgets"]
        extra = sorted(set(theirs_w) - set(ours_w))
        missing = sorted(set(ours_w) - set(theirs_w))
        rows.append(("widget values only the browser sends", ", ".join(f"{k} ({theirs_w[k]})" for k in extra) or "none"))
        rows.append(("widget values only the protocol client sends", ", ".join(missing) or "none"))
    for name, value in rows:
        print(f"{name + ':':46s} {value}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m s2s.tools agree", description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=10, help="sentences per client (default 10)")
    ap.add_argument("--pin", action="store_true",
                    help="the server on core 0 only, this process and chromium on the others: "
                         "shows how much of the difference is the browser's rendering taking the server's CPU")
    ap.add_argument("--checkpoints", type=Path, default=None,
                    help="checkpoints root (default $S2S_CHECKPOINTS or checkpoints/; tiny ones when empty)")
    args = ap.parse_args(argv)
    if args.requests < 1:
        print("error: --requests must be >= 1", file=sys.stderr)
        return 2
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is absent (apt-get install -y chromium)", file=sys.stderr)
        return 1
    from ..data import load_split

    sources = random.Random(1).sample([ex.source for ex in load_split("test", "eng", "spa")], 2 * args.requests + 2)
    load0 = os.getloadavg()[0]
    with checkpoints_root(args.checkpoints) as root:
        models = pick_models(root)[0][:2]
        with serve(root) as (url, proc):
            if args.pin:
                cores = sorted(os.sched_getaffinity(0))
                if len(cores) < 2:
                    print("error: --pin needs 2 cores", file=sys.stderr)
                    return 2
                for task in Path(f"/proc/{proc.pid}/task").iterdir():  # every thread; new ones inherit it
                    os.sched_setaffinity(int(task.name), {cores[0]})
                os.sched_setaffinity(0, set(cores[1:]))  # chromium, started below, inherits this
                print(f"pinned: server on core {cores[0]}, clients on {', '.join(map(str, cores[1:]))}")
            with Relay(int(url.rsplit(":", 1)[1])) as relay:
                ours, theirs = measure(relay, sources, models, proc.pid)
    report(models, args.requests, ours, theirs, (load0, os.getloadavg()[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
