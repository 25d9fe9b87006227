"""While the hand moves: drawn states per second, blank chart frames, release-to-settled time, bytes.

Headless Chromium (Debian's, through Playwright) opens each app and, with a requestAnimationFrame
sampler running in the page (the first chart's first bar as drawn, and how many Plotly charts are
on screen and drawn in each frame):

  * drags the first logit slider with the mouse for 2 s (120 moves), then releases it:
      - drawn states per second of drag: frames whose first bar differs from the frame before;
        the same for each of the three charts (its first bar, else its last marker), and how
        many times per second live.js drew each (Plotly.react or a quick draw);
      - first drawn change after the first move, ms (the first changed frame is compared
        with the frame on screen when the value changed);
      - release → settled: until Python's numbers for the final value are on the page
        (every chart's data equal core's, and the text Python wrote);
      - reruns (rerun requests the page sent) and blank chart frames (a frame where one of
        the charts is missing or not drawn), for the whole drag and settle;
      - bytes over the websocket, both ways, from the press until settled;
  * holds an arrow key: 20 presses, 33 ms apart (a keyboard's auto-repeat), then counts the
    reruns and blank frames until settled;
  * one key press (a single step) and the bytes it costs, both ways.

Apps: the minimal app (three st.sliders and one st.plotly_chart), the app itself dragged two
ways: `app` its sidebar slider z1 (an st.slider, which sends on release), `app-live` Explore's live
slider z1 under the probability chart (what a student drags), both with the three Plotly charts of
Explore, and bench/apps/live_demo.py (the live components). Medians over --repeats drags.

    python bench/live.py [--repeats 3] [--apps minimal,app,app-live,live]
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import grad_logits, softmax  # noqa: E402
from tests.browser.chromium import LAUNCH_ARGS, NOT_FOUND, find_chromium  # noqa: E402

LN3 = math.log(3.0)

#: Every animation frame: the first bar of the first chart as drawn, and how many charts are drawn.
SAMPLER = """
(() => {
  window.__frames = [];
  const drawn = (gd) => {
    if (!gd.querySelector('.main-svg .trace')) return false;
    const box = gd.getBoundingClientRect();
    return box.width >= 2 && box.height >= 2
      && gd.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  };
  // what each chart shows of the moving numbers: its first bar, else its last marker
  const mark = (gd) => {
    const bar = gd.querySelector('.bars .point path');
    if (bar) return bar.getAttribute('d');
    const points = gd.querySelectorAll('.scatterlayer .point');
    return points.length ? points[points.length - 1].getAttribute('transform') : null;
  };
  const tick = (t) => {
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    const bar = plots[0] && plots[0].querySelector('.bars .point path');
    window.__frames.push([t, plots.length, plots.filter(drawn).length, bar ? bar.getAttribute('d') : null,
      plots.slice(0, 3).map(mark)]);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  window.__firstMove = null;
  window.__liveDraws = [];
  addEventListener('input', () => {  // the first move that changes a slider's value
    if (window.__firstMove === null) window.__firstMove = performance.now();
  }, true);
})();
"""


@dataclass(frozen=True)
class App:
    name: str
    script: Path
    charts: int  # Plotly charts on screen
    thumb: str  # the first logit slider
    url: str = ""

    @property
    def native(self) -> bool:
        """The slider is a native range input (the live sliders), not an st.slider."""
        return self.thumb == LIVE_SLIDER

    def settled(self, z1: float) -> tuple[str, Any]:
        """JavaScript: true once Python's numbers for z1 (z2 = ln 3, z3 = 0) are drawn everywhere."""
        if self.name == "minimal":
            return (
                "([v]) => { const c = document.querySelectorAll('.js-plotly-plot');"
                " return c.length === 1 && !!c[0].data && Math.abs(c[0].data[0].y[0] - v) < 1e-9; }",
                [z1],
            )
        z = [z1, LN3, 0.0]
        p = softmax(z).tolist()
        descent = (-grad_logits(z, 0)).tolist()
        return (
            """([p, d0, z1]) => { try {
                const c = document.querySelectorAll('.js-plotly-plot');
                if (c.length < 3) return false;
                const close = (a, b) => Math.abs(a - b) < 1e-12;
                if (!p.every((v, i) => close(c[0].data[0].y[i], v))) return false;
                if (!close(c[1].data[1].y[0], d0) || !close(c[2].data[1].x[0], p[0])) return false;
                // Python has run for z1: the sidebar's st.slider shows it, and the live charts draw its figures.
                const z1Slider = Array.from(document.querySelectorAll('[data-testid="stSlider"] input[type="range"]'))
                    .find((e) => e.getAttribute('aria-label') === 'z1');
                if (!z1Slider || Math.abs(Number(z1Slider.value) - z1) > 1e-9) return false;
                return Array.from(document.querySelectorAll('.sxl-chart')).every((e) => e.dataset.drawn === 'python');
            } catch (e) { return false; } }""",
            [p, descent[0], z1],
        )


ST_SLIDER_Z1 = '[data-testid="stSlider"] input[aria-label="z1"]'  # its input is hidden, under the thumb
LIVE_SLIDER = "input.sxl-range"
APPS = {
    "minimal": App("minimal", ROOT / "bench" / "apps" / "minimal_app.py", 1, ST_SLIDER_Z1),
    "app": App("app", ROOT / "app.py", 3, ST_SLIDER_Z1),
    "app-live": App("app-live", ROOT / "app.py", 3, LIVE_SLIDER),
    "live": App("live", ROOT / "bench" / "apps" / "live_demo.py", 3, LIVE_SLIDER),
}  # fmt: skip


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
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
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


class Wire:
    """Websocket frames both ways, and how many rerun requests the page sent."""

    def __init__(self, page: Page) -> None:
        self.received: list[int] = []
        self.sent: list[int] = []
        self.reruns = 0
        page.on("websocket", self._attach)

    def _attach(self, ws: Any) -> None:
        ws.on("framereceived", lambda payload: self.received.append(len(payload)))
        ws.on("framesent", self._sent)

    def _sent(self, payload: bytes | str) -> None:
        self.sent.append(len(payload))
        try:
            kind = BackMsg.FromString(payload if isinstance(payload, bytes) else payload.encode()).WhichOneof("type")
        except Exception:
            return
        if kind == "rerun_script":
            self.reruns += 1

    def mark(self) -> tuple[int, int, int]:
        return sum(self.received), sum(self.sent), self.reruns


def frames_between(page: Page, t0: float, t1: float) -> list[list[Any]]:
    frames: list[list[Any]] = page.evaluate(
        "([a, b]) => window.__frames.filter((f) => f[0] >= a && f[0] <= b)", [t0, t1]
    )
    return frames


def drag(page: Page, app: App, wire: Wire) -> dict[str, float]:
    thumb = page.locator(app.thumb).first
    handle = thumb if app.native else thumb.locator("xpath=../..")  # st.slider: its input is hidden
    handle.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = handle.bounding_box()
    assert box is not None
    if app.native:  # a native range: the thumb sits at the value's place along the track
        lo, hi, value = (float(thumb.get_attribute(a) or 0) for a in ("min", "max", "value"))
        x = box["x"] + 8 + (box["width"] - 16) * (value - lo) / (hi - lo)
    else:
        x = box["x"] + box["width"] / 2
    y = box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    before = wire.mark()
    page.evaluate("() => { window.__firstMove = null; }")
    t_down = page.evaluate("() => performance.now()")
    page.mouse.down()
    steps, distance = 120, 140.0
    start = time.perf_counter()
    for k in range(1, steps + 1):
        page.mouse.move(x + distance * k / steps, y)
        lag = start + k * 2.0 / steps - time.perf_counter()
        if lag > 0:
            time.sleep(lag)
    t_up = page.evaluate("() => performance.now()")
    page.mouse.up()
    released = time.perf_counter()
    final = final_z1(page, app)
    check, arg = app.settled(final)
    page.wait_for_function(check, arg=arg, timeout=30_000, polling="raf")
    settle_ms = (time.perf_counter() - released) * 1e3
    page.wait_for_timeout(400)  # the rest of the run's messages
    t_end = page.evaluate("() => performance.now()")
    after = wire.mark()
    first_move = page.evaluate("() => window.__firstMove") or t_down
    # the drag's frames, after the one on screen when the value first changed (a change is a frame
    # whose bar differs from the frame before: the first one is compared with that frame)
    near = frames_between(page, t_down - 200, t_up)
    frames = [f for f in near if f[0] < first_move][-1:] + [f for f in near if f[0] >= first_move]
    changes = [f[0] for prev, f in itertools.pairwise(frames) if f[3] != prev[3]]
    all_frames = frames_between(page, t_down, t_end)
    reruns = after[2] - before[2]
    draws = page.evaluate("() => window.__liveDraws.splice(0)")
    drag_frames = [f for f in all_frames if first_move <= f[0] <= t_up]
    seconds = (t_up - first_move) / 1e3
    per_chart = {}
    for i, name in enumerate(["p", "grad", "loss"]):
        marks = [f[4][i] if len(f[4]) > i else None for f in frames]
        per_chart[f"states_{name}"] = sum(1 for a, b in itertools.pairwise(marks) if a != b) / seconds
        # draws of this chart during the drag (live.js records [follow, ms, start] when asked)
        during = [d for d in draws if d[0] == name and len(d) > 2 and first_move <= d[2] <= t_up]
        per_chart[f"draws_{name}"] = len(during) / seconds
    return per_chart | {
        "drag_s": seconds,
        "fps": len(drag_frames) / ((t_up - first_move) / 1e3),
        "draw_ms": statistics.median(d[1] for d in draws) if draws else math.nan,
        # draws by Plotly.react (live.js marks quick draws, which move Plotly's SVG, with a fourth field)
        "react_ms": statistics.median(full) if (full := [d[1] for d in draws if not d[3:4] or not d[3]]) else math.nan,
        "react_share": sum(1 for d in draws if not d[3:4] or not d[3]) / len(draws) if draws else math.nan,
        "states_per_s": len(changes) / ((t_up - first_move) / 1e3),
        "first_ms": (changes[0] - first_move) if changes else math.nan,
        "settle_ms": settle_ms,
        "reruns": reruns,
        "blank": sum(1 for f in all_frames if f[2] < app.charts),
        "frames": len(all_frames),
        "kb_in": (after[0] - before[0]) / 1024,
        "kb_out": (after[1] - before[1]) / 1024,
        "final": final,
    }


def final_z1(page: Page, app: App) -> float:
    page.wait_for_timeout(50)
    return float(page.locator(app.thumb).first.input_value())


def held_key(page: Page, app: App, wire: Wire) -> dict[str, float]:
    thumb = page.locator(app.thumb).first
    thumb.focus()
    before = wire.mark()
    t0 = page.evaluate("() => performance.now()")
    start = time.perf_counter()
    for k in range(20):
        page.keyboard.press("ArrowLeft")
        lag = start + (k + 1) * 0.033 - time.perf_counter()
        if lag > 0:
            time.sleep(lag)
    final = final_z1(page, app)
    check, arg = app.settled(final)
    page.wait_for_function(check, arg=arg, timeout=30_000, polling="raf")
    settle_ms = (time.perf_counter() - start) * 1e3
    page.wait_for_timeout(400)
    after = wire.mark()
    frames = frames_between(page, t0, page.evaluate("() => performance.now()"))
    return {
        "key_reruns": after[2] - before[2],
        "key_settle_ms": settle_ms,
        "key_blank": sum(1 for f in frames if f[2] < app.charts),
    }


def one_step(page: Page, app: App, wire: Wire) -> dict[str, float]:
    thumb = page.locator(app.thumb).first
    thumb.focus()
    before = wire.mark()
    page.keyboard.press("ArrowRight")
    final = final_z1(page, app)
    check, arg = app.settled(final)
    page.wait_for_function(check, arg=arg, timeout=30_000, polling="raf")
    page.wait_for_timeout(400)
    after = wire.mark()
    return {"step_kb_in": (after[0] - before[0]) / 1024, "step_kb_out": (after[1] - before[1]) / 1024}


def measure(app: App, repeats: int) -> dict[str, float]:
    process, url = serve(app.script)
    rows: list[dict[str, float]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
            for _ in range(repeats):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                wire = Wire(page)
                page.add_init_script(SAMPLER)
                page.goto(url + app.url)
                page.wait_for_function(check_ready(app), timeout=60_000, polling="raf")
                page.wait_for_timeout(1000)
                row = drag(page, app, wire)
                row |= held_key(page, app, wire)
                row |= one_step(page, app, wire)
                rows.append(row)
                page.close()
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


def check_ready(app: App) -> str:
    return f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {app.charts}"


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--apps", default="minimal,app,live")
    args = parser.parse_args()
    names = args.apps.split(",")
    load_before = load_average()
    results = {name: measure(APPS[name], args.repeats) for name in names}
    print(f"load average (1 min) before / after: {load_before} / {load_average()} on {os.cpu_count()} cores\n")
    rows = [
        ("drawn states per second of a 2-s mouse drag", "states_per_s", "{:.1f}", "≥ 20"),
        ("first drawn change after the first value change, ms", "first_ms", "{:.0f}", "≤ 50"),
        ("the drag lasted, s (2 s of moves, slower when the page is slow)", "drag_s", "{:.1f}", ""),
        ("frames the page drew per second during the drag", "fps", "{:.0f}", ""),
        ("  drawn states per second: probability chart (first bar)", "states_p", "{:.1f}", "≥ 20"),
        ("  drawn states per second: gradient chart (first shaft)", "states_grad", "{:.1f}", "≥ 10"),
        ("  drawn states per second: loss chart (the point)", "states_loss", "{:.1f}", "≥ 10"),
        ("  Plotly draws per second of drag: p / grad / loss", "draws", "{}", ""),
        ("release → Python's numbers on the page, ms", "settle_ms", "{:.0f}", ""),
        ("reruns during the drag and settle", "reruns", "{:.0f}", ""),
        ("one chart drawn (Plotly.react or a quick draw), median ms", "draw_ms", "{:.1f}", ""),
        ("one Plotly.react of a chart, median ms", "react_ms", "{:.1f}", ""),
        ("share of draws by Plotly.react, drag and settle", "react_share", "{:.2f}", ""),
        ("blank chart frames, drag and settle", "blank", "{:.0f}", "0"),
        ("frames sampled, drag and settle", "frames", "{:.0f}", ""),
        ("websocket KB in (server → page), drag", "kb_in", "{:.1f}", ""),
        ("websocket KB out (page → server), drag", "kb_out", "{:.1f}", ""),
        ("held arrow key (20 × 33 ms): reruns", "key_reruns", "{:.0f}", ""),
        ("held arrow key: first press → settled, ms", "key_settle_ms", "{:.0f}", ""),
        ("held arrow key: blank chart frames", "key_blank", "{:.0f}", "0"),
        ("one key step: websocket KB in", "step_kb_in", "{:.1f}", "< 100"),
        ("one key step: websocket KB out", "step_kb_out", "{:.2f}", ""),
    ]
    print("| measure | " + " | ".join(names) + " | goal |")
    print("| --- | " + " | ".join("---:" for _ in names) + " | --- |")
    for name in names:
        r = results[name]
        r["draws"] = " / ".join(f"{r[f'draws_{c}']:.0f}" for c in ("p", "grad", "loss"))
    for label, key, form, goal in rows:
        print(f"| {label} | " + " | ".join(form.format(results[n][key]) for n in names) + f" | {goal} |")


if __name__ == "__main__":
    main()
