"""One headless Locust run of StreamlitUser: `python -m s2s.tools.protocol_run CONFIG.json PREFIX`.

Locust as a library (its docs' "Using Locust as a library"): an Environment with the user class,
a local runner, the stats history and CSV writer greenlets, the HTML report at the end. CONFIG
(JSON, written by s2s/tools/load_protocol.py or a test): host, users, spawn_rate, seconds,
think, timeout, requests (per user, 0: no limit), models, beam, lp, sentences. The run stops by
itself when `seconds` are up or every user has made its `requests`, whichever comes first.
Writes PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv, PREFIX_exceptions.csv
(Locust's), PREFIX.html (Locust's report) and PREFIX.json: per request name its count, failures,
p50 and p95 (Locust's percentiles, ms), the failures' messages, when the users were told to
stop (stopping_at, seconds since the epoch: up to then their sessions were open), and every request (name, ms, ok,
replica, end time, error) so callers can count per replica and place failures in time.

A process of its own: importing Locust patches the standard library for gevent.
"""

from __future__ import annotations

import json
import sys
import time
from argparse import Namespace
from pathlib import Path

import gevent
from locust import stats
from locust.env import Environment
from locust.html import get_html_report

from .streamlit_user import StreamlitUser


def run(config: dict, prefix: str) -> dict:
    options = Namespace(**config)
    env = Environment(user_classes=[StreamlitUser], host=options.host, parsed_options=options,
                      stop_timeout=options.timeout, locustfile=__file__)
    records: list[dict] = []

    def record(request_type, name, response_time, response_length, exception=None, context=None, **_):
        records.append({"name": name, "ms": response_time, "ok": exception is None, "bytes": response_length,
                        "replica": (context or {}).get("replica", ""), "user": (context or {}).get("user"),
                        "at": (context or {}).get("at"), "error": None if exception is None else str(exception)[:300]})

    env.events.request.add_listener(record)
    runner = env.create_local_runner()
    writer = stats.StatsCSVFileWriter(env, stats.PERCENTILES_TO_REPORT, prefix, full_history=False)
    gevent.spawn(stats.stats_history, runner)
    csv = gevent.spawn(writer.stats_writer)
    started = time.monotonic()
    runner.start(options.users, spawn_rate=options.spawn_rate)

    stopping = {}

    def watch():  # bounded in time, and done once every user has stopped (its `requests` made)
        gevent.sleep(1.0)
        while time.monotonic() - started < options.seconds:
            if runner.user_count == 0:
                break
            gevent.sleep(0.2)
        stopping["at"] = time.time()  # the users are still connected up to here; quit() closes them
        runner.quit()

    gevent.spawn(watch)
    runner.greenlet.join()
    elapsed = time.monotonic() - started
    csv.kill(block=False)
    writer.close_files()
    Path(prefix + ".html").write_text(get_html_report(env, show_download_link=False), encoding="utf-8")
    names = {}
    for (name, _method), entry in sorted(runner.stats.entries.items()):
        names[name] = {"requests": entry.num_requests, "failures": entry.num_failures,
                       "p50_ms": entry.get_response_time_percentile(0.5) if entry.num_requests else None,
                       "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else None}
    summary = {"users": options.users, "seconds": elapsed, "stopping_at": stopping.get("at", time.time()), "names": names,
               "errors": [{"name": e.name, "error": str(e.error), "occurrences": e.occurrences}
                          for e in runner.stats.errors.values()],
               "records": records}
    Path(prefix + ".json").write_text(json.dumps(summary), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m s2s.tools.protocol_run CONFIG.json PREFIX", file=sys.stderr)
        return 2
    config = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    run(config, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
