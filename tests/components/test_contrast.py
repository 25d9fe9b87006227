"""Dark room and projector: every colour a figure sends is checked against what it is drawn on.

WCAG 2.1: text at least 4.5:1 (1.4.3), lines and marks at least 3:1 (1.4.11), in the light and
in the dark theme. The luminance and contrast formulas are written out here, independently of
``components.render.theme``. Streamlit's theme placeholders are resolved per theme as the browser
does (tests/browser/test_flawless_browser.py checks that resolution in Chromium).

Left out on purpose, as decoration: grid lines (Streamlit's template), the contour lines between
the landscape's bands (the bands and their labels carry the levels), the 15 % tint behind the
log-sum-exp regions (the notes and the broken curve carry them) and the slider's hidden step labels.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from streamlit.elements.lib import streamlit_plotly_theme as st_theme

from components.figures import compare, descent, jacobian, landscape, layers, network
from components.render import display, theme
from core.comparisons import SHIFTS, argmax_limit, compare_smoothing, naive_nan_shifts, shift_sweep, temperature_sweep
from core.datasets import Dataset, make_dataset
from core.derivation import derive
from core.dynamics import gradient_norms_when_wrong, learn
from core.explanation import State, explain
from core.layer_examples import EXAMPLES, explain_max_pool, upstream
from core.network import TrainConfig, Training, train

TEXT_MIN = 4.5
MARK_MIN = 3.0
#: Streamlit's page backgrounds, and what its Plotly theme puts in place of the placeholders.
PAGES = {"light": "#FFFFFF", "dark": "#171614"}
PLACEHOLDERS = {
    "light": {"#000037": "#262730", "#000038": "#FFFFFF"},
    "dark": {"#000037": "#EDEBE8", "#000038": "#171614"},
}
SCHEMES = ("light", "dark")

WORKED = State((0.0, math.log(3.0), 0.0), 0)
TEN = State((1.5, 2.5, 0.3, -0.8, 1.9, -1.5, 0.0, 0.9, -2.2, 1.2), 4)
NAMED = State((2.0, -1.0, 0.5, 0.0), 3, names=("<b>cat</b>", "dog", "a very long class name", "bird"))
STATES = [WORKED, TEN, NAMED]


# --- WCAG 2.1, written out --------------------------------------------------------------------------


def rgba(colour: str) -> tuple[float, float, float, float]:
    if re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16), 1.0
    match = re.fullmatch(r"rgba?\(([^)]*)\)", colour.replace(" ", ""))
    assert match, f"a colour this test cannot read: {colour!r}"
    parts = [float(v) for v in match[1].split(",")]
    return parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else 1.0


def over(colour: str, background: str) -> str:
    """``colour`` (maybe translucent) as seen on an opaque ``background``."""
    r, g, b, a = rgba(colour)
    br, bg, bb, _ = rgba(background)
    mixed = [a * c + (1 - a) * d for c, d in ((r, br), (g, bg), (b, bb))]
    return "#" + "".join(f"{round(c):02X}" for c in mixed)


def relative_luminance(colour: str) -> float:
    def channel(c: float) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b, _ = rgba(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def resolve(colour: str, scheme: str) -> str:
    return PLACEHOLDERS[scheme].get(colour.upper(), colour)


def visible(colour: str) -> bool:
    return rgba(colour)[3] > 0.0


def scale_samples(scale: list[list[Any]], count: int = 41) -> list[str]:
    """Colours along a Plotly colorscale, interpolated in RGB between its stops."""
    stops = [(float(t), rgba(c)) for t, c in scale]
    samples = []
    for t in np.linspace(0.0, 1.0, count):
        for (t0, c0), (t1, c1) in itertools.pairwise(stops):
            if t <= t1:
                f = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
                mixed = (a + f * (b - a) for a, b in zip(c0[:3], c1[:3], strict=True))
                samples.append("#" + "".join(f"{round(c):02X}" for c in mixed))
                break
    return samples


# --- what a figure draws, and on what ----------------------------------------------------------------


def colours(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def marks(spec: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """(what, colours) for every line and mark: trace lines, markers (fill and outline: one of the two
    must stand out), bars, shapes, annotation arrows, strokes in annotation text, button and slider outlines."""
    for k, trace in enumerate(spec["data"]):
        kind, mode, name = trace.get("type"), trace.get("mode", ""), trace.get("name")
        if kind in ("contour", "heatmap"):
            continue
        if kind == "bar" or "markers" in mode:
            marker = trace.get("marker", {})
            fills = colours(marker.get("color"))
            line = marker.get("line", {})
            widths = line.get("width", 0)
            outlined = widths if isinstance(widths, int | float) else any(widths)
            outlines = colours(line.get("color")) if outlined else []
            for p, fill in enumerate(fills):
                rim = [outlines[p % len(outlines)]] if outlines else []
                yield f"trace {k} ({name}) marker {p}", [fill, *rim]
        if "lines" in mode:
            yield f"trace {k} ({name}) line", [trace["line"]["color"]]
    layout = spec["layout"]
    for k, shape in enumerate(layout.get("shapes", [])):
        if "line" in shape and shape["line"].get("width", 1) > 0 and "color" in shape["line"]:
            yield f"shape {k}", [shape["line"]["color"]]
    for note in layout.get("annotations", []):
        if note.get("showarrow"):
            assert "arrowcolor" in note, f"annotation {note['text']!r}: an arrow in the template's #444 (1.9:1 on dark)"
            yield f"arrow of {note['text']!r}", [note["arrowcolor"]]
        for stroke in re.findall(r"color:\s*(#[0-9A-Fa-f]{6})", note["text"]):
            yield f"stroke in {note['text']!r}", [stroke]
    for control in [*layout.get("updatemenus", []), *layout.get("sliders", [])]:
        yield "outline of a button or slider", [control["bordercolor"]]


def texts(spec: dict[str, Any]) -> Iterator[tuple[str, str, str | None]]:
    """(what, colour, opaque box behind it or None) for every piece of text a figure sets."""
    layout = spec["layout"]
    default = layout["font"]["color"]
    yield "layout font", default, None
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key):
            if axis.get("showticklabels", True):
                yield f"{key} ticks", axis["tickfont"]["color"], None
            if isinstance(axis.get("title"), dict) and axis["title"].get("text"):
                yield f"{key} title", axis["title"]["font"]["color"], None
    for key, axis in layout.get("ternary", {}).items():
        if key.endswith("axis"):
            yield f"ternary {key} title", axis["title"]["font"]["color"], None
    for note in layout.get("annotations", []):
        box = note.get("bgcolor")
        yield f"annotation {note['text']!r}", note.get("font", {}).get("color", default), box
    if "legend" in layout:
        yield "legend", layout["legend"].get("font", {}).get("color", default), None
    for menu in layout.get("updatemenus", []):
        yield "button label", menu["font"]["color"], menu["bgcolor"]
    for k, trace in enumerate(spec["data"]):
        if trace.get("type") == "bar" or "text" in trace.get("mode", ""):
            for c in colours(trace.get("textfont", {}).get("color", default)):
                yield f"trace {k} ({trace.get('name')}) text", c, None
        if "colorbar" in trace:
            yield f"trace {k} colour bar", trace["colorbar"]["tickfont"]["color"], None


def ratios(spec: dict[str, Any], grounds: dict[str, list[str]] | None = None) -> Iterator[tuple[str, str, float, str]]:
    """(scheme, "mark" or "text", contrast, what) for every visible mark and text on the page (or ``grounds``,
    per theme); a mark's contrast is its best colour's (fill or outline). Shared with bench/flawless.py."""
    for scheme in SCHEMES:
        behind = grounds[scheme] if grounds else [PAGES[scheme]]
        for what, group in marks(spec):
            for ground in behind:
                best = max(ratio(over(resolve(c, scheme), ground), ground) for c in group)
                if any(visible(c) for c in group):
                    yield scheme, "mark", best, f"{scheme}: {what} {group} on {ground}: {best:.2f}"
        for what, colour, box in texts(spec):
            for ground in [resolve(box, scheme)] if box and rgba(resolve(box, scheme))[3] == 1 else behind:
                contrast = ratio(over(resolve(colour, scheme), ground), ground)
                if visible(colour):
                    yield scheme, "text", contrast, f"{scheme}: {what} {colour} on {ground}: {contrast:.2f}"


def failures(spec: dict[str, Any], grounds: dict[str, list[str]] | None = None) -> list[str]:
    """Every mark under 3:1 and every text under 4.5:1 against the page (or ``grounds``, per theme)."""
    return [what for _, kind, r, what in ratios(spec, grounds) if r < (MARK_MIN if kind == "mark" else TEXT_MIN)]


def sent(spec: dict[str, Any], presenter: bool = False) -> dict[str, Any]:
    return display.prepare(spec, presenter)


# --- the figures ------------------------------------------------------------------------------------


def test_the_placeholders_are_streamlits_and_the_theme_says_what_they_become() -> None:
    assert theme.TEXT == st_theme.GRAY_90
    assert theme.PAGE == st_theme.BG_COLOR
    for scheme in SCHEMES:
        assert {k.upper(): v.upper() for k, v in theme.THEMES[scheme].items()} == {
            k.upper(): v.upper() for k, v in PLACEHOLDERS[scheme].items()
        }


@pytest.mark.parametrize("state", STATES, ids=["worked", "ten", "named"])
@pytest.mark.parametrize("presenter", [False, True], ids=["reading", "presenter"])
def test_descent_animation_reads_in_both_themes(state: State, presenter: bool) -> None:
    result = learn(state.z, state.target, 1.0, 100, 0, 1)
    spec = sent(descent.descent_figure(state, result.descent, 1.0), presenter)
    assert failures(spec) == []
    for frame in spec["frames"]:
        assert failures({"data": frame["data"], "layout": spec["layout"]}) == []


@pytest.mark.parametrize("state", STATES, ids=["worked", "ten", "named"])
def test_compare_figures_read_in_both_themes(state: State) -> None:
    z = np.asarray(state.z)
    assert failures(sent(compare.temperature_figure(state, temperature_sweep(z), argmax_limit(z), 0.5))) == []
    assert failures(sent(compare.smoothing_figure(state, compare_smoothing(state.z, state.target, 0.1)))) == []
    gaps = np.linspace(0.0, 10.0, 201)
    assert failures(sent(compare.squared_error_figure(gaps, *gradient_norms_when_wrong(gaps)))) == []


@pytest.mark.parametrize("shift", [-900, 0, 720])
def test_log_sum_exp_notes_read_on_the_tinted_regions_too(shift: int) -> None:
    naive, stable = shift_sweep(WORKED.z, 0)
    below, above = naive_nan_shifts(WORKED.z)
    spec = sent(compare.log_sum_exp_figure(SHIFTS, naive, stable, below, above, shift, "Class 1"))
    tint = next(s for s in spec["layout"]["shapes"] if s.get("type") == "rect")
    tinted = {
        scheme: [PAGES[scheme], over(f"rgba{(*rgba(tint['fillcolor'])[:3], tint['opacity'])}", PAGES[scheme])]
        for scheme in SCHEMES
    }
    assert failures(spec, tinted) == []


@pytest.mark.parametrize("state", STATES, ids=["worked", "ten", "named"])
def test_landscape_marks_and_labels_read_on_every_colour_of_the_surface(state: State) -> None:
    spec = sent(landscape.landscape_figure(state, learn(state.z, state.target, 1.0, 100, 0, 1)))
    surface = scale_samples(spec["data"][0]["colorscale"])
    grounds = dict.fromkeys(SCHEMES, surface)  # the surface is the same in both themes
    # Arrows, the path's casing, the points (fill or rim), the labels' arrows: on the surface.
    path = next(t for t in spec["data"] if t.get("name") == "descent path")
    others = [t for t in spec["data"][1:] if t is not path]
    on_surface = {
        "data": others,
        "layout": {"font": spec["layout"]["font"], "annotations": spec["layout"]["annotations"]},
    }
    assert [f for f in failures(on_surface, grounds) if "annotation" not in f and "layout font" not in f] == []
    # The path is a vermillion line on a white casing: the casing stands out on the surface, the line on it.
    casing = next(t for t in spec["data"] if t.get("name") == "descent path (casing)")["line"]["color"]
    assert min(ratio(casing, c) for c in surface) >= MARK_MIN
    assert ratio(path["line"]["color"], casing) >= MARK_MIN
    assert path["line"]["width"] < casing_width(spec)
    contour_labels = spec["data"][0]["contours"]["labelfont"]["color"]
    assert min(ratio(contour_labels, c) for c in surface) >= TEXT_MIN
    for note in spec["layout"]["annotations"]:  # "now", "after N steps": white on a dark box with a white rim
        assert ratio(note["font"]["color"], note["bgcolor"]) >= TEXT_MIN
        assert min(ratio(note["bordercolor"], c) for c in surface) >= MARK_MIN
    # Axis titles, ticks and the colour bar sit on the page.
    page_only = {"data": [spec["data"][0]], "layout": {k: v for k, v in spec["layout"].items() if k != "annotations"}}
    assert failures(page_only) == []


def casing_width(spec: dict[str, Any]) -> float:
    return float(next(t for t in spec["data"] if t.get("name") == "descent path (casing)")["line"]["width"])


@pytest.mark.parametrize("state", STATES, ids=["worked", "ten", "named"])
def test_simplex_reads_in_both_themes(state: State) -> None:
    assert failures(sent(landscape.simplex_figure(state, learn(state.z, state.target, 1.0, 100, 0, 1)))) == []


@pytest.mark.parametrize("state", STATES, ids=["worked", "ten", "named"])
def test_jacobian_numbers_and_diagonal_frames_read_on_their_cells_and_the_page(state: State) -> None:
    spec = sent(jacobian.jacobian_figure(derive(explain(state))))
    heat, casing, numbers = spec["data"]
    zmin, zmax = heat["zmin"], heat["zmax"]
    fine = scale_samples(heat["colorscale"], 2001)

    def cell(value: float) -> str:
        return fine[round((value - zmin) / (zmax - zmin) * 2000)]

    n = len(heat["z"])
    cells = [(i, j) for i in range(n) for j in range(n)]
    for (i, j), text_colour in zip(cells, numbers["textfont"]["color"], strict=True):
        assert ratio(text_colour, cell(heat["z"][i][j])) >= TEXT_MIN, (i, j)
    frame, rim = spec["layout"]["shapes"][0]["line"]["color"], casing["line"]["color"]
    assert ratio(frame, rim) >= MARK_MIN
    positive_half = [cell(v) for v in np.linspace(0.0, zmax, 101)]  # the diagonal p(1 - p) is never negative
    for scheme in SCHEMES:  # on the diagonal's cells, and on the page between the cells
        for ground in [*positive_half, PAGES[scheme]]:
            assert max(ratio(frame, ground), ratio(rim, ground)) >= MARK_MIN, ground
    assert failures({"data": [heat], "layout": {**spec["layout"], "shapes": []}}) == []


def test_the_check_fails_on_the_colours_it_replaced() -> None:
    """The same checks flag what the figures used to send: white on pale yellow, #444 arrows on dark,
    the template's grey ticks, Okabe–Ito's light orange as a line on white."""
    surface = scale_samples([[0, "#fde725"], [1, "#440154"]])
    assert min(ratio("#FFFFFF", c) for c in surface) < MARK_MIN
    old_arrow = {"data": [], "layout": {"font": {"color": "#000037"}, "annotations": [
        {"text": "cross-entropy", "showarrow": True, "arrowcolor": "#444444"}]}}  # fmt: skip
    assert any("dark: arrow" in f for f in failures(old_arrow))
    white_on_yellow = {"data": [{"type": "scatter", "mode": "lines", "line": {"color": "rgba(255,255,255,0.85)"}}],
                       "layout": {"font": {"color": "#FFFFFF"}}}  # fmt: skip
    assert len(failures(white_on_yellow, dict.fromkeys(SCHEMES, surface))) > 0
    grey_ticks = {"data": [], "layout": {"font": {"color": "#808495"}}}
    assert any(f.startswith("light: layout font") for f in failures(grey_ticks))
    old_true = {"data": [{"type": "scatter", "mode": "lines", "line": {"color": "#E69F00"}}], "layout": {
        "font": {"color": "#000037"}}}  # fmt: skip
    assert any(f.startswith("light: trace 0") for f in failures(old_true))
    assert ratio("#000000", "#171614") < MARK_MIN  # the heatmap's old black frames on the dark page


# --- the network view: points on the page and on every shade of every region ---------------------------


@functools.cache
def network_run(k: int) -> tuple[Dataset, Training]:
    data = make_dataset("blobs", k, 20, None, 0.3, seed=1)
    return data, train(data, TrainConfig(hidden=(4, 4, 4), steps=20, snapshots=3, grid_resolution=10))


def region_grounds(k: int) -> dict[str, list[str]]:
    """The page, and each class's region at every depth (from unsure to sure) on the page, per theme."""
    return {
        scheme: [
            PAGES[scheme],
            *(over(network.region_colorscale(k)[2 * c + end][1], PAGES[scheme]) for c in range(k) for end in (0, 1)),
        ]
        for scheme in SCHEMES
    }


