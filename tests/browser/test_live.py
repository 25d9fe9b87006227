"""The live components (components/live) in a real browser, on bench/apps/live_demo.py.

* the browser's twin of core (frontend/softmax.js) agrees with core and components.numbers;
* its chart patches agree with the figure builders of components/charts.py;
* the charts follow a mouse drag, a touch drag and the keyboard, before Python has run;
* once the hand stops, every drawn number is core's, the URL holds the value;
* a rerun never removes a chart (no blank frame) and keeps a zoom;
* class names are text, presenter mode and the dark theme apply, a phone shows chart and sliders at once.
"""

from __future__ import annotations

import json
import math
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect

from components.figures import explore as charts
from components.render.numbers import fmt, fmt_probability, fmt_signed
from core import cross_entropy, grad_logits, softmax, softmax_parts
from core.explanation import State, explain
from tests.browser.conftest import ROOT, free_port, wait_healthy
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser
LN3 = math.log(3.0)
LOAD_TIMEOUT = 60_000
FILES = "component/components.live.assets.files/"


@pytest.fixture(scope="module")
def live_url() -> Iterator[str]:
    """`streamlit run bench/apps/live_demo.py` on a free port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "bench" / "apps" / "live_demo.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def open_demo(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".sxl-chart .js-plotly-plot .main-svg").first).to_be_attached(timeout=LOAD_TIMEOUT)
    expect(page.locator(".sxl-chart[data-drawn='python']")).to_have_count(4, timeout=LOAD_TIMEOUT)
    expect(page.locator("input.sxl-range").first).to_be_visible()


def plots(page: Page) -> Any:
    return page.locator(".sxl-chart .js-plotly-plot")


def drawn_p(page: Page) -> list[float]:
    values: list[float] = plots(page).first.evaluate("gd => Array.from(gd.data[0].y)")
    return values


def settled(page: Page, z: list[float], target: int = 0) -> None:
    """Wait until Python has answered for ``z``: every live chart draws core's numbers for it."""
    p = softmax(z).tolist()
    wait_until(
        page,
        """(p) => {
            const charts = Array.from(document.querySelectorAll('.sxl-chart'));
            if (!charts.slice(0, 3).every((c) => c.dataset.drawn === 'python')) return false;
            const bars = charts[0].querySelector('.js-plotly-plot').data[0].y;
            return p.every((v, i) => Math.abs(bars[i] - v) <= 1e-12);
        }""",
        arg=p,
        timeout=30_000,
    )


def module(page: Page, name: str, call: str, arg: Any) -> Any:
    """Import one of the component's modules as the page serves it and evaluate ``call(m, arg)``."""
    return page.evaluate(
        f"async ([url, arg]) => {{ const m = await import(url); return ({call})(m, arg); }}",
        [f"{page.url.split('?')[0].rstrip('/')}/{FILES}{name}", arg],
    )


# ---------------------------------------------------------------------- the browser's twin of core


def random_logits(rng: random.Random) -> list[float]:
    n = rng.randint(2, 10)
    kind = rng.choice(["slider", "huge", "tie", "wide"])
    if kind == "slider":
        return [round(rng.uniform(-10, 10), 1) for _ in range(n)]
    if kind == "huge":
        return [100 * round(rng.uniform(-10, 10), 1) for _ in range(n)]
    if kind == "tie":
        v = round(rng.uniform(-10, 10), 1)
        return [v if rng.random() < 0.6 else round(rng.uniform(-10, 10), 1) for _ in range(n)]
    return [rng.uniform(-50, 50) for _ in range(n)]


