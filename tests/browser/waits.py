"""Waiting in the page for a state a test reads, robust to Streamlit's reruns.

A rerun may replace an element between two polls: for a moment ``querySelector``
returns null, or a chart has no ``data`` yet. ``page.wait_for_function`` fails at
once when its predicate throws, so a test that waits for the *end* of a rerun
could fail on a frame *during* it. ``wait_until`` treats a throw as "not yet" and
keeps polling; if the time runs out, it reports the predicate's last error.
"""

from __future__ import annotations

from typing import Any, Literal

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

GUARD = """([source, arg]) => {
  const predicate = (0, eval)('(' + source + ')');
  try { window.__waitError = undefined; return predicate(arg); }
  catch (error) { window.__waitError = String(error); return false; }
}"""


def wait_until(
    page: Page,
    predicate: str,
    arg: Any = None,
    timeout: float | None = None,
    polling: float | Literal["raf"] | None = None,
) -> None:
    """Poll ``predicate`` (a JS function of one argument, as for ``wait_for_function``) until it
    returns a truthy value; a throw counts as false while the page is mid-rerun."""
    try:
        page.wait_for_function(GUARD, arg=[predicate, arg], timeout=timeout, polling=polling)
    except PlaywrightTimeoutError as error:
        last = page.evaluate("() => window.__waitError")
        raise AssertionError(f"timed out waiting for {predicate!r}; its last error: {last}") from error
