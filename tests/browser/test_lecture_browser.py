"""Issue 5 in a real browser: presets, presenter mode, class names, share link and QR code, quiz, phone, keyboard."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from components.render.numbers import fmt
from core import cross_entropy
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser
LOAD_TIMEOUT = 60_000
LN3 = math.log(3.0)


def open_page(page: Page, url: str, charts: int = 3) -> None:
    page.goto(url)
    expect(page.locator(".js-plotly-plot")).to_have_count(charts, timeout=LOAD_TIMEOUT)


def address(page: Page) -> str:
    """The address bar as the browser has it now (Playwright's page.url can lag a history update)."""
    href: str = page.evaluate("() => location.href")
    return href


def loss_text(page: Page) -> str:
    return page.locator(".sxl-metric-value").first.inner_text().strip()


def share_text(page: Page) -> str:
    return page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').first.inner_text().strip()


def test_presets_set_every_control_and_the_address(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}/?z1=3&n=4")
    page.get_by_role("radio", name="Ten classes").click()
    want = fmt(float(cross_entropy([1.5, 2.5, 0.3, -0.8, 1.9, -1.5, 0.0, 0.9, -2.2, 1.2], 4)))
    expect(page.locator(".sxl-metric-value").first).to_have_text(want)
    wait_until(page, "() => location.href.includes('z10=1.2')")
    for part in ("n=10", "y=5", "z1=1.5", "z5=1.9", "z9=-2.2"):
        assert part in address(page)
    # the share link is drawn last in the run, after the address has changed
    expect(page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').first).to_contain_text("z10=1.2")
    page.get_by_role("radio", name="Huge logits").click()
    expect(page.locator(".sxl-metric-value").first).to_have_text("10")
    wait_until(page, "() => location.href.includes('huge=true')")
    # A reload of that address shows the same view.
    page.goto(address(page))
    expect(page.locator(".sxl-metric-value").first).to_have_text("10", timeout=LOAD_TIMEOUT)


def test_presenter_mode_enlarges_the_page(page: Page, app_url: str, screenshots: Path) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, app_url)
    size_before = page.locator(".sxl-metric-value").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    page.locator('[data-testid="stSidebar"]').get_by_text("Presenter mode").click()
    wait_until(page, "() => location.href.includes('present=true')")
    expect(page.locator('[data-testid="stCaptionContainer"]').filter(has_text="always sum to 1")).to_have_count(0)
    # the live headline and charts take the new data after the caption has gone: wait for them
    wait_until(
        page,
        "least => parseFloat(getComputedStyle(document.querySelector('.sxl-metric-value')).fontSize) >= least",
        arg=1.5 * size_before,
    )
    wait_until(
        page, "want => Math.abs(document.querySelector('.js-plotly-plot').layout.font.size - want) < 1e-9", arg=16 * 1.4
    )
    assert page.locator(".katex-error").count() == 0
    page.screenshot(path=str(screenshots / "presenter-1920x1080.png"))


NAMES = "<b>cat</b>,**dog**,$x$ \\{}%#&_^~,<script>alert(1)</script>"


def test_class_names_are_shown_as_text_everywhere(page: Page, app_url: str, screenshots: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_page(page, f"{app_url}/?n=4&names={quote(NAMES, safe='')}")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("<b>cat</b> (true)", exact=True)).to_be_visible()  # the table, literally
    expect(main.get_by_text("**dog**", exact=True).first).to_be_visible()
    assert main.locator("b", has_text="cat").count() == 0  # no markup from the name itself
    assert page.locator("script", has_text="alert(1)").count() == 0
    ticks = page.locator(".js-plotly-plot").first.evaluate("e => e.layout.xaxis.ticktext")
    assert ticks[0] == "<b>&lt;b&gt;cat&lt;/b&gt;</b><br>true"
    expect(page.locator(".katex").first).to_be_visible()  # typeset, so an error would show by now
    assert page.locator(".katex-error").count() == 0
    page.get_by_role("tab", name="Derivation").click()
    expect(page.get_by_text("7. On to the weights")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator(".katex").nth(20)).to_be_attached()
    assert page.locator(".katex-error").count() == 0
    assert dialogs == []
    page.screenshot(path=str(screenshots / "class-names-derivation.png"))


def test_share_link_and_qr_code_follow_the_state(page: Page, app_url: str) -> None:
    open_page(page, app_url)
    page.locator('[data-testid="stSidebar"]').get_by_text("QR code for phones").click()
    qr = page.get_by_role("img", name="QR code of the link to this view")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 200
    src_before = qr.get_attribute("src")
    assert share_text(page) == f"{app_url}"
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="z1").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight")
    expect(page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').first).to_contain_text("z1=0.1")
    expect(qr).not_to_have_attribute("src", src_before or "")
    page.goto(share_text(page))
    want = fmt(float(cross_entropy([0.1, LN3, 0.0], 0)))
    expect(page.locator(".sxl-metric-value").first).to_have_text(want, timeout=LOAD_TIMEOUT)


def test_quiz_predict_then_reveal(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?view=Quiz")
    expect(page.get_by_text("Question 1")).to_be_visible(timeout=LOAD_TIMEOUT)
    question = page.locator('[data-testid="stRadio"]').filter(has_text="Which component of the gradient")
    question.get_by_text("Class 1", exact=True).click()
    page.get_by_role("button", name="Reveal the answer").first.click()
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("Right")
    expect(page.get_by_text("Only the true class, Class 1, is negative")).to_be_visible()
    assert page.locator(".katex-error").count() == 0


@pytest.mark.parametrize("view", ["Explore", "Derivation", "Learning", "Compare", "Quiz"])
def test_every_view_fits_a_phone(page: Page, app_url: str, screenshots: Path, view: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{app_url}/?view={view}")
    expect(page.get_by_role("tab", name=view)).to_have_attribute("aria-selected", "true", timeout=LOAD_TIMEOUT)
    # the view itself has drawn (its tab is selected long before): a chart, or the Quiz's first question
    ready = page.get_by_text("Question 1") if view == "Quiz" else page.locator(".js-plotly-plot .main-svg").first
    expect(ready).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=LOAD_TIMEOUT)
    wait_until(page, "() => !document.querySelector('.sxl-own[hidden]')", timeout=LOAD_TIMEOUT)
    page.wait_for_timeout(1500)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert page.locator(".katex-error").count() == 0
    if view == "Explore":
        page.screenshot(path=str(screenshots / "phone-390x844.png"))


def test_every_control_is_reachable_by_keyboard(page: Page, app_url: str) -> None:
    open_page(page, app_url)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return (e.getAttribute('aria-label') || e.innerText || e.getAttribute('role') || '').slice(0, 40); }"
            )
        )
    joined = " | ".join(reached)
    for control in (
        "Presenter mode",
        "Worked example",
        "Number of classes H",
        "z1",
        "Class names",
        "Explore",
    ):
        assert control in joined, joined
    # The presets are one group: Tab reaches it, the arrow keys move along it, Enter applies one.
    page.get_by_role("radio", name="Worked example").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.innerText.trim()") == "Confident, wrong"
    page.keyboard.press("Enter")
    expect(page.locator(".sxl-metric-value").first).to_have_text("8.0028")
