"""The derivation view through AppTest: steps, navigation, URL state and live numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from components.render.numbers import tex
from core import cross_entropy, grad_logits
from tests.app.live import charts
from tests.app.test_app import run_app

TITLES = [
    "1. The forward pass, term by term",
    "2. The rules we need",
    "3. The derivative of the softmax: two cases",
    "4. The derivative of the loss with respect to each output",
    "5. The chain rule, summed over all outputs",
    "6. A numerical check",
    "7. On to the weights",
]


def subheaders(at: object) -> list[str]:
    return [s.value for s in at.subheader]  # type: ignore[attr-defined]


def all_latex(at: object) -> str:
    return "\n".join(el.value for el in at.latex)  # type: ignore[attr-defined]


def test_all_steps_by_default() -> None:
    at = run_app(view="Derivation")
    assert subheaders(at) == TITLES
    assert r"-\ln 0.2 = 1.6094" in all_latex(at)
    assert len(charts(at)) == 1  # the Jacobian heatmap; the explorer's charts are not built
    assert len(at.get("download_button")) == 1


@pytest.mark.parametrize("step", range(1, 8))
def test_one_step_at_a_time(step: int) -> None:
    at = run_app(view="Derivation", step=str(step))
    assert subheaders(at) == [TITLES[step - 1]]


def test_next_and_previous_walk_through_the_steps() -> None:
    at = run_app(view="Derivation")
    next_button = next(b for b in at.button if b.label == "Next ▶")
    next_button.click().run()
    assert subheaders(at) == [TITLES[0]]
    for expected in TITLES[1:]:
        next(b for b in at.button if b.label == "Next ▶").click().run()
        assert subheaders(at) == [expected]
    assert next(b for b in at.button if b.label == "Next ▶").disabled
    next(b for b in at.button if b.label == "◀ Previous").click().run()
    assert subheaders(at) == [TITLES[5]]


@pytest.mark.parametrize(("z1", "y"), [(2.5, 1), (-1.0, 3)])
def test_the_derivation_follows_the_sidebar(z1: float, y: int) -> None:
    at = run_app(view="Derivation", step="5")
    at.slider(key="z1").set_value(z1)
    at.radio(key="y").set_value(y)
    at.run()
    z = [z1, math.log(3.0), 0.0]
    latex = all_latex(at)
    for j, g in enumerate(grad_logits(z, y - 1)):
        assert rf"\frac{{\partial E}}{{\partial z_{{{j + 1}}}}} &= " in latex
        assert f"= {tex(float(g))}" in latex
    at.radio(key="step").set_value("1").run()
    assert f"= {tex(float(cross_entropy(z, y - 1)))}" in all_latex(at)


def test_layer_inputs_change_the_weight_gradient() -> None:
    at = run_app(view="Derivation", step="7")
    at.slider(key="x1").set_value(2.5).run()
    delta = grad_logits([0.0, math.log(3.0), 0.0], 0)
    dW_first_column = np.outer(delta, [2.5, 2.0, -1.0])[:, 0]
    latex = all_latex(at)
    for v in dW_first_column:
        assert tex(float(v)) in latex


@pytest.mark.parametrize(
    ("params", "named"),
    [({"view": "Nope"}, "view"), ({"step": "8"}, "step"), ({"step": "0"}, "step"), ({"x2": "9"}, "x2")],
)
def test_bad_derivation_parameters_give_a_notice(params: dict[str, str], named: str) -> None:
    at = run_app(**params)
    notices = [w.value for w in at.warning]
    assert len(notices) == 1
    assert f"`{named}`" in notices[0]
