"""Classroom mode: the server's arguments, the LAN address, the view's link and the share button's QR code."""

import socket
import struct
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_fixtures import tiny_env, tiny_root  # noqa: F401  (fixtures)
from s2s.paths import ENV_CLASSROOM
from s2s.ui import classroom, serve

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_default_serves_on_localhost_with_xsrf_on_and_no_statistics(monkeypatch):
    args, env = serve.server_args([])
    assert args[:2] == ["run", str(serve.APP)] and env == {}
    assert [a for a in args if a.startswith("--server.address")] == ["--server.address=127.0.0.1"]
    assert "--server.enableXsrfProtection=true" in args and "--browser.gatherUsageStats=false" in args


def test_classroom_serves_on_every_interface_and_names_the_lan_address(monkeypatch):
    monkeypatch.setattr(classroom, "lan_address", lambda: "192.168.1.20")
    args, env = serve.server_args(["--classroom", "--port", "8600"])
    assert [a for a in args if a.startswith("--server.address")] == ["--server.address=0.0.0.0"]
    assert "--server.port=8600" in args
    assert "--server.enableXsrfProtection=true" in args and "--browser.gatherUsageStats=false" in args
    assert env == {ENV_CLASSROOM: "http://192.168.1.20:8600"}
    _, env = serve.server_args(["--classroom", "--server.port", "8700"])  # a streamlit option names the port
    assert env[ENV_CLASSROOM] == "http://192.168.1.20:8700"
    notice = serve.classroom_notice(env[ENV_CLASSROOM])
    assert "http://192.168.1.20:8700" in notice and "Everyone on this network" in notice


def test_bad_checkpoints_folder_and_port_are_refused(tmp_path, capsys):
    for argv in (["--checkpoints", str(tmp_path / "nope")], ["--port", "70000"]):
        with pytest.raises(SystemExit) as exit_:
            serve.server_args(argv)
        assert exit_.value.code == 2
    assert "no such folder" in capsys.readouterr().err
    _, env = serve.server_args(["--checkpoints", str(tmp_path)])
    assert env == {"S2S_CHECKPOINTS": str(tmp_path.resolve())}


def test_lan_address_is_a_usable_ipv4_or_none_and_falls_back_to_hostname(monkeypatch):
    address = classroom.lan_address()
    assert address is None or classroom._usable(address)

    class NoRoute(socket.socket):
        def connect(self, *args):
            raise OSError("network is unreachable")

    monkeypatch.setattr(classroom.socket, "socket", NoRoute)
    monkeypatch.setattr(classroom.subprocess, "run",
                        lambda *a, **k: type("R", (), {"stdout": "127.0.0.1 169.254.1.1 10.0.0.7 fd00::2\n"})())
    assert classroom.lan_address() == "10.0.0.7"


def test_view_url_joins_base_page_and_query():
    assert classroom.view_url("http://10.0.0.5:8501", "attention", {"text": "Hi there?", "beam": "5"}) == \
        "http://10.0.0.5:8501/attention?beam=5&text=Hi+there%3F"
    assert classroom.view_url("http://h:1/lab/", "", {}) == "http://h:1/lab/"


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_qr_png_holds_the_code_of_the_url():
    url = "http://10.0.0.5:8501/translate?text=I+am+hungry."
    qr = classroom.qr_code(url)
    assert qr.error == "M" and not qr.is_micro
    side = len(qr.matrix) + 2 * 4  # the quiet zone
    assert _png_size(classroom.qr_png(url, scale=3)) == (side * 3, side * 3)
    assert classroom.qr_code(url + "&beam=5").matrix != qr.matrix  # the payload is the whole link


def test_classroom_address_is_in_the_apps_sidebar(tiny_env, monkeypatch):
    monkeypatch.setenv(ENV_CLASSROOM, "http://10.1.2.3:8600")
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert any("http://10.1.2.3:8600" in i.value.replace("\\", "") for i in at.sidebar.info)
    assert "Share this view" in [b.label for b in at.sidebar.button]


def share_app():
    """The share widget as the sidebar calls it, on the attention page's path."""
    import streamlit as st

    from s2s.ui import widgets

    with st.sidebar:
        widgets.share("attention")


@pytest.mark.parametrize("room", ["http://10.1.2.3:8600", None])
def test_share_button_shows_the_current_views_link_as_a_qr_code(monkeypatch, room):
    if room:
        monkeypatch.setenv(ENV_CLASSROOM, room)
    else:
        monkeypatch.delenv(ENV_CLASSROOM, raising=False)
    encoded = []
    real = classroom.qr_png
    monkeypatch.setattr(classroom, "qr_png", lambda url, **kw: encoded.append(url) or real(url, **kw))
    at = AppTest.from_function(share_app, default_timeout=60)
    at.query_params["text"] = "Where is the station?"
    at.query_params["models"] = "eng-spa/vanilla-gru,eng-spa/bahdanau"
    at.run()
    assert not at.exception and not encoded and not at.sidebar.code  # nothing until the button is pressed
    at.sidebar.button(key="w:app.share").click().run()
    assert not at.exception
    (url,) = encoded
    base = room or "http://127.0.0.1:8501"  # AppTest has no browser URL: the server's own address
    assert url == f"{base}/attention?models=eng-spa%2Fvanilla-gru%2Ceng-spa%2Fbahdanau&text=Where+is+the+station%3F"
    assert [c.value for c in at.sidebar.code] == [url]
    assert [type(e).__name__ for e in at.sidebar.children.values()].count("Image") == 1  # the QR code
    assert bool(at.sidebar.caption and any("this computer only" in c.value for c in at.sidebar.caption)) == (room is None)
    at.run()  # the next run (any other change) hides the link, which may be stale by then
    assert not at.sidebar.code