def with_casings(spec: dict[str, Any]) -> dict[str, Any]:
    """A hollow mark drawn over its casing (the trace before it, "… (casing)") has the casing as its rim."""
    data = [dict(t) for t in spec["data"]]
    for k, t in enumerate(data[1:], start=1):
        if data[k - 1].get("name") == f"{t.get('name')} (casing)":
            t["marker"] = {**t["marker"], "line": {"width": 1, "color": data[k - 1]["marker"]["color"]}}
    return {**spec, "data": data}


@pytest.mark.parametrize("k", [2, 5])
@pytest.mark.parametrize("presenter", [False, True], ids=["reading", "presenter"])
def test_network_points_read_on_the_page_and_on_every_region(k: int, presenter: bool) -> None:
    data, training = network_run(k)
    for spec in (
        sent(network.learning_animation(training, data), presenter),
        sent(network.picked_figure(training, data, 3, len(training.steps) - 1), presenter),
    ):
        ring = next(t for t in spec["data"] if t["name"] == "picked point") if "annotations" in spec["layout"] else None
        if ring is not None:  # white under black: one of the two stands out on any ground
            assert ring["marker"]["color"] == [network.RING_OUTER, network.RING_INNER]
            assert ratio(network.RING_OUTER, network.RING_INNER) == 21.0
        data = [t for t in spec["data"][1:] if t is not ring]
        points = with_casings({"data": data, "layout": {"font": spec["layout"]["font"]}})
        on_regions = [f for f in failures(points, region_grounds(k)) if "layout font" not in f]  # no text there
        assert on_regions == []
        page_only = {"data": [], "layout": {**spec["layout"], "annotations": []}}
        assert failures(page_only) == []
    note = spec["layout"]["annotations"][0]  # "point 4": dark on its own white box, arrow over the regions (and page)
    assert ratio(note["font"]["color"], note["bgcolor"]) >= TEXT_MIN
    for scheme in SCHEMES:
        arrow = resolve(note["arrowcolor"], scheme)
        assert min(ratio(arrow, g) for g in region_grounds(k)[scheme]) >= MARK_MIN


