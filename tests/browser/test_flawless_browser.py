"""Issue 12, "Flawless in front of a class", in Chromium: presenter mode on 1024x768 and 1920x1080
projectors, the theme's colours as the browser resolves them, formulas inside their columns, and
layout shift on first load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from components.render import theme
from tests.browser.formulas import cut_off_ink, full_height, measure, wait_for_formulas
from tests.browser.waits import wait_until

pytestmark = pytest.mark.browser
LOAD_TIMEOUT = 60_000
#: Charts on each view as it opens (Layers: its first layer, linear). Network and Layers are measured by
#: open_page below; bench/flawless.py opens all six with open_view.
CHARTS = {"Explore": 3, "Derivation": 1, "Learning": 3, "Compare": 4, "Network": 4, "Layers": 6}

#: Everything the checks need from the page, measured in one pass. Tick labels are compared as the
#: rotated boxes they are drawn in (Plotly turns crowded labels), by separating axes.
LAYOUT = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const quad = e => { const b = e.getBBox(), m = e.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; }); };
  const apart = (p, q) => [p, q].some(poly => poly.some((a, i) => {
    const c = poly[(i + 1) % poly.length], nx = a[1] - c[1], ny = c[0] - a[0];
    const proj = s => s.map(([x, y]) => x * nx + y * ny), len = Math.hypot(nx, ny) || 1;
    const [P, Q] = [proj(p), proj(q)];
    return Math.max(...P) <= Math.min(...Q) + len || Math.max(...Q) <= Math.min(...P) + len; }));
  const plots = [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
    const ticks = [...plot.querySelectorAll('.xtick text')].filter(t => t.textContent.trim() && t.getBBox().width > 0);
    const overlaps = [];
    for (let i = 0; i < ticks.length; i++) for (let j = i + 1; j < ticks.length; j++)
      if (!apart(quad(ticks[i]), quad(ticks[j]))) overlaps.push([ticks[i].textContent, ticks[j].textContent]);
    const title = plot.querySelector('.gtitle');
    return {svg: box(plot.querySelector('.main-svg')), title: title ? box(title) : null,
            titleText: title ? title.textContent : '', overlaps,
            buttons: [...plot.querySelectorAll('.updatemenu-button')].map(box),
            scrubber: [...plot.querySelectorAll('.slider-container')].map(box)};
  });
  const cut = sel => [...document.querySelectorAll(sel)].filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.innerText.trim().slice(0, 40));
  return {
    sidebar: document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().width,
    plots,
    cutText: cut('.stMainBlockContainer button p, [data-testid=stMetricLabel] *, [data-testid=stMetricDelta] *, '
      + '.sxl-metric-label, .sxl-metric-delta'),
    wideFormulas: [...document.querySelectorAll('.stMainBlockContainer .katex-display')]
      .filter(e => e.scrollWidth > e.clientWidth + 3).map(e => [e.scrollWidth, e.clientWidth,
        ((e.querySelector('annotation') || {}).textContent || '').slice(0, 80)]),
  };
}"""


#: Elements of the page that reach past the right edge of the window, unless a box of theirs that
#: lies inside the window clips or scrolls them (a wide formula scrolls inside its own box).
BEYOND_RIGHT = """() => {
  const W = document.documentElement.clientWidth, out = [];
  for (const e of document.querySelectorAll('.stMainBlockContainer *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= W + 1) continue;
    let held = false;
    for (let a = e.parentElement; a && !a.matches('.stMainBlockContainer'); a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= W + 1) {
        held = true; break; }
    if (!held) out.push(`${e.getAttribute('data-testid') || e.tagName} to ${Math.round(r.right)} px: `
                        + (e.textContent || '').trim().slice(0, 40));
  }
  return out.slice(0, 12);
}"""


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


def title_inside(plot: dict[str, Any]) -> bool:
    """A chart of a LAYOUT measure has a title, and the title is not cut at either side."""
    svg, title = plot["svg"], plot["title"]
    return title is not None and svg["l"] - 1 <= title["l"] and title["r"] <= svg["r"] + 1


