"""App load test (prints figures, asserts nothing): `python -m s2s.tools load [--sessions N] [--minutes M]`.

This is the browser-based test: it measures what a protocol client cannot, the rendering. With
`--protocol` the same command runs the protocol-level test on Locust instead (s2s/tools/load_protocol.py).

Starts the real server (`python -m s2s.ui.serve`, s2s/tools/bench_app.py) on 127.0.0.1 and drives it
with Debian's chromium through Playwright (one browser, one context per session):
- single session: one session submits --single test sentences one after another on the home page
  (Translate & compare, vanilla vs Bahdanau, greedy); time from clicking Translate to the first
  frame with every result, measured inside the page (bench_app.stopwatch_js), p50/p95;
- under load: N sessions open the home page at once (each within --open-timeout s, else it counts as
  an error), then run for M minutes. Each walks its own seeded shuffle of the test split
  (so most sentences are new: the result caches fill up and must stay bounded), submits a sentence,
  waits for the results (at most --timeout s), checks that a translation shows for every model and
  no exception or error box does, then reads them for --think s (jittered) before the next one;
  sessions start at random offsets within one think time;
- server RSS (VmRSS of the server's process tree), sampled every --sample s: at the start (after
  warm-up: the single-session phase done and every session's page loaded), peak and end (the load
  phase's last sample, every session still open);
- CPU under load: the machine, the server, the browsers (split by chromium process type: renderer,
  gpu-process, utility, main, Playwright's driver), and per request. The browser runs with
  bench_app.CHROMIUM_ARGS + LOAD_ARGS (+ --chromium-arg), each session in a --viewport window; the
  header prints both.
A request counts as an error when it times out or its page shows a wrong result.
Targets (issue "Hardening"): errors 0, p95 under load <= 2x single-session p95, RSS growth <= 10%.
Exits 0 whatever the figures are; 1 when the server or the browser could not start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

from .bench_app import (CHROMIUM, CHROMIUM_ARGS, TEXT_DONE_JS, checkpoints_root, frame_when_js, heatmaps,
                        launch_browser, machine_cpu_seconds, pick_models, serve, stopwatch_js, tree_cpu_seconds,
                        tree_pids, tree_rss_kib)

TRANSLATIONS = '[data-testid="stMarkdownContainer"] h4'
HEADINGS = '[data-testid="stHeading"]'
FAILURES = '[data-testid="stException"], [data-testid="stAlertContentError"]'
# done for this sentence: the URL already carries it (so its run has started), then DONE_JS, or the
# run finished (DONE_JS with nothing required) with an exception or error box on the page
READY_JS = f"""([n, m, text]) => ({TEXT_DONE_JS})([n, m, text])
  || (({TEXT_DONE_JS})([0, 0, text]) && !!document.querySelector('{FAILURES}'))"""
# once the stopwatch stops: its seconds and what the page shows, in one call
RESULT_JS = f"""() => window.__s2s.done.then(seconds => ({{
  seconds,
  failure: document.querySelector('{FAILURES}')?.innerText ?? null,
  translations: [...document.querySelectorAll('{TRANSLATIONS}')].map(e => e.innerText),
  headings: [...document.querySelectorAll('{HEADINGS}')].map(e => e.innerText).join(' '),
}}))"""
VIEWPORT = {"width": 1280, "height": 900}
LOAD_ARGS: list[str] = []  # chromium flags the load test adds to bench_app.CHROMIUM_ARGS
# chromium's processes by the --type= of their command line (the main one has none)
KINDS = ("renderer", "gpu-process", "utility", "zygote")


def process_kind(pid: int) -> str:
    """What a process of the browsers' side is: a chromium process type, the main chromium
    process, Playwright's driver, or this process."""
    if pid == os.getpid():
        return "this process"
    try:  # chromium rewrites its children's command lines into one string: searched, not split
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    kind = re.search(r"--type=([\w-]+)", cmdline)
    if kind is not None:
        return kind[1] if kind[1] in KINDS else "other chromium"
    return "chromium main" if "chrom" in Path(cmdline.split(" ", 1)[0]).name else "driver"


