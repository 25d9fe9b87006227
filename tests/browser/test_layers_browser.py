"""The Layers view in a real browser: every layer draws, KaTeX typesets, a phone and a projector fit it."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from components.figures.layers import CELL_DIGITS
from components.render.numbers import fmt
from core.layer_examples import EXAMPLES, explain_linear, explain_max_pool, upstream
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser
LOAD_TIMEOUT = 60_000
CHARTS = {"linear": 6, "relu": 4, "maxpool": 4, "dropout": 5, "batchnorm": 8}


def open_layer(page: Page, url: str, query: str, charts: int) -> None:
    """Open the Layers view and wait until its heatmaps are drawn and its formulas typeset."""
    page.goto(f"{url}/?view=Layers&{query}")
    expect(page.locator(".js-plotly-plot")).to_have_count(charts, timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("Check: finite differences")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator(".katex-display").nth(1)).to_be_attached(timeout=LOAD_TIMEOUT)


def overflowing_formulas(page: Page) -> list[str]:
    """Formulas wider than their box must scroll inside it, never spill over the page."""
    found: list[str] = page.evaluate(
        """() => Array.from(document.querySelectorAll('.katex-display'))
            .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'auto')
            .map(e => e.textContent.slice(0, 60))"""
    )
    return found


def page_width(page: Page) -> int:
    width: int = page.evaluate("() => document.documentElement.scrollWidth")
    return width


CELLS = """start => {
    const el = Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(e => e.layout.title.text.replace(/<[^>]+>/g, '').startsWith(start));
    if (!el) return null;
    const z = el.data[0].z;
    const grid = z.map(row => row.map(() => ''));
    for (const a of el.layout.annotations) grid[a.y][a.x] = a.text.split('<br>')[0];
    return grid;
}"""


def chart_cells(page: Page, title_start: str) -> list[list[str]]:
    """The numbers written in a heatmap's cells, read from the chart Plotly drew."""
    grid: list[list[str]] = page.evaluate(CELLS, title_start)
    return grid


def cells_become(page: Page, title_start: str, want: list[list[str]]) -> list[list[str]]:
    """The heatmap's cells once they equal ``want`` (or after 30 s): charts are updated in place, so
    after a click the page can still show the previous run's chart of the same title for a moment."""
    with contextlib.suppress(AssertionError):  # wait_until timed out: the assertion that follows shows the difference
        wait_until(
            page,
            f"([start, want]) => JSON.stringify(({CELLS})(start)) === JSON.stringify(want)",
            arg=[title_start, want],
            timeout=30_000,
        )
    return chart_cells(page, title_start)


def written(values: np.ndarray) -> list[list[str]]:
    return [[fmt(float(v), CELL_DIGITS) for v in row] for row in np.atleast_2d(values)]


def scroll_to(page: Page, text: str) -> None:
    page.get_by_text(text, exact=True).first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)


def edit_first_cell(page: Page, value: str) -> None:
    """Type ``value`` into row 1, column 1 of the input editor (a canvas grid: by position)."""
    page.get_by_text("Edit the input values").click()
    grid = page.locator('[data-testid="stDataFrame"]')
    expect(grid).to_be_visible()
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the grid is a canvas: let it lay out before clicking into it
    # where the grid is once the page has stopped moving (late elements above it can still settle):
    # the same box three reads in a row, 250 ms apart
    boxes = [grid.bounding_box()]
    for _ in range(40):
        page.wait_for_timeout(250)
        boxes.append(grid.bounding_box())
        if len(boxes) >= 3 and boxes[-1] == boxes[-2] == boxes[-3]:
            break
    box = boxes[-1]
    assert box is not None
    row_height, index_width, columns = 35, 50, 4  # Streamlit's grid: a header row, then the rows
    first_column = box["x"] + index_width + (box["width"] - index_width) / columns / 2
    page.mouse.dblclick(first_column, box["y"] + 1.5 * row_height)
    # the grid's cell editor: its value set at once (typed keys were sometimes lost, 3 runs in 8)
    editor = page.locator("input.gdg-input")
    expect(editor).to_be_focused()
    editor.fill(value)
    page.keyboard.press("Enter")


def check_page(page: Page, width: int) -> None:
    assert page.locator(".katex-error").count() == 0
    assert page_width(page) <= width
    assert overflowing_formulas(page) == []


