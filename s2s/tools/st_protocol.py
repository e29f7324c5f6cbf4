"""A Streamlit client that speaks the app's websocket protocol the way the browser does, without rendering.

The browser, opening the app: GET / (the page), GET /_stcore/health (it sets the XSRF cookie) and
/_stcore/host-config, then a websocket to /_stcore/stream whose subprotocols carry "streamlit", the
XSRF token and, when reconnecting, the session id it had. Every script run starts with a BackMsg
rerun_script (ClientState: the URL's query string, the page, the widgets' values) and the server
answers with ForwardMsgs: new_session, deltas (the page's elements at their delta_path),
page_info_changed (the URL's new query string) and script_finished. Messages the client says it has
cached (cached_message_hashes) come back as references (ref_hash), as they do to the browser.

`Session` is synchronous (websocket-client) and keeps no state outside the object; what a person
does on the home page is in s2s/tools/home_page.py (HomePage). The Locust user
(s2s/tools/streamlit_user.py) drives one per simulated student, the tests drive one directly.
Only 127.0.0.1 / localhost are accepted as hosts: a load loop never leaves this machine.
"""

from __future__ import annotations

import re
import select
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websocket
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

LOCAL_HOSTS = ("127.0.0.1", "localhost")
REPLICA_HEADER = "x-s2s-replica"  # set by the balancer (s2s/tools/cluster.py): the replica that answered
_UNESCAPE = re.compile(r"\\(.)")


class ProtocolError(Exception):
    """A request that did not end with the page it should show."""


class PageError(ProtocolError):
    """The run finished showing an exception or an error box, or without a model's result."""


class Disconnected(ProtocolError):
    """The websocket closed (the server went away); `Session.reconnect` opens it again."""


