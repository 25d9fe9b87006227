"""The Layers view's heatmaps and formulas: they show core's numbers, mark the right cells, stay readable."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from components.content import layers_steps as steps
from components.figures import layers as figures
from components.render.numbers import fmt, tex
from components.render.spec import Spec, validate
from components.views.layers import clean_grid
from core.layer_examples import (
    EXAMPLES,
    explain_batch_norm,
    explain_dropout,
    explain_linear,
    explain_max_pool,
    explain_relu,
    upstream,
)

POOL_DOUT = np.array([[0.1, -1.0], [-0.6, 2.0]])


def first_lines(spec: Spec) -> np.ndarray:
    """The number written in each cell (the annotation's first line), as a grid."""
    trace = spec["data"][0]
    grid = np.empty((len(trace["y"]), len(trace["x"])), dtype=object)
    for a in spec["layout"]["annotations"]:
        grid[a["y"], a["x"]] = a["text"].split("<br>")[0]
    return grid


def notes(spec: Spec) -> dict[tuple[int, int], str]:
    """Each cell's note (its second line), without the markup that sets its size."""
    found = {}
    for a in spec["layout"]["annotations"]:
        if "<br>" in a["text"]:
            note = a["text"].split("<br>")[1]
            assert note.startswith(figures.NOTE_OPEN)
            found[(a["y"], a["x"])] = note.removeprefix(figures.NOTE_OPEN).removesuffix("</span>")
    return found


def marked(spec: Spec) -> set[tuple[int, int]]:
    return {(a["y"], a["x"]) for a in spec["layout"]["annotations"] if "bordercolor" in a}


def written(values: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: fmt(float(v), figures.CELL_DIGITS), otypes=[object])(np.atleast_2d(values))


# ----------------------------------------------------------------------------- contrast, computed here


def _srgb_luminance(rgb: tuple[float, float, float]) -> float:
    lin = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    hi, lo = sorted((_srgb_luminance(a), _srgb_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rgb(colour: str) -> tuple[float, float, float]:
    c = colour.lstrip("#")
    return float(int(c[0:2], 16)), float(int(c[2:4], 16)), float(int(c[4:6], 16))


def _cell_colour(spec: Spec, value: float) -> tuple[float, float, float]:
    """The colour Plotly.js paints ``value`` with: linear in sRGB between the colorscale's stops."""
    trace = spec["data"][0]
    t = (value - trace["zmin"]) / (trace["zmax"] - trace["zmin"])
    stops = [(float(pos), _rgb(c)) for pos, c in trace["colorscale"]]
    for (t0, c0), (t1, c1) in pairwise(stops):
        if t <= t1 + 1e-12:
            w = (t - t0) / (t1 - t0)
            return tuple(a + w * (b - a) for a, b in zip(c0, c1, strict=True))  # type: ignore[return-value]
    return stops[-1][1]


def assert_readable(spec: Spec) -> None:
    """Every number: at least 4.5:1 (WCAG AA) against what is behind it, the cell or its label."""
    z = spec["data"][0]["z"]
    for a in spec["layout"]["annotations"]:
        background = _rgb(a["bgcolor"]) if "bgcolor" in a else _cell_colour(spec, z[a["y"]][a["x"]])
        ratio = _contrast(background, _rgb(a["font"]["color"]))
        assert ratio >= 4.5, (a["text"], ratio)


@pytest.mark.parametrize("t", np.linspace(0.0, 1.0, 201))
def test_the_text_colour_contrasts_with_every_colour_of_the_scale(t: float) -> None:
    background = figures.colour_at(t)
    assert _contrast(background, _rgb(figures.text_colour(background))) >= 4.5


def test_the_wcag_contrast_is_computed_as_specified() -> None:
    assert figures.contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert figures.contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)  # #777 fails AA
    assert figures.text_colour(figures.hex_rgb(figures.NEGATIVE)) == figures.LIGHT_TEXT
    assert figures.text_colour(figures.hex_rgb(figures.MIDDLE)) == figures.DARK_TEXT
    assert figures.colour_at(0.5) == figures.hex_rgb(figures.MIDDLE)


# ----------------------------------------------------------------------------- the heatmaps


def all_figures() -> list[tuple[str, Spec]]:
    lin = explain_linear(EXAMPLES["linear"], upstream("random", (3, 3), 0))
    relu = explain_relu(EXAMPLES["relu"], upstream("random", (4, 4), 0))
    drop = explain_dropout(EXAMPLES["dropout"], upstream("random", (4, 4), 0), 0.2, True, 0)
    bn = explain_batch_norm(EXAMPLES["batchnorm"][:4, :3], np.ones((4, 3)), True)
    found = [
        ("linear dx", figures.heatmap(lin.dx, "dx")),
        ("relu x", figures.heatmap(relu.x, "x", notes=[["kink" if k else "" for k in r] for r in relu.kink])),
        ("dropout mask", figures.heatmap(drop.scaled_mask, "m")),
        ("bn dx", figures.heatmap(bn.dx, "dx", zero_scale=bn.dx_scale)),
    ]
    for k in (2, 3):
        pool = explain_max_pool(EXAMPLES["maxpool"], POOL_DOUT, k)
        found += [
            (f"pool {k} x", figures.max_pool_input_figure(pool)),
            (f"pool {k} out", figures.max_pool_output_figure(pool, pool.out, "out")),
            (f"pool {k} dx", figures.max_pool_dx_figure(pool)),
        ]
    return found


@pytest.mark.parametrize(("name", "spec"), all_figures(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_heatmap_validates_and_is_readable(name: str, spec: Spec) -> None:
    validate(spec)  # Plotly's full schema
    assert_readable(spec)
    trace = spec["data"][0]
    assert trace["zmin"] == -trace["zmax"]  # 0 is always the light middle of the scale


def test_cells_show_core_numbers() -> None:
    ex = explain_linear(EXAMPLES["linear"], upstream("random", (3, 3), 4))
    for values in (ex.x, ex.out, ex.dout, ex.dx, ex.dW):
        spec = figures.heatmap(values, "t")
        np.testing.assert_array_equal(first_lines(spec), written(values))
        np.testing.assert_array_equal(spec["data"][0]["z"], values)
    row = figures.heatmap(ex.db, "db")
    np.testing.assert_array_equal(first_lines(row), written(ex.db[None, :]))


def test_batch_norm_rounding_zero_is_shown_as_zero() -> None:
    ex = explain_batch_norm(EXAMPLES["batchnorm"][:4, :3], np.ones((4, 3)), True)
    assert np.any(ex.dx != 0.0)  # float64 leaves crumbs of 1e-17 ...
    spec = figures.heatmap(ex.dx, "dx", zero_scale=ex.dx_scale)
    assert set(first_lines(spec).ravel()) == {"0"}  # ... which the page shows as the 0 they are
    assert spec["data"][0]["zmax"] == 1.0  # and colours as 0, not as a saturated ±1e-17
    assert ex.terms is not None
    third = figures.heatmap(ex.terms.x_hat_term, "t", zero_scale=ex.terms_scale)
    assert set(first_lines(third).ravel()) == {"0"}
    assert np.any(ex.terms.x_hat_term != 0.0)
    latex = steps.bn_backward(ex) + str(steps.bn_uniform(ex)) + steps.bn_parameter_gradients(ex)
    assert r"\times 10^{" not in latex  # no crumbs in the formulas either
    assert r"\begin{pmatrix}0 & 0 & 0\end{pmatrix} = \begin{pmatrix}0 & 0 & 0\end{pmatrix}" in latex
    assert list(steps.bn_feature_table(ex)["Σₙ dx̂ₙ x̂ₙ"]) == ["0", "0", "0"]
    random = explain_batch_norm(EXAMPLES["batchnorm"][:4, :3], upstream("random", (4, 3), 0), True)
    spec = figures.heatmap(random.dx, "dx", zero_scale=random.dx_scale)
    np.testing.assert_array_equal(first_lines(spec), written(random.dx))


def test_max_pool_tie_marks_the_first_maximum() -> None:
    ex = explain_max_pool(EXAMPLES["maxpool"], POOL_DOUT, 2)
    spec = figures.max_pool_input_figure(ex)
    np.testing.assert_array_equal(first_lines(spec), written(ex.x))
    # window (1, 1) holds 2 at rows/columns (2, 1) and (2, 2): the first in row-major order is the maximum
    assert marked(spec) == {(1, 0), (1, 2), (3, 0), (3, 3)}
    assert notes(spec)[(1, 0)] == "max"
    assert notes(spec)[(1, 1)] == "tie"
    dx = figures.max_pool_dx_figure(ex)
    np.testing.assert_array_equal(first_lines(dx), written(ex.dx))
    assert first_lines(dx)[1, 0] == "0.1"
    assert first_lines(dx)[1, 1] == "0"
    assert notes(dx)[(1, 1)] == "tie"
    assert marked(dx) == marked(spec)


def test_max_pool_overlap_marks_the_shared_maximum_and_its_sum() -> None:
    ex = explain_max_pool(EXAMPLES["maxpool"], POOL_DOUT, 3)
    spec = figures.max_pool_input_figure(ex)
    assert marked(spec) == {(1, 2), (3, 0), (3, 3)}
    assert notes(spec)[(1, 2)] == "max ×2"  # the 5 is the maximum of windows (1, 1) and (1, 2)
    assert notes(spec)[(4, 4)] == "tie"
    dx = figures.max_pool_dx_figure(ex)
    assert first_lines(dx)[1, 2] == fmt(0.1 + -1.0, 3) == "-0.9"
    assert notes(dx)[(1, 2)] == "sum of 2"
    # one outline per window, each drawn twice (colour over a black casing), each inset differently
    rects = [s for s in spec["layout"]["shapes"] if s["line"]["color"] != figures.WINDOW_CASING]
    assert len(rects) == 4
    corners = [v for s in rects for v in (s["x0"] + 0.5, s["y0"] + 0.5)]  # top-left of each window, inset
    assert corners == pytest.approx([0.04, 0.04, 2.1, 0.1, 0.16, 2.16, 2.22, 2.22])
    assert len({s["line"]["dash"] for s in rects}) == 4  # told apart without colour


# ----------------------------------------------------------------------------- formulas


def test_formulas_carry_core_numbers() -> None:
    lin = explain_linear(EXAMPLES["linear"], upstream("random", (3, 3), 0))
    latex = steps.linear_backward(lin) + steps.linear_entries(lin)
    for v in [*lin.dx.ravel(), *lin.dW.ravel(), *lin.db]:
        assert tex(float(v)) in latex
    assert f"= {tex(float(lin.dx[0, 0]))}" in steps.linear_entries(lin)
    relu = explain_relu(EXAMPLES["relu"], upstream("random", (4, 4), 0))
    kink = steps.relu_kink(relu)
    assert kink is not None
    assert r"dout_{1,3} = \frac{h - 0}{2h} \cdot (-0.8) = -0.4" in kink
    pool = explain_max_pool(EXAMPLES["maxpool"], POOL_DOUT, 3)
    assert r"dx_{2,3} = dout_{1,1} + dout_{1,2} = 0.1 + (-1) = -0.9" in str(steps.max_pool_sums(pool))
    tie = steps.max_pool_tie(pool)
    assert tie is not None
    assert tie[1] == "window (2, 2)"
    assert "fd_{4,4} = 1, fd_{5,5} = 1" in tie[0]
    bn = explain_batch_norm(EXAMPLES["batchnorm"][:4, :3], upstream("random", (4, 3), 0), True)
    assert bn.terms is not None
    backward = steps.bn_backward(bn)
    assert tex(float(bn.terms.factor[0])) in backward
    for v in bn.dx[:, 0]:
        assert tex(float(v)) in backward
    assert r"\mu_1 = \frac{1}{4}\left(2 + 3 + 1 + 2.5\right) = 2.125" in steps.bn_forward(bn)


def test_the_check_table_lists_every_entry_and_why_it_differs() -> None:
    relu = explain_relu(EXAMPLES["relu"], upstream("random", (4, 4), 0))
    table = steps.check_table("dx", relu.dx, relu.fd_dx, relu.kink, "x = 0: kink")
    assert len(table) == 16
    flagged = table[table["note"] != ""]
    assert list(flagged["entry"]) == ["dx[1, 3]", "dx[2, 2]", "dx[3, 4]"]
    assert list(flagged["backward"]) == ["0", "0", "0"]
    assert list(flagged["finite difference"]) == [fmt(float(relu.fd_dx[c]), 6) for c in [(0, 2), (1, 1), (2, 3)]]


# ----------------------------------------------------------------------------- edited inputs


def test_edited_values_are_checked_cell_by_cell() -> None:
    base = np.array([[1.0, 2.0], [3.0, 4.0]])
    grid, notices = clean_grid([[1.5, None], [math.inf, "<b>7</b>"]], base)
    np.testing.assert_array_equal(grid, [[1.5, 2.0], [3.0, 4.0]])
    assert len(notices) == 3
    assert notices[0].startswith("Input cell (1, 2) is empty: an input must be a number from -100 to 100")
    assert notices[1].startswith("Input cell (2, 1) = ` inf ` cannot be used")
    assert "` <b>7</b> `" in notices[2]  # quoted as code, never as markup
    assert notices[2].endswith("Using 4.")
    grid, notices = clean_grid([[101.0, -100.0], [0.0, 1e-3]], base)
    np.testing.assert_array_equal(grid, [[1.0, -100.0], [0.0, 1e-3]])
    assert notices == [
        "Input cell (1, 1) = ` 101.0 ` cannot be used: an input must be a number from -100 to 100. Using 1."
    ]
