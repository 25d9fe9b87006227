"""The live components in the real app (app.py): Explore's live sliders drive the charts during a drag,
Python's numbers win on release, the URL follows, and no chart is ever missing from a frame."""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import Page, expect

from components.render.numbers import fmt
from core import cross_entropy, softmax
from tests.browser.test_live import SAMPLER, assert_drawn_quickly, draws_during, thumb_point
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser
LN3 = math.log(3.0)
LOAD_TIMEOUT = 90_000  # the first chart waits for a cold Plotly.js


def all_drawn(page: Page, count: int) -> None:
    expect(page.locator(".sxl-chart .js-plotly-plot .main-svg").first).to_be_attached(timeout=LOAD_TIMEOUT)
    expect(page.locator(".sxl-chart[data-drawn='python']")).to_have_count(count, timeout=LOAD_TIMEOUT)


def test_a_live_slider_drag_in_explore_follows_the_hand_then_settles_on_core(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.add_init_script(SAMPLER)
    page.goto(app_url)
    all_drawn(page, 3)
    expect(page.locator("input.sxl-range")).to_have_count(3)
    page.locator("input.sxl-range").first.scroll_into_view_if_needed()
    x, y = thumb_point(page)
    page.mouse.move(x, y)
    # every loss the headline shows, as it happens
    page.evaluate(
        """() => { const value = document.querySelector('.sxl-metric-value'); window.__losses = [];
            new MutationObserver(() => window.__losses.push(value.textContent))
                .observe(value, { childList: true, characterData: true, subtree: true }); }"""
    )
    page.mouse.down()
    start = page.evaluate("() => { window.__liveDraws = []; return performance.now(); }")
    for k in range(1, 41):  # quick moves: no 150 ms pause, so nothing is committed before release
        page.mouse.move(x + 2.0 * k, y)
    # what the first chart shows when the moves end (held still, the hand commits after 150 ms and Python's
    # answer takes over: read it in the same call)
    during, drawn = page.evaluate("() => [performance.now(), document.querySelector('.sxl-chart').dataset.drawn]")
    states = page.evaluate(
        "([a, b]) => new Set(window.__frames.filter((f) => f[0] >= a && f[0] <= b).map((f) => f[3])).size",
        [start, during],
    )
    frames = page.evaluate("([a, b]) => window.__frames.filter((f) => f[0] >= a && f[0] <= b).length", [start, during])
    draws = draws_during(page, start, during)
    print(f"distinct bar states during the drag: {states} in {frames} frames; draws (quick, Plotly.react): {draws}")
    assert states >= 10, "the bars did not follow the drag"  # 39 measured with 2 busy cores
    assert_drawn_quickly(draws)
    # moves are drawn once per frame at most, however many come in a frame
    assert all(quick + full <= frames + 1 for quick, full in draws.values()), (draws, frames)
    assert drawn == "browser"
    losses = page.evaluate("() => window.__losses")
    assert len(set(losses)) >= 10, f"the headline's loss did not follow the drag: {losses}"
    page.mouse.up()
    z1 = float(page.locator("input.sxl-range").first.input_value())
    assert z1 > 0.5
    z = [z1, LN3, 0.0]
    p = softmax(z).tolist()
    wait_until(
        page,
        """(p) => {
            const charts = Array.from(document.querySelectorAll('.sxl-chart'));
            if (!charts.slice(0, 3).every((c) => c.dataset.drawn === 'python')) return false;
            const bars = charts[0].querySelector('.js-plotly-plot').data[0].y;
            return p.every((v, i) => Math.abs(bars[i] - v) <= 1e-6);
        }""",
        arg=p,
        timeout=30_000,
    )
    bars = page.locator(".sxl-chart .js-plotly-plot").first.evaluate("gd => Array.from(gd.data[0].y)")
    assert bars == pytest.approx(p, abs=1e-6)
    href = page.evaluate("() => location.href")
    assert re.search(rf"[?&]z1={re.escape(f'{z1:g}')}(&|$)", href), href
    # the headline (Python's numbers again) and the sidebar slider took the value too
    expect(page.locator(".sxl-metric-value").first).to_have_text(fmt(float(cross_entropy(z, 0))))
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="z1").get_by_role("slider")
    expect(thumb).to_have_attribute("aria-valuetext", f"{z1:.2f}")
    frames = page.evaluate("t => window.__frames.filter((f) => f[0] >= t)", start)
    assert frames
    assert all(f[2] == f[1] == 3 for f in frames), "a frame with a chart missing or not drawn"


def test_the_learning_chart_updates_without_a_blank_frame(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.add_init_script(SAMPLER)
    page.goto(f"{app_url}/?view=Learning&lr=2")
    all_drawn(page, 3)
    start = page.evaluate(
        "() => { document.querySelectorAll('.sxl-chart .js-plotly-plot').forEach((gd, i) => { gd.__mark = i; });"
        " return performance.now(); }"
    )
    before = page.locator(".sxl-chart .js-plotly-plot").first.evaluate("gd => Array.from(gd.data[0].y)")
    page.get_by_role("button", name="Take one step ▶").click()
    expect(page.get_by_role("button", name="Undo 1 step")).to_be_enabled(timeout=LOAD_TIMEOUT)
    # the descent chart now starts at the new logits 0 + 2·0.8, ln 3 − 2·0.6, 0 − 2·(−0.2)... as core says
    wait_until(
        page,
        "old => { const y = document.querySelector('.sxl-chart .js-plotly-plot').data[0].y;"
        " return y.some((v, i) => Math.abs(v - old[i]) > 1e-9); }",
        arg=before,
        timeout=30_000,
    )
    page.wait_for_timeout(500)
    marks = page.evaluate(
        "() => Array.from(document.querySelectorAll('.sxl-chart .js-plotly-plot')).map((gd) => gd.__mark)"
    )
    assert marks[:3] == [0, 1, 2], "a chart was replaced rather than updated in place"
    frames = page.evaluate("t => window.__frames.filter((f) => f[0] >= t)", start)
    assert frames
    assert all(f[1] >= 3 and f[2] == f[1] for f in frames), "a frame with a chart missing or not drawn"