def chart_problems(got: dict[str, Any], width: int, height: int) -> list[str]:
    """Every chart of a LAYOUT measure: its title inside it, no two tick labels over each other, no taller
    than the screen, inside the window, Play and Pause inside it and clear of the scrubber."""
    problems = []
    for plot in got["plots"]:
        svg, title, name = plot["svg"], plot["title"], plot["titleText"][:50]
        if title is None:
            problems.append(f"a chart without a title at {svg}")
            continue
        if not title_inside(plot):
            problems.append(f"{name}: title cut ({title['l']:.0f}-{title['r']:.0f} in {svg['l']:.0f}-{svg['r']:.0f})")
        if plot["overlaps"]:
            problems.append(f"{name}: tick labels over each other: {plot['overlaps'][:3]}")
        if svg["b"] - svg["t"] > height:
            problems.append(f"{name}: {svg['b'] - svg['t']:.0f} px tall on a {height} px screen")
        if svg["l"] < -1 or svg["r"] > width + 1:
            problems.append(f"{name}: {svg['l']:.0f}-{svg['r']:.0f} px in a {width} px window")
        for button in plot["buttons"]:  # Play and Pause
            if any(overlap(button, scrubber) for scrubber in plot["scrubber"]):
                problems.append(f"{name}: a button over the scrubber")
            if not (svg["l"] <= button["l"] and button["r"] <= svg["r"]):
                problems.append(f"{name}: a button outside its chart")
    return problems


def open_view(page: Page, url: str, view: str, query: str = "") -> None:
    page.goto(f"{url}/?view={view}{query}")
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS[view], timeout=LOAD_TIMEOUT)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=LOAD_TIMEOUT)
    # the page's own CSS (the sidebar's last Markdown) and live.css apply: live elements are shown
    expect(page.locator('[data-testid="stSidebar"] style')).not_to_have_count(0, timeout=LOAD_TIMEOUT)
    wait_until(page, "() => !document.querySelector('.sxl-own[hidden]')", timeout=LOAD_TIMEOUT)
    page.wait_for_timeout(800)  # charts take the height the presenter CSS gives them


@pytest.mark.parametrize("view", ["Explore", "Derivation", "Learning", "Compare"])  # Network, Layers: see below
def test_presenter_mode_fits_a_1024x768_projector(page: Page, app_url: str, screenshots: Path, view: str) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    open_view(page, app_url, view, "&present=true")
    got: dict[str, Any] = page.evaluate(LAYOUT)
    page.screenshot(path=str(screenshots / f"presenter-1024x768-{view.lower()}.png"))
    assert got["sidebar"] <= 250  # 300 px of 1024 before
    for plot in got["plots"]:
        svg = plot["svg"]
        assert title_inside(plot), plot["titleText"]  # there, and not cut
        assert plot["overlaps"] == [], plot["titleText"]
        assert svg["b"] - svg["t"] <= 768  # a chart fits on the screen
        for button in plot["buttons"]:  # Play and Pause
            assert not any(overlap(button, scrubber) for scrubber in plot["scrubber"])
            assert svg["l"] <= button["l"]
            assert button["r"] <= svg["r"]
    assert got["cutText"] == []  # button labels, metric labels and the verdict badge are whole
    assert got["wideFormulas"] == []
    if view == "Explore":  # the probability chart is above the fold
        assert got["plots"][0]["svg"]["b"] <= 768
    if view == "Learning":
        assert len(got["plots"][0]["buttons"]) == 2
        assert len(got["plots"][0]["scrubber"]) == 1


def test_presenter_mode_on_a_1920x1080_projector(page: Page, app_url: str, screenshots: Path) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_view(page, app_url, "Learning", "&present=true")
    page.screenshot(path=str(screenshots / "presenter-1920x1080-learning.png"))
    got: dict[str, Any] = page.evaluate(LAYOUT)
    assert got["sidebar"] >= 350  # larger, and everything in it scaled
    play = got["plots"][0]["buttons"]
    assert len(play) == 2
    assert max(b["b"] for b in play) <= 1080  # Play and Pause above the fold
    # Every slider's value sits above its thumb, in the sidebar and in the page.
    values = page.locator('[data-testid="stSliderThumbValue"]')
    assert values.count() >= 5
    for k in range(values.count()):
        value, thumb = values.nth(k).evaluate(
            "e => [e.getBoundingClientRect().bottom, e.parentElement.getBoundingClientRect().top]"
        )
        assert value <= thumb + 2
    zoom = page.locator('[data-testid="stSidebarUserContent"]').evaluate("e => getComputedStyle(e).zoom")
    assert float(zoom) >= 1.2


