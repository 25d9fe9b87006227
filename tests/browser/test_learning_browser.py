"""The learning and compare views in a real browser: they render, the animation plays, no errors."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.dynamics import descend
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser
LOAD_TIMEOUT = 60_000
WORKED = [0.0, math.log(3.0), 0.0]


def collect_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def shown_bars(page: Page) -> list[float]:
    bars: list[float] = page.locator(".js-plotly-plot").first.evaluate("el => Array.from(el.data[0].y)")
    return bars


def test_the_animation_plays_in_the_browser(page: Page, app_url: str, screenshots: Path) -> None:
    errors = collect_errors(page)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}/?view=Learning&steps=40&lr=1")
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=LOAD_TIMEOUT)
    assert shown_bars(page) == pytest.approx([0.2, 0.6, 0.2], abs=1e-12)
    page.locator(".updatemenu-button").filter(has_text="▶ Play").click()
    want = descend(WORKED, 0, 1.0, 40).p[-1]
    # Frames run in the browser, no server round trip: the bars end at the last step's p.
    wait_until(
        page,
        "want => Math.abs(document.querySelector('.js-plotly-plot').data[0].y[0] - want) < 1e-9",
        arg=float(want[0]),
        timeout=20_000,
    )
    assert shown_bars(page) == pytest.approx(want.tolist(), abs=1e-12)
    assert page.locator(".katex-error").count() == 0
    assert errors == []
    page.screenshot(path=str(screenshots / "learning-1400x1000.png"), full_page=True)


def test_one_step_button_moves_the_sidebar_and_the_link(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?view=Learning&lr=2")
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=LOAD_TIMEOUT)
    page.get_by_role("button", name="Take one step ▶").click()
    expect(page.get_by_role("button", name="Undo 1 step")).to_be_enabled()
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="z1").get_by_role("slider")
    expect(thumb).to_have_attribute("aria-valuetext", "1.60")  # 0 + 2 * 0.8
    expect(page).to_have_url(re.compile(r"[?&]z1=1\.6"))
    # ln 3 - 2 * 0.6 = -0.1014 is rounded to what the slider shows, in the address too
    expect(page).to_have_url(re.compile(r"[?&]z2=-0\.1(&|$)"))


@pytest.mark.parametrize("n", [2, 3, 10])
def test_learning_and_compare_render_without_errors(page: Page, app_url: str, n: int) -> None:
    errors = collect_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    for view, charts in (("Learning", 3), ("Compare", 4)):
        page.goto(f"{app_url}/?view={view}&n={n}&y={n}&z1=8&c=-900")
        expect(page.locator(".js-plotly-plot")).to_have_count(charts, timeout=LOAD_TIMEOUT)
        if view == "Compare":
            expect(page.locator(".katex").first).to_be_visible()
        assert page.locator(".katex-error").count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    assert errors == []


def test_compare_view_screenshot(page: Page, app_url: str, screenshots: Path) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}/?view=Compare")
    expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=LOAD_TIMEOUT)
    page.screenshot(path=str(screenshots / "compare-1400x1000.png"), full_page=True)
