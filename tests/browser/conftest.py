"""A real `streamlit run app.py` on a free local port, driven by Playwright in Debian's Chromium.

No browser is downloaded: the system Chromium is used (``CHROMIUM_PATH``, else
``chromium`` / ``chromium-browser`` / ``google-chrome`` on the PATH). When none is
found the tests fail with a message; they never skip.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from playwright.sync_api import expect

from tests.browser.chromium import LAUNCH_ARGS, NOT_FOUND, find_chromium

# An `expect` that waits for a rerun waits as long as a rerun can take on a busy 2-core CI machine
# (Playwright's default is 5 s); a test that waits for a first load still gives its own, longer timeout.
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
#: The test server's stderr (its log, warnings included): tests read it for warnings.
SERVER_LOG = ROOT / "artifacts" / "streamlit-server.log"


def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        pytest.fail(f"{NOT_FOUND} Browser tests never skip.")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy within {timeout:.0f} s")


def start_app(stderr: IO[bytes]) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run app.py`, headless on a free local port, its log to ``stderr``: the process and its URL
    (not yet healthy: see ``wait_healthy``). Shared with bench/flawless.py."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


def stop_app(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    log = SERVER_LOG.open("wb")
    process, url = start_app(log)
    try:
        wait_healthy(url, process)
        yield url
    finally:
        stop_app(process)
        log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at the system Chromium."""
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
