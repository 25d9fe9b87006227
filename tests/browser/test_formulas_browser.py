"""The derivation's formulas where they are used: projector, laptop and phone, light and dark,
2 to 10 classes, huge logits. No row over another, nothing cut off, nothing wider than its box
where there is room (laptop and 1920 projector); on a phone or a 1024 projector a wide formula
scrolls inside its own box.

One page load serves the two sizes of its mode (presenter mode on the projectors, off on the
laptop and the phone): the viewport and the colour scheme change under the loaded page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SERVER_LOG
from tests.browser.formulas import LOAD_TIMEOUT, cut_off_ink, full_height, measure, show_as, wait_for_formulas
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser

Size = tuple[int, int, bool]  # width, height, formulas must fit without scrolling
SIZES: dict[bool, tuple[Size, Size]] = {  # by presenter mode
    True: ((1920, 1080, True), (1024, 768, False)),
    False: ((1280, 800, True), (390, 844, False)),
}
CLASSES = (2, 3, 5, 10)


def true_class(n: int) -> int:
    """A true class inside the list, so that long rows are elided on both sides of it."""
    return min(n, 4)


def open_derivation(browser: Browser, url: str, width: int, height: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(url)
    expect(page.get_by_text("7. On to the weights")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=LOAD_TIMEOUT)  # the Jacobian heatmap
    wait_for_formulas(page)
    return page


def check_formulas(page: Page, width: int, must_fit: bool) -> list[str]:
    """Every problem with the formulas as the page is now (an empty list when there is none)."""
    problems = [f"KaTeX error: {t}" for t in page.locator(".katex-error").all_inner_texts()]
    m = measure(page)
    if m.n_arrays < 10:
        problems.append(f"only {m.n_arrays} array rows measured: the page is not typeset")
    problems += [f"overlap: {o}" for o in m.overlapping]
    problems += [f"leaves its box: {s}" for s in m.spilling]
    if m.page_width > width:
        problems.append(f"the page is {m.page_width} px wide in a {width} px window")
    if must_fit:
        problems += [f"needs to scroll: {s}" for s in m.scrolling]
    return problems


@pytest.mark.parametrize("present", [True, False], ids=["projectors", "laptop-and-phone"])
@pytest.mark.parametrize("n", CLASSES)
def test_formulas_fit_and_never_overlap(
    browser: Browser, app_url: str, screenshots: Path, n: int, present: bool
) -> None:
    first, second = SIZES[present]
    url = f"{app_url}/?view=Derivation&n={n}&y={true_class(n)}" + ("&present=true" if present else "")
    page = open_derivation(browser, url, first[0], first[1])
    problems: list[str] = []
    try:
        for index, (width, height, must_fit) in enumerate((first, second)):
            # Each H and each size is seen in both themes across the parametrization.
            theme = "dark" if (CLASSES.index(n) + index + present) % 2 else "light"
            show_as(page, width, height, theme)
            where = f"{width}x{height} {theme}"
            problems += [f"{where}: {p}" for p in check_formulas(page, width, must_fit)]
            full_height(page)
            if n in (3, 10):
                page.screenshot(path=str(screenshots / f"derivation-H{n}-{width}x{height}-{theme}.png"))
            problems += [f"{where}: cut off: {p}" for p in cut_off_ink(page)]
    finally:
        page.context.close()
    assert problems == []


def test_derivation_for_the_other_class_counts(browser: Browser, app_url: str) -> None:
    """H = 4, 6, 7, 8, 9 at 1280 x 800, each a rerun of one page (the class-count slider, by keyboard)."""
    page = open_derivation(browser, f"{app_url}/?view=Derivation&n=4&y=4", 1280, 800)
    problems: list[str] = []
    try:
        thumb = page.locator('[data-testid="stSlider"]').filter(has_text="Number of classes").get_by_role("slider")
        for n in range(4, 10):
            if n > 4:
                thumb.focus()
                thumb.press("ArrowRight")
                wait_until(
                    page,
                    "n => Array.from(document.querySelectorAll('annotation'))"
                    ".some(a => a.textContent.includes('\\\\sum_{k=1}^{' + n + '}'))",
                    arg=n,
                    timeout=LOAD_TIMEOUT,
                )
                wait_for_formulas(page)
            if n != 5:  # H = 5 is in the test above
                problems += [f"H = {n}: {p}" for p in check_formulas(page, 1280, must_fit=True)]
    finally:
        page.context.close()
    assert problems == []


def test_huge_logits_derivation_is_finite_and_teaches_the_stable_form(
    browser: Browser, app_url: str, screenshots: Path
) -> None:
    """The "Huge logits" preset, reached by clicking presets (n=3&z1=8&z2=7.9&z3=-8&y=2&huge=true)."""
    page = open_derivation(browser, f"{app_url}/?view=Derivation", 1280, 800)
    try:
        for preset in ("Ten classes", "Huge logits"):
            page.get_by_role("radio", name=preset).click()
        expect(page.get_by_text("subtract the largest logit", exact=False)).to_be_visible(timeout=LOAD_TIMEOUT)
        wait_until(page, "() => location.href.includes('huge=true')")
        assert all(part in page.evaluate("() => location.href") for part in ("z1=8", "z2=7.9", "z3=-8", "y=2"))
        wait_for_formulas(page)
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert re.findall(r"\binf\b|\bnan\b|infinity|∞", text, flags=re.IGNORECASE) == []
        assert "written from its logarithm" in text
        assert "0 · ln 0 counts as 0" in text
        latex = " ".join(page.evaluate("() => Array.from(document.querySelectorAll('annotation'), a => a.textContent)"))
        assert r"e^{-1600} = 1.3453 \times 10^{-695}" in latex  # e^(z3 - m), from its logarithm
        assert "1.0000454" in latex  # the shifted sum 1 + e^-10 + e^-1600
        assert check_formulas(page, 1280, must_fit=True) == []
        full_height(page)
        page.screenshot(path=str(screenshots / "derivation-huge-logits-1280x800.png"))
        assert cut_off_ink(page) == []
    finally:
        page.context.close()
    log = SERVER_LOG.read_text(encoding="utf-8", errors="replace")
    assert "RuntimeWarning" not in log
    assert "created with a default value" not in log  # the presets set widgets without Streamlit's warning