def test_every_layer_renders_and_a_control_changes_the_numbers(page: Page, app_url: str, screenshots: Path) -> None:
    """One session walks the layers with the radio, as a lecturer would; then the pool kernel changes dx."""
    page.set_viewport_size({"width": 1280, "height": 800})
    open_layer(page, app_url, "layer=linear", CHARTS["linear"])
    check_page(page, 1280)
    edit_first_cell(page, "-3")
    x = EXAMPLES["linear"].copy()
    x[0, 0] = -3.0
    want = explain_linear(x, upstream("random", (3, 3), 0))
    wait_until(page, "() => document.querySelector('.js-plotly-plot').layout.annotations[0].text === '-3'")
    # each chart is updated in place as its turn comes: read each once it has its new numbers
    assert cells_become(page, "out", written(want.out)) == written(want.out)
    assert cells_become(page, "dW", written(want.dW)) == written(want.dW)
    titles = {"relu": "ReLU:", "maxpool": "Max-pool:", "dropout": "Dropout:", "batchnorm": "Batch norm:"}
    for layer, title in titles.items():
        page.get_by_role("radiogroup", name="Layer").get_by_text(layer, exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("^" + re.escape(title)))).to_be_visible(timeout=30_000)
        expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS[layer], timeout=30_000)
        expect(page.get_by_text("Check: finite differences")).to_be_visible(timeout=30_000)
        expect(page).to_have_url(re.compile(rf"[?&]layer={layer}"))
        check_page(page, 1280)
        scroll_to(page, "Forward")
        page.screenshot(path=str(screenshots / f"layers-{layer}-1280x800.png"))
    page.get_by_role("radiogroup", name="Layer").get_by_text("maxpool", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Max-pool:"))).to_be_visible(timeout=30_000)
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS["maxpool"], timeout=30_000)
    dout = upstream("random", (2, 2), 0)
    want_dx = written(explain_max_pool(EXAMPLES["maxpool"], dout, 2).dx)
    assert cells_become(page, "dx", want_dx) == want_dx
    page.get_by_role("radiogroup", name="Pool kernel (stride 2)").get_by_text("3", exact=True).click()
    wait_until(
        page,  # Streamlit's theme writes titles in bold: compare the text only
        "want => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".some(e => e.layout.title.text.replace(/<[^>]+>/g, '').startsWith(want))",
        arg="x: 3 × 3",
        timeout=30_000,
    )
    want_dx = written(explain_max_pool(EXAMPLES["maxpool"], dout, 3).dx)
    assert cells_become(page, "dx", want_dx) == want_dx
    expect(page).to_have_url(re.compile(r"[?&]pool=3"))
    check_page(page, 1280)


def test_dark_theme(page: Page, app_url: str, screenshots: Path) -> None:
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 1280, "height": 800})
    open_layer(page, app_url, "layer=maxpool&pool=3", CHARTS["maxpool"])
    check_page(page, 1280)
    background = page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    assert sum(int(c) for c in re.findall(r"\d+", background)[:3]) < 3 * 80  # the page really is dark
    scroll_to(page, "Forward")
    page.screenshot(path=str(screenshots / "layers-maxpool-1280x800-dark.png"))


def test_layers_fit_a_phone(page: Page, app_url: str, screenshots: Path) -> None:
    """The widest batch (8 x 4) and the max-pool windows on a 390-pixel screen: nothing wider than it."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_layer(page, app_url, "layer=batchnorm&bn=8&bf=4", CHARTS["batchnorm"])
    for layer in ("batchnorm", "maxpool"):
        if layer == "maxpool":
            page.get_by_role("radiogroup", name="Layer").get_by_text("maxpool", exact=True).click()
            expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS["maxpool"], timeout=30_000)
            expect(page.get_by_text("Check: finite differences")).to_be_visible(timeout=30_000)
        check_page(page, 390)
        widths = page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(e => e.clientWidth)")
        assert max(widths) <= 390
        scroll_to(page, "Forward")
        page.screenshot(path=str(screenshots / f"layers-{layer}-390x844.png"))


def test_presenter_mode_on_a_projector(page: Page, app_url: str, screenshots: Path) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    open_layer(page, app_url, "layer=batchnorm&present=true", CHARTS["batchnorm"])
    check_page(page, 1024)
    expect(page.get_by_text("sidebar's logits", exact=False)).to_have_count(0)
    sizes = page.locator(".js-plotly-plot").first.evaluate("e => e.layout.annotations.map(a => a.font.size)")
    assert sizes == [pytest.approx(14 * 1.4)] * len(sizes)
    scroll_to(page, "Forward")
    page.screenshot(path=str(screenshots / "layers-batchnorm-presenter-1024x768.png"))
