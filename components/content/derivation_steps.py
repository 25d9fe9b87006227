"""The derivation of dE/dz = p - y, step by step, with the live numbers in every line.

Each step is data (a title and a list of blocks: prose, LaTeX, a table, a
figure), built once from a Derivation. The page renders the blocks; the
download writes the same blocks as Markdown, so both always say the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from components.content.formulas import (
    ENTRY_GAP,
    MAX_TERMS,
    chain,
    elide,
    equations,
    join_rows,
    sub,
    tex_number,
    tex_number_term,
    tex_p,
    tex_row,
    tex_sum,
    tex_vector,
)
from components.figures.jacobian import jacobian_figure
from components.render.numbers import fmt, tex, tex_term
from components.render.text import md
from core.derivation import FD_STEP, LN_MAX, LN_MIN, LN_ZERO, Derivation, decimal_exponent, log_number

CHAIN_RULE = (
    r"\frac{\partial E}{\partial z_j} = "
    r"\sum_{i=1}^{H} \frac{\partial E}{\partial p_i}\,\frac{\partial p_i}{\partial z_j}"
)
Block = tuple[str, object]  # ("text", str) | ("latex", str) | ("table", DataFrame) | ("figure", Spec)
#: The stable sum 1 + s is written with enough decimals to show s while s is at least this (else as 1 + s).
SMALLEST_REST_IN_DECIMALS = 1e-10
#: Step 5 writes a sum of products and its value on one line up to this many classes, else on two.
ONE_LINE_PRODUCTS = 3


@dataclass(frozen=True)
class Step:
    title: str
    blocks: list[Block] = field(default_factory=list)


def _p(d: Derivation, i: int) -> str:
    return tex_p(d.p.at(i), d.one_minus_p.at(i))


def _grad(d: Derivation, j: int) -> str:
    """``p_j - y_j``: ``p_j`` for the other classes, ``-(1 - p_k)`` for the true one, written as probabilities
    (so one a hair from 1 never reads as exactly 1)."""
    if d.expl.y[j] == 0.0:
        return _p(d, j)
    return "-" + tex_p(d.one_minus_p.at(j), d.p.at(j)).lstrip()


def _ln(x: str) -> str:
    r"""``\ln x``, with parentheses around a number written with a power of ten or a sum."""
    return rf"\ln({x})" if " " in x and not x.startswith("(") else rf"\ln {x}"


def _shown_indices(n: int, keep: Sequence[int]) -> list[int | None]:
    """Indices to write out for a long list (None where ``\\cdots`` stands)."""
    marked = elide([str(i) for i in range(n)], keep)
    return [None if m == r"\cdots" else int(m) for m in marked]


def tex_matrix(
    entry: Callable[[int, int], str], shape: tuple[int, int], keep_rows: Sequence[int] = (),
    keep_cols: Sequence[int] = (),
) -> str:  # fmt: skip
    r"""A matrix; more than 5 rows or columns are elided like the sums (``\vdots``, ``\cdots``, ``\ddots``),
    keeping the first, the last and those in ``keep_rows`` / ``keep_cols``."""
    cols = _shown_indices(shape[1], keep_cols)
    lines = []
    for i in _shown_indices(shape[0], keep_rows):
        cells = [
            (r"\ddots" if j is None else r"\vdots") if i is None else (r"\cdots" if j is None else entry(i, j))
            for j in cols
        ]
        lines.append(" & ".join(cells))
    return r"\begin{pmatrix}" + join_rows(lines, ENTRY_GAP) + r"\end{pmatrix}"


def _numbers_matrix(m: np.ndarray, keep_rows: Sequence[int] = ()) -> str:
    return tex_matrix(lambda i, j: tex(float(m[i, j])), m.shape, keep_rows)


def _shifted_sum(d: Derivation) -> str:
    """The stable denominator ``1 + s``: never written as a bare 1 while ``s > 0``."""
    total = tex(d.exp_sum)
    if total != "1" or d.expl.n_classes < 2:
        return total
    rest = log_number(d.log_rest)
    if rest.value < SMALLEST_REST_IN_DECIMALS:
        return f"1 + {tex_number(rest)}"
    _, exponent = decimal_exponent(d.log_rest)
    return fmt(d.exp_sum, 2 - exponent)  # three significant digits of s: 1.0000454


# --- the steps --------------------------------------------------------------------------------


def _why_shift(d: Derivation) -> str:
    e = d.expl
    problems = []
    if d.too_large:
        top = float(np.max(e.z))
        problems.append(
            rf"$e^{{{tex(top)}}} = {tex_number(log_number(top))}$ would overflow"
            if top >= LN_MAX
            else r"the sum of the $e^{z_k}$ would overflow"
        )
    low = float(np.min(e.z))
    if low < LN_MIN:
        problems.append(rf"$e^{{{tex(low)}}}$ would " + ("read 0" if low < LN_ZERO else "lose its digits"))
    smallest = int(np.argmin(e.log_p))
    if float(e.log_p[smallest]) < LN_MIN:
        lost = "read 0, and $\\ln 0$ is undefined" if float(e.log_p[smallest]) < LN_ZERO else "lose its digits"
        problems.append(rf"$p_{{{sub(smallest, e.state.names)}}} = {_p(d, smallest)}$ would {lost}")
    return (
        "Here the textbook lines leave float64, whose numbers end near $1.8 \\times 10^{308}$ and lose their "
        "digits below $2.2 \\times 10^{-308}$ (under $4.9 \\times 10^{-324}$ they read 0): " + "; ".join(problems) + "."
    )


def _shift_text(d: Derivation) -> str:
    m = d.expl.predicted
    return (
        rf"So first subtract the largest logit, $m = z_{{{sub(m, d.expl.state.names)}}} = {tex(d.shift)}$, "
        r"from every logit. Every exponential is then at most $e^0 = 1$ (nothing overflows), the largest "
        r"is exactly 1 (so the sum is at least 1), and no output changes, because the factor $e^{-m}$ cancels:"
    )


def _exponentials(d: Derivation, idx: list[int | None]) -> list[Block]:
    e = d.expl
    names = e.state.names
    if not d.stable:
        rows = [
            None
            if i is None
            else (rf"e^{{z_{{{sub(i, names)}}}}}", rf"e^{{{tex(float(e.z[i]))}}} = {tex_number(d.exp_z.at(i))}")
            for i in idx
        ]
        return [("text", "Each logit is exponentiated, so every output is positive:"), ("latex", equations(rows))]
    shifted = [
        None
        if i is None
        else (
            rf"e^{{z_{{{sub(i, names)}}} - m}}",
            rf"e^{{{tex(float(e.z[i]))} - {tex_term(d.shift)}}} = e^{{{tex(float(d.exp_z.log_abs[i]))}}} "
            rf"= {tex_number(d.exp_z.at(i))}",
        )
        for i in idx
    ]
    blocks: list[Block] = [
        ("text", _why_shift(d)),
        ("text", _shift_text(d)),
        (
            "latex",
            chain(
                "p_i",
                r"\frac{e^{z_i}}{\sum_k e^{z_k}}",
                r"\frac{e^{-m}\, e^{z_i}}{e^{-m} \sum_k e^{z_k}}",
                r"\frac{e^{z_i - m}}{\sum_k e^{z_k - m}}",
            ),
        ),
        ("text", "Each shifted logit is exponentiated: every result is positive and at most 1."),
        ("latex", equations(shifted)),
    ]
    tiny = [i for i in range(e.n_classes) if not d.exp_z.at(i).writable]
    if tiny:
        q = tex(float(d.exp_z.log_abs[tiny[0]]))
        blocks.append(
            (
                "text",
                rf"A number as small as $e^{{{q}}}$ would read 0 in float64, so it is written from its "
                rf"logarithm: $e^{{{q}}} = 10^{{{q} / \ln 10}} = {tex_number(d.exp_z.at(tiny[0]))}$. "
                "Its class still gets a positive probability, however small.",
            )
        )
    return blocks


def forward_pass(d: Derivation) -> Step:
    e = d.expl
    names = e.state.names
    n, k = e.n_classes, e.target
    idx = _shown_indices(n, [k])
    shift = " - m" if d.stable else ""
    total = _shifted_sum(d) if d.stable else tex(d.exp_sum)
    probs = [
        None
        if i is None
        else (rf"p_{{{sub(i, names)}}}", rf"\frac{{{tex_number(d.exp_z.at(i))}}}{{{total}}} = {_p(d, i)}")
        for i in idx
    ]
    exp_terms = [tex_number(d.exp_z.at(i)) for i in range(n)]
    y_entries = [str(int(v)) for v in e.y]
    ce_terms = [rf"{int(e.y[i])} \cdot {_ln(_p(d, i))}" for i in range(n)]
    pk = _p(d, k)
    if d.stable:
        loss_lines = [
            rf"-\ln p_{{{sub(k, names)}}}",
            rf"-\Bigl((z_{{{sub(k, names)}}} - m) - \ln \sum_{{j}} e^{{z_j - m}}\Bigr)",
            rf"-\Bigl({tex(float(d.exp_z.log_abs[k]))} - {tex_term(d.log_exp_sum)}\Bigr) = {tex(e.loss)}",
        ]
    else:
        loss_lines = [rf"-\ln p_{{{sub(k, names)}}} = -{_ln(pk)} = {tex(e.loss)}"]
    blocks: list[Block] = [
        *_exponentials(d, idx),
        ("text", "The denominator of the softmax is the sum of all of them:"),
        (
            "latex",
            rf"\sum_{{k=1}}^{{{n}}} e^{{z_k{shift}}} = {tex_sum(exp_terms, [k])} = {total}",
        ),
        ("text", "Each output is its exponential divided by that sum:"),
        ("latex", equations(probs)),
        (
            "latex",
            chain(rf"\sum_{{i=1}}^{{{n}}} p_i", tex_sum([_p(d, i) for i in range(n)], [k]), tex(e.p_sum)),
        ),
        (
            "text",
            f"The ground truth is one-hot: a 1 for the true class ({md(e.state.label(k))}), 0 elsewhere:",
        ),
        ("latex", rf"y = {tex_row(y_entries, [k])}"),
        (
            "text",
            "The cross-entropy sums −yᵢ ln pᵢ over all classes. A term whose yᵢ is 0 is 0 by definition, "
            "whatever pᵢ is (even a pᵢ that rounds to 0: 0 · ln 0 counts as 0, its limit), which leaves only "
            "the true class:",
        ),
        (
            "latex",
            chain(
                "E",
                rf"-\sum_{{i=1}}^{{{n}}} y_i \ln p_i",
                rf"-\left({tex_sum(ce_terms, [k])}\right)",
                *loss_lines,
            ),
        ),
    ]
    if d.stable:
        blocks.append(
            (
                "text",
                r"With the shift, $\ln p_k = (z_k - m) - \ln \sum_j e^{z_j - m}$ comes straight from the logits "
                r"(this is log-sum-exp): no exponential overflows, and no $\ln 0$ on the way.",
            )
        )
    return Step("1. The forward pass, term by term", blocks)


def rules(d: Derivation) -> Step:
    e = d.expl
    names = e.state.names
    z1 = float(e.z[0])
    k = e.target
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
                rf"\frac{{d}}{{dx}} e^x = e^x, \quad\text{{e.g. at }} z_1 = {tex(z1)}\colon\ "
                rf"e^{{{tex(z1)}}} = {tex_number(log_number(z1))} \qquad \text{{(step 3)}}",
            ),
            (
                "latex",
                rf"\frac{{d}}{{dx}} \ln x = \frac{{1}}{{x}}, \quad\text{{e.g. at }} "
                rf"p_{{{sub(k, names)}}} = {pk}\colon\ "
                rf"\frac{{1}}{{{pk}}} = {tex_number(-d.dE_dp.at(k))} \qquad \text{{(step 4)}}",
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
    n, k = e.n_classes, e.target
    other = 1 if k == 0 else 0
    pk, po = _p(d, k), _p(d, other)
    sk, so = sub(k, names), sub(other, names)
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
                equations(
                    [
                        (
                            r"i = j\colon\quad \frac{\partial p_i}{\partial z_i}",
                            r"\frac{e^{z_i} S - e^{z_i} e^{z_i}}{S^2} = p_i - p_i^2 = p_i (1 - p_i)",
                        ),
                        (
                            rf"\frac{{\partial p_{{{sk}}}}}{{\partial z_{{{sk}}}}}",
                            rf"{pk}\,(1 - {pk}) = {tex_number(d.jacobian.at(k, k))}",
                        ),
                    ]
                ),
            ),
            (
                "latex",
                equations(
                    [
                        (
                            r"i \ne j\colon\quad \frac{\partial p_i}{\partial z_j}",
                            r"\frac{0 \cdot S - e^{z_i} e^{z_j}}{S^2} = -p_i\, p_j",
                        ),
                        (
                            rf"\frac{{\partial p_{{{sk}}}}}{{\partial z_{{{so}}}}}",
                            rf"-{pk} \cdot {po} = {tex_number(d.jacobian.at(k, other))}",
                        ),
                    ]
                ),
            ),
            (
                "text",
                "All of them together form the Jacobian J = diag(p) − p pᵀ. Its diagonal (i = j) is positive, "
                "everything off it (i ≠ j) is negative, and every column sums to 0."
                + (
                    " Written out, the middle rows and columns are elided; the heatmap shows every entry."
                    if n > MAX_TERMS
                    else ""
                ),
            ),
            ("figure", jacobian_figure(d)),
            (
                "latex",
                chain(
                    "J",
                    r"\operatorname{diag}(p) - p\,p^\top",
                    tex_matrix(lambda i, j: tex_number(d.jacobian.at(i, j)), (n, n), [k], [k]),
                ),
            ),
        ],
    )


def loss_derivative(d: Derivation) -> Step:
    e = d.expl
    n, k = e.n_classes, e.target
    entries = [rf"-\dfrac{{{int(e.y[i])}}}{{{_p(d, i)}}}" for i in range(n)]
    values = [tex_number(d.dE_dp.at(i)) for i in range(n)]
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
    rows: list[tuple[str, str] | None] = []
    split_rows: list[str] = []
    for j in _shown_indices(n, [k]):
        if j is None:
            rows.append(None)
            split_rows.append(r"\vdots & &&")
            continue
        terms = [rf"{tex_number_term(d.dE_dp.at(i))} \cdot {tex_number_term(d.jacobian.at(i, j))}" for i in range(n)]
        grad_j = _grad(d, j)
        lhs = rf"\frac{{\partial E}}{{\partial z_{{{sub(j, names)}}}}}"
        if n <= ONE_LINE_PRODUCTS and r"\times" not in "".join(terms):
            rows.append((lhs, f"{tex_sum(terms, [k])} = {grad_j}"))
        else:  # long products: the value on a line of its own keeps the row inside a laptop's column
            rows += [(lhs, tex_sum(terms, [k])), ("", grad_j)]
        yj, pj = int(e.y[j]), _p(d, j)
        split_rows.append(rf"j = {sub(j, names)}\colon &\quad {{-{yj}}}\,(1 - {pj}) + {pj} \cdot {1 - yj} &&= {grad_j}")
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
            ("latex", equations(rows)),
            ("text", "In general: split off the i = j term and use the two cases of step 3:"),
            (
                "latex",
                chain(
                    r"\frac{\partial E}{\partial z_j}",
                    r"-\frac{y_j}{p_j}\, p_j (1 - p_j) + \sum_{i \ne j} \Bigl(-\frac{y_i}{p_i}\Bigr)(-p_i\, p_j)",
                    r"-y_j (1 - p_j) + p_j \sum_{i \ne j} y_i",
                    r"-y_j + y_j\, p_j + p_j (1 - y_j) \qquad \text{since } \textstyle\sum_i y_i = 1",
                    r"p_j - y_j",
                ),
            ),
            ("text", "The middle line, −yⱼ(1 − pⱼ) + pⱼ(1 − yⱼ), with the live numbers:"),
            ("latex", r"\begin{aligned}" + join_rows(split_rows) + r"\end{aligned}"),
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
    keep = [d.expl.target]

    def vector(values: np.ndarray, rows: Sequence[int] = ()) -> str:
        return tex_vector([tex(float(v)) for v in values], rows)

    return Step(
        "7. On to the weights",
        [
            (
                "text",
                "Why stop at the softmax's inputs? Because every path from a weight to the loss passes "
                "through them. Put a linear layer z = W x + b before the softmax (b chosen so it outputs "
                "the logits set above), and the chain rule continues with δ = ∂E/∂z = p − y"
                + (" (the middle rows are elided, as above):" if n > MAX_TERMS else ":"),
            ),
            (
                "latex",
                rf"z = W x + b = {_numbers_matrix(layer.W, keep)} {vector(layer.x)} + "
                rf"{vector(layer.b, keep)} = {vector(layer.z, keep)}",
            ),
            (
                "latex",
                rf"\frac{{\partial E}}{{\partial W}} = \delta\, x^\top = (p - y)\, x^\top = "
                rf"{_numbers_matrix(layer.dW, keep)}",
            ),
            (
                "latex",
                rf"\frac{{\partial E}}{{\partial b}} = \delta = {vector(layer.db, keep)}"
                rf", \qquad \frac{{\partial E}}{{\partial x}} = W^\top \delta = {vector(layer.dx)}",
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
