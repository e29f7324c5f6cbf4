"""A TCP relay in front of the app that stamps every websocket message on the server's side of the wire.

`Relay(port)` listens on a free port of 127.0.0.1 and passes every connection through to the app on
`port`, unchanged. On a connection the app upgrades to a websocket (HTTP 101), it parses the frames
in both directions (RFC 6455; the app negotiates no compression) and records each whole binary
message as (time.monotonic(), "s" sent by the client | "r" sent by the server, payload).

It reads from the app as fast as the app writes, whatever the client does: what the client has not
taken yet waits in the relay, not in the app's socket. So the time between a client's message and
the app's answer is the app's own, even for a client (chromium) that reads its websocket only as
fast as its page consumes the messages. Tools only (s2s/tools/agree.py); never between users and the app.
"""

from __future__ import annotations

import queue
import socket
import struct
import threading
import time


class Frames:
    """Incremental parser of one direction's websocket frames; whole binary messages go to `emit`."""

    def __init__(self, emit):
        self.buf, self.parts, self.opcode, self.emit = b"", [], 0, emit

    def feed(self, data: bytes) -> None:
        self.buf += data
        while len(self.buf) >= 2:
            b0, b1 = self.buf[0], self.buf[1]
            length, at = b1 & 0x7F, 2
            if length == 126:
                if len(self.buf) < 4:
                    return
                length, at = struct.unpack(">H", self.buf[2:4])[0], 4
            elif length == 127:
                if len(self.buf) < 10:
                    return
                length, at = struct.unpack(">Q", self.buf[2:10])[0], 10
            mask = b""
            if b1 & 0x80:
                mask, at = self.buf[at:at + 4], at + 4
            if len(self.buf) < at + length:
                return
            payload, self.buf = self.buf[at:at + length], self.buf[at + length:]
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = b0 & 0x0F
            if opcode >= 8:  # control frames (ping, pong, close) stand alone
                continue
            if opcode:
                self.opcode, self.parts = opcode, []
            self.parts.append(payload)
            if b0 & 0x80 and self.opcode == 2:  # FIN of a binary message
                self.emit(b"".join(self.parts))


class Relay:
    """Context manager: `with Relay(app_port) as relay:` then clients use relay.url; relay.messages."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.messages: list[tuple[float, str, bytes]] = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.closing = False

    def __enter__(self) -> "Relay":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.closing = True
        self.listener.close()

    def _record(self, direction: str):
        def emit(payload: bytes) -> None:
            with self.lock:
                self.messages.append((time.monotonic(), direction, payload))
        return emit

    def _accept(self) -> None:
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            upgraded = threading.Event()
            outbox: queue.Queue = queue.Queue()  # the app's bytes, waiting for the client to take them
            threading.Thread(target=self._from_client, args=(client, server, upgraded), daemon=True).start()
            threading.Thread(target=self._from_server, args=(server, outbox, upgraded), daemon=True).start()
            threading.Thread(target=self._to_client, args=(client, outbox), daemon=True).start()

    def _from_client(self, client, server, upgraded: threading.Event) -> None:
        frames = Frames(self._record("s"))
        try:
            while data := client.recv(65536):
                if upgraded.is_set():  # the client sends frames only once it has the 101
                    frames.feed(data)
                server.sendall(data)
        except OSError:
            pass
        finally:
            with_close(server)

    def _from_server(self, server, outbox: queue.Queue, upgraded: threading.Event) -> None:
        frames, head = Frames(self._record("r")), b""
        try:
            while data := server.recv(65536):
                if upgraded.is_set():
                    frames.feed(data)
                elif not head and not data.startswith(b"HTTP/1.1 101"):
                    head = b"-"  # a plain HTTP connection: passed through, not parsed
                elif head != b"-":
                    head += data
                    if b"\r\n\r\n" in head:
                        upgraded.set()
                        frames.feed(head.split(b"\r\n\r\n", 1)[1])
                outbox.put(data)
        except OSError:
            pass
        finally:
            outbox.put(None)

    @staticmethod
    def _to_client(client, outbox: queue.Queue) -> None:
        try:
            while (data := outbox.get()) is not None:
                client.sendall(data)
        except OSError:
            pass
        finally:
            with_close(client)


def with_close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
