"""Ten classes in front of a class: every line can be told apart and named, every bar carries its value."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest

from components.figures import compare, descent
from components.render import display, theme
from components.render.numbers import fmt_probability
from components.render.spec import validate
from components.render.text import plotly_text
from core.comparisons import SHIFTS, argmax_limit, naive_nan_shifts, shift_sweep, temperature_sweep
from core.dynamics import descend, simplex_path
from core.explanation import State

TEN = State((1.5, 2.5, 0.3, -0.8, 1.9, -1.5, 0.0, 0.9, -2.2, 1.2), 4)  # the "Ten classes" preset, class 5 true
NAMES = ("<b>cat</b>", "dog", "a very long class name", "bird", "fish", "owl", "ant", "bee", "cow", "elk")
TEN_NAMED = State(TEN.z, 4, names=NAMES)
WORKED = State((0.0, math.log(3.0), 0.0), 0)


def class_lines(spec: dict[str, Any], state: State) -> list[dict[str, Any]]:
    """The line traces that stand for a class (two per class in the animation, one in the temperature chart)."""
    names = {plotly_text(label) for label in state.labels}
    return [t for t in spec["data"] if t.get("mode") == "lines" and t.get("name") in names]


def style(trace: dict[str, Any]) -> tuple[str, float, str]:
    line = trace["line"]
    return line["color"], line["width"], line.get("dash", "solid")


def check_lines(spec: dict[str, Any], state: State, rival: int, per_class: int) -> None:
    lines = class_lines(spec, state)
    labels = [plotly_text(label) for label in state.labels]
    assert len(lines) == per_class * state.n_classes
    by_class = {k: [t for t in lines if t["name"] == labels[k]] for k in range(state.n_classes)}
    true_style = {style(t) for t in by_class[state.target]}
    rival_style = {style(t) for t in by_class[rival]}
    others = {style(t) for k, ts in by_class.items() if k not in (state.target, rival) for t in ts}
    assert len(true_style) == 1
    assert len(rival_style) == 1
    assert true_style.isdisjoint(rival_style | others)
    assert rival_style.isdisjoint(others)
    (true_colour, true_width, _), (rival_colour, rival_width, _) = true_style.pop(), rival_style.pop()
    assert true_colour == theme.TRUE_CLASS
    assert rival_colour == theme.RIVAL_CLASS
    assert true_width > rival_width > max(width for _, width, _ in others)
    assert {colour for colour, _, _ in others}.isdisjoint({true_colour, rival_colour})
    for k, traces in by_class.items():  # every line says on hover which class it is
        for t in traces:
            assert t["hovertemplate"].startswith(labels[k])
    assert [t["name"] for t in lines[-2 * per_class :]].count(labels[state.target]) == per_class  # drawn on top


def end_label_texts(spec: dict[str, Any]) -> list[str]:
    return [a["text"] for a in spec["layout"]["annotations"] if "━" in a["text"]]


@pytest.mark.parametrize("state", [TEN, TEN_NAMED], ids=["numbers", "names"])
def test_descent_lines_of_the_true_class_and_its_rival_stand_out_and_all_are_named(state: State) -> None:
    tr = descend(state.z, state.target, 1.0, 100)
    rival = simplex_path(tr.p, state.target).rival
    assert rival == descent.strongest_rival(tr.p[0], state.target) == 1  # class 2 (z = 2.5) is the rival
    spec = descent.descent_figure(state, tr, 1.0)
    validate(spec)
    check_lines(spec, state, rival, per_class=2)
    texts = end_label_texts(spec)
    assert len(texts) == 4  # true class and rival, in the logits and in the probabilities
    true_name = plotly_text(descent.short_label(state.label(state.target)))
    assert all(any(t.endswith(f"{true_name} (true)") for t in texts[i : i + 2]) for i in (0, 2))


def test_end_labels_are_cut_then_escaped_and_never_overlap() -> None:
    names = ("<b>cat</b> & co", "twins", "twins again")
    state = State((0.0, 0.0, 0.0), 0, names=names)  # a tie: every line ends at the same height
    tr = descend(state.z, state.target, 1.0, 100)
    spec = descent.descent_figure(state, tr, 1.0)
    notes = [a for a in spec["layout"]["annotations"] if "━" in a["text"]]
    assert len(notes) == 6  # three classes: every line named, in both panels
    assert "&lt;b&gt;cat&lt;/b…" in notes[0]["text"] or "&lt;b&gt;cat&lt;/b…" in notes[3]["text"]
    assert all("<b>" not in a["text"] for a in notes)
    for yref in ("y2", "y3"):
        ys = sorted(a["y"] for a in notes if a["yref"] == yref)
        axis = spec["layout"]["yaxis" + yref[1:]]["range"]
        gap = (theme.FONT_SIZE + 3) / 150 * (axis[1] - axis[0])  # at least a line of text in a 150-px panel
        assert min(b - a for a, b in itertools.pairwise(ys)) >= 0.5 * gap
        assert axis[0] <= ys[0]
        assert ys[-1] <= axis[1]


def test_spread_keeps_order_and_distance_and_stays_inside() -> None:
    ys = descent.spread([0.5, 0.5, 0.5, 0.9], gap=0.1, low=0.0, high=1.0)
    assert ys[3] == pytest.approx(0.9) or ys[3] >= max(ys[:3]) + 0.1 - 1e-12
    ordered = sorted(ys)
    assert all(b - a >= 0.1 - 1e-9 for a, b in itertools.pairwise(ordered))
    assert descent.spread([0.0, 0.0], gap=0.2, low=0.0, high=1.0) == pytest.approx([0.0, 0.2])
    assert descent.spread([1.0, 1.0], gap=0.2, low=0.0, high=1.0) == pytest.approx([0.8, 1.0])


@pytest.mark.parametrize("state", [TEN, WORKED], ids=["ten", "three"])
def test_every_bar_of_the_animation_carries_its_value(state: State) -> None:
    tr = descend(state.z, state.target, 1.0, 100)
    spec = descent.descent_figure(state, tr, 1.0)
    bars = [spec["data"][0]] + [frame["data"][0] for frame in spec["frames"]]
    for bar in bars:
        assert bar["type"] == "bar"
        assert len(bar["text"]) == state.n_classes
        assert all(bar["text"])
        assert bar["textangle"] == (-90 if state.n_classes > theme.MANY_CLASSES else 0)
    digits = 2 if state.n_classes > theme.MANY_CLASSES else 4
    k = state.target
    assert bars[-1]["text"][k] == fmt_probability(float(tr.p[-1, k]), float(tr.one_minus_p[-1, k]), digits)


def test_temperature_lines_of_the_true_class_and_its_rival_stand_out_and_all_are_named() -> None:
    z = np.asarray(TEN_NAMED.z)
    spec = compare.temperature_figure(TEN_NAMED, temperature_sweep(z), argmax_limit(z), 1.0)
    validate(spec)
    check_lines(spec, TEN_NAMED, rival=1, per_class=1)
    texts = end_label_texts(spec)
    assert len(texts) == 2
    assert any(t.endswith("fish (true)") for t in texts)
    ys = sorted(a["y"] for a in spec["layout"]["annotations"] if "━" in a["text"])
    assert ys[1] - ys[0] > 0.03  # all lines end near 1/H at T = 20; their labels are spread apart


def test_play_pause_and_scrubber_do_not_share_a_row_and_grow_together_on_the_projector() -> None:
    spec = descent.descent_figure(WORKED, descend(WORKED.z, 0, 1.0, 100), 1.0)
    (menu,), (slider,) = spec["layout"]["updatemenus"], spec["layout"]["sliders"]
    assert menu["y"] == slider["y"] == 1.0
    assert menu["yanchor"] == slider["yanchor"] == "bottom"
    assert menu["pad"]["b"] >= slider["pad"]["b"] + 40  # the buttons sit a whole row above the scrubber
    big = display.for_projector(spec)
    assert big["layout"]["updatemenus"][0]["pad"]["b"] == round(menu["pad"]["b"] * display.PRESENTER_FONT_SCALE)
    assert big["layout"]["margin"]["t"] == round(spec["layout"]["margin"]["t"] * display.PRESENTER_FONT_SCALE)
    assert big["layout"]["updatemenus"][0]["font"]["size"] == pytest.approx(menu["font"]["size"] * 1.4)


@pytest.mark.parametrize("shift", [-1000, -300, 0, 720, 1000])
def test_log_sum_exp_c_line_ends_below_its_label_and_below_the_notes(shift: int) -> None:
    naive, stable = shift_sweep(WORKED.z, 0)
    below, above = naive_nan_shifts(WORKED.z)
    spec = compare.log_sum_exp_figure(SHIFTS, naive, stable, below, above, shift, "Class 1")
    line = next(s for s in spec["layout"]["shapes"] if s["type"] == "line")
    label = next(a for a in spec["layout"]["annotations"] if a["text"] == f"c = {shift}")
    notes = [a for a in spec["layout"]["annotations"] if a["text"].startswith("naive")]
    top = spec["layout"]["yaxis"]["range"][1]
    assert line["x0"] == line["x1"] == shift
    assert line["y1"] == label["y"]
    assert label["yanchor"] == "bottom"
    assert line["y1"] <= 0.72 * top  # the notes hang from the top, two lines of text above the c label
    assert max(stable) <= line["y1"]
    assert all(a["yref"] == "y domain" and a["y"] == 1 and a["yanchor"] == "top" for a in notes)
