"""The Locust user: one student on the home page, over the app's websocket protocol (st_protocol.Session).

A custom client as Locust's docs show them: a `User` subclass that times its own requests and
reports each one with `self.environment.events.request.fire(...)`. Requests (request_type "WS"):
- "open": a new tab on the home page (the page's HTTP requests, the websocket, the first run);
- "translate": type a sentence, pick the models and decoding, click Translate, until the run has
  finished with a translation from every model (an exception or error box on the page, a missing
  result, a timeout or a dropped connection: a failure);
- "reconnect": after a dropped connection (noticed while thinking, or by a failed request), what
  the browser does: ping the server through the balancer until one answers, reconnect, rerun with
  the URL; it fails unless the view comes back from the URL (its sentence and models shown).
Each request's context says which replica answered (the balancer's header), if any.

Its settings come from `environment.parsed_options` (s2s/tools/protocol_run.py sets them):
sentences, models, beam, lp, think (mean seconds between requests, +-50%), timeout, requests (per
user; 0: until the run ends). Importing this module imports Locust, which patches the standard
library for gevent: only the Locust process (protocol_run) imports it.
"""

from __future__ import annotations

import itertools
import random
import time

from locust import User, task
from locust.exception import StopUser

from .home_page import HomePage, check
from .st_protocol import Disconnected, PageError, ProtocolError

_numbers = itertools.count()


class StreamlitUser(User):
    """One browser tab's protocol, without the browser."""

    def __init__(self, environment):
        super().__init__(environment)
        self.options = environment.parsed_options
        self.number = next(_numbers)
        self.rng = random.Random(self.number)
        # each user walks its own seeded shuffle of the sentences: most are new to the server
        self.sentences = itertools.cycle(self.rng.sample(self.options.sentences, len(self.options.sentences)))
        self.session: HomePage | None = None
        self.done = 0

    def wait_time(self) -> float:
        return self.options.think * self.rng.uniform(0.5, 1.5)

    def _fire(self, name: str, start: float, received: int, exception: Exception | None) -> None:
        self.environment.events.request.fire(
            request_type="WS", name=name, response_time=(time.perf_counter() - start) * 1000,
            response_length=received, exception=exception,
            context={"replica": self.session.replica if self.session else "", "user": self.number,
                     "at": time.time()})

    def on_start(self) -> None:
        self.session = HomePage(self.host, timeout=self.options.timeout)
        start, received, error = time.perf_counter(), 0, None
        try:
            run = self.session.open()
            received = run.received
            check(run, [])  # the home page as opened: no exception or error box
        except ProtocolError as exc:
            error = exc
        except OSError as exc:  # the HTTP requests before the websocket
            error = Disconnected(f"{type(exc).__name__}: {exc}")
        self._fire("open", start, received, error)
        # students do not all click at once: the first sentence after a random part of one think time
        self.wait_for(self.options.think * self.rng.uniform(0, 1))

    def wait_for(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))  # gevent-patched: yields to the other users

    @task
    def translate(self) -> None:
        if self.options.requests and self.done >= self.options.requests:
            raise StopUser()
        self.done += 1
        if not self.session.alive():  # closed while the student was reading: reconnect first
            if not self.reconnect():
                return  # no server answered: that failure is reported, the click waits for the next turn
        text = next(self.sentences)
        start, received, error = time.perf_counter(), 0, None
        try:
            run = self.session.translate(text, self.options.models, self.options.beam, self.options.lp)
            received = run.received
        except PageError as exc:
            error = exc
        except ProtocolError as exc:  # dropped or stuck: after reporting it, reconnect as the browser does
            error = exc
        self._fire("translate", start, received, error)
        if error is not None and not isinstance(error, PageError):
            self.reconnect()

    def reconnect(self) -> bool:
        start, received, error = time.perf_counter(), 0, None
        try:
            run = self.session.reconnect(within=self.options.timeout)
            received = run.received
            self.session.check_view(run)  # the view comes back from the URL
        except ProtocolError as exc:
            error = exc
        self._fire("reconnect", start, received, error)
        return self.session.ws is not None

    def on_stop(self) -> None:
        if self.session is not None:
            self.session.close()
