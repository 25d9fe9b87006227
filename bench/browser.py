"""In the browser: first full render and slider-to-charts time, against a minimal app, same run.

Headless Chromium (Debian's, through Playwright) opens each app and measures
  * the first full render: from navigation until every chart has drawn;
  * a slider step: from an ArrowRight key press on slider z1 until every chart on the
    page shows the new value (checked in the charts' own data);
  * the bytes the server sends over the websocket for that step.
The minimal app has three sliders and one Plotly bar chart. Medians over the repeats;
ratios against the minimal app. Targets: at most 1.5x; the default page under 100 KB a step.

    python bench/browser.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import math
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import grad_logits, softmax  # noqa: E402
from tests.browser.chromium import LAUNCH_ARGS, NOT_FOUND, find_chromium  # noqa: E402

LN3 = math.log(3.0)


def chromium() -> str:
    path = find_chromium()
    if path is None:
        raise SystemExit(NOT_FOUND)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(script: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{script} did not start")


#: JavaScript conditions "every chart shows z1 = v", for each app.
def ours_ready(z1: float) -> tuple[str, list[float]]:
    z = [z1, LN3, 0.0]
    p = softmax(z).tolist()
    descent = (-grad_logits(z, 0)).tolist()
    check = """([p0, d0]) => {
        const charts = document.querySelectorAll('.js-plotly-plot');
        if (charts.length !== 3) return false;
        const close = (a, b) => Math.abs(a - b) < 1e-9;
        return close(charts[0].data[0].y[0], p0) && close(charts[1].data[1].y[0], d0)
            && close(charts[2].data[1].x[0], p0);
    }"""
    return check, [p[0], descent[0]]


def minimal_ready(z1: float) -> tuple[str, list[float]]:
    check = """([v]) => {
        const charts = document.querySelectorAll('.js-plotly-plot');
        return charts.length === 1 && Math.abs(charts[0].data[0].y[0] - v) < 1e-9;
    }"""
    return check, [z1]


def first_render_ms(page: Page, url: str, ready: Callable[[float], tuple[str, list[float]]]) -> float:
    check, arg = ready(0.0)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(check, arg=arg, timeout=60_000, polling="raf")
    return (time.perf_counter() - start) * 1e3


def slider_steps(
    page: Page, ready: Callable[[float], tuple[str, list[float]]], repeats: int, received: list[int]
) -> tuple[list[float], list[int]]:
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="z1").get_by_role("slider")
    thumb.focus()
    times, sizes = [], []
    value = 0.0
    for r in range(repeats + 1):
        key = "ArrowRight" if r % 2 == 0 else "ArrowLeft"
        value = round(value + (0.1 if key == "ArrowRight" else -0.1), 1)
        check, arg = ready(value)
        before = sum(received)
        start = time.perf_counter()
        thumb.press(key)
        page.wait_for_function(check, arg=arg, timeout=30_000, polling="raf")
        elapsed = (time.perf_counter() - start) * 1e3
        page.wait_for_timeout(300)  # the rest of the run's messages
        if r > 0:  # the first step warms up
            times.append(elapsed)
            sizes.append(sum(received) - before)
    return times, sizes


def measure(script: Path, ready: Callable[[float], tuple[str, list[float]]], repeats: int) -> dict[str, float]:
    process, url = serve(script)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
            renders = []
            for _ in range(max(3, repeats // 3)):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                renders.append(first_render_ms(page, url, ready))
                page.close()
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            received: list[int] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(len(frame))))
            first_render_ms(page, url, ready)
            times, sizes = slider_steps(page, ready, repeats, received)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {
        "render": statistics.median(renders),
        "step": statistics.median(times),
        "bytes": statistics.median(sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    base = measure(ROOT / "bench" / "apps" / "minimal_app.py", minimal_ready, args.repeats)
    ours = measure(ROOT / "app.py", ours_ready, args.repeats)
    print("| measure | minimal app | this app (Explore) | × minimal | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    rows = [
        ("first full render, ms", "render", "≤ 1.5×"),
        ("slider key press → every chart updated, ms", "step", "≤ 1.5×"),
    ]
    for label, key, target in rows:
        ratio = ours[key] / base[key]
        verdict = "met" if ratio <= 1.5 else "MISSED"
        print(f"| {label} | {base[key]:.0f} | {ours[key]:.0f} | {ratio:.2f} | {target}: {verdict} |")
    kb, base_kb = ours["bytes"] / 1024, base["bytes"] / 1024
    verdict = "met" if kb < 100 else "MISSED"
    print(
        f"| websocket bytes per slider step, KB | {base_kb:.1f} | {kb:.1f} | {kb / base_kb:.1f} | < 100 KB: {verdict} |"
    )


if __name__ == "__main__":
    main()
