"""Classroom mode and shared links: the machine's address on the local network, a view's link, its QR code.

`attention-lab --classroom` (and `scripts/app --classroom`) serves on 0.0.0.0 and puts the address
students type into $S2S_CLASSROOM_URL; the sidebar shows it, and the share button turns the current
view (base address + page path + the page's query parameters, which every page keeps in its URL)
into a link and a QR code (segno). Finding the address needs no internet: a UDP socket "connected"
to a private address sends nothing but makes the kernel choose the interface it would route
through; `hostname -I` is the fallback.
"""

from __future__ import annotations

import io
import ipaddress
import os
import socket
import subprocess
from urllib.parse import urlencode, urlsplit

import segno

from ..paths import ENV_CLASSROOM


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and not (ip.is_loopback or ip.is_unspecified or ip.is_link_local)


def lan_address() -> str | None:
    """This machine's IPv4 address on the local network, or None when it has none."""
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):  # private: never leaves the LAN
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))  # UDP: no packet is sent
                address = s.getsockname()[0]
        except OSError:
            continue
        if _usable(address):
            return address
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return next((a for a in out.split() if _usable(a)), None)


def classroom_url() -> str | None:
    """The address students type, when the app runs in classroom mode ($S2S_CLASSROOM_URL)."""
    return os.environ.get(ENV_CLASSROOM, "").strip() or None


def view_url(base: str, page_path: str, params: dict[str, str]) -> str:
    """base 'http://10.0.0.5:8501' (or with a base path) + page 'attention' + query -> the view's link."""
    parts = urlsplit(base)
    path = parts.path.rstrip("/") + "/" + page_path.strip("/")
    query = urlencode(sorted((str(k), str(v)) for k, v in params.items()))
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query}" if query else "")


def qr_code(url: str) -> segno.QRCode:
    """The QR code of `url` (error correction M: readable from the back of a room)."""
    return segno.make(url, error="m", micro=False)


def qr_png(url: str, scale: int = 6) -> bytes:
    """PNG of the QR code of `url`, black on white with a 4-module quiet zone."""
    buf = io.BytesIO()
    qr_code(url).save(buf, kind="png", scale=scale, border=4, dark="#000000", light="#ffffff")
    return buf.getvalue()
