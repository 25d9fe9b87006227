"""The network view in a real browser: the animation plays in the browser, and the page fits phones and projectors."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from components.figures.network import region_codes
from core.datasets import DEFAULT_NOISE, make_points, split
from core.network import TrainConfig, train
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser
LOAD_TIMEOUT = 90_000
REGIONS = ".st-key-chart_net_regions .js-plotly-plot"
#: The heatmap's cells as Plotly.js holds them after decoding the typed array, row by row.
CELLS = "el => Array.from(el._fullData[0].z, row => Array.from(row)).flat()"


def collect_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def wait_for_view(page: Page) -> None:
    expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=LOAD_TIMEOUT)
    expect(page.locator(".katex").first).to_be_visible(timeout=LOAD_TIMEOUT)
    wait_until(page, f"() => document.querySelector('{REGIONS}')._fullData !== undefined")


def test_the_regions_animate_in_the_browser_to_cores_last_snapshot(page: Page, app_url: str, screenshots: Path) -> None:
    errors = collect_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{app_url}/?view=Network&pts=40&nsteps=100")
    wait_for_view(page)
    points = make_points("spiral", 3, 40, DEFAULT_NOISE["spiral"], 0)
    training = train(split(points, 0.2, 0), TrainConfig(steps=100, snapshots=41, grid_resolution=100))
    grid = training.grid
    assert grid is not None
    codes = region_codes(grid.predicted, grid.probability, 3)
    regions = page.locator(REGIONS)
    first = np.array(regions.evaluate(CELLS))
    np.testing.assert_array_equal(first, codes[0].ravel())  # it opens on step 0
    regions.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "network-1280x800-step0.png"))

    regions.locator(".updatemenu-button").filter(has_text="Play").click()
    # The frames run in the browser (no server round trip): the heatmap's z goes through the
    # snapshots and stops at the last, step 100.
    wait_until(page, f"() => document.querySelector('{REGIONS}').layout.sliders[0].active === 40", timeout=30_000)
    # the slider marks a frame as it starts; its data land once the previous transition is done
    wait_until(
        page,
        f"want => {{ const el = document.querySelector('{REGIONS}'); const z = ({CELLS})(el);"
        " return el.layout.title.text.startsWith('step 100') && z.length === want.length"
        " && z.every((v, i) => v === want[i]); }",
        arg=codes[-1].ravel().tolist(),
        timeout=30_000,
    )
    last = np.array(regions.evaluate(CELLS))
    np.testing.assert_array_equal(last, codes[-1].ravel())
    assert (first // 50 != last // 50).mean() > 0.1  # the decision regions changed
    assert regions.evaluate("el => el.layout.title.text").startswith("step 100: loss ")
    page.screenshot(path=str(screenshots / "network-1280x800-played.png"))

    # A setting in its collapsed box: the box stays open while its header follows the value.
    data_box = page.locator(".st-key-net_data_box")
    data_box.get_by_text("spiral, 3 classes × 40").click()
    thumb = page.locator(".st-key-pts").get_by_role("slider")
    expect(thumb).to_be_visible()  # the box has opened (a key sent to a hidden slider is lost)
    thumb.focus()
    expect(thumb).to_be_focused()
    thumb.press("ArrowRight")
    expect(data_box.get_by_text("spiral, 3 classes × 50")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(thumb).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]pts=50(&|$)"))
    assert page.locator(".katex-error").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    assert errors == []


LAYOUTS = [
    ("phone-390x844-5-classes", {"width": 390, "height": 844}, "light", "&k=5&data=blobs"),
    ("presenter-1024x768", {"width": 1024, "height": 768}, "light", "&present=true"),
    ("laptop-1280x800-dark-5-classes", {"width": 1280, "height": 800}, "dark", "&k=5&data=moons&pick=30"),
]


def test_the_view_fits_a_phone_a_projector_and_the_dark_theme(page: Page, app_url: str, screenshots: Path) -> None:
    errors = collect_errors(page)
    for name, viewport, scheme, query in LAYOUTS:
        page.set_viewport_size(viewport)
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        page.goto(f"{app_url}/?view=Network&pts=30&nsteps=100{query}")
        wait_for_view(page)
        width = viewport["width"]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name  # no sideways scroll
        regions = page.locator(REGIONS)
        box = regions.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width, name
        expect(regions.locator(".updatemenu-button").filter(has_text="Play")).to_be_visible()
        assert page.locator(".katex-error").count() == 0, name
        assert page.locator('[data-testid="stException"]').count() == 0, name
        regions.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"network-{name}-regions.png"))
        page.locator(".katex").nth(1).scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"network-{name}-backward.png"))
    assert errors == []
