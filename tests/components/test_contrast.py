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
from collections.abc import Iterable, Iterator
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


#: (scheme, "mark" or "text", contrast, what)
Ratio = tuple[str, str, float, str]


def ratios(spec: dict[str, Any], grounds: dict[str, list[str]] | None = None) -> Iterator[Ratio]:
    """(scheme, "mark" or "text", contrast, what) for every visible mark and text on the page (or ``grounds``,
    per theme); a mark's contrast is its best colour's (fill or outline)."""
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


def below_target(found: Iterable[Ratio]) -> list[str]:
    """What in ``found`` is under its target: marks 3:1, text 4.5:1."""
    return [what for _, kind, r, what in found if r < (MARK_MIN if kind == "mark" else TEXT_MIN)]


def on(kind: str, pairs: Iterable[tuple[list[str], str]], schemes: Iterable[str] = SCHEMES) -> Iterator[Ratio]:
    """Colours on a ground of the figure's own (a cell, a surface, a box): the best of each group, in ``schemes``."""
    for group, ground in pairs:
        best = max(ratio(c, ground) for c in group)
        yield from ((s, kind, best, f"{s}: {group} on {ground}: {best:.2f}") for s in schemes)


def sent(spec: dict[str, Any], presenter: bool = False) -> dict[str, Any]:
    return display.prepare(spec, presenter)


def page_only(spec: dict[str, Any], *drop: str) -> dict[str, Any]:
    """The figure's layout (without ``drop``) and no traces: what sits on the page around the plot."""
    return {"data": [], "layout": {k: v for k, v in spec["layout"].items() if k not in drop}}


# --- each figure family's contrasts: what is drawn on what. The tests below hold each to its target;
# --- bench/flawless.py prints the lowest of each. ------------------------------------------------------


def descent_ratios(state: State, presenter: bool) -> Iterator[Ratio]:
    result = learn(state.z, state.target, 1.0, 100, 0, 1)
    spec = sent(descent.descent_figure(state, result.descent, 1.0), presenter)
    yield from ratios(spec)
    for frame in spec["frames"]:
        yield from ratios({"data": frame["data"], "layout": spec["layout"]})


def temperature_ratios(state: State) -> Iterator[Ratio]:
    z = np.asarray(state.z)
    return ratios(sent(compare.temperature_figure(state, temperature_sweep(z), argmax_limit(z), 0.5)))


def smoothing_ratios(state: State) -> Iterator[Ratio]:
    return ratios(sent(compare.smoothing_figure(state, compare_smoothing(state.z, state.target, 0.1))))


def squared_error_ratios() -> Iterator[Ratio]:
    gaps = np.linspace(0.0, 10.0, 201)
    return ratios(sent(compare.squared_error_figure(gaps, *gradient_norms_when_wrong(gaps))))


def log_sum_exp_ratios(shift: int) -> Iterator[Ratio]:
    """On the page and on the 15 % tint behind the regions where the naive form breaks."""
    naive, stable = shift_sweep(WORKED.z, 0)
    below, above = naive_nan_shifts(WORKED.z)
    spec = sent(compare.log_sum_exp_figure(SHIFTS, naive, stable, below, above, shift, "Class 1"))
    tint = next(s for s in spec["layout"]["shapes"] if s.get("type") == "rect")
    tinted = {
        scheme: [PAGES[scheme], over(f"rgba{(*rgba(tint['fillcolor'])[:3], tint['opacity'])}", PAGES[scheme])]
        for scheme in SCHEMES
    }
    return ratios(spec, tinted)


def landscape_spec(state: State) -> dict[str, Any]:
    return sent(landscape.landscape_figure(state, learn(state.z, state.target, 1.0, 100, 0, 1)))


def landscape_ratios(state: State) -> Iterator[Ratio]:
    spec = landscape_spec(state)
    surface = scale_samples(spec["data"][0]["colorscale"])  # the same in both themes
    notes = spec["layout"]["annotations"]
    # Arrows, the path's casing, the points (fill or rim), the labels' arrows: on the surface.
    path = next(t for t in spec["data"] if t.get("name") == "descent path")
    on_surface = {
        "data": [t for t in spec["data"][1:] if t is not path],
        "layout": {"font": spec["layout"]["font"], "annotations": notes},
    }
    found = ratios(on_surface, dict.fromkeys(SCHEMES, surface))
    yield from (r for r in found if "annotation" not in r[3] and "layout font" not in r[3])
    # The path is a vermillion line on a white casing: the casing stands out on the surface, the line on it.
    casing = next(t for t in spec["data"] if t.get("name") == "descent path (casing)")["line"]["color"]
    yield from on("mark", [([casing], c) for c in surface] + [([path["line"]["color"]], casing)])
    yield from on("text", [([spec["data"][0]["contours"]["labelfont"]["color"]], c) for c in surface])
    # "now", "after N steps": white on a dark box with a white rim.
    yield from on("text", [([n["font"]["color"]], n["bgcolor"]) for n in notes])
    yield from on("mark", [([n["bordercolor"]], c) for n in notes for c in surface])
    # Axis titles, ticks and the colour bar sit on the page.
    yield from ratios({**page_only(spec, "annotations"), "data": [spec["data"][0]]})


