"""The derivation's text carries core's numbers, for several states and every class count."""

from __future__ import annotations

import re

import numpy as np
import pytest

from components.content.derivation_steps import steps, to_markdown
from components.content.formulas import ENTRY_GAP, LINE_GAP
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
        assert rf"\frac{{\partial E}}{{\partial z_{{{j + 1}}}}} &= " in chain
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


def all_text(d: object) -> str:
    """Every word and formula of the derivation, and its Markdown download."""
    parts = []
    for step in steps(d):  # type: ignore[arg-type]
        for kind, content in step.blocks:
            if kind in ("text", "latex"):
                parts.append(str(content))
            elif kind == "table":
                parts.append(content.to_string())  # type: ignore[attr-defined]
    return "\n".join(parts) + "\n" + to_markdown(d)  # type: ignore[arg-type]


NOT_FINITE = re.compile(r"\binf\b|\bnan\b|infinity|∞|\\infty", re.IGNORECASE)
HUGE_STATES = [
    State((800.0, 790.0, -800.0), 1),  # the "Huge logits" preset
    State((1000.0, -1000.0), 1),  # the true class's p is e^-2000: 1/p overflows
    State((1000.0, -1000.0, 0.0), 0),  # right, with 1 - p = e^-1000
    State((-1000.0, -1000.0, -1000.0), 0),  # all tiny, a three-way tie
    State((1000.0,) * 10, 9),
    State(tuple(100.0 * v for v in (8.0, -8.0, 3.0, -1.0, 0.0, 9.5, -9.5, 2.0, 1.0, -3.0)), 3),
]


@pytest.mark.parametrize("state", HUGE_STATES)
def test_huge_logits_give_finite_numbers_everywhere(state: State) -> None:
    d = derive(explain(state))
    assert d.stable
    text = all_text(d)
    assert NOT_FINITE.findall(text) == []
    assert "subtract the largest logit" in text
    assert "0 · ln 0 counts as 0" in text
    assert r"\frac{e^{z_i - m}}{\sum_k e^{z_k - m}}" in text


def test_the_huge_preset_is_written_from_logarithms() -> None:
    d = derive(explain(State((800.0, 790.0, -800.0), 1)))
    forward = latex_of(steps(d)[0].blocks)
    assert r"e^{z_{3} - m} &= e^{-800 - 800} = e^{-1600} = 1.3453 \times 10^{-695}" in forward
    assert r"= 1 + 4.54 \times 10^{-5} + 1.3453 \times 10^{-695} = 1.0000454" in forward
    assert r"p_{3} &= \frac{1.3453 \times 10^{-695}}{1.0000454} = 1.3453 \times 10^{-695}" in forward
    assert r"p_{1} &= \frac{1}{1.0000454} = (1 - 4.5398 \times 10^{-5})" in forward
    assert rf"= {tex(d.expl.loss)}" in forward
    text = " ".join(str(c) for _, c in steps(d)[0].blocks)
    assert r"$e^{800} = 2.7264 \times 10^{347}$ would overflow" in text
    assert r"$m = z_{1} = 800$" in text
    rules_text = latex_of(steps(d)[1].blocks)
    assert r"e^{800} = 2.7264 \times 10^{347}" in rules_text
    chain = latex_of(steps(d)[4].blocks)
    assert r"&= (1 - 4.5398 \times 10^{-5})" in chain  # dE/dz_1 = p_1, never rounded to 1
    assert r"&= -(1 - 4.5398 \times 10^{-5})" in chain  # dE/dz_2 = -(1 - p_2)


def test_a_tiny_true_probability_keeps_its_gradient_finite() -> None:
    d = derive(explain(State((1000.0, -1000.0), 1)))
    loss_step = latex_of(steps(d)[3].blocks)
    assert r"-\dfrac{1}{2.5765 \times 10^{-869}}" in loss_step  # p_2 = e^-2000 = 10^-868.59
    assert r"-3.8812 \times 10^{868}" in loss_step  # -1/p_2, beyond float64


@pytest.mark.parametrize("state", STATES)
def test_slider_logits_keep_the_textbook_form(state: State) -> None:
    d = derive(explain(state))
    assert not d.stable
    text = all_text(d)
    assert "subtract the largest logit" not in text
    assert "- m}" not in text
    assert NOT_FINITE.findall(text) == []


def test_the_worked_example_lines_are_aligned_and_spaced() -> None:
    d = derive(explain(STATES[0]))
    s = steps(d)
    forward = latex_of(s[0].blocks)
    assert r"e^{z_{1}} &= e^{0} = 1 \\ e^{z_{2}} &= e^{1.0986} = 3" in forward  # plain lines: no extra space
    assert rf"p_{{1}} &= \frac{{1}}{{5}} = 0.2 \\[{LINE_GAP}] p_{{2}}" in forward  # fractions: spaced
    assert r"E &= -\sum_{i=1}^{3} y_i \ln p_i" in forward  # a chain aligned on its = signs
    assert rf"-\dfrac{{1}}{{0.2}} \\[{ENTRY_GAP}] -\dfrac{{0}}{{0.6}}" in latex_of(s[3].blocks)
    softmax_step = latex_of(s[2].blocks)
    assert r"\frac{\partial p_{1}}{\partial z_{1}} &= 0.2\,(1 - 0.2) = 0.16" in softmax_step


def test_ten_classes_elide_the_matrices_but_keep_the_true_class() -> None:
    d = derive(explain(State((1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0), 3)))
    s = steps(d)
    jacobian = latex_of(s[2].blocks)
    assert r"\ddots" in jacobian
    rows = jacobian[jacobian.index(r"\begin{pmatrix}") : jacobian.index(r"\end{pmatrix}")].split(r"\\")
    assert len(rows) == 5  # rows 1, ⋮, 4, ⋮, 10
    assert all(row.count("&") == 4 for row in rows)  # columns 1, ⋯, 4, ⋯, 10
    assert tex(float(d.expl.jacobian[3, 3])) in jacobian  # the true class's diagonal entry
    weights = latex_of(s[6].blocks)
    assert weights.count(r"(p - y)\, x^\top") == 1  # no repeated, empty line
    for v in d.layer.dW[3]:
        assert tex(float(v)) in weights  # the true class's row of dE/dW
    assert r"\vdots & \vdots & \vdots" in weights