def cpu_by_process(pid: int, server: int) -> dict[int, tuple[str, float]]:
    """pid -> (kind, CPU seconds) for this process's tree without the server's."""
    clock = os.sysconf("SC_CLK_TCK")
    out = {}
    for p in tree_pids(pid) - tree_pids(server):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            out[p] = (process_kind(p), (int(fields[11]) + int(fields[12])) / clock)
    return out


def cpu_by_kind(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds used between two cpu_by_process readings, summed by kind (processes that ended
    in between are not counted: those the load phase keeps, the renderers among them, are)."""
    kinds: dict[str, float] = {}
    for p, (kind, seconds) in after.items():
        kinds[kind] = kinds.get(kind, 0.0) + seconds - before.get(p, (kind, 0.0))[1]
    return kinds


@dataclass(frozen=True)
class Expect:
    """What a rendered result holds: the models' short names, and how many heatmaps."""

    models: tuple[str, ...]
    charts: int


@dataclass
class Tally:
    """One session's seconds to results (requests that passed) and error messages."""

    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def open_session(browser, url: str, query: dict, expect: Expect, timeout_ms: int, viewport: dict = VIEWPORT):
    """A new context on the home page with `query`, its first run rendered (not checked: results and
    charts, so the browser has loaded the chart library before the timed part); returns the page."""
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    await page.goto(f"{url}/?{urlencode(query)}", timeout=timeout_ms)
    await page.evaluate(frame_when_js(READY_JS, timeout_ms), [len(expect.models), expect.charts, query["text"]])
    return page


async def submit(page, text: str, expect: Expect, timeout_ms: int) -> float:
    """Type `text`, click Translate, wait for every result; seconds from the click to the first
    frame with every result (bench_app.stopwatch_js). RuntimeError (or Playwright's Error: no result
    in time) when the page does not show a translation for every model."""
    await page.locator("textarea").first.fill(text)
    await page.evaluate(stopwatch_js(READY_JS, timeout_ms), [len(expect.models), expect.charts, text])
    await page.get_by_role("button", name="Translate").click()
    shown = await page.evaluate(RESULT_JS)
    if shown["failure"] is not None:
        message = shown["failure"].strip().splitlines()
        raise RuntimeError(f"error shown: {message[0][:120] if message else '?'}")
    translations = shown["translations"]
    if len(translations) != len(expect.models) or not all(t.strip() for t in translations):
        raise RuntimeError(f"{len(translations)} translations shown, expected {len(expect.models)}")
    missing = [m for m in expect.models if m not in shown["headings"]]
    if missing:
        raise RuntimeError(f"no heading for {', '.join(missing)}")
    return shown["seconds"]


async def run_session(page, sentences: list[str], expect: Expect, deadline: float, think: float,
                      rng: random.Random, timeout_ms: int) -> Tally:
    """Submit `sentences` in order (at most once each) until the deadline, thinking between them.
    The first one after a random part of one think time: sessions do not all click at once."""
    tally = Tally()
    await asyncio.sleep(think * rng.uniform(0, 1))
    for text in sentences:
        if time.monotonic() >= deadline:
            break
        try:
            tally.seconds.append(await submit(page, text, expect, timeout_ms))
        except Exception as exc:  # noqa: BLE001 (Playwright's errors and ours: all count as errors)
            tally.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}")
        pause = min(think * rng.uniform(0.5, 1.5), deadline - time.monotonic())
        if pause > 0:
            await asyncio.sleep(pause)
    return tally


async def sample_rss(pid: int, every: float, samples: list[int], stop: asyncio.Event) -> None:
    """Append the server tree's RSS (KiB) to `samples` every `every` s until `stop` is set, then once more."""
    while not stop.is_set():
        samples.append(tree_rss_kib(pid))
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except asyncio.TimeoutError:
            pass
    samples.append(tree_rss_kib(pid))


def percentile(values: list[float], q: float) -> float:
    """q-th percentile (0-100, linear interpolation); nan without values."""
    return float(np.percentile(values, q)) if values else math.nan