def test_theme_colours_resolve_in_the_dark_and_formulas_fit_their_columns(
    page: Page, app_url: str, screenshots: Path
) -> None:
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 1280, "height": 800})
    open_view(page, app_url, "Compare")
    expect(page.locator(".katex").first).to_be_visible()
    page.screenshot(path=str(screenshots / "compare-1280x800-dark.png"))
    resolved = page.locator(".js-plotly-plot").first.evaluate(
        "e => [e.layout.font.color, e.layout.xaxis.tickfont.color]"
    )
    dark = theme.THEMES["dark"]
    assert resolved[0].upper() == resolved[1].upper() == dark[theme.TEXT].upper()
    page_bg = page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    r, g, b = (int(v) for v in page_bg[page_bg.index("(") + 1 : -1].split(",")[:3])
    assert f"#{r:02X}{g:02X}{b:02X}" == dark[theme.PAGE].upper()
    got: dict[str, Any] = page.evaluate(LAYOUT)
    assert got["wideFormulas"] == []  # log-sum-exp's formula was 5 px wider than its column


#: Layout shifts as Chromium reports them, from the first paint on. A shift is Streamlit's own shell
#: when the page frame moves sideways: its first paint has no sidebar, so when the sidebar arrives
#: everything moves right by its width (0.23 at 1280 px, the same in an app of one slider and one
#: chart); no script output can come before that paint.
SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) { if (e.hadRecentInput) continue;
  const shell = e.sources.some(s => s.node && s.node.nodeType === 1
      && (s.node.matches('[data-testid=stMain], .stMainBlockContainer') || s.node.querySelector('[data-testid=stMain]'))
      && Math.abs(s.previousRect.x - s.currentRect.x) > 20 && Math.abs(s.previousRect.y - s.currentRect.y) < 1);
  window.__shifts.push({value: e.value, shell, sources: e.sources.map(s => s.node && s.node.nodeType === 1
      ? (s.node.getAttribute('data-testid') || s.node.className.toString().slice(0, 40)) : '#text')}); } })
  .observe({type: 'layout-shift', buffered: true});
"""


@pytest.mark.parametrize("view", ["Explore", "Learning"])
def test_the_page_hardly_moves_while_it_loads(page: Page, app_url: str, view: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.add_init_script(SHIFTS)
    open_view(page, app_url, view)
    page.wait_for_timeout(1500)
    shifts: list[dict[str, Any]] = page.evaluate("() => window.__shifts")
    shell = sum(s["value"] for s in shifts if s["shell"])
    page_cls = sum(s["value"] for s in shifts if not s["shell"])
    detail = [(round(s["value"], 4), s["sources"][:3]) for s in shifts if not s["shell"]]
    assert page_cls < 0.1, f"layout shift {page_cls:.3f} besides Streamlit's shell ({shell:.3f}): {detail}"


#: The Layers view shows one layer at a time: each is measured (its formulas and heatmaps differ).
LAYER_CHARTS = {"linear": 6, "relu": 4, "maxpool": 4, "dropout": 5, "batchnorm": 8}
#: The Network view's default run, and five classes with the initial weights (ties, the widest legend).
NETWORK_QUERIES = ("", "&k=5&data=blobs&at=initial&pick=9")


#: The colours of the filled points' rims and of the test points' casings, as Plotly.js resolved them.
RIMS = """el => el._fullData.filter(t => t.type === 'scatter' && t.name !== 'picked point').map(t =>
  t.name.endsWith('(casing)') ? t.marker.color : t.marker.symbol.endsWith('-open') ? null : t.marker.line.color)
  .filter(c => c !== null)"""


#: The regions charts' title, legend and plot area, top and bottom (px).
REGION_BOXES = """el => Object.fromEntries(['.gtitle', '.legend', '.nsewdrag'].map(s => {
  const r = el.querySelector(s).getBoundingClientRect(); return [s, [r.top, r.bottom]]; }))"""


def region_gaps(page: Page, max_title_gap: float) -> list[str]:
    """The two regions charts: title, then the legend, then the plot, in that order without overlap, and the
    legend close under the title (the room above the plot is the plot's)."""
    found = []
    for key in ("chart_net_regions", "chart_net_picked"):
        boxes = page.locator(f".st-key-{key} .js-plotly-plot").evaluate(REGION_BOXES)
        title, legend, plot = boxes[".gtitle"], boxes[".legend"], boxes[".nsewdrag"]
        if not title[1] <= legend[0] <= legend[1] <= plot[0] + 1:
            found.append(f"{key}: title {title}, legend {legend} and plot {plot} overlap")
        if legend[0] - title[1] > max_title_gap:
            found.append(f"{key}: {legend[0] - title[1]:.0f} px between the title and the legend")
    return found


def open_page(page: Page, url: str, query: str, charts: int) -> None:
    page.goto(f"{url}/?{query}")
    expect(page.locator(".js-plotly-plot")).to_have_count(charts, timeout=LOAD_TIMEOUT)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=LOAD_TIMEOUT)
    wait_for_formulas(page, at_least=1)
    page.wait_for_timeout(800)


