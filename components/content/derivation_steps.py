"""The derivation of dE/dz = p - y, step by step, with the live numbers in every line.

Each step is data (a title and a list of blocks: prose, LaTeX, a table, a
figure), built once from a Derivation. The page renders the blocks; the
download writes the same blocks as Markdown, so both always say the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from components.content.formulas import MAX_TERMS, aligned, elide, stacked, sub, tex_row, tex_sum, tex_vector
from components.figures.jacobian import jacobian_figure
from components.render.numbers import fmt, tex, tex_probability, tex_term
from components.render.text import md
from core.derivation import FD_STEP, Derivation

CHAIN_RULE = (
    r"\frac{\partial E}{\partial z_j} = "
    r"\sum_{i=1}^{H} \frac{\partial E}{\partial p_i}\,\frac{\partial p_i}{\partial z_j}"
)
Block = tuple[str, object]  # ("text", str) | ("latex", str) | ("table", DataFrame) | ("figure", Spec)


@dataclass(frozen=True)
class Step:
    title: str
    blocks: list[Block] = field(default_factory=list)


def _p(d: Derivation, i: int) -> str:
    return tex_probability(float(d.expl.p[i]), float(d.expl.one_minus_p[i]))


def _shown_indices(n: int, keep: Sequence[int]) -> list[int | None]:
    """Indices to write out for a long list (None where ``\\cdots`` stands)."""
    marked = elide([str(i) for i in range(n)], keep)
    return [None if m == r"\cdots" else int(m) for m in marked]


def tex_matrix(m: np.ndarray) -> str:
    rows = [" & ".join(tex(float(v)) for v in row) for row in m]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def _rows_elided(lines: list[str | None]) -> list[str]:
    return [r"\vdots" if line is None else line for line in lines]


# --- the steps --------------------------------------------------------------------------------


def forward_pass(d: Derivation) -> Step:
    e = d.expl
    names = e.state.names
    n, k = e.n_classes, e.target
    idx = _shown_indices(n, [k])
    exps = [
        None if i is None else rf"e^{{z_{{{sub(i, names)}}}}} = e^{{{tex(float(e.z[i]))}}} = {tex(float(d.exp_z[i]))}"
        for i in idx
    ]
    probs = [
        None
        if i is None
        else rf"p_{{{sub(i, names)}}} = \frac{{{tex(float(d.exp_z[i]))}}}{{{tex(d.exp_sum)}}} = {_p(d, i)}"
        for i in idx
    ]
    exp_terms = [tex(float(v)) for v in d.exp_z]
    y_entries = [str(int(v)) for v in e.y]
    ce_terms = [rf"{int(e.y[i])} \cdot \ln {_p(d, i)}" for i in range(n)]
    return Step(
        "1. The forward pass, term by term",
        [
            ("text", "Each logit is exponentiated, so every output is positive:"),
            ("latex", stacked(*_rows_elided(exps))),
            ("text", "The denominator of the softmax is the sum of all of them:"),
            ("latex", rf"\sum_{{k=1}}^{{{n}}} e^{{z_k}} = {tex_sum(exp_terms, [k])} = {tex(d.exp_sum)}"),
            ("text", "Each output is its exponential divided by that sum:"),
            ("latex", stacked(*_rows_elided(probs))),
            (
                "latex",
                aligned(
                    rf"\sum_{{i=1}}^{{{n}}} p_i",
                    rf"= {tex_sum([_p(d, i) for i in range(n)], [k])} = {tex(e.p_sum)}",
                ),
            ),
            (
                "text",
                f"The ground truth is one-hot: a 1 for the true class ({md(e.state.label(k))}), 0 elsewhere:",
            ),
            ("latex", rf"y = {tex_row(y_entries, [k])}"),
            (
                "text",
                "The cross-entropy sums −yᵢ ln pᵢ over all classes. Every term whose yᵢ is 0 vanishes, "
                "leaving only the true class:",
            ),
            (
                "latex",
                aligned(
                    rf"E = -\sum_{{i=1}}^{{{n}}} y_i \ln p_i",
                    rf"= -\left({tex_sum(ce_terms, [k])}\right)",
                    rf"= -\ln p_{{{sub(k, names)}}} = -\ln {_p(d, k)} = {tex(e.loss)}",
                ),
            ),
        ],
    )


def rules(d: Derivation) -> Step:
    e = d.expl
    names = e.state.names
    z1 = tex(float(d.expl.z[0]))
    k = d.expl.target
    pk = _p(d, k)
    return Step(
        "2. The rules we need",
        [
            ("text", "Four rules of differentiation carry the whole derivation. Each is used once below."),
            (
                "latex",
                r"\text{Quotient rule:}\quad \frac{\partial}{\partial x}\frac{f}{g} = "
                r"\frac{f' g - f g'}{g^2} \qquad \text{(step 3)}",
            ),
            (
                "latex",
                rf"\frac{{d}}{{dx}} e^x = e^x, \quad\text{{e.g. at }} z_1 = {z1}:\ "
                rf"e^{{{z1}}} = {tex(float(d.exp_z[0]))} \qquad \text{{(step 3)}}",
            ),
            (
                "latex",
                rf"\frac{{d}}{{dx}} \ln x = \frac{{1}}{{x}}, \quad\text{{e.g. at }} p_{{{sub(k, names)}}} = {pk}:\ "
                rf"\frac{{1}}{{{pk}}} = {tex(-float(d.dE_dp[k]))} \qquad \text{{(step 4)}}",
            ),
            (
                "latex",
                r"\text{Chain rule:}\quad \frac{\partial E}{\partial z_j} = \sum_i "
                r"\frac{\partial E}{\partial p_i}\,\frac{\partial p_i}{\partial z_j} \qquad \text{(step 5)}",
            ),
            (
                "text",
                "The chain rule sums over every output pᵢ because every output depends on every logit, "
                "through the shared denominator.",
            ),
        ],
    )


def softmax_derivative(d: Derivation) -> Step:
    e = d.expl
    names = e.state.names
    _n, k = e.n_classes, e.target
    other = 1 if k == 0 else 0
    pk, po = _p(d, k), _p(d, other)
    return Step(
        "3. The derivative of the softmax: two cases",
        [
            (
                "text",
                r"Write $S = \sum_k e^{z_k}$, so $p_i = e^{z_i} / S$ and $\partial S / \partial z_j = e^{z_j}$. "
                r"The quotient rule, with $f = e^{z_i}$ and $g = S$, gives two cases.",
            ),
            (
                "latex",
                aligned(
                    r"i = j:\quad \frac{\partial p_i}{\partial z_i} = "
                    r"\frac{e^{z_i} S - e^{z_i} e^{z_i}}{S^2} = p_i - p_i^2 = p_i (1 - p_i)",
                    rf"\frac{{\partial p_{{{sub(k, names)}}}}}{{\partial z_{{{sub(k, names)}}}}} = {pk}\,(1 - {pk}) = "
                    rf"{tex(float(e.jacobian[k, k]))}",
                ),
            ),
            (
                "latex",
                aligned(
                    r"i \ne j:\quad \frac{\partial p_i}{\partial z_j} = "
                    r"\frac{0 \cdot S - e^{z_i} e^{z_j}}{S^2} = -p_i\, p_j",
                    rf"\frac{{\partial p_{{{sub(k, names)}}}}}{{\partial z_{{{sub(other, names)}}}}} "
                    rf"= -{pk} \cdot {po} = {tex(float(e.jacobian[k, other]))}",
                ),
            ),
            (
                "text",
                "All of them together form the Jacobian J = diag(p) − p pᵀ. Its diagonal (i = j) is positive, "
                "everything off it (i ≠ j) is negative, and every column sums to 0.",
            ),
            ("figure", jacobian_figure(d)),
            ("latex", rf"J = \operatorname{{diag}}(p) - p\,p^\top = {tex_matrix(d.expl.jacobian)}"),
        ],
    )


def loss_derivative(d: Derivation) -> Step:
    e = d.expl
    n, k = e.n_classes, e.target
    entries = [rf"-\dfrac{{{int(e.y[i])}}}{{{_p(d, i)}}}" for i in range(n)]
    values = [tex(float(v)) for v in d.dE_dp]
    return Step(
        "4. The derivative of the loss with respect to each output",
        [
            ("text", "With d ln x / dx = 1/x, each term −yᵢ ln pᵢ of E differentiates on its own:"),
            ("latex", r"\frac{\partial E}{\partial p_i} = -\frac{y_i}{p_i}"),
            ("text", "Only the true class has yᵢ ≠ 0, so only its entry is non-zero:"),
            (
                "latex",
                rf"\frac{{\partial E}}{{\partial p}} = {tex_vector(entries, [k])} = {tex_vector(values, [k])}",
            ),
        ],
    )


def chain_rule(d: Derivation) -> Step:
    e = d.expl
    names = e.state.names
    n, k = e.n_classes, e.target
    rows: list[str | None] = []
    for j in _shown_indices(n, [k]):
        if j is None:
            rows.append(None)
            continue
        terms = [rf"{tex_term(float(d.dE_dp[i]))} \cdot {tex_term(float(e.jacobian[i, j]))}" for i in range(n)]
        rows.append(
            rf"\frac{{\partial E}}{{\partial z_{{{sub(j, names)}}}}} = {tex_sum(terms, [k])} = {tex(float(e.grad[j]))}"
        )
    split_rows: list[str | None] = []
    for j in _shown_indices(n, [k]):
        if j is None:
            split_rows.append(None)
            continue
        yj, pj = int(e.y[j]), _p(d, j)
        split_rows.append(rf"j = {sub(j, names)}:\ -{yj}\,(1 - {pj}) + {pj} \cdot {1 - yj} = {tex(float(e.grad[j]))}")
    return Step(
        "5. The chain rule, summed over all outputs",
        [
            ("text", "Every logit zⱼ reaches E through every output pᵢ, so the chain rule sums over i:"),
            (
                "latex",
                r"\frac{\partial E}{\partial z_j} = \sum_{i=1}^{H} \frac{\partial E}{\partial p_i}\,"
                r"\frac{\partial p_i}{\partial z_j}",
            ),
            ("text", "With the numbers of steps 3 and 4, term by term:"),
            ("latex", stacked(*_rows_elided(rows))),
            ("text", "In general: split off the i = j term and use the two cases of step 3:"),
            (
                "latex",
                aligned(
                    r"\frac{\partial E}{\partial z_j} = -\frac{y_j}{p_j}\, p_j (1 - p_j) + "
                    r"\sum_{i \ne j} \Big(-\frac{y_i}{p_i}\Big)(-p_i\, p_j)",
                    r"= -y_j (1 - p_j) + p_j \sum_{i \ne j} y_i",
                    r"= -y_j + y_j\, p_j + p_j (1 - y_j) \qquad \text{since } \textstyle\sum_i y_i = 1",
                    r"= p_j - y_j",
                ),
            ),
            ("text", "The middle line, −yⱼ(1 − pⱼ) + pⱼ(1 − yⱼ), with the live numbers:"),
            ("latex", stacked(*_rows_elided(split_rows))),
        ],
    )


def numerical_check(d: Derivation) -> Step:
    e = d.expl
    table = pd.DataFrame(
        {
            "logit": [f"z{i + 1}" for i in range(e.n_classes)],
            "p − y (algebra)": [fmt(float(v), 10) for v in e.grad],
            f"finite difference, h = {FD_STEP:g}": [fmt(float(v), 10) for v in d.fd_grad],
            "difference": [fmt(float(v), 2) for v in d.fd_differences],
        }
    )
    return Step(
        "6. A numerical check",
        [
            (
                "text",
                "Nudge each logit by ±h, recompute the loss, and divide the change by 2h. Arithmetic alone, "
                "no calculus, lands on the same numbers:",
            ),
            (
                "latex",
                r"\frac{\partial E}{\partial z_j} \approx \frac{E(z + h\,e_j) - E(z - h\,e_j)}{2h}",
            ),
            ("table", table),
            ("text", f"Largest difference: {fmt(d.fd_error, 2)} (rounding and h², far below the 4th digit)."),
        ],
    )


def on_to_the_weights(d: Derivation) -> Step:
    layer = d.layer
    n = d.expl.n_classes
    small = n <= MAX_TERMS
    w_tex = tex_matrix(layer.W) if small else r"W"
    dw_tex = tex_matrix(layer.dW) if small else r"(p - y)\,x^\top"
    keep = [d.expl.target]
    return Step(
        "7. On to the weights",
        [
            (
                "text",
                "Why stop at the softmax's inputs? Because every path from a weight to the loss passes "
                "through them. Put a linear layer z = W x + b before the softmax (b chosen so it outputs "
                "the logits set above), and the chain rule continues with δ = ∂E/∂z = p − y:",
            ),
            (
                "latex",
                rf"z = W x + b = {w_tex} {tex_vector([tex(float(v)) for v in layer.x])} + "
                rf"{tex_vector([tex(float(v)) for v in layer.b], keep)} = "
                rf"{tex_vector([tex(float(v)) for v in layer.z], keep)}",
            ),
            (
                "latex",
                rf"\frac{{\partial E}}{{\partial W}} = \delta\, x^\top = (p - y)\, x^\top = {dw_tex}",
            ),
            (
                "latex",
                rf"\frac{{\partial E}}{{\partial b}} = \delta = {tex_vector([tex(float(v)) for v in layer.db], keep)}"
                rf", \qquad \frac{{\partial E}}{{\partial x}} = W^\top \delta = "
                rf"{tex_vector([tex(float(v)) for v in layer.dx])}",
            ),
            (
                "text",
                f"Checked by finite differences on every entry of W, b and x: the largest difference is "
                f"{fmt(layer.fd_error, 2)}. ∂E/∂x is what the layer below receives: back-propagation goes on.",
            ),
        ],
    )


def steps(d: Derivation) -> list[Step]:
    return [
        forward_pass(d),
        rules(d),
        softmax_derivative(d),
        loss_derivative(d),
        chain_rule(d),
        numerical_check(d),
        on_to_the_weights(d),
    ]


# --- export -----------------------------------------------------------------------------------


def markdown_table(table: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def to_markdown(d: Derivation) -> str:
    """The whole derivation with the current numbers, as Markdown with ``$$`` LaTeX blocks."""
    e = d.expl
    z = ", ".join(fmt(float(v)) for v in e.z)
    parts = [
        "# Back-propagation through softmax and cross-entropy: ∂E/∂z = p − y",
        "",
        f"Logits z = ({z}), true class {md(e.state.label(e.target))}, H = {e.n_classes} classes.",
    ]
    for step in steps(d):
        parts += ["", f"## {step.title}", ""]
        for kind, content in step.blocks:
            if kind == "text":
                parts += [str(content), ""]
            elif kind == "latex":
                parts += ["$$", str(content), "$$", ""]
            elif kind == "table" and isinstance(content, pd.DataFrame):
                parts += [markdown_table(content), ""]
            # figures stay on screen: the Jacobian they show is also written out as a matrix
    return "\n".join(parts).rstrip() + "\n"