async def drive(url: str, pid: int, sentences: list[str], models: list[str], expect: Expect, args) -> dict:
    """Both phases in one browser; returns the figures."""
    from playwright.async_api import async_playwright

    timeout_ms, open_ms = int(args.timeout * 1000), int(args.open_timeout * 1000)
    query = {"models": ",".join(models), "beam": 1, "lp": 1.0}
    single, rest = sentences[:args.single], sentences[args.single:]
    async with async_playwright() as p:
        browser = await launch_browser(p, args.chromium_arg)
        try:
            page = await open_session(browser, url, {**query, "text": rest[-1]}, expect, open_ms, args.viewport)
            alone = await run_session(page, single, expect, math.inf, 0.0, random.Random(0), timeout_ms)
            await page.context.close()
            # each session: its own seeded order of the other sentences; it opens on its last one
            orders = [random.Random(i + 1).sample(rest, len(rest)) for i in range(args.sessions)]
            opening = time.monotonic()
            pages = await asyncio.gather(*(open_session(browser, url, {**query, "text": order[-1]}, expect, open_ms,
                                                        args.viewport)
                                           for order in orders), return_exceptions=True)
            opening = time.monotonic() - opening
            samples: list[int] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_rss(pid, args.sample, samples, stop))
            deadline = time.monotonic() + args.minutes * 60
            def cpu_now():  # server tree, this process's tree (server included), machine: all and idle
                return tree_cpu_seconds(pid), tree_cpu_seconds(os.getpid()), *machine_cpu_seconds()

            cpu0, kinds0 = cpu_now(), cpu_by_process(os.getpid(), pid)
            tallies = await asyncio.gather(*(
                run_session(page, order[:-1], expect, deadline, args.think, random.Random(-i - 1), timeout_ms)
                for i, (page, order) in enumerate(zip(pages, orders)) if not isinstance(page, BaseException)))
            cpu = [now - then for now, then in zip(cpu_now(), cpu0)]
            kinds = cpu_by_kind(kinds0, cpu_by_process(os.getpid(), pid))
            stop.set()
            await sampler
        finally:
            await browser.close()
    seconds = [s for t in tallies for s in t.seconds]
    errors = [e for t in tallies for e in t.errors] + [f"session did not open: {type(page).__name__}"
                                                        for page in pages if isinstance(page, BaseException)]
    opened = sum(not isinstance(page, BaseException) for page in pages)
    return {"alone": alone, "seconds": seconds, "errors": errors, "rss": samples, "cpu": cpu, "kinds": kinds,
            "opened": (opened, opening)}


