"""The network view: training time, server time cold and after a display-only change, and what it sends.

1. Training with the view's defaults (3-class spiral, 100 points a class, 20% held out;
   2 → 16 → 16 → 3 ReLU, Adam, η 0.02, 300 full-batch steps, 41 snapshots with 100 × 100
   grids), as core.network.train runs it; and the same without the grids.
2. Server time of a run of app.py on the Network tab (Streamlit's AppTest, which runs the script
   as the server would): cold (cache cleared: split, train, draw), a rerun with nothing changed,
   a display-only change (the picked point; the weights written out) and a change of a
   training setting (the seed: trains again). Medians; a new value each time.
3. Bytes: the JSON of each chart as the server hands it to the browser (and gzipped).
   With ``--browser``: the bytes the server sends over the websocket on the first load, after a
   display-only change and after a training setting changes (headless Chromium): a chart that has
   not changed is sent as a reference to what the browser already holds, not again.

    python bench/network_view.py [--repeats 7] [--browser]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit import logger as streamlit_logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from components.params import param  # noqa: E402
from components.views import network as view  # noqa: E402
from core.datasets import split  # noqa: E402
from core.network import train  # noqa: E402
from tests.app.live import chart_spec, charts  # noqa: E402

APP = str(ROOT / "app.py")


def default_settings() -> view.NetSettings:
    def d(name: str) -> Any:
        return param(name).default

    return view.NetSettings(
        str(d("data")), int(d("k")), int(d("pts")), float(d("noise")), float(d("test")), int(d("seed")),
        int(d("layers")), int(d("width")), str(d("act")), str(d("init")), str(d("opt")), float(d("nlr")),
        int(d("nsteps")), None,
    )  # fmt: skip


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def training_times(repeats: int) -> None:
    settings = default_settings()
    points, _ = view.load_points(settings, view.OwnPoints())
    data = split(points, settings.test, settings.seed)
    config = settings.config()
    no_grid = type(config)(**{**config.__dict__, "grid_resolution": 0})
    with_grid = median_ms(lambda: train(data, config), repeats)
    without = median_ms(lambda: train(data, no_grid), repeats)
    run = train(data, config)
    print("## Training with the view's defaults\n")
    print("| training run | median ms |")
    print("| --- | ---: |")
    print(f"| {len(data.y_train)} points, 2 → 16 → 16 → 3, 300 steps, 41 snapshots with 100 × 100 grids | "
          f"{with_grid:.0f} |")  # fmt: skip
    print(f"| the same without the grids | {without:.0f} |")
    print(f"\nTraining accuracy {run.train_accuracy[-1]:.1%}, test accuracy {run.test_accuracy[-1]:.1%}.\n")  # type: ignore[index]


#: Time spent in the Network view's render() on each run (app.py reads components.views.VIEWS every run).
RENDER_MS: list[float] = []


def time_the_view() -> None:
    """Wrap the Network view's render() so that each run records its own time, apart from Streamlit's."""
    import components.views as views

    original = dict(views.VIEWS)["Network"]

    def timed(expl: Any) -> None:
        start = time.perf_counter()
        try:
            original(expl)
        finally:
            RENDER_MS.append((time.perf_counter() - start) * 1e3)

    views.VIEWS = tuple((name, timed if name == "Network" else render) for name, render in views.VIEWS)


def app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in {"view": "Network", **params}.items():
        at.query_params[key] = value
    return at


def timed_run(at: AppTest, action: Callable[[AppTest], object] | None = None) -> tuple[float, float]:
    """(whole run of app.py, of which the Network view), in ms."""
    RENDER_MS.clear()
    start = time.perf_counter()
    if action is None:
        at.run()
    else:
        action(at)
    elapsed = (time.perf_counter() - start) * 1e3
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed, sum(RENDER_MS)


def cold(at: AppTest) -> None:
    view.run_training.clear()
    at.run()


def server_times(repeats: int) -> AppTest:
    time_the_view()
    rows: list[tuple[str, list[tuple[float, float]]]] = []
    first_visits = []
    for _ in range(repeats):
        view.run_training.clear()
        first_visits.append(timed_run(app()))
    rows.append(("a new session, nothing cached yet (first visit)", first_visits))
    rows.append(("a new session, the run cached (another visitor)", [timed_run(app()) for _ in range(repeats)]))
    at = app()
    timed_run(at)
    rows.append(("rerun with the cache cleared: split, train, draw", [timed_run(at, cold) for _ in range(repeats)]))
    rows.append(("rerun, nothing changed (the run from the cache)", [timed_run(at) for _ in range(repeats)]))
    rows.append((
        "display-only change: another training point (`pick`)",
        [timed_run(at, lambda a, v=v: a.slider(key="pick").set_value(v).run()) for v in range(2, repeats + 2)],
    ))  # fmt: skip
    rows.append((
        "display-only change: initial / trained weights (`at`)",
        [timed_run(at, lambda a, w=w: a.radio(key="at").set_value(w).run())
         for w in (["initial", "trained"] * repeats)[:repeats]],
    ))  # fmt: skip
    rows.append((
        "a training setting changes (`seed`, a new one each time): trains again",
        [timed_run(at, lambda a, s=s: a.slider(key="seed").set_value(s).run()) for s in range(1, repeats + 1)],
    ))  # fmt: skip
    explore = AppTest.from_file(APP, default_timeout=120)
    explore.run()
    z1 = [
        timed_run(explore, lambda a, v=v: a.slider(key="z1").set_value(v).run())[0]
        for v in [round(0.5 + 0.1 * r, 1) for r in range(repeats)]
    ]
    print("## Server time of the Network tab (AppTest runs app.py as the server would)\n")
    print("| run | whole app.py, median ms | of which the Network view, median ms |")
    print("| --- | ---: | ---: |")
    for label, times in rows:
        whole = statistics.median(t[0] for t in times)
        inside = statistics.median(t[1] for t in times)
        print(f"| {label} | {whole:.0f} | {inside:.0f} |")
    print(f"| for scale: the Explore tab after a logit change | {statistics.median(z1):.0f} | |")
    print()
    return at


def payload(at: AppTest) -> None:
    names = ["decision regions, 41 frames (animated)", "learning curves", "confusion matrices", "the picked point"]
    print("## Chart payloads (JSON the server sends)\n")
    print("| chart | KB | gzipped KB |")
    print("| --- | ---: | ---: |")
    total = total_gz = 0
    for name, chart in zip(names, charts(at), strict=True):
        spec = chart.proto.spec.encode()
        gz = len(gzip.compress(spec))
        total, total_gz = total + len(spec), total_gz + gz
        print(f"| {name} | {len(spec) / 1024:.0f} | {gz / 1024:.0f} |")
    print(f"| all four | {total / 1024:.0f} | {total_gz / 1024:.0f} |")
    frames = chart_spec(charts(at)[0])["frames"]
    frame_bytes = len(json.dumps(frames[0]))
    print(f"\nOne frame (100 × 100 cells, one byte a cell in base64, and its title): {frame_bytes / 1024:.1f} KB.\n")


def browser_bytes() -> None:
    from playwright.sync_api import sync_playwright

    from bench.browser import LAUNCH_ARGS, chromium, serve

    process, url = serve(ROOT / "app.py")
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            received: list[int] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(len(frame))))
            start = time.perf_counter()
            page.goto(f"{url}/?view=Network")
            page.locator(".js-plotly-plot").nth(3).wait_for(timeout=120_000)
            page.wait_for_timeout(2000)
            rows.append(("first load of ?view=Network", sum(received), time.perf_counter() - start))

            def after(label: str, act: Callable[[], None], settle_ms: int = 2500) -> None:
                before = sum(received)
                act()
                page.wait_for_timeout(settle_ms)
                rows.append((label, sum(received) - before, None))

            pick = page.locator(".st-key-pick").get_by_role("slider")
            after("display-only: next training point (pick, arrow key)", lambda: pick.press("ArrowRight"))
            after("display-only: next training point again", lambda: pick.press("ArrowRight"))
            seed_box = page.get_by_text("Data", exact=False).first
            seed_box.click()
            seed = page.locator(".st-key-seed").get_by_role("slider")
            after("training setting: seed + 1 (trains again)", lambda: seed.press("ArrowRight"), 6000)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    print("## Websocket bytes (headless Chromium)\n")
    print("| interaction | KB received |")
    print("| --- | ---: |")
    for label, size, _ in rows:
        print(f"| {label} | {size / 1024:.0f} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--browser", action="store_true", help="also measure websocket bytes in Chromium")
    args = parser.parse_args()
    streamlit_logger.get_logger("streamlit").setLevel("ERROR")
    training_times(args.repeats)
    at = server_times(args.repeats)
    payload(at)
    if args.browser:
        browser_bytes()


if __name__ == "__main__":
    main()
