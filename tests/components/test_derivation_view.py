"""The derivation's text carries core's numbers, for several states and every class count."""

from __future__ import annotations

import numpy as np
import pytest

from components.content.derivation_steps import steps, to_markdown
from components.figures.jacobian import jacobian_figure
from components.render.numbers import fmt, tex
from components.render.spec import validate
from core import cross_entropy, grad_logits, softmax, softmax_jacobian
from core.derivation import derive
from core.explanation import WORKED_EXAMPLE_Z, State, explain

STATES = [
    State(WORKED_EXAMPLE_Z, 0),
    State((2.0, -1.0), 1),
    State((0.3, -1.2, 2.5, 0.0, 1.0), 4),
    State((1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0), 3),
]


def latex_of(step_blocks: list[tuple[str, object]]) -> str:
    return "\n".join(str(c) for kind, c in step_blocks if kind == "latex")


@pytest.mark.parametrize("state", STATES)
def test_every_step_shows_core_values(state: State) -> None:
    z, k = np.array(state.z), state.target
    d = derive(explain(state))
    s = steps(d)
    assert len(s) == 7
    p, g, jac = softmax(z), grad_logits(z, k), softmax_jacobian(z)
    forward = latex_of(s[0].blocks)
    assert f"= {tex(float(cross_entropy(z, k)))}" in forward
    assert rf"-\ln {tex(float(p[k]))}" in forward
    assert tex(float(np.exp(z).sum())) in forward
    softmax_step = latex_of(s[2].blocks)
    assert f"= {tex(float(jac[k, k]))}" in softmax_step  # the i = j case, worked for the true class
    assert tex(float(jac[k, 1 if k == 0 else 0])) in softmax_step
    loss_step = latex_of(s[3].blocks)
    assert tex(float(-1.0 / p[k])) in loss_step
    chain = latex_of(s[4].blocks)
    for j in {0, k, len(z) - 1}:
        assert rf"\frac{{\partial E}}{{\partial z_{{{j + 1}}}}} = " in chain
        assert f"= {tex(float(g[j]))}" in chain
    check_table = next(c for kind, c in s[5].blocks if kind == "table")
    assert list(check_table["p − y (algebra)"]) == [fmt(float(v), 10) for v in g]
    weights = latex_of(s[6].blocks)
    for v in d.layer.dx:
        assert tex(float(v)) in weights


@pytest.mark.parametrize("n", range(2, 11))
def test_jacobian_heatmap_shows_every_cell(n: int) -> None:
    z = np.linspace(-2.0, 2.0, n)
    d = derive(explain(State(tuple(z), n - 1)))
    fig = validate(jacobian_figure(d))
    np.testing.assert_allclose(np.array(fig.data[0].z), softmax_jacobian(z), rtol=1e-15)
    assert len(fig.layout.shapes) == n  # the i = j diagonal is outlined
    if n <= 6:
        assert "i = j" in fig.data[0].text[0][0]
        assert "i ≠ j" in fig.data[0].text[0][1]


def test_long_derivations_elide_but_keep_the_true_class() -> None:
    d = derive(explain(STATES[3]))
    chain = latex_of(steps(d)[4].blocks)
    assert r"\vdots" in chain
    assert r"\partial z_{4}}" in chain  # the true class (4) is always written out
    assert r"\partial z_{6}}" not in chain


def test_markdown_download_has_every_step_and_number() -> None:
    d = derive(explain(State((0.5, -1.0, 2.0), 2)))
    text = to_markdown(d)
    for step in steps(d):
        assert f"## {step.title}" in text
    assert text.count("$$") % 2 == 0
    assert tex(d.expl.loss) in text
    assert "| logit | p − y (algebra) |" in text
