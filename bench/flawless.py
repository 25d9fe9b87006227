"""Issue 12, "Flawless in front of a class": the figure behind each of its items, measured now.

    python bench/flawless.py [--quick]

It starts its own `streamlit run app.py` (headless, on a free port, its stderr kept in
artifacts/flawless-server.log) and drives Debian's Chromium through Playwright, one page at a time.
Where a test computes a figure from the figure specs or through AppTest, it is taken that way here
too. --quick measures item 1 in one theme per (H, size), alternating as its test does, not both.

1. Formulas (Derivation, all steps): for each H, size and theme, the worst overlap of a KaTeX array
   row into the next (px; negative is a gap; over 0.5 counts as overlapping), display formulas wider
   than their box (they scroll inside it; the test requires 0 at 1920x1080 and 1280x800), formulas
   that leave their box, and formulas whose ink is cut off above or below their box.
2. Huge logits: "inf", "nan", "infinity", "∞" in the page's text and formulas; RuntimeWarnings in
   the server's log.
3. Ties: the headline's verdict, the probability chart's text summary, the tooltip and the Quiz's answer.
4. Presenter mode at 1024x768, per view: chart titles cut, pairs of tick labels over each other, cut
   labels, formulas wider than their box, the sidebar's width, the first chart's bottom (fold at 768);
   at 1920x1080 the bottom of Learning's Play/Pause (fold at 1080).
5. Phone 390x844, Explore: the logit sliders' and the probability chart's extents on the page, the
   height a slider and the chart span together (one screen when ≤ 844), horizontal overflow.
6. Contrast (WCAG 2.1, computed as tests/components/test_contrast.py does): per figure family and
   theme, the lowest text contrast (target 4.5) and the lowest line/mark contrast (target 3).
7. Ten classes: class lines, their distinct styles and names in Learning's and Compare's figures, and
   the animation's frames in which every bar carries its value.
8. The intro for z1=2; the share link after one descent step against the sliders' decimals (AppTest);
   cumulative layout shift on load at 1280x800, Streamlit's shell shift apart; the "created with a
   default value" warning in the server log after a click on the "Ten classes" preset (the project's
   .streamlit/config.toml turns that warning off: disableWidgetStateDuplicationWarning).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Browser, Page, expect, sync_playwright
from streamlit.runtime.scriptrunner_utils import script_run_context

# Imports and AppTest outside a script run: "missing ScriptRunContext! This warning can be ignored" (Streamlit
# resets its loggers' levels when it reads its config, so a filter).
logging.getLogger(script_run_context.__name__).addFilter(lambda r: "missing ScriptRunContext" not in r.getMessage())

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components.figures import compare, descent  # noqa: E402
from components.params import param  # noqa: E402
from core import comparisons as cmp  # noqa: E402
from core.dynamics import descend  # noqa: E402
from core.explanation import State  # noqa: E402
from tests.app.test_app import run_app  # noqa: E402
from tests.app.test_class_ready_app import headline_help, intro_text, quiz_radio, sliders  # noqa: E402
from tests.browser import test_flawless_browser as fl  # noqa: E402
from tests.browser.chromium import LAUNCH_ARGS, NOT_FOUND, find_chromium  # noqa: E402
from tests.browser.conftest import start_app, stop_app, wait_healthy  # noqa: E402
from tests.browser.formulas import cut_off_ink, full_height, measure, show_as  # noqa: E402
from tests.browser.test_formulas_browser import CLASSES, SIZES, check_formulas, open_derivation, true_class  # noqa: E402
from tests.components import test_contrast as tc  # noqa: E402
from tests.components.test_many_classes import TEN, TEN_NAMED, class_lines, end_label_texts, style  # noqa: E402

LOG = ROOT / "artifacts" / "flawless-server.log"
VIEWS = ("Explore", "Derivation", "Learning", "Compare", "Network", "Layers")
BAD_NUMBERS = r"\binf\b|\bnan\b|infinity|∞|\\infty"
#: The live logit sliders (those shown) and the probability chart, top and bottom on the page (px).
PHONE = """() => {
  const ext = e => { const r = e.getBoundingClientRect(); return [r.top + scrollY, r.bottom + scrollY]; };
  return {sliders: [...document.querySelectorAll('input.sxl-range')].filter(e => e.offsetWidth > 0).map(ext),
          chart: ext(document.querySelector('.sxl-chart')), width: document.documentElement.scrollWidth}; }"""


class ServerLog:
    """The server's stderr, read from a mark on."""

    def mark(self) -> int:
        return LOG.stat().st_size

    def since(self, mark: int) -> str:
        with LOG.open("rb") as f:
            f.seek(mark)
            return f.read().decode("utf-8", errors="replace")


