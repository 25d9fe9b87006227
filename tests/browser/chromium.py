"""The system Chromium and how it is launched: shared by the browser tests and bench/browser.py.

No browser is downloaded: ``CHROMIUM_PATH``, else ``chromium`` / ``chromium-browser`` /
``google-chrome`` on the PATH.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOT_FOUND = (
    "Chromium not found: install it (Debian/Ubuntu: apt-get install -y chromium) "
    "or set CHROMIUM_PATH to a Chromium or Chrome binary."
)


def find_chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH", "")]
    candidates += [shutil.which(name) or "" for name in ("chromium", "chromium-browser", "google-chrome")]
    return next((c for c in candidates if c and Path(c).exists()), None)
