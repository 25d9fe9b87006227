"""Share the exact view: a link with every setting in it, and its QR code for phones."""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

import segno
import streamlit as st

#: Where the page is served when Streamlit does not know its own address (tests, scripts).
FALLBACK_URL = "http://localhost:8501/"
QR_SCALE = 8


def share_link(base_url: str | None, params: Iterable[tuple[str, str]]) -> str:
    """The page's address with the given query parameters, spaces as %20."""
    base = (base_url or FALLBACK_URL).split("?", 1)[0].split("#", 1)[0]
    query = urlencode(list(params), quote_via=quote)
    return f"{base}?{query}" if query else base


def qr_data_uri(link: str) -> str:
    """The QR code as a ``data:`` URI: Streamlit shows it as it is, with no image decoding."""
    return "data:image/png;base64," + base64.b64encode(qr_png(link)).decode("ascii")


@functools.lru_cache(maxsize=256)
def qr_png(link: str) -> bytes:
    """A QR code of ``link`` as PNG, black on white with a quiet zone, error correction M."""
    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=QR_SCALE, border=4)
    return buffer.getvalue()


def render_share(params: Iterable[tuple[str, str]]) -> str:
    """The sidebar's share box for the page's settings ``params``; returns the link shown."""
    link = share_link(st.context.url, params)
    sidebar: Any = st.sidebar
    box = sidebar.expander("Share this view", expanded=True, icon=":material/share:")
    box.caption("The link opens exactly this view. Copy it with the button in the box's corner:")
    box.code(link, language=None, wrap_lines=True)
    # The QR code is drawn on request: encoding it on every slider move would cost more than the page.
    if not box.toggle("QR code for phones", key="qr", help="Students scan it from the projector."):
        return link
    try:
        png = qr_data_uri(link)
    except segno.DataOverflowError:
        box.warning(f"This link is too long for a QR code ({len(link)} characters).", icon="⚠️")
    else:
        box.image(
            png, caption="Scan to open this view on a phone", width="stretch", alt="QR code of the link to this view"
        )
    return link