def simplex_ratios(state: State) -> Iterator[Ratio]:
    return ratios(sent(landscape.simplex_figure(state, learn(state.z, state.target, 1.0, 100, 0, 1))))


def jacobian_spec(state: State) -> dict[str, Any]:
    return sent(jacobian.jacobian_figure(derive(explain(state))))


def jacobian_ratios(state: State) -> Iterator[Ratio]:
    spec = jacobian_spec(state)
    heat, rim, numbers = spec["data"]
    fine = scale_samples(heat["colorscale"], 2001)

    def cell(value: float) -> str:
        return fine[round((value - heat["zmin"]) / (heat["zmax"] - heat["zmin"]) * 2000)]

    cells = [cell(v) for row in heat["z"] for v in row]
    yield from on("text", [([c], g) for c, g in zip(numbers["textfont"]["color"], cells, strict=True)])
    # The diagonal's frame over its casing, on the diagonal's cells (p(1 - p) is never negative) and on the page.
    frames = [spec["layout"]["shapes"][0]["line"]["color"], rim["line"]["color"]]
    yield from on("mark", [(frames, cell(v)) for v in np.linspace(0.0, heat["zmax"], 101)])
    for scheme in SCHEMES:
        yield from on("mark", [(frames, PAGES[scheme])], (scheme,))
    yield from ratios({"data": [heat], "layout": {**spec["layout"], "shapes": []}})


