"""The learning and compare views through AppTest: live numbers, one-step descent, URL state."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.figures.descent import MAX_FRAMES
from components.render.numbers import fmt
from core import grad_logits
from core.comparisons import compare_smoothing
from core.dynamics import descend, gradient_norms_when_wrong
from tests.app.live import chart_spec, charts
from tests.app.test_app import run_app

LN3 = math.log(3.0)
WORKED = [0.0, LN3, 0.0]


def chart_specs(at: AppTest) -> list[dict[str, Any]]:
    return [chart_spec(chart) for chart in charts(at)]


def text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def logits(at: AppTest) -> list[float]:
    return [float(s.value) for s in at.slider if s.label.startswith("z")]


def button(at: AppTest, label_start: str) -> Any:
    return next(b for b in at.button if b.label.startswith(label_start))


def test_learning_view_animates_the_descent_the_core_computes() -> None:
    at = run_app(view="Learning", lr="0.5", steps="200")
    specs = chart_specs(at)
    assert len(specs) == 3  # descent animation, landscape, simplex
    want = descend(WORKED, 0, 0.5, 200)
    frames = specs[0]["frames"]
    assert len(frames) == MAX_FRAMES
    assert frames[0]["name"] == "0"
    assert frames[-1]["name"] == "200"
    np.testing.assert_allclose(frames[-1]["data"][0]["y"], want.p[-1], rtol=1e-15)  # the bars at the last step
    loss_line = specs[0]["data"][-1]["y"]
    np.testing.assert_allclose(loss_line, want.loss, rtol=1e-15)
    assert specs[0]["layout"]["yaxis4"]["type"] == "log"
    assert f"to **{fmt(float(want.loss[-1]))}**" in text(at)
    assert "The loss never reaches 0" in text(at)
    assert specs[2]["data"][0]["type"] == "scatterternary"
    assert not at.warning


def test_one_step_moves_the_sidebar_logits_by_minus_eta_times_p_minus_y_and_undo_restores_them() -> None:
    at = run_app(view="Learning", lr="2")
    button(at, "Take one step").click().run()
    # z - 2 (p - y), rounded to the sliders' two decimals: (1.6, 1.0986 - 1.2, -0.4)
    want = np.round(np.asarray(WORKED) - 2.0 * grad_logits(WORKED, 0), 2)
    np.testing.assert_array_equal(logits(at), want)
    assert logits(at) == [1.6, -0.1, -0.4]
    assert button(at, "Undo").label == "Undo 1 step"
    button(at, "Take one step").click().run()
    want = np.round(want - 2.0 * grad_logits(want, 0), 2)
    np.testing.assert_array_equal(logits(at), want)
    assert button(at, "Undo").label == "Undo 2 steps"
    assert float(at.query_params["z1"]) == want[0]  # the link follows
    button(at, "Undo").click().run()
    np.testing.assert_allclose(logits(at), WORKED, rtol=1e-15)  # back to where the steps began, exactly
    assert button(at, "Undo").disabled


def test_a_step_stops_at_the_end_of_the_slider() -> None:
    at = run_app(view="Learning", lr="5", z1="9", z2="9.9", z3="9.9")
    button(at, "Take one step").click().run()
    assert 9.0 - 5.0 * float(grad_logits([9.0, 9.9, 9.9], 0)[0]) > 13.0
    assert logits(at)[0] == 10.0  # clipped to the slider's range, not beyond it
    assert not at.exception


def test_the_landscape_axes_follow_the_url_and_equal_axes_are_told() -> None:
    at = run_app(view="Learning", n="4", zi="4", zj="2")
    title = chart_specs(at)[1]["layout"]["title"]["text"]
    assert title == "Loss landscape over z4 and z2"
    at = run_app(view="Learning", zi="2", zj="2")
    assert "Both axes were logit 2" in at.info[0].value
    assert chart_specs(at)[1]["layout"]["title"]["text"] == "Loss landscape over z2 and z3"


def test_shrinking_the_classes_keeps_the_landscape_axes_valid() -> None:
    at = run_app(view="Learning", n="5", zi="5", zj="4")
    at.select_slider[0].set_value(3).run()
    assert not at.exception
    assert [s.value for s in at.selectbox] in ([3, 2], [2, 3])


def test_compare_view_shows_the_four_comparisons_with_live_numbers() -> None:
    at = run_app(view="Compare")
    specs = chart_specs(at)
    assert len(specs) == 4
    ce, se = gradient_norms_when_wrong([10.0])
    shown = text(at)
    assert f"**{fmt(float(ce[0]))}**" in shown
    assert f"**{fmt(float(se[0]))}**" in shown
    assert fmt(float(se[0])) == "0.0003397"
    comparison = compare_smoothing(WORKED, 0, 0.1)
    assert f"gap {fmt(float(comparison.gap_soft[-1]))}" in shown
    latex = "\n".join(el.value for el in at.latex)
    assert r"= \left(0.2,\ 0.6,\ 0.2\right)" in latex  # p at T = 1
    lse_table = at.table[-1].value
    assert list(lse_table["naive e^(z+c)"]) == ["∞ (overflow)"] * 3  # c = 720 by default
    assert list(lse_table["naive p"]) == ["NaN (∞/∞)"] * 3
    assert list(lse_table["stable p"]) == ["0.2", "0.6", "0.2"]


def test_temperature_and_smoothing_follow_the_url() -> None:
    at = run_app(view="Compare", T="0.05", eps="0", c="-800")
    latex = "\n".join(el.value for el in at.latex)
    assert r"\operatorname{softmax}(z / 0.05)" in latex
    assert r"\frac{1}{0.05}" in latex
    assert "both runs are the same" in text(at)
    lse_table = at.table[-1].value
    assert list(lse_table["naive p"]) == ["NaN (0/0)"] * 3
    assert list(lse_table["naive e^(z+c)"]) == ["0 (underflow)"] * 3


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"lr": "0"}, ["lr"]),
        ({"lr": "nan", "steps": "7"}, ["lr", "steps"]),
        ({"steps": "1e3", "eps": "0.9"}, ["steps", "eps"]),
        ({"zi": "11", "zj": "-1"}, ["zi", "zj"]),
        ({"T": "0.3"}, ["T"]),
        ({"c": "5000"}, ["c"]),
        ({"c": "1.5"}, ["c"]),
    ],
)
def test_bad_learning_and_compare_values_give_notices(params: dict[str, str], names: list[str]) -> None:
    for view in ("Learning", "Compare"):
        at = run_app(view=view, **params)
        warnings = [w.value for w in at.warning]
        assert len(warnings) == len(names), warnings
        for name in names:
            assert sum(f"`{name}`" in warning for warning in warnings) == 1, (name, warnings)
        assert len(charts(at)) in (3, 4)
