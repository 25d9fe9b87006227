"""Figures, formulas, number formats and URL checks: what they show equals core's values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from components.content import formulas
from components.controls.url import check_query_params, parse_n, parse_y, parse_z
from components.figures import explore as charts
from components.render.numbers import fmt, fmt_probability, fmt_signed, tex
from components.render.spec import validate
from components.render.text import shown
from core import cross_entropy, grad_logits, softmax
from core.explanation import WORKED_EXAMPLE_Z, State, explain

STATES = [
    State(WORKED_EXAMPLE_Z, 0),
    State((2.0, -1.0), 1),
    State((40.0, 0.0, 0.0), 0),
    State((1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0), 3),
    State((-10.0, 10.0, 0.5, 0.25), 2),
]


@pytest.mark.parametrize("state", STATES)
def test_probability_bars_show_core_values(state: State) -> None:
    expl = explain(state)
    fig = validate(charts.probability_figure(expl))  # Plotly's full schema check
    bars = fig.data[0]
    np.testing.assert_array_equal(bars.y, softmax(np.array(state.z)))
    assert list(bars.marker.pattern.shape).count("/") == 1
    assert bars.marker.pattern.shape[state.target] == "/"
    assert tuple(fig.layout.yaxis.tickvals)[-1] == 1.0
    assert "true" in fig.layout.xaxis.ticktext[state.target]


@pytest.mark.parametrize("state", STATES)
def test_gradient_arrows_show_minus_the_gradient(state: State) -> None:
    expl = explain(state)
    fig = validate(charts.gradient_figure(expl))  # Plotly's full schema check
    heads = fig.data[1]
    want = -grad_logits(np.array(state.z), state.target)
    np.testing.assert_array_equal(heads.y, want)
    assert heads.marker.symbol[state.target] in ("triangle-up", "circle")
    assert abs(math.fsum(heads.y)) < 1e-12
    labels = [a.text for a in fig.layout.annotations]
    assert labels == [fmt_signed(float(v)) for v in want]


def test_loss_point_sits_on_the_curve() -> None:
    expl = explain(State((0.5, 1.5, -1.0), 2))
    fig = validate(charts.loss_curve_figure(expl))  # Plotly's full schema check
    point = fig.data[1]
    assert point.x[0] == pytest.approx(softmax([0.5, 1.5, -1.0])[2])
    assert point.y[0] == pytest.approx(cross_entropy([0.5, 1.5, -1.0], 2))
    assert point.y[0] == pytest.approx(-math.log(point.x[0]))
    assert fig.layout.yaxis.range[1] >= point.y[0]


@pytest.mark.parametrize("state", STATES)
def test_formulas_carry_the_live_numbers(state: State) -> None:
    expl = explain(state)
    loss_tex = formulas.loss_value(expl)
    assert loss_tex.endswith(f"= {tex(float(cross_entropy(np.array(state.z), state.target)))}" + r"\end{aligned}")
    assert f"p_{{{state.target + 1}}}" in loss_tex
    grad_tex = formulas.gradient_vector(expl)
    for value in grad_logits(np.array(state.z), state.target)[[0, state.target, -1]]:
        assert tex(float(value)) in grad_tex
    assert formulas.probabilities_sum(expl).endswith(r"= 1\end{aligned}")
    assert formulas.descent_sum(expl).endswith(r"= 0\end{aligned}")


def test_long_sums_are_elided_but_keep_the_true_class() -> None:
    terms = [f"t{i}" for i in range(10)]
    assert formulas.elide(terms, keep=[4]) == ["t0", r"\cdots", "t4", r"\cdots", "t9"]
    assert formulas.elide(terms, keep=[1]) == ["t0", "t1", r"\cdots", "t9"]
    assert formulas.elide(terms[:5]) == terms[:5]


def test_number_formats() -> None:
    assert fmt(0.19999999999999998) == "0.2"
    assert fmt(1.6094379124341003) == "1.6094"
    assert fmt(8.496708510583178e-18) == "8.4967e-18"
    assert fmt(-0.0) == "0"
    assert fmt(2e6) == "2e6"
    assert fmt_signed(0.8) == "+0.8"
    assert tex(8.496708510583178e-18) == r"8.4967 \times 10^{-18}"
    # a probability that rounds to 1 never reads as exactly 1
    assert fmt_probability(1.0, 8.496708510583178e-18) == "1 − 8.4967e-18"


def test_user_text_is_escaped_for_plotly() -> None:
    assert charts.plotly_text("<b>cat</b> & dog") == "&lt;b&gt;cat&lt;/b&gt; &amp; dog"


@pytest.mark.parametrize(
    ("values", "want"),
    [(["3"], 3), (["10"], 10), (["1"], None), (["04"], None), (["3", "4"], None), ([""], None)],
)
def test_parse_n(values: list[str], want: int | None) -> None:
    assert parse_n(values) == want


@pytest.mark.parametrize(
    ("values", "want"),
    [(["1.5"], 1.5), (["-10"], -10.0), (["1e1"], 10.0), (["10.01"], None), (["nan"], None), (["x"], None)],
)
def test_parse_z(values: list[str], want: float | None) -> None:
    assert parse_z(values) == want


def test_parse_y_counts_from_one() -> None:
    assert parse_y(["1"], 3) == 1
    assert parse_y(["3"], 3) == 3
    assert parse_y(["4"], 3) is None
    assert parse_y(["0"], 3) is None


def test_check_query_params_names_each_problem() -> None:
    notices = check_query_params({"n": ["4"], "z1": ["abc"], "z6": ["1"], "y": ["9"], "zz": ["1"], "embed": ["true"]})
    assert len(notices) == 4
    assert "`z1`" in notices[0]
    assert "`z6`" in notices[1]
    assert "`y`" in notices[2]
    assert "zz" in notices[3]
    assert "embed" not in notices[3]
    assert check_query_params({"n": ["4"], "z4": ["2.5"], "y": ["4"]}) == []


def test_shown_values_cannot_become_markup() -> None:
    assert shown("[x](http://a)") == "` [x](http://a) `"
    assert shown("a`b") == "`` a`b ``"
    assert shown("x" * 100).endswith("… `")
    assert shown("") == "(empty)"


@pytest.mark.parametrize("names", [(), ("<b>cat</b>", "**dog**", "$x$", "a" * 20, "e", "f", "g", "h", "i", "j")])
@pytest.mark.parametrize("state", STATES)
def test_every_explore_figure_passes_plotlys_validation(state: State, names: tuple[str, ...]) -> None:
    expl = explain(State(state.z, state.target, names[: len(state.z)]))
    for build in (charts.probability_figure, charts.gradient_figure, charts.loss_curve_figure):
        validate(build(expl))