def report(args, figures: dict) -> None:
    alone, seconds, errors, rss = figures["alone"], figures["seconds"], figures["errors"], figures["rss"]
    p95_single, p95_load = percentile(alone.seconds, 95), percentile(seconds, 95)
    start, peak, end = rss[0] / 1024, max(rss) / 1024, rss[-1] / 1024
    lines = [
        ("single-session requests", f"{len(alone.seconds)}", f"({len(alone.errors)} errors)"),
        ("single-session p50", f"{percentile(alone.seconds, 50):.3f}", "s"),
        ("single-session p95", f"{p95_single:.3f}", "s"),
        ("sessions", f"{args.sessions}", ""),
        ("sessions opened", f"{figures['opened'][0]}", f"(all at once, in {figures['opened'][1]:.0f} s)"),
        ("minutes", f"{args.minutes:g}", ""),
        ("requests", f"{len(seconds) + len(errors)}", ""),
        ("errors", f"{len(errors)}", "(target 0)"),
        ("p50 under load", f"{percentile(seconds, 50):.3f}", "s"),
        ("p95 under load", f"{p95_load:.3f}", "s"),
        ("p95 ratio load/single", f"{p95_load / p95_single if p95_single else math.nan:.2f}", "(target <= 2)"),
        ("server RSS start", f"{start:.1f}", "MiB"),
        ("server RSS peak", f"{peak:.1f}", "MiB"),
        ("server RSS end", f"{end:.1f}", "MiB (the load phase's last sample: every session still open)"),
        ("RSS growth end vs start", f"{(end - start) / start * 100:.1f}", "% (target <= 10)"),
    ]
    # the browsers run on the same cores: who used the machine during the load phase ("browsers":
    # this process's children but the server: chromium, Playwright's driver; and this process)
    server, ours, machine, idle = figures["cpu"]
    lines += [(name, f"{value / machine * 100:.0f}", "% of all cores' time under load")
              for name, value in (("machine busy", machine - idle), ("server CPU", server), ("browsers CPU", ours - server))]
    lines += [(f"  {kind}", f"{value / machine * 100:.1f}", f"% ({value:.1f} s)")
              for kind, value in sorted(figures["kinds"].items(), key=lambda kv: -kv[1]) if value >= 0.05]
    done = len(seconds) + len(errors)
    if done:
        lines += [("server CPU per request", f"{server / done:.3f}", "s"),
                  ("browsers CPU per request", f"{(ours - server) / done:.3f}", "s")]
    lines.append(("load average (1 min)", f"{os.getloadavg()[0]:.2f}", "at the end"))
    for name, value, unit in lines:
        print(f"{name + ':':26s} {value:>9s} {unit}".rstrip())
    for error in sorted(set(alone.errors + errors))[:5]:
        print(f"  error: {error}")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--protocol" in argv:
        from .load_protocol import main as protocol

        return protocol([a for a in argv if a != "--protocol"])
    ap = argparse.ArgumentParser(prog="python -m s2s.tools load", description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions (default 10)")
    ap.add_argument("--minutes", type=float, default=5.0, help="length of the load phase (default 5)")
    ap.add_argument("--think", type=float, default=10.0,
                    help="mean time a session reads its results before the next sentence, s (default 10, +-50%%)")
    ap.add_argument("--checkpoints", type=Path, default=None,
                    help="checkpoints root (default $S2S_CHECKPOINTS or checkpoints/; tiny ones when empty)")
    ap.add_argument("--single", type=int, default=20, help="sentences in the single-session phase (default 20)")
    ap.add_argument("--timeout", type=float, default=60.0, help="longest wait for one result, s (default 60)")
    ap.add_argument("--open-timeout", type=float, default=300.0,
                    help="longest wait for a session's first page, s (default 300: on 2 cores, 20 browser contexts "
                         "loading the app at once take over a minute, nearly all of it the browsers' own work)")
    ap.add_argument("--sample", type=float, default=2.0, help="RSS sampling interval, s (default 2)")
    ap.add_argument("--viewport", default="1280x900", help="each session's window, WIDTHxHEIGHT (default 1280x900)")
    ap.add_argument("--chromium-arg", action="append", default=[], metavar="FLAG",
                    help="one more chromium command-line flag (repeatable), after bench_app.CHROMIUM_ARGS and LOAD_ARGS")
    args = ap.parse_args(argv)
    try:
        width, height = (int(v) for v in args.viewport.lower().split("x"))
        if not (200 <= width <= 4000 and 200 <= height <= 4000):
            raise ValueError
    except ValueError:
        print(f"error: --viewport {args.viewport}: WIDTHxHEIGHT, each 200..4000", file=sys.stderr)
        return 2
    args.viewport = {"width": width, "height": height}
    args.chromium_arg = [*LOAD_ARGS, *args.chromium_arg]
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is absent (apt-get install -y chromium)", file=sys.stderr)
        return 1
    from ..data import load_split

    sources = [ex.source for ex in load_split("test", "eng", "spa")]
    sentences = random.Random(0).sample(sources, len(sources))
    with checkpoints_root(args.checkpoints) as root:
        chosen, vanilla = pick_models(root)
        models = chosen[:2]  # the home page's default pair: vanilla vs Bahdanau
        expect = Expect(tuple(m.split("/", 1)[1] for m in models), heatmaps(models, vanilla))
        print(f"checkpoints: {root}\nmodels: {', '.join(models)}; greedy; CPU cores: {os.cpu_count()}; "
              f"think {args.think:g} s; {len(sentences)} test sentences; load average: {os.getloadavg()[0]:.2f}")
        print(f"chromium: one browser, one context per session, viewport {width}x{height}; flags: "
              f"{' '.join([*CHROMIUM_ARGS, *args.chromium_arg])}")
        with contextlib.ExitStack() as stack:
            try:
                url, proc = stack.enter_context(serve(root))
            except (RuntimeError, TimeoutError) as exc:
                print(f"the server could not start: {exc}", file=sys.stderr)
                return 1
            figures = asyncio.run(drive(url, proc.pid, sentences, models, expect, args))
    report(args, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