def test_softmax_twin_agrees_with_core(page: Page, live_url: str) -> None:
    open_demo(page, live_url)
    rng = random.Random(11)
    cases = [([0.0, LN3, 0.0], 0), ([40.0, 0.0, 0.0], 0), ([800.0, 790.0, -800.0], 1), ([1000.0, -1000.0], 1)]
    cases += [(z, rng.randrange(len(z))) for z in (random_logits(rng) for _ in range(300))]
    got = module(
        page,
        "softmax.js",
        "(m, cases) => cases.map(([z, t]) => m.softmaxNumbers(z, t))",
        cases,
    )
    for (z, t), js in zip(cases, got, strict=True):
        parts = softmax_parts(z)
        p, q = parts.probabilities(), parts.one_minus_probabilities()
        np.testing.assert_allclose(js["p"], p, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(js["oneMinusP"], q, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(js["grad"], grad_logits(z, t), rtol=1e-12, atol=1e-300)
        assert js["loss"] == pytest.approx(float(cross_entropy(z, t)), rel=1e-12, abs=1e-300)
        assert js["predicted"] == int(np.argmax(z))


def test_number_formats_agree_with_python(page: Page, live_url: str) -> None:
    open_demo(page, live_url)
    rng = random.Random(7)
    xs = [0.0, -0.0, 1.0, 0.5, 1.03125, -1.03125, 2.5e-5, 8.496708510583178e-18, 999999.99999, 1e6, 0.0001, 9.999e-5]
    xs += [rng.choice([-1, 1]) * 10 ** rng.uniform(-20, 8) for _ in range(400)]
    xs += [round(rng.uniform(-2, 2), rng.randint(1, 6)) for _ in range(200)]
    got = module(
        page,
        "softmax.js",
        "(m, xs) => xs.map((x) => [m.fmt(x), m.fmtSigned(x), m.fmtProbability(Math.abs(x) % 1, 1 - Math.abs(x) % 1)])",
        xs,
    )
    for x, (a, b, c) in zip(xs, got, strict=True):
        assert (a, b) == (fmt(x), fmt_signed(x)), x
        assert c == fmt_probability(abs(x) % 1, 1 - abs(x) % 1), x
    assert module(page, "softmax.js", "(m, p) => m.fmtProbability(1 - 8.5e-18, 8.5e-18)", 0) == "1 − 8.5e-18"


@pytest.mark.parametrize("follow", ["p", "grad", "loss"])
def test_chart_patches_agree_with_the_figure_builders(page: Page, live_url: str, follow: str) -> None:
    """The browser's in-between figure for logits B, patched from Python's figure for A, is Python's for B."""
    open_demo(page, live_url)
    build = {"p": charts.probability_figure, "grad": charts.gradient_figure, "loss": charts.loss_curve_figure}[follow]
    rng = random.Random(3)
    for _ in range(6):
        n = rng.randint(2, 10)
        target = rng.randrange(n)
        a = State(z=tuple(round(rng.uniform(-10, 10), 1) for _ in range(n)), target=target)
        b = State(z=tuple(round(rng.uniform(-10, 10), 1) for _ in range(n)), target=target)
        spec_a, spec_b = build(explain(a)), json.loads(json.dumps(build(explain(b))))
        got = module(
            page,
            "live.js",
            "(m, [spec, follow, z, target]) => m.patchedSpec(spec, follow, {z, target})",
            [spec_a, follow, list(b.z), target],
        )
        live_fields = {
            "p": [(0, "y"), (0, "text")],
            "grad": [(0, "y"), (1, "y"), (1, "text")],
            "loss": [(1, "x"), (1, "y"), (1, "text"), (1, "textposition")],
        }[follow]
        for i, key in live_fields:
            want, have = spec_b["data"][i][key], got["data"][i][key]
            if isinstance(want, list) and want and isinstance(want[0], float):
                np.testing.assert_allclose(have, want, rtol=1e-12, atol=1e-15)
            else:
                assert have == want, (follow, i, key)
        if follow == "grad":
            assert got["data"][1]["marker"]["symbol"] == spec_b["data"][1]["marker"]["symbol"]
            for have, want in zip(got["layout"]["annotations"], spec_b["layout"]["annotations"], strict=True):
                assert (have["text"], have["yanchor"], have["yshift"]) == (
                    want["text"],
                    want["yanchor"],
                    want["yshift"],
                )
                assert have["y"] == pytest.approx(want["y"], rel=1e-12, abs=1e-15)
        if follow == "loss":
            assert got["layout"]["yaxis"]["range"] == pytest.approx(spec_b["layout"]["yaxis"]["range"], rel=1e-12)


#: Where each drawn element of a chart is on screen: bars, bar texts, markers, marker texts, annotations.
GEOMETRY = """(gd) => ['.bars .point path', '.bartext', '.scatterlayer .point', '.textpoint text', '.annotation-text']
  .map((sel) => Array.from(gd.querySelectorAll(sel)).map((e) => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom, e.textContent];
  }))"""


@pytest.mark.parametrize("follow", ["p", "grad", "loss"])
def test_a_quick_draw_puts_everything_where_plotly_draws_it(page: Page, live_url: str, follow: str) -> None:
    """While a hand moves, live.js moves the SVG elements Plotly drew (quickDraw) rather than run
    Plotly.react: every bar, text, marker and annotation ends where Plotly.react puts it."""
    open_demo(page, live_url)
    build = {"p": charts.probability_figure, "grad": charts.gradient_figure, "loss": charts.loss_curve_figure}[follow]
    rng = random.Random(5)
    quick = 0
    for n in [3, 8, 2, 10, 5, 7, 4, 9]:  # up to 6 classes the texts stand upright, past that they are turned
        target = rng.randrange(n)
        z = [round(rng.uniform(-4, 4), 1) for _ in range(n)]
        moved = list(z)
        moved[rng.randrange(n)] += rng.choice([-1, 1]) * round(rng.uniform(0.1, 1.5), 1)
        spec = json.loads(json.dumps(build(explain(State(z=tuple(z), target=target)))))
        got = page.evaluate(
            f"""async ([url, spec, follow, z, target]) => {{
                const m = await import(url);
                const geometry = {GEOMETRY};
                const gd = document.createElement('div');
                document.body.append(gd);
                const size = (layout) => ({{ ...layout, width: 600, height: 380, autosize: false }});
                await Plotly.newPlot(gd, spec.data, size(spec.layout));
                const next = m.patchedSpec(spec, follow, {{ z, target }});
                const ok = m.movable(spec, next) && m.quickDraw(gd, spec, next);
                const quick = geometry(gd);
                await Plotly.react(gd, next.data, size(next.layout));
                const full = geometry(gd);
                Plotly.purge(gd);
                gd.remove();
                return {{ ok, quick, full }};
            }}""",
            [f"{page.url.split('?')[0].rstrip('/')}/{FILES}live.js", spec, follow, moved, target],
        )
        if not got["ok"]:
            continue  # a symbol, a text position or an axis range changed: Plotly.react draws it
        quick += 1
        for kind, have, want in zip(GEOMETRY_KINDS, got["quick"], got["full"], strict=True):
            assert len(have) == len(want), (follow, kind)
            for a, b in zip(have, want, strict=True):
                assert a[4] == b[4], (follow, kind)  # the same text
                # within a pixel and a half: Plotly puts an annotation on whole pixels, the quick draw does not
                assert a[:4] == pytest.approx(b[:4], abs=1.5), (follow, kind, z, moved)
    assert quick >= 5, "the quick draw hardly ever applies to these figures"


GEOMETRY_KINDS = ["bars", "bar texts", "markers", "marker texts", "annotations"]


# ------------------------------------------------------------------------- the hand and the charts

SAMPLER = """
(() => {
  window.__frames = [];
  const tick = (t) => {
    const gds = Array.from(document.querySelectorAll('.sxl-chart .js-plotly-plot'));
    const drawn = gds.filter((gd) => gd.querySelector('.main-svg .trace') && gd.getBoundingClientRect().height > 2)
      .length;
    const bar = gds[0] && gds[0].querySelector('.bars .point path');
    window.__frames.push([t, gds.length, drawn, bar ? bar.getAttribute('d') : null]);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


def thumb_point(page: Page, index: int = 0) -> tuple[float, float]:
    """Where the thumb of live slider ``index`` is on screen."""
    slider = page.locator("input.sxl-range").nth(index)
    expect(slider).to_be_visible()  # hidden until live.css applies: no box yet
    slider.hover(trial=True)  # visible, stable and not covered: the page has stopped moving under it
    box = slider.bounding_box()
    assert box is not None
    lo, hi, value = (float(slider.evaluate(f"e => e.{a}")) for a in ("min", "max", "value"))
    return box["x"] + 8 + (box["width"] - 16) * (value - lo) / (hi - lo), box["y"] + box["height"] / 2


def draws_during(page: Page, start: float, end: float) -> dict[str, tuple[int, int]]:
    """Per followed chart: (quick draws, Plotly.react draws) of the browser's in-between numbers that
    live.js made between ``start`` and ``end`` (recorded once the page sets ``window.__liveDraws = []``).
    Python's answers (a busy machine can pause the hand long enough for a commit) are left out."""
    rows: list[list[Any]] = page.evaluate(
        "([a, b]) => (window.__liveDraws || []).filter((d) => d[2] >= a && d[2] <= b)", [start, end]
    )
    counts = {}
    for follow in ("p", "grad", "loss"):
        mine = [d for d in rows if d[0] == follow and d[4] == "browser"]
        counts[follow] = (sum(1 for d in mine if d[3]), sum(1 for d in mine if not d[3]))
    return counts


def assert_drawn_quickly(draws: dict[str, tuple[int, int]]) -> None:
    """While a hand drags, each chart follows by moving Plotly's SVG (a Plotly.react takes ~20 ms on a slow
    machine, too long for every frame): a few Plotly.react (a text that changes side, an axis that grows)."""
    for follow, (quick, full) in draws.items():
        assert quick >= 8, f"the {follow} chart was not drawn quickly while the hand moved: {draws}"
        assert full <= 3, f"the {follow} chart was drawn by Plotly.react while the hand moved: {draws}"


def test_a_mouse_drag_is_followed_before_python_runs_and_settles_on_core(page: Page, live_url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.add_init_script(SAMPLER)
    reruns: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: reruns.append(1)))
    open_demo(page, live_url)
    x, y = thumb_point(page)
    page.mouse.move(x, y)
    page.mouse.down()
    sent_before = len(reruns)
    start = page.evaluate("() => { window.__liveDraws = []; return performance.now(); }")
    for k in range(1, 41):  # quick moves: no 150 ms pause, so nothing is sent until release
        page.mouse.move(x + 2.0 * k, y)
    # what the first chart shows when the moves end (held still, the hand commits after 150 ms and Python's
    # answer takes over: read it in the same call)
    during, drawn = page.evaluate("() => [performance.now(), document.querySelector('.sxl-chart').dataset.drawn]")
    states = page.evaluate(
        "([a, b]) => new Set(window.__frames.filter((f) => f[0] >= a && f[0] <= b).map((f) => f[3])).size",
        [start, during],
    )
    assert states >= 5, "the bars did not follow the drag"
    assert_drawn_quickly(draws_during(page, start, during))
    assert drawn == "browser"
    page.mouse.up()
    z1 = float(page.locator("input.sxl-range").first.input_value())
    assert z1 > 0.5
    settled(page, [z1, LN3, 0.0])
    assert drawn_p(page) == pytest.approx(softmax([z1, LN3, 0.0]).tolist(), abs=1e-6)
    expect(page).to_have_url(re.compile(rf"[?&]z1={re.escape(f'{z1:g}')}(&|$)"))
    expect(page.locator(".sxl-metric-value").first).to_have_text(fmt(float(cross_entropy([z1, LN3, 0.0], 0))))
    assert len(reruns) > sent_before
    frames = page.evaluate("t => window.__frames.filter((f) => f[0] >= t)", start)
    assert all(f[2] == f[1] == 4 for f in frames), "a frame with a chart missing or not drawn"


def test_keyboard_moves_the_live_slider_with_aria_values(page: Page, live_url: str) -> None:
    open_demo(page, live_url)
    slider = page.get_by_role("slider", name="z1", exact=True).and_(page.locator("input.sxl-range"))
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", "0.50")
    expect(slider).to_have_value("0.5")
    settled(page, [0.5, LN3, 0.0])
    expect(page).to_have_url(re.compile(r"[?&]z1=0\.5(&|$)"))


def test_a_touch_drag_moves_the_slider_and_the_charts(browser: Browser, live_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        open_demo(page, live_url)
        page.locator("input.sxl-range").first.scroll_into_view_if_needed()
        x, y = thumb_point(page)
        cdp = context.new_cdp_session(page)

        def touch(kind: str, px: float) -> None:
            points = [] if kind == "touchEnd" else [{"x": px, "y": y}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", x)
        for k in range(1, 16):
            touch("touchMove", x + 4.0 * k)
        touch("touchEnd", x)
        slider = page.locator("input.sxl-range").first
        slider.evaluate("e => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        z1 = float(slider.input_value())
        assert z1 > 0.5, "the touch did not move the slider"
        settled(page, [z1, LN3, 0.0])
    finally:
        context.close()


def test_a_rerun_updates_the_charts_in_place(page: Page, live_url: str) -> None:
    """The chart nodes survive reruns (Python's figures replace the browser's in place), with no blank frame."""
    page.add_init_script(SAMPLER)
    open_demo(page, live_url)
    start = page.evaluate(
        "() => { document.querySelectorAll('.sxl-chart .js-plotly-plot').forEach((gd, i) => { gd.__mark = i; });"
        " return performance.now(); }"
    )
    slider = page.locator("input.sxl-range").nth(2)
    slider.focus()
    for k in range(1, 4):
        slider.press("ArrowLeft")
        settled(page, [0.0, LN3, -0.1 * k])
    marks = page.evaluate(
        "() => Array.from(document.querySelectorAll('.sxl-chart .js-plotly-plot')).map((gd) => gd.__mark)"
    )
    assert marks == [0, 1, 2, 3]
    frames = page.evaluate("t => window.__frames.filter((f) => f[0] >= t)", start)
    assert frames
    assert all(f[2] == f[1] == 4 for f in frames), "a frame with a chart missing or not drawn"


def test_zoom_survives_an_update(page: Page, live_url: str) -> None:
    open_demo(page, live_url)
    chart = plots(page).nth(3)  # the temperature chart: zoomable
    chart.scroll_into_view_if_needed()
    box = chart.locator(".nsewdrag").first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7, steps=5)
    page.mouse.up()
    zoomed = chart.evaluate("gd => gd._fullLayout.xaxis.range.slice()")
    before = chart.evaluate("gd => JSON.stringify(gd.data[0].y)")
    page.locator("input.sxl-range").first.focus()
    page.keyboard.press("ArrowRight")
    settled(page, [0.1, LN3, 0.0])
    # the temperature chart has drawn the new logits too (charts are updated one after another)
    wait_until(
        page,
        "before => JSON.stringify(document.querySelectorAll('.sxl-chart .js-plotly-plot')[3].data[0].y) !== before",
        arg=before,
    )
    assert chart.evaluate("gd => gd._fullLayout.xaxis.range.slice()") == pytest.approx(zoomed)


# ---------------------------------------------------------------------------- the page's contracts


def test_an_old_link_and_a_preset_set_the_live_sliders(page: Page, live_url: str) -> None:
    open_demo(page, f"{live_url}/?n=4&z1=2&z4=-1.5&y=4")
    expect(page.locator("input.sxl-range")).to_have_count(4)
    expect(page.locator("input.sxl-range").nth(0)).to_have_value("2")
    assert drawn_p(page) == pytest.approx(softmax([2.0, LN3, 0.0, -1.5]).tolist(), abs=1e-12)
    page.get_by_role("radio", name="Confident, wrong").click()
    expect(page.locator("input.sxl-range")).to_have_count(3)
    expect(page.locator("input.sxl-range").nth(1)).to_have_value("6")
    wait_until(
        page,
        "p => Math.abs(document.querySelector('.sxl-chart .js-plotly-plot').data[0].y[1] - p) < 1e-12",
        arg=float(softmax([-2.0, 6.0, 0.0])[1]),
    )


def test_class_names_are_text_never_html(page: Page, live_url: str) -> None:
    names = "<b>bold</b>,<img src=x>,a&amp;b"
    open_demo(page, f"{live_url}/?{urlencode({'names': names})}")
    labels = page.locator(".sxl-name").all_text_contents()
    assert labels == ["z1 · <b>bold</b>", "z2 · <img src=x>", "z3 · a&amp;b"]
    assert page.locator(".sxl-own b, .sxl-own img").count() == 0
    expect(page.locator(".sxl-metric-label").nth(1)).to_have_text("p of the true class (<b>bold</b>)")


def test_presenter_mode_and_dark_theme(browser: Browser, live_url: str) -> None:
    context = browser.new_context(color_scheme="dark", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        open_demo(page, f"{live_url}/?present=true")
        expect(page.locator(".sxl-logits.sxl-present")).to_have_count(1)
        expect(page.locator(".sxl-headline.sxl-present")).to_have_count(1)
        font = plots(page).first.evaluate("gd => gd._fullLayout.font.color")
        css_colour = page.evaluate(
            "c => { const e = document.createElement('div'); e.style.color = c; document.body.append(e);"
            " const r = getComputedStyle(e).color; e.remove(); return r; }",
            font,
        )
        rgb = [int(v) for v in re.findall(r"\d+", css_colour)[:3]]
        assert sum(rgb) / 3 > 180, f"chart text {font} is not light on the dark theme"
        page.screenshot(path="/tmp/live-present-dark.png")
    finally:
        context.close()


def test_phone_shows_the_whole_probability_chart_and_its_sliders_at_once(browser: Browser, live_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_demo(page, live_url)
        chart = page.locator(".sxl-chart").first.bounding_box()
        last = page.locator("input.sxl-range").last.bounding_box()
        assert chart is not None
        assert last is not None
        assert last["y"] + last["height"] - chart["y"] <= 844
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.locator(".sxl-chart").first.scroll_into_view_if_needed()
        page.screenshot(path="/tmp/live-phone.png")
    finally:
        context.close()


def test_what_python_sends_is_cores() -> None:
    """Without a browser (AppTest): each live element's data carries core's numbers and the link's logits."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "bench" / "apps" / "live_demo.py"), default_timeout=60)
    at.query_params.update({"n": "4", "z1": "2", "z4": "-1.5", "y": "4"})
    at.run()
    assert not at.exception
    payloads = {}
    for element in at.get("bidi_component"):
        proto = element.proto
        payloads[proto.id.rsplit("-", 1)[-1]] = json.loads(proto.bytes or proto.json or proto.mixed.json)
        assert len(proto.js_content) < 1000  # the module itself comes over HTTP, once
    z = [2.0, LN3, 0.0, -1.5]
    expl = explain(State(z=tuple(z), target=3))
    assert payloads["live_logits"]["sliders"] == pytest.approx(z)
    assert payloads["live_p"]["spec"]["data"][0]["y"] == expl.p.tolist()
    assert payloads["live_headline"]["text"]["loss"] == fmt(expl.loss)
    assert payloads["live_headline"]["predicted"] == expl.predicted
