"""Server time per interaction: a full rerun of app.py after a logit change, page by page.

Each page of the app against a minimal Streamlit app (three sliders, one Plotly bar chart),
both measured here in the same run through Streamlit's AppTest, which runs the script as the
server would, without a browser. Reports medians and the ratio to the minimal app.
Target: at most 3x the minimal app, for each page.

    python bench/rerun.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit import logger as streamlit_logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from components.params import VIEW_NAMES as VIEWS  # noqa: E402

APP = str(ROOT / "app.py")
MINIMAL = str(ROOT / "bench" / "apps" / "minimal_app.py")
TARGET = 3.0


def median_rerun_ms(script: str, params: dict[str, str], repeats: int) -> float:
    """Median time of a rerun after moving slider z1 to a new value each time (no cache can help)."""
    at = AppTest.from_file(script, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    slider = next(s for s in at.slider if s.label == "z1")
    times = []
    for r in range(repeats + 2):
        value = round(-9.0 + 0.1 * (r % 180), 1)
        start = time.perf_counter()
        slider.set_value(value).run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"{script} {params}: {at.exception[0].value}")
        slider = next(s for s in at.slider if s.label == "z1")
        if r >= 2:  # two warm-up reruns
            times.append(elapsed)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    streamlit_logger.set_log_level("error")  # AppTest runs without a server: its warnings are noise here
    base = median_rerun_ms(MINIMAL, {}, args.repeats)
    print(f"minimal app (3 sliders + 1 bar chart): {base:.1f} ms median per rerun\n")
    print("| page | median rerun ms | × minimal app | target ≤ 3× |")
    print("| --- | ---: | ---: | --- |")
    for view in VIEWS:
        ms = median_rerun_ms(APP, {"view": view}, args.repeats)
        ratio = ms / base
        print(f"| {view} | {ms:.1f} | {ratio:.1f} | {'met' if ratio <= TARGET else 'MISSED'} |")


if __name__ == "__main__":
    main()