def pages_of_the_newer_views() -> list[tuple[str, str, int]]:
    """(name, query, charts) for every page of Network and Layers that the fit tests measure."""
    network = [(f"network{k}", f"view=Network{q}", 4) for k, q in enumerate(NETWORK_QUERIES)]
    layers = [(f"layers-{name}", f"view=Layers&layer={name}", n) for name, n in LAYER_CHARTS.items()]
    widest = ("layers-batchnorm-8x4", "view=Layers&layer=batchnorm&bn=8&bf=4", LAYER_CHARTS["batchnorm"])
    return [*network, *layers, widest]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_network_and_every_layer_fit_a_1024x768_projector(
    page: Page, app_url: str, screenshots: Path, scheme: str
) -> None:
    """Presenter mode: no chart title cut, no tick labels over each other, no formula wider than its
    box, nothing past the right edge: for both Network runs and all five layers."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    problems: list[str] = []
    for name, query, charts in pages_of_the_newer_views():
        open_page(page, app_url, query + "&present=true", charts)
        got: dict[str, Any] = page.evaluate(LAYOUT)
        found = chart_problems(got, 1024, 768)
        found += [f"cut: {t}" for t in got["cutText"]]
        found += [f"formula {w} px in {b} px: {tex}" for w, b, tex in got["wideFormulas"]]
        found += [f"past the right edge: {e}" for e in page.evaluate(BEYOND_RIGHT)]
        found += [f"KaTeX error: {t}" for t in page.locator(".katex-error").all_inner_texts()]
        if name.startswith("network"):  # the points' rims and casings, as Chromium draws them: the theme's text
            regions = page.locator(".st-key-chart_net_regions .js-plotly-plot")
            rims, text = regions.evaluate(RIMS), regions.evaluate("el => el._fullLayout.font.color")
            found += [
                f"a point's rim or casing in {c}, not the text's {text}" for c in rims if c.upper() != text.upper()
            ]
            found += [] if len(rims) >= 6 else [f"only {len(rims)} rims and casings drawn"]
            if scheme == "dark":  # light on the dark page (it was 55% black there)
                found += [] if text.upper() == theme.THEMES["dark"][theme.TEXT].upper() else [f"dark text {text}"]
            found += region_gaps(page, max_title_gap=60)  # it was 102 px, the regions 50 px shorter
        problems += [f"{name}: {p}" for p in found]
        page.screenshot(path=str(screenshots / f"presenter-1024x768-{name}-{scheme}.png"))
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_network_and_every_layer_fit_a_390x844_phone(page: Page, app_url: str, screenshots: Path, scheme: str) -> None:
    """A phone: the page no wider than the screen, every chart inside it with its title whole, every formula
    inside its box (a wide one scrolls inside it, never spills or is cut at the top or bottom), no rows of a
    formula over each other."""
    problems: list[str] = []
    for name, query, charts in pages_of_the_newer_views():
        page.set_viewport_size({"width": 390, "height": 844})
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        open_page(page, app_url, query, charts)
        got: dict[str, Any] = page.evaluate(LAYOUT)
        found = chart_problems(got, 390, 844)
        m = measure(page)
        if m.page_width > 390:
            found.append(f"the page is {m.page_width} px wide")
        found += [f"past the right edge: {e}" for e in page.evaluate(BEYOND_RIGHT)]
        found += [f"leaves its box: {s}" for s in m.spilling]
        found += [f"overlap: {o}" for o in m.overlapping]
        found += [f"cut: {t}" for t in got["cutText"]]
        found += [f"KaTeX error: {t}" for t in page.locator(".katex-error").all_inner_texts()]
        if name.startswith("network"):
            found += region_gaps(page, max_title_gap=40)
        full_height(page)
        found += [f"cut off: {c}" for c in cut_off_ink(page)]
        page.screenshot(path=str(screenshots / f"phone-390x844-{name}-{scheme}.png"))
        problems += [f"{name}: {p}" for p in found]
    assert problems == []
