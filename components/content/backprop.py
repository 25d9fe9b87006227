"""One example's forward and backward pass through the network as LaTeX, with core's numbers in it.

Everything comes from :func:`core.network.explain_example` (an ``ExampleBackward``); nothing is
recomputed except ``W_{l+1}^T δ_{l+1}``, the factor that ``δ_l`` is made of, which core folds
into ``δ_l`` and which is written out here so the reader sees each factor of the product.

Layers are numbered as in the maths: ``l = 1`` next to the inputs, ``L`` makes the logits ``z``.
Long vectors keep their first and last entries and the largest ones (by size) around ``\\cdots``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from components.content.formulas import MAX_TERMS, aligned, elide
from components.render.numbers import fmt, tex, tex_probability
from core.network import ExampleBackward, LayerNumbers

#: For a projector: at most this many entries a vector or matrix side (``terms=COMPACT_TERMS``).
COMPACT_TERMS = 3


def largest(values: np.ndarray, count: int = 1) -> list[int]:
    """Indices of the ``count`` entries largest in size, largest first."""
    order = np.argsort(-np.abs(np.asarray(values)), kind="stable")
    return [int(i) for i in order[:count]]


def row(entries: Sequence[str], keep: Sequence[int] = (), terms: int = MAX_TERMS) -> str:
    """A row vector of LaTeX entries; more than ``terms`` are elided around ``keep``."""
    return r"\left(" + r",\ ".join(elide(entries, keep, terms)) + r"\right)"


def vector(values: Sequence[float] | np.ndarray, keep: Sequence[int] = (), terms: int = MAX_TERMS) -> str:
    """A row vector of numbers, long ones elided around ``keep``."""
    return row([tex(float(v)) for v in values], keep, terms)


def matrix(values: np.ndarray, keep_row: int, keep_col: int, terms: int = MAX_TERMS) -> str:
    r"""A matrix with rows and columns elided around ``(keep_row, keep_col)``: ``\vdots``, ``\cdots``, ``\ddots``."""
    n_rows, n_cols = values.shape
    rows = elide([str(i) for i in range(n_rows)], [keep_row], terms)
    cols = elide([str(j) for j in range(n_cols)], [keep_col], terms)
    lines = []
    for r in rows:
        if r == r"\cdots":
            lines.append(" & ".join(r"\ddots" if c == r"\cdots" else r"\vdots" for c in cols))
        else:
            lines.append(" & ".join(r"\cdots" if c == r"\cdots" else tex(float(values[int(r), int(c)])) for c in cols))
    return r"\begin{pmatrix}" + r" \\ ".join(lines) + r"\end{pmatrix}"


def activation_tex(activation: str) -> str:
    return r"\operatorname{ReLU}" if activation == "relu" else r"\tanh"


def derivative_rule(activation: str) -> str:
    """What ``f'(a)`` is, in words of maths."""
    if activation == "relu":
        return r"f'(a) = 1 \text{ where } a > 0, \text{ else } 0"
    return r"f'(a) = 1 - \tanh^2(a)"


def _keep(layer: LayerNumbers, terms: int) -> list[int]:
    """Entries of a layer's vectors to show: the largest error signal and (when there is room) the largest
    pre-activation."""
    if terms <= COMPACT_TERMS:
        return largest(layer.delta)
    return sorted({*largest(layer.delta), *largest(layer.a)})


def forward(ex: ExampleBackward, terms: int = MAX_TERMS) -> str:
    """``h_0 = x``, then ``a_l = W_l h_{l-1} + b_l`` and ``h_l = f(a_l)`` per layer, ``z``, ``p`` and ``E``."""
    n = len(ex.layers)
    f = activation_tex(ex.activation)
    k = ex.target
    lines = [rf"h_0 = x = {vector(ex.x)}"]
    for layer in ex.layers[:-1]:
        l_ = layer.layer + 1
        keep = _keep(layer, terms)
        lines.append(rf"a_{{{l_}}} = W_{{{l_}}} h_{{{l_ - 1}}} + b_{{{l_}}} = {vector(layer.a, keep, terms)}")
        lines.append(rf"h_{{{l_}}} = {f}(a_{{{l_}}}) = {vector(layer.h, keep, terms)}")
    lines.append(rf"z = a_{{{n}}} = W_{{{n}}} h_{{{n - 1}}} + b_{{{n}}} = {vector(ex.z, [k], terms)}")
    lines.append(rf"p = \operatorname{{softmax}}(z) = {probabilities(ex, terms)}")
    lines.append(rf"E = -\ln p_{{{k + 1}}} = -\ln {p_true(ex)} = {tex(ex.loss)}")
    return r"\begin{aligned}" + r" \\ ".join(f"&{line}" for line in lines) + r"\end{aligned}"