def check_local(url: str) -> str:
    """`url` without a trailing slash; ValueError unless it is http://127.0.0.1 or localhost."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"{url}: only http://127.0.0.1:PORT or http://localhost:PORT can be targeted")
    return url.rstrip("/")


def unescape_md(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


@dataclass
class Run:
    """One script run as the client saw it: elements by delta path, and how it ended."""

    elements: dict[tuple[int, ...], object] = field(default_factory=dict)  # path -> Element proto
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus once finished
    received: int = 0  # bytes of ForwardMsgs

    def of(self, kind: str):
        return [(path, getattr(el, kind)) for path, el in sorted(self.elements.items())
                if el.WhichOneof("type") == kind]

    def widget(self, key: str):
        """The widget element whose user key is `key` (its id ends with "-" + key), or None."""
        for el in self.elements.values():
            proto = getattr(el, el.WhichOneof("type") or "", None)
            if getattr(proto, "id", "").endswith("-" + key):
                return proto
        return None

    def failure(self) -> str | None:
        """The first exception or error box shown, else None."""
        for _, exc in self.of("exception"):
            return f"exception shown: {exc.type}: {exc.message[:160]}"
        for _, alert in self.of("alert"):
            if alert.format == Alert.ERROR:
                return f"error shown: {unescape_md(alert.body).splitlines()[0][:160] if alert.body else '?'}"
        return None

    def translations(self) -> dict[str, str]:
        """Model short name -> the translation shown under its heading (same block, "#### " markdown)."""
        out = {}
        for path, heading in self.of("heading"):
            block = path[:-1]
            for other, md in self.of("markdown"):
                if other[:-1] == block and md.body.startswith("#### "):
                    out[unescape_md(heading.body)] = unescape_md(md.body[5:])
                    break
        return out


class Session:
    """One browser tab's worth of protocol: open, set widgets and rerun, reconnect."""

    def __init__(self, base_url: str, timeout: float = 60.0):
        self.base = check_local(base_url)
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.query_string = ""
        self.page_hash = ""
        self.session_id = ""
        self.replica = ""  # who answered the websocket handshake (balancer header), else ""
        self.states: dict[str, WidgetState] = {}  # every widget value this client has set, by id
        self.cache: dict[str, ForwardMsg] = {}  # cacheable messages by hash (as the browser keeps them)
        self.last: Run | None = None
        self.ws: websocket.WebSocket | None = None

    # -- connection ---------------------------------------------------------------------------
    def _get(self, path: str) -> bytes:
        request = urllib.request.Request(self.base + path)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            return response.read()

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def connect(self) -> None:
        """The page's HTTP requests, then the websocket (with the session id it had, when there is one)."""
        self._get("/")
        self._get("/_stcore/health")
        self._get("/_stcore/host-config")
        host = urlsplit(self.base).netloc
        tokens = ["streamlit", self.cookies.get("_streamlit_xsrf") or "PLACEHOLDER_AUTH_TOKEN"]
        if self.session_id:
            tokens.append(self.session_id)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items()) or None
        try:
            self.ws = websocket.create_connection(f"ws://{host}/_stcore/stream", subprotocols=tokens, origin=self.base,
                                                  cookie=cookie, timeout=self.timeout, enable_multithread=False)
        except (OSError, websocket.WebSocketException) as exc:
            raise Disconnected(f"websocket: {type(exc).__name__}: {exc}") from exc
        headers = {k.lower(): v for k, v in (self.ws.getheaders() or {}).items()}
        self.replica = headers.get(REPLICA_HEADER, "")
        self._keep_cookies([v for k, v in headers.items() if k == "set-cookie"])

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close(timeout=1)
            except (OSError, websocket.WebSocketException):
                pass
            self.ws = None

    def alive(self) -> bool:
        """Whether the websocket is still open, read without waiting: the browser notices a closed
        socket at once and reconnects, not at the next click. Messages waiting are taken in; pings
        (the server sends one every 20 s) are answered and returned, never waited past."""
        while self.ws is not None and self.ws.sock is not None:
            try:
                if not select.select([self.ws.sock], [], [], 0)[0]:
                    return True
                self.ws.settimeout(5.0)  # something is there: a whole frame follows at once
                opcode, data = self.ws.recv_data(control_frame=True)
            except (OSError, ValueError, websocket.WebSocketException):
                opcode, data = websocket.ABNF.OPCODE_CLOSE, b""
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                self.ws = None
                break
            if opcode == websocket.ABNF.OPCODE_BINARY and data:
                self._receive(data, Run())
        return False

    def reconnect(self, within: float | None = None) -> Run:
        """What the browser does when its websocket drops: ping the server until it answers (here:
        whichever replica the balancer sends it to), reconnect with the session id it had and rerun
        with the URL and the widgets' values. ProtocolError when no server answers `within` s."""
        self.close()
        deadline = time.monotonic() + (self.timeout if within is None else within)
        delay = 0.2
        while True:
            try:
                self.connect()
                break
            except (OSError, urllib.error.URLError, Disconnected) as exc:
                if time.monotonic() + delay > deadline:
                    raise ProtocolError(f"no server answered in {within or self.timeout:.0f} s: {exc}") from exc
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
        return self.rerun(trigger=None)

    # -- script runs ----------------------------------------------------------------------------
    def rerun(self, widgets: dict[str, WidgetState] | None = None, trigger: str | None = None) -> Run:
        """Send rerun_script with the URL's query string and every widget value set so far (plus
        `widgets`, and `trigger` as a button click), then read ForwardMsgs until script_finished."""
        if self.ws is None:
            raise Disconnected("not connected")
        self.states.update(widgets or {})
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(self.states.values())
        if trigger is not None:
            state.widget_states.widgets.add(id=trigger, trigger_value=True)
        state.cached_message_hashes.extend(self.cache)
        run = Run()
        deadline = time.monotonic() + self.timeout
        try:
            self.ws.send_binary(msg.SerializeToString())
            while run.status is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ProtocolError(f"the script run did not finish in {self.timeout:.0f} s")
                self.ws.settimeout(left)
                data = self.ws.recv()
                if not data:
                    raise Disconnected("websocket closed by the server")
                run.received += len(data)
                self._receive(data, run)
        except websocket.WebSocketTimeoutException as exc:
            raise ProtocolError(f"the script run did not finish in {self.timeout:.0f} s") from exc
        except (OSError, websocket.WebSocketException) as exc:
            self.ws = None
            raise Disconnected(f"websocket: {type(exc).__name__}: {exc}") from exc
        self.last = run
        return run

    def _receive(self, data: bytes, run: Run) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                raise ProtocolError(f"reference to a message never received: {msg.ref_hash}")
            resolved = ForwardMsg()
            resolved.CopyFrom(cached)
            resolved.metadata.CopyFrom(msg.metadata)
            msg, kind = resolved, cached.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = msg
        if kind == "new_session":
            run.elements.clear()  # a run starts: what follows is its page
            if msg.new_session.initialize.session_id:
                self.session_id = msg.new_session.initialize.session_id
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            run.elements[tuple(msg.metadata.delta_path)] = msg.delta.new_element
        elif kind == "script_finished":
            run.status = msg.script_finished

    def open(self, query_string: str = "") -> Run:
        """A new tab on the home page (at `query_string`): connect and run the script once."""
        self.query_string = query_string
        self.connect()
        return self.rerun()