@contextmanager
def new_page(browser: Browser, width: int, height: int, init: str = "") -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": height})
    if init:
        context.add_init_script(init)
    try:
        yield context.new_page()
    finally:
        context.close()


def table(head: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    head = list(head)
    print("| " + " | ".join(head) + " |\n|" + " --- |" * len(head))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


def details(found: list[str], limit: int = 12) -> None:
    for line in found[:limit]:
        print(f"  - {line[:160]}")
    if len(found) > limit:
        print(f"  - … and {len(found) - limit} more")


def item1_formulas(browser: Browser, url: str, quick: bool) -> None:
    print("\n## 1. Formulas: Derivation, all steps shown")
    rows, found, worst = [], [], -1e9
    counts = {"must fit, scroll": 0, "1024 scroll": 0, "390 scroll": 0, "leave box": 0, "cut off": 0, "problems": 0}
    for present in (True, False):
        for n in CLASSES:
            query = f"/?view=Derivation&n={n}&y={true_class(n)}" + ("&present=true" if present else "")
            page = open_derivation(browser, url + query, *SIZES[present][0][:2])
            for index, (width, height, must_fit) in enumerate(SIZES[present]):
                alternate = "dark" if (CLASSES.index(n) + index + present) % 2 else "light"
                for scheme in [alternate] if quick else ["light", "dark"]:
                    show_as(page, width, height, scheme)
                    m, problems = measure(page), check_formulas(page, width, must_fit)
                    full_height(page)
                    cut = cut_off_ink(page)
                    where = f"H={n} {width}x{height} {scheme}"
                    found += [f"{where}: {p}" for p in problems] + [f"{where}: cut off: {c}" for c in cut]
                    worst = max(worst, m.worst_overlap)
                    key = "must fit, scroll" if must_fit else f"{width} scroll"
                    counts[key] += len(m.scrolling)
                    counts["leave box"] += len(m.spilling)
                    counts["cut off"] += len(cut)
                    counts["problems"] += len(problems) + len(cut)
                    fit = "must fit" if must_fit else "may scroll"
                    size, over = f"{width}x{height}", m.page_width - width
                    rows.append((n, size, fit, scheme, f"{m.worst_overlap:+.1f}", m.n_arrays, len(m.scrolling),
                                 len(m.spilling), over, len(cut)))  # fmt: skip
            page.context.close()
    table(("H", "size", "formulas", "theme", "worst row overlap px", "row pairs", "wider than box (scroll)",
           "leave box", "page overflow px", "cut-off ink"), rows)  # fmt: skip
    print(
        f"\nWorst over all: row overlap {worst:+.1f} px (limit +0.5); "
        + "; ".join(f"{k} {v}" for k, v in counts.items())
    )
    print("  (problems = what tests/browser/test_formulas_browser.py would flag)")
    details(found)


def item2_huge(browser: Browser, url: str, log: ServerLog) -> None:
    print("\n## 2. Huge logits: ?view=Derivation&n=3&z1=8&z2=7.9&z3=-8&y=2&huge=true")
    mark = log.mark()
    page = open_derivation(browser, f"{url}/?view=Derivation&n=3&z1=8&z2=7.9&z3=-8&y=2&huge=true", 1280, 800)
    text = page.locator('[data-testid="stMain"]').inner_text()
    latex = " ".join(page.evaluate("() => Array.from(document.querySelectorAll('annotation'), a => a.textContent)"))
    page.context.close()
    time.sleep(1.0)  # the server's last log lines
    in_text = re.findall(BAD_NUMBERS, text, flags=re.IGNORECASE)
    in_latex = re.findall(BAD_NUMBERS, latex, flags=re.IGNORECASE)
    print(f"inf/nan/infinity/∞ in the page text: {len(in_text)} {in_text[:5]}; in the formulas' TeX: {len(in_latex)}")
    print(f"RuntimeWarning lines in the server log for this page: {log.since(mark).count('RuntimeWarning')}")


def item3_ties(browser: Browser, url: str) -> None:
    print("\n## 3. Ties: ?z1=1&z2=1&z3=0 (true class 1)")
    with new_page(browser, 1280, 800) as page:
        fl.open_view(page, url, "Explore", "&z1=1&z2=1&z3=0")
        third = [page.locator(f".sxl-metric-{part}").nth(2).inner_text() for part in ("label", "value", "delta")]
        summary = page.locator('[data-testid="stCaptionContainer"]', has_text="Highest:").first.text_content() or ""
    print(f"headline: {third[0]!r}: {third[1]!r} / {third[2]!r}")
    print(f"chart summary: {summary[summary.index('Highest:') :]!r}")
    print(f"headline tooltip (AppTest): {headline_help(run_app(z1='1', z2='1', z3='0'))!r}")
    at = run_app(view="Quiz", n="4", z1="0", z2="10", z3="5", z4="5", y="1")  # test_class_ready_app's tie
    quiz_radio(at, "quiz_step").set_value(3).run()
    next(b for b in at.button if b.key == "quiz_step_button").click().run()
    print(f"Quiz, n=4 z=(0, 10, 5, 5), answer class 3 of the tie 3/4: {at.success[0].value!r}")


def item4_presenter(browser: Browser, url: str) -> None:
    print("\n## 4. Presenter mode (&present=true)")
    rows, found = [], []
    for view in VIEWS:
        with new_page(browser, 1024, 768) as page:
            fl.open_view(page, url, view, "&present=true")
            got: dict[str, Any] = page.evaluate(fl.LAYOUT)
        plots = got["plots"]
        found += [f"{view}: {p}" for p in fl.chart_problems(got, 1024, 768) + [f"cut: {t}" for t in got["cutText"]]]
        titles, ticks = sum(not fl.title_inside(p) for p in plots), sum(len(p["overlaps"]) for p in plots)
        first = f"{plots[0]['svg']['b']:.0f}" if plots else "-"
        rows.append((view, len(plots), titles, ticks, len(got["cutText"]), len(got["wideFormulas"]),
                     f"{got['sidebar']:.0f}", first))  # fmt: skip
    print("At 1024x768 (fold at 768 px; the first chart on Explore is the probability chart):")
    table(("view", "charts", "titles cut", "tick-label overlaps", "cut labels", "formulas wider than box",
           "sidebar px", "first chart bottom px"), rows)  # fmt: skip
    details(found)
    with new_page(browser, 1920, 1080) as page:
        fl.open_view(page, url, "Learning", "&present=true")
        got = page.evaluate(fl.LAYOUT)
    buttons = got["plots"][0]["buttons"]
    bottom = max((b["b"] for b in buttons), default=float("nan"))
    print(f"At 1920x1080, Learning: {len(buttons)} buttons (Play, Pause), their bottom at {bottom:.0f} px "
          f"(fold 1080: {'above' if bottom <= 1080 else 'BELOW'}); sidebar {got['sidebar']:.0f} px")  # fmt: skip


def item5_phone(browser: Browser, url: str) -> None:
    print("\n## 5. Phone 390x844, Explore")
    with new_page(browser, 390, 844) as page:
        fl.open_view(page, url, "Explore")
        got: dict[str, Any] = page.evaluate(PHONE)
    top, bottom = got["chart"]
    spans = [max(bottom, b) - min(top, t) for t, b in got["sliders"]]
    print(f"probability chart: {top:.0f}-{bottom:.0f} px on the page ({bottom - top:.0f} px tall)")
    for k, ((t, b), span) in enumerate(zip(got["sliders"], spans, strict=True), start=1):
        print(f"slider z{k}: {t:.0f}-{b:.0f} px; with the chart it spans {span:.0f} px: "
              f"{'one screen' if span <= 844 else 'MORE than one screen'}")  # fmt: skip
    print(f"horizontal overflow: scrollWidth − 390 = {got['width'] - 390} px")


def item6_contrast() -> None:
    print("\n## 6. Contrast of the figures' colours (targets: text 4.5, lines and marks 3)")
    lowest: dict[tuple[str, str, str], tuple[float, str]] = {}
    for family, found in tc.contrast_families():
        for scheme, kind, value, what in found:
            key = (family, kind, scheme)
            if key not in lowest or value < lowest[key][0]:
                lowest[key] = (value, what)
    rows = []
    for family in dict.fromkeys(f for f, _, _ in lowest):
        cells = [lowest.get((family, kind, s)) for kind in ("text", "mark") for s in tc.SCHEMES]
        rows.append((family, *(f"{v[0]:.2f}" if v else "-" for v in cells)))
    table(("family", "text light", "text dark", "marks light", "marks dark"), rows)
    for kind, target in (("text", tc.TEXT_MIN), ("mark", tc.MARK_MIN)):
        value, what = min(v for (_, k, _), v in lowest.items() if k == kind)
        print(f"lowest {kind} contrast over all: {value:.2f} (target {target}): {what[:140]}")


def item7_ten_classes() -> None:
    print("\n## 7. Ten classes (n=10, the preset's logits; true class 5, rival class 2)")
    rows = []
    for name, state in (("numbers", TEN), ("names", TEN_NAMED)):
        spec = descent.descent_figure(state, descend(state.z, state.target, 1.0, 100), 1.0)
        bars = [spec["data"][0]] + [frame["data"][0] for frame in spec["frames"]]
        full = sum(len(b["text"]) == state.n_classes and all(b["text"]) for b in bars)
        rows.append((f"descent animation (Learning), {name}", *lines_of(spec, state), f"{full} of {len(bars)}"))
    z = np.asarray(TEN_NAMED.z)
    spec = compare.temperature_figure(TEN_NAMED, cmp.temperature_sweep(z), cmp.argmax_limit(z), 1.0)
    rows.append(("temperature (Compare), names", *lines_of(spec, TEN_NAMED), "-"))
    table(("figure", "class lines", "distinct class names", "lines naming their class on hover", "end labels",
           "distinct styles (colour, width, dash)", "distinct colours", "frames whose every bar has its value"),
          rows)  # fmt: skip
    print("  (styles: the true class and its rival each their own; the other classes thin, blue, 4 dash patterns)")


def lines_of(spec: dict[str, Any], state: State) -> tuple[int, int, int, int, int, int]:
    lines = class_lines(spec, state)
    hover = sum(t["hovertemplate"].startswith(t["name"]) for t in lines)
    styles = {style(t) for t in lines}
    names = len({t["name"] for t in lines})
    return len(lines), names, hover, len(end_label_texts(spec)), len(styles), len({c for c, _, _ in styles})


def item8_smaller(browser: Browser, url: str, log: ServerLog) -> None:
    print("\n## 8. Smaller items")
    intro = intro_text(run_app(z1="2"))
    sentence = re.search(r"On screen now:[^\n]*", intro)
    print(f"intro for ?z1=2: {sentence[0] if sentence else 'NO «On screen now» sentence: ' + intro[:200]!r}")
    at = run_app(view="Learning")
    next(b for b in at.button if b.label.startswith("Take one step")).click().run()
    link, shows = str(at.code[0].value), param("z1").display_format or "%.0f"  # "%.2f"
    decimals = int(shows.removeprefix("%.").removesuffix("f"))
    shown = re.findall(r"\bz\d+=(-?[\d.]+)", link)
    most = max(len(v.partition(".")[2]) for v in shown)
    print(f"share link after one descent step (AppTest): {link}")
    print(f"  sliders {sliders(at)}; most decimals in the link's logits {most}, the sliders show {decimals}")
    rows = []
    for view in ("Explore", "Learning"):
        with new_page(browser, 1280, 800, init=fl.SHIFTS) as page:
            fl.open_view(page, url, view)
            page.wait_for_timeout(1500)
            shifts: list[dict[str, Any]] = page.evaluate("() => window.__shifts")
        own = [s for s in shifts if not s["shell"]]
        shell = sum(s["value"] for s in shifts if s["shell"])
        listed = "; ".join(f"{s['value']:.4f} {s['sources'][:2]}" for s in own)[:120] or "-"
        rows.append((view, f"{sum(s['value'] for s in own):.4f}", f"{shell:.4f}", listed))
    print("Cumulative layout shift on load, 1280x800 (target < 0.1 besides the shell):")
    table(("view", "CLS (page)", "Streamlit shell shift", "page shifts"), rows)
    mark = log.mark()
    with new_page(browser, 1280, 800) as page:
        fl.open_view(page, url, "Explore")
        page.get_by_role("radio", name="Ten classes").click()
        page.wait_for_function("() => location.href.includes('n=10')", timeout=60_000)
        expect(page.locator("input.sxl-range")).to_have_count(10, timeout=60_000)
        page.wait_for_timeout(1000)
    warning = "created with a default value"
    print(f"'{warning}' in the server log after the 'Ten classes' click: {log.since(mark).count(warning)} "
          f"(whole log: {log.since(0).count(warning)})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="item 1 in one theme per (H, size)")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(NOT_FOUND)
    start = time.monotonic()
    LOG.parent.mkdir(parents=True, exist_ok=True)
    log = ServerLog()
    with LOG.open("wb") as stderr:
        process, url = start_app(stderr)
        try:
            wait_healthy(url, process)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
                item1_formulas(browser, url, args.quick)
                item2_huge(browser, url, log)
                item3_ties(browser, url)
                item4_presenter(browser, url)
                item5_phone(browser, url)
                item6_contrast()
                item7_ten_classes()
                item8_smaller(browser, url, log)
                browser.close()
        finally:
            stop_app(process)
    whole = log.since(0)
    print(f"\nServer log ({LOG.relative_to(ROOT)}): {whole.count('RuntimeWarning')} RuntimeWarning, "
          f"{whole.count('Traceback')} Traceback over the whole run")  # fmt: skip
    print(f"Run time: {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
