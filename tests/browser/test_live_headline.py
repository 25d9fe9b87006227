"""The live headline (the loss, p of the true class and the prediction) in a real browser.

* its wording of the prediction (frontend/softmax.js ``verdict``) agrees with Python's
  (components.content.prediction.plain_verdict), ties included, for random logits and class names;
* on the app, a key step that makes two logits equal is shown as a tie while the hand is ahead of
  Python and after Python has answered, and is never called right;
* class names stay text.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from components.content.prediction import plain_verdict
from components.render.numbers import fmt
from core import cross_entropy
from core.explanation import State, explain
from tests.browser.test_live import LOAD_TIMEOUT, live_url, module, open_demo, random_logits
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser
__all__ = ["live_url"]  # the fixture, used by name

NAMES = ["cat", "dog", "<b>bold</b>", "a*b", "", "Ünïcødé", "x_1", "[link](y)", "", "bird"]


def test_the_verdict_twin_agrees_with_python(page: Page, live_url: str) -> None:
    open_demo(page, live_url)
    rng = random.Random(5)
    cases: list[tuple[list[float], int, tuple[str, ...]]] = [
        ([1.0, 1.0, 0.0], 0, ()),
        ([1.0, 1.0, 1.0], 2, ()),
        ([0.0, 2.0, 2.0], 0, ("cat", "dog", "bird")),
        ([3.0, 3.0, 3.0, 3.0], 1, ()),
        ([5.0, 5.0], 1, ()),
        ([2.0, 0.0, 2.0, 2.0], 3, ("", "dog", "", "")),
    ]
    for _ in range(300):
        z = random_logits(rng)
        names = tuple(rng.choice(NAMES) for _ in z) if rng.random() < 0.5 else ()
        cases.append((z, rng.randrange(len(z)), names))
    args = []
    want = []
    for z, target, names in cases:
        expl = explain(State(tuple(z), target, names))
        named = [i < len(names) and bool(names[i]) for i in range(len(z))]
        args.append([z, target, list(expl.state.labels), named])
        value, under, why = plain_verdict(expl)
        tone = "tie" if expl.is_tie else "right" if expl.is_correct else "wrong"
        want.append({"value": value, "under": under, "why": why, "tone": tone})
    got: list[dict[str, Any]] = module(
        page, "softmax.js", "(m, cases) => cases.map(([z, t, labels, named]) => m.verdict(z, t, labels, named))", args
    )
    assert sum(w["tone"] == "tie" for w in want) > 25  # the cases hold many ties
    for case, js, py in zip(cases, got, want, strict=True):
        assert js == py, case


def test_a_key_step_onto_a_tie_is_never_called_right(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{app_url}/?z1=1&z2=1.1&z3=0&y=1")
    verdict = page.locator(".sxl-metric-value").nth(2)
    expect(verdict).to_have_text("Class 2", timeout=LOAD_TIMEOUT)
    # every text the badge under the prediction takes, as it happens
    page.evaluate(
        """() => {
            const badge = document.querySelectorAll('.sxl-metric-delta')[2];
            window.__badges = [];
            new MutationObserver(() => window.__badges.push([badge.textContent, badge.className]))
                .observe(badge, { childList: true, characterData: true, subtree: true, attributes: true });
        }"""
    )
    thumb = page.locator("input.sxl-range").first
    # the sliders stay hidden until live.css applies, and a hidden input takes no focus: the key would be lost
    expect(thumb).to_be_visible(timeout=LOAD_TIMEOUT)
    thumb.focus()
    expect(thumb).to_be_focused()
    page.keyboard.press("ArrowRight")  # z1 = 1.1 = z2
    expect(verdict).to_have_text("Tie: Class 1 and 2", timeout=LOAD_TIMEOUT)
    # Python has answered: the sidebar's z1 and the loss are core's for z = (1.1, 1.1, 0)
    wait_until(page, "() => location.href.includes('z1=1.1')", timeout=LOAD_TIMEOUT)
    expect(page.locator(".sxl-headline")).to_have_attribute("data-drawn", "python", timeout=LOAD_TIMEOUT)
    loss = fmt(float(cross_entropy([1.1, 1.1, 0.0], 0)))
    expect(page.locator(".sxl-metric-value").first).to_have_text(loss, timeout=LOAD_TIMEOUT)
    expect(verdict).to_have_text("Tie: Class 1 and 2")
    badge = page.locator(".sxl-metric-delta").nth(2)
    expect(badge).to_have_class("sxl-metric-delta sxl-tie")
    why = plain_verdict(explain(State((1.1, 1.1, 0.0), 0)))[2]
    expect(page.locator(".sxl-metric").nth(2)).to_have_attribute("title", why)
    seen: list[list[str]] = page.evaluate("() => window.__badges")
    assert seen, "the badge never changed"
    assert all("right" not in text and "sxl-right" not in cls for text, cls in seen), seen


@pytest.mark.parametrize(("width", "height", "query"), [(390, 844, ""), (1280, 800, ""), (1024, 768, "&present=true")])
def test_the_headline_takes_its_own_height_and_covers_nothing(
    page: Page, app_url: str, width: int, height: int, query: str
) -> None:
    """Its room is kept while it loads (91 px, 100 in presenter mode); once drawn it is as tall as its
    text, which wraps on a phone: it never runs into the chart below."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/?z1=1&z2=1&z3=0{query}")  # a tie: the longest verdict
    expect(page.locator(".sxl-metric-value").nth(2)).to_have_text("Tie: Class 1 and 2", timeout=LOAD_TIMEOUT)
    expect(page.locator(".sxl-headline")).to_be_visible(timeout=LOAD_TIMEOUT)  # styled: it was hidden till then
    expect(page.locator(".sxl-chart .js-plotly-plot").first).to_be_visible(timeout=LOAD_TIMEOUT)
    got = page.evaluate(
        """() => {
            const headline = document.querySelector('.sxl-headline');
            const box = headline.closest('[data-testid=stElementContainer]');
            const below = document.querySelector('.sxl-chart')
                .closest('[data-testid=stHorizontalBlock], [data-testid=stElementContainer]');
            return {content: headline.getBoundingClientRect().bottom, box: box.getBoundingClientRect().bottom,
                    below: below.getBoundingClientRect().top, scroll: box.scrollHeight - box.clientHeight};
        }"""
    )
    assert got["content"] <= got["box"] + 0.5, got  # the box holds its text
    assert got["box"] <= got["below"] + 0.5, got  # and ends before the charts begin
    assert got["scroll"] <= 0, got


def _luminance(css: str) -> float:
    r, g, b = (int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])

    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_verdict_badge_is_readable_in_both_themes(browser: Browser, app_url: str, scheme: str) -> None:
    """Text 4.5:1 against its badge (WCAG 1.4.3) for a tie, a wrong and a right prediction."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    try:
        for query, tone in [("z1=1&z2=1&z3=0", "tie"), ("", "wrong"), ("z1=3", "right")]:
            page.goto(f"{app_url}/?{query}")
            badge = page.locator(".sxl-metric-delta").nth(2)
            expect(badge).to_have_class(f"sxl-metric-delta sxl-{tone}", timeout=LOAD_TIMEOUT)
            expect(badge).to_be_visible(timeout=LOAD_TIMEOUT)  # live.css applies: the headline was hidden till then
            fg, bg = badge.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
            assert bg not in ("rgba(0, 0, 0, 0)", "transparent"), (tone, bg)  # a badge, as st.metric's
            assert contrast(fg, bg) >= 4.5, (scheme, tone, fg, bg)
    finally:
        context.close()
