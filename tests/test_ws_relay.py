"""The relay's websocket frame parser (s2s/tools/ws_relay.py), on frames built here (RFC 6455), and
the relay passing a real protocol session through while it stamps its messages (tiny checkpoints)."""

import os
import struct

from app_fixtures import tiny_root  # noqa: F401  (fixture)
from s2s.tools import agree, bench_app
from s2s.tools.home_page import HomePage
from s2s.tools.ws_relay import Frames, Relay


def frame(payload: bytes, opcode: int = 2, fin: bool = True, mask: bytes | None = None) -> bytes:
    head = bytes([(0x80 if fin else 0) | opcode])
    n, bit = len(payload), 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 1 << 16:
        head += bytes([bit | 126]) + struct.pack(">H", n)
    else:
        head += bytes([bit | 127]) + struct.pack(">Q", n)
    if mask:
        payload = mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + payload


def test_frames_whole_binary_messages_in_any_chunks():
    got = []
    parser = Frames(got.append)
    small, medium, large = b"a" * 5, os.urandom(300), os.urandom(70_000)
    stream = (frame(small) + frame(b"ping", opcode=9) + frame(medium, mask=b"\x01\x02\x03\x04")
              + frame(b"text", opcode=1) + frame(large[:1000], fin=False) + frame(large[1000:], opcode=0))
    for i in range(0, len(stream), 777):  # the bytes come as the socket gives them
        parser.feed(stream[i:i + 777])
    assert got == [small, medium, large]  # control and text frames left out, masks removed, fragments joined


def test_the_relay_passes_a_session_through_and_stamps_its_messages(tiny_root):
    with bench_app.serve(tiny_root) as (url, _proc), Relay(int(url.rsplit(":", 1)[1])) as relay:
        session = HomePage(relay.url, timeout=60)
        try:
            session.open()
            shown = session.translate("Where is the station?", ["eng-spa/vanilla", "eng-spa/bahdanau"])
        finally:
            session.close()
    assert set(shown.translations()) == {"vanilla", "bahdanau"}
    sent = [m for m in relay.messages if m[1] == "s"]
    received = [m for m in relay.messages if m[1] == "r"]
    # the last run's answer, from the client's last message to its script_finished: every byte the
    # client read, the relay saw (the server may send more after script_finished: not read by the run).
    # A message the server sent just before the relay forwarded the rerun reaches the client after it
    # sent the rerun, so the client may count the last few messages before it too (`crossed`).
    assert len(sent) >= 2
    answer = [m for m in received if m[0] > sent[-1][0]]
    end = next(i for i, m in enumerate(answer) if agree.click_of([m]).finished)
    counted = sum(len(m[2]) for m in answer[:end + 1])
    crossed = [len(m[2]) for m in received if sent[-2][0] < m[0] < sent[-1][0]]
    assert counted > 0 and session.last.received in {counted + sum(crossed[k:]) for k in range(len(crossed) + 1)}
    assert [m[0] for m in relay.messages] == sorted(m[0] for m in relay.messages)