def network_specs(k: int, presenter: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """The learning animation and the picked point's figure, as sent."""
    data, training = network_run(k)
    picked = network.picked_figure(training, data, 3, len(training.steps) - 1)
    return sent(network.learning_animation(training, data), presenter), sent(picked, presenter)


def network_point_ratios(k: int, presenter: bool) -> Iterator[Ratio]:
    """Points on the page and on every shade of every region; the picked point's note and its arrow."""
    regions = region_grounds(k)
    specs = network_specs(k, presenter)
    for spec in specs:
        ring = next((t for t in spec["data"] if t["name"] == "picked point"), None)  # black and white: see its test
        points = {"data": [t for t in spec["data"][1:] if t is not ring], "layout": {"font": spec["layout"]["font"]}}
        yield from (r for r in ratios(with_casings(points), regions) if "layout font" not in r[3])  # no text there
        yield from ratios(page_only(spec, "annotations"))
    note = specs[1]["layout"]["annotations"][0]  # "point 4": dark on its own white box, arrow over the regions
    yield from on("text", [([note["font"]["color"]], note["bgcolor"])])
    for scheme in SCHEMES:
        yield from on("mark", [([resolve(note["arrowcolor"], scheme)], g) for g in regions[scheme]], (scheme,))


def network_curve_ratios(k: int) -> Iterator[Ratio]:
    _, training = network_run(k)
    yield from ratios(sent(network.curves_figure(training)))
    yield from ratios(sent(network.confusion_figure(training)))


def layers_ratios(presenter: bool) -> Iterator[Ratio]:
    """Each number on its own cell (or its white label); the max-pool windows on every cell and the page."""
    ex = explain_max_pool(EXAMPLES["maxpool"], upstream("random", (2, 2), 0), 2)
    shades = [theme.hex_colour(*layers.colour_at(t)) for t in np.linspace(0.0, 1.0, 41)]
    for raw in (layers.heatmap(ex.x, "x (input)"), layers.max_pool_input_figure(ex)):
        spec = sent(raw, presenter)
        heat, notes = spec["data"][0], spec["layout"]["annotations"]
        limit = max(abs(heat["zmin"]), abs(heat["zmax"]))
        values = [float(heat["z"][int(n["y"])][int(n["x"])]) for n in notes]
        cells = [theme.hex_colour(*layers.colour_at(layers.scale_position(v, limit))) for v in values]
        on_cells = zip(notes, cells, strict=True)
        yield from on("text", [([n["font"]["color"]], n.get("bgcolor") or c) for n, c in on_cells])
        yield from ratios(page_only(spec, "annotations", "shapes"))
        shapes = spec["layout"]["shapes"]
        pairs = zip(shapes[::2], shapes[1::2], strict=True)  # a window: its colour over a casing
        windows = [[casing["line"]["color"], line["line"]["color"]] for casing, line in pairs]
        yield from on("mark", [(w, g) for w in windows for g in shades])
        for scheme in SCHEMES:
            yield from on("mark", [(w, PAGES[scheme]) for w in windows], (scheme,))


STATE_IDS = ["worked", "ten", "named"]
SHIFT_CASES = [-900, 0, 720]
NETWORK_CLASSES = [2, 5]


def contrast_families() -> Iterator[tuple[str, Iterator[Ratio]]]:
    """Every family the tests below check, with the same cases: (its name, its contrasts)."""
    for state in STATES:
        for presenter in (False, True):
            yield "descent animation (Learning)", descent_ratios(state, presenter)
        yield "simplex (Learning)", simplex_ratios(state)
        yield "landscape (Learning)", landscape_ratios(state)
        yield "Jacobian (Derivation)", jacobian_ratios(state)
        yield "temperature (Compare)", temperature_ratios(state)
        yield "smoothing (Compare)", smoothing_ratios(state)
    yield "squared error (Compare)", squared_error_ratios()
    for shift in SHIFT_CASES:
        yield "log-sum-exp (Compare)", log_sum_exp_ratios(shift)
    for k in NETWORK_CLASSES:
        for presenter in (False, True):
            yield "network points (Network)", network_point_ratios(k, presenter)
        yield "network curves, confusion", network_curve_ratios(k)
    for presenter in (False, True):
        yield "layers heatmaps (Layers)", layers_ratios(presenter)


# --- the figures ------------------------------------------------------------------------------------


def test_the_placeholders_are_streamlits_and_the_theme_says_what_they_become() -> None:
    assert theme.TEXT == st_theme.GRAY_90
    assert theme.PAGE == st_theme.BG_COLOR
    for scheme in SCHEMES:
        assert {k.upper(): v.upper() for k, v in theme.THEMES[scheme].items()} == {
            k.upper(): v.upper() for k, v in PLACEHOLDERS[scheme].items()
        }


@pytest.mark.parametrize("state", STATES, ids=STATE_IDS)
@pytest.mark.parametrize("presenter", [False, True], ids=["reading", "presenter"])
def test_descent_animation_reads_in_both_themes(state: State, presenter: bool) -> None:
    assert below_target(descent_ratios(state, presenter)) == []


@pytest.mark.parametrize("state", STATES, ids=STATE_IDS)
def test_compare_figures_read_in_both_themes(state: State) -> None:
    assert below_target(temperature_ratios(state)) == []
    assert below_target(smoothing_ratios(state)) == []
    assert below_target(squared_error_ratios()) == []


@pytest.mark.parametrize("shift", SHIFT_CASES)
def test_log_sum_exp_notes_read_on_the_tinted_regions_too(shift: int) -> None:
    assert below_target(log_sum_exp_ratios(shift)) == []


@pytest.mark.parametrize("state", STATES, ids=STATE_IDS)
def test_landscape_marks_and_labels_read_on_every_colour_of_the_surface(state: State) -> None:
    assert below_target(landscape_ratios(state)) == []
    spec = landscape_spec(state)
    path = next(t for t in spec["data"] if t.get("name") == "descent path")
    assert path["line"]["width"] < casing_width(spec)  # the casing shows on both sides of the line


def casing_width(spec: dict[str, Any]) -> float:
    return float(next(t for t in spec["data"] if t.get("name") == "descent path (casing)")["line"]["width"])


@pytest.mark.parametrize("state", STATES, ids=STATE_IDS)
def test_simplex_reads_in_both_themes(state: State) -> None:
    assert below_target(simplex_ratios(state)) == []


@pytest.mark.parametrize("state", STATES, ids=STATE_IDS)
def test_jacobian_numbers_and_diagonal_frames_read_on_their_cells_and_the_page(state: State) -> None:
    assert below_target(jacobian_ratios(state)) == []
    spec = jacobian_spec(state)
    assert ratio(spec["layout"]["shapes"][0]["line"]["color"], spec["data"][1]["line"]["color"]) >= MARK_MIN


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


@pytest.mark.parametrize("k", NETWORK_CLASSES)
@pytest.mark.parametrize("presenter", [False, True], ids=["reading", "presenter"])
def test_network_points_read_on_the_page_and_on_every_region(k: int, presenter: bool) -> None:
    assert below_target(network_point_ratios(k, presenter)) == []
    ring = next(t for t in network_specs(k, presenter)[1]["data"] if t["name"] == "picked point")
    assert ring["marker"]["color"] == [network.RING_OUTER, network.RING_INNER]  # one of the two stands out anywhere
    assert ratio(network.RING_OUTER, network.RING_INNER) == 21.0


@pytest.mark.parametrize("k", NETWORK_CLASSES)
def test_network_curves_and_confusion_read_in_both_themes(k: int) -> None:
    assert below_target(network_curve_ratios(k)) == []


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
    assert below_target(layers_ratios(presenter)) == []