def p_true(ex: ExampleBackward) -> str:
    """``p`` of the true class; one that rounds to 1 is written ``(1 - ...)`` with ``1 - p = -(p - 1)``, exact."""
    k = ex.target
    return tex_probability(float(ex.p[k]), -float(ex.layers[-1].delta[k]))


def probabilities(ex: ExampleBackward, terms: int = MAX_TERMS) -> str:
    k = ex.target
    entries = [p_true(ex) if i == k else tex(float(v)) for i, v in enumerate(ex.p)]
    return row(entries, [k], terms)


def top_delta(ex: ExampleBackward, terms: int = MAX_TERMS) -> str:
    """``δ_L = ∂E/∂z = p − y`` with the numbers: the error signal every gradient below is built from."""
    n = len(ex.layers)
    k = ex.target
    y = row([str(int(v)) for v in ex.y], [k], terms)
    return aligned(
        rf"\delta_{{{n}}} = \frac{{\partial E}}{{\partial z}} = p - y",
        rf"= {probabilities(ex, terms)} - {y}",
        rf"= {vector(ex.layers[-1].delta, [k], terms)}",
    )


def back_signal(ex: ExampleBackward, i: int) -> np.ndarray:
    """``W_{l+1}^T δ_{l+1}``: the error signal arriving at hidden layer ``i`` (0-based) before ``⊙ f'(a)``."""
    above = ex.layers[i + 1]
    result: np.ndarray = above.W.T @ above.delta
    return result


def hidden_delta(ex: ExampleBackward, i: int, terms: int = MAX_TERMS) -> str:
    """``δ_l = (W_{l+1}^T δ_{l+1}) ⊙ f'(a_l)`` for hidden layer ``i`` (0-based), with the numbers."""
    layer = ex.layers[i]
    l_ = i + 1
    keep = _keep(layer, terms)
    return aligned(
        rf"\delta_{{{l_}}} = \big(W_{{{l_ + 1}}}^\top \delta_{{{l_ + 1}}}\big) \odot f'(a_{{{l_}}})",
        rf"= {vector(back_signal(ex, i), keep, terms)}",
        rf"\quad \odot {vector(layer.f_prime, keep, terms)}",
        rf"= {vector(layer.delta, keep, terms)}",
    )


def weight_gradient(ex: ExampleBackward, i: int, terms: int = MAX_TERMS) -> str:
    """``∂E/∂W_l = δ_l h_{l-1}^T`` (the matrix, elided around its largest entry) and ``∂E/∂b_l = δ_l``."""
    layer = ex.layers[i]
    l_ = i + 1
    r, c = np.unravel_index(int(np.argmax(np.abs(layer.dW))), layer.dW.shape)
    shape = rf"{layer.dW.shape[0]} \times {layer.dW.shape[1]}"
    return (
        aligned(
            rf"\frac{{\partial E}}{{\partial W_{{{l_}}}}} = \delta_{{{l_}}}\, h_{{{l_ - 1}}}^\top \quad ({shape})",
            rf"= {matrix(layer.dW, int(r), int(c), terms)}",
        )
        + rf", \qquad \frac{{\partial E}}{{\partial b_{{{l_}}}}} = \delta_{{{l_}}}"
    )


@dataclass(frozen=True)
class CheckRow:
    weight: str
    analytic: str
    numeric: str
    difference: str


def check_rows(ex: ExampleBackward) -> list[CheckRow]:
    """The finite-difference checks, one row each, weights named as on the page (``W_2[3, 7]``, from 1)."""
    return [
        CheckRow(
            f"W{c.layer + 1}[{c.row + 1}, {c.col + 1}]",
            fmt(c.analytic, 10),
            fmt(c.numeric, 10),
            fmt(c.difference, 2),
        )
        for c in ex.checks
    ]
