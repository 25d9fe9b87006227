"""The page in a real browser: it loads, the keyboard moves a slider, charts and text follow."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from components.render.numbers import fmt
from core import cross_entropy, softmax
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser
LN3 = math.log(3.0)
LOAD_TIMEOUT = 60_000


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=LOAD_TIMEOUT)
    expect(page.locator(".sxl-metric-value").first).to_be_visible()


def loss_text(page: Page) -> str:
    return page.locator(".sxl-metric-value").first.inner_text().strip()


def bar_heights(page: Page) -> list[float]:
    heights: list[float] = page.locator(".js-plotly-plot").first.evaluate("el => Array.from(el.data[0].y)")
    return heights


def test_default_page_loads_with_the_worked_example(page: Page, app_url: str, screenshots: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, app_url)
    expect(page.locator(".sxl-metric-value").first).to_have_text("1.6094")
    assert bar_heights(page) == pytest.approx([0.2, 0.6, 0.2], abs=1e-12)
    expect(page.locator(".katex").first).to_be_visible()
    assert page.locator(".katex-error").count() == 0
    page.screenshot(path=str(screenshots / "default-1280x800.png"), full_page=True)


def test_keyboard_moves_a_slider_and_everything_follows(page: Page, app_url: str, screenshots: Path) -> None:
    open_page(page, app_url)
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="z1").get_by_role("slider")
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    expect(thumb).to_have_attribute("aria-valuetext", "0.50")
    z1 = float(thumb.input_value())
    z = [z1, LN3, 0.0]
    want_loss = fmt(float(cross_entropy(z, 0)))
    expect(page.locator(".sxl-metric-value").first).to_have_text(want_loss, timeout=20_000)
    assert want_loss != "1.6094"
    wait_until(
        page,
        "want => Math.abs(document.querySelector('.js-plotly-plot').data[0].y[0] - want) < 1e-9",
        arg=float(softmax(z)[0]),
    )
    expect(page).to_have_url(re.compile(r"[?&]z1=0\.5"))
    assert page.locator(".katex-error").count() == 0
    page.screenshot(path=str(screenshots / "after-keyboard.png"), full_page=True)


def test_a_link_reproduces_the_view(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}/?n=4&z1=2&z4=-1.5&y=4")
    want = fmt(float(cross_entropy([2.0, LN3, 0.0, -1.5], 3)))
    expect(page.locator(".sxl-metric-value").first).to_have_text(want)
    assert len(bar_heights(page)) == 4


def test_a_bad_link_value_gives_a_notice_and_a_working_page(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}/?z1=abc&n=99")
    alerts = page.locator('[data-testid="stAlert"]')
    expect(alerts).to_have_count(2)
    assert "z1" in alerts.nth(1).inner_text() or "z1" in alerts.nth(0).inner_text()
    expect(page.locator(".sxl-metric-value").first).to_have_text("1.6094")
    assert page.locator(".katex-error").count() == 0


@pytest.mark.parametrize("n", range(2, 11))
def test_no_katex_error_for_any_number_of_classes(page: Page, app_url: str, n: int) -> None:
    open_page(page, f"{app_url}/?n={n}&y={n}")
    assert len(bar_heights(page)) == n
    assert page.locator(".katex-error").count() == 0


# The derivation's formulas at every size, theme and class count: tests/browser/test_formulas_browser.py.


def test_step_by_step_reveal_in_the_browser(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?view=Derivation&step=2")
    expect(page.get_by_text("2. The rules we need")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("3. The derivative of the softmax: two cases")).to_have_count(0)
    page.get_by_role("button", name="Next ▶").click()
    expect(page.get_by_text("3. The derivative of the softmax: two cases")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]step=3"))
    expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=LOAD_TIMEOUT)  # a cold Plotly.js
    assert page.locator(".katex-error").count() == 0