@pytest.mark.parametrize("k", [2, 5])
def test_network_curves_and_confusion_read_in_both_themes(k: int) -> None:
    _, training = network_run(k)
    assert failures(sent(network.curves_figure(training))) == []
    assert failures(sent(network.confusion_figure(training))) == []


def test_every_network_class_has_its_own_colour_and_shape() -> None:
    data, training = network_run(5)
    spec = network.learning_animation(training, data)
    legend = [t for t in spec["data"][1:] if t.get("showlegend")]
    assert [t["name"] for t in legend] == ["1", "2", "3", "4", "5"]
    assert len({t["marker"]["color"] for t in legend}) == 5
    assert len({t["marker"]["symbol"] for t in legend}) == 5


# --- the layers view: numbers on their cells, window outlines on the cells and the page ------------------


@pytest.mark.parametrize("presenter", [False, True], ids=["reading", "presenter"])
def test_layers_heatmaps_read_in_both_themes(presenter: bool) -> None:
    ex = explain_max_pool(EXAMPLES["maxpool"], upstream("random", (2, 2), 0), 2)
    for spec in (layers.heatmap(ex.x, "x (input)"), layers.max_pool_input_figure(ex)):
        sent_spec = sent(spec, presenter)
        heat = sent_spec["data"][0]
        limit = max(abs(heat["zmin"]), abs(heat["zmax"]))
        for note in sent_spec["layout"]["annotations"]:  # each number on its own cell (or its white label)
            r, c = int(note["y"]), int(note["x"])
            cell = layers.colour_at(layers.scale_position(float(heat["z"][r][c]), limit))
            ground = note.get("bgcolor") or theme.hex_colour(*cell)
            assert ratio(note["font"]["color"], ground) >= TEXT_MIN, note["text"]
        page_only = {"data": [], "layout": {**sent_spec["layout"], "annotations": [], "shapes": []}}
        assert failures(page_only) == []
        cells = [theme.hex_colour(*layers.colour_at(t)) for t in np.linspace(0.0, 1.0, 41)]
        shapes = sent_spec["layout"]["shapes"]
        for casing, line in zip(shapes[::2], shapes[1::2], strict=True):  # a window: its colour over a casing
            for scheme in SCHEMES:
                for ground in [*cells, PAGES[scheme]]:
                    best = max(ratio(casing["line"]["color"], ground), ratio(line["line"]["color"], ground))
                    assert best >= MARK_MIN, (line["line"]["color"], ground)
