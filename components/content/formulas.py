"""LaTeX with the live numbers in it, built from an Explanation (no maths recomputed)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from components.render.numbers import fmt, is_rounding_zero, tex, tex_probability
from components.render.text import tex_text
from core.derivation import LogNumber, decimal_exponent
from core.explanation import Explanation

#: Sums with more terms than this are written with their middle elided.
MAX_TERMS = 5
HEAD, TAIL = 1, 1

#: Space below a line of a multi-line formula when it or the next holds something tall (a fraction,
#: a sum with limits). KaTeX stacks the rows of an array box on box, so without it a denominator
#: sits on the next line's numerator (tests/browser/test_formulas_browser.py measures the gaps).
#: ``\\[gap]`` makes the row at least this deep below the strut; it never adds to a deeper row.
LINE_GAP = "0.8em"
#: Below a line whose sum has its limits underneath (display style), which reach deeper.
DEEP_LINE_GAP = "1.3em"
#: The same between the entries of a vector or matrix that hold fractions.
ENTRY_GAP = "1.1em"
#: Between lines or entries with a power of ten (``4.54 \times 10^{-5}``), whose exponent rises, or with
#: the tall dots of an elision (``\vdots``).
SCRIPT_GAP = "0.4em"
_TALL = re.compile(r"\\(?:[dt]?frac|sum|Big|begin\{pmatrix\})")
_DEEP = re.compile(r"\\sum_")
_RAISED = re.compile(r"\\times 10\^\{|\\vdots")


def is_tall(line: str) -> bool:
    """Whether a line of LaTeX holds a fraction, a big sum or a matrix (taller than a line of text)."""
    return _TALL.search(line) is not None


def _gap(above: str, below: str, gap: str) -> str | None:
    if is_tall(above) or is_tall(below):
        deep = _DEEP.search(above) is not None and r"\textstyle" not in above
        return DEEP_LINE_GAP if deep and gap == LINE_GAP else gap
    if _RAISED.search(above) or _RAISED.search(below):
        return SCRIPT_GAP
    return None


def join_rows(rows: Sequence[str], gap: str = LINE_GAP) -> str:
    r"""Rows of an array joined by ``\\``, with ``\\[gap]`` where either neighbour is tall."""
    out = rows[0] if rows else ""
    for above, below in itertools.pairwise(rows):
        space = _gap(above, below, gap)
        out += (r" \\ " if space is None else rf" \\[{space}] ") + below
    return out


def tex_number(x: LogNumber, digits: int = 4) -> str:
    r"""A number as :func:`tex` writes it; beyond float64's range (where it overflows or loses its digits)
    from its logarithm, as ``mantissa \times 10^{exponent}``: ``e^{-1600}`` is ``1.3453 \times 10^{-695}``."""
    if x.writable:
        return tex(x.value, digits)
    mantissa, exponent = decimal_exponent(x.log_abs)
    shown = fmt(mantissa, digits)
    if shown == "10":  # the mantissa rounded up to 10
        shown, exponent = "1", exponent + 1
    return f"{'-' if x.sign < 0 else ''}{shown} \\times 10^{{{exponent}}}"


def tex_number_term(x: LogNumber, digits: int = 4) -> str:
    """:func:`tex_number` as a term inside a sum or product: negative values in parentheses."""
    text = tex_number(x, digits)
    return f"({text})" if text.startswith("-") else text


def tex_p(p: LogNumber, one_minus_p: LogNumber, digits: int = 4) -> str:
    r"""A probability: as :func:`tex_probability`, a tiny one from its logarithm, one a hair below 1 as
    ``(1 - 1.4 \times 10^{-869})`` (never as exactly 0 or 1)."""
    if not p.writable:
        return tex_number(p, digits)
    if fmt(p.value, digits) == "1" and one_minus_p.sign != 0.0 and not one_minus_p.writable:
        return f"(1 - {tex_number(one_minus_p, digits)})"
    return tex_probability(p.value, one_minus_p.value, digits)


def elide(terms: Sequence[str], keep: Sequence[int] = (), max_terms: int = MAX_TERMS) -> list[str]:
    r"""Keep the first and last terms of a long sum, and those at ``keep``; ``\cdots`` for each gap."""
    n = len(terms)
    if n <= max_terms:
        return list(terms)
    visible = sorted({*range(HEAD), *range(n - TAIL, n), *(i for i in keep if 0 <= i < n)})
    out: list[str] = []
    previous = -1
    for i in visible:
        if i - previous == 2:  # a gap of one term: show it rather than a ⋯
            out.append(terms[i - 1])
        elif i - previous > 2:
            out.append(r"\cdots")
        out.append(terms[i])
        previous = i
    return out


def tex_sum(terms: Sequence[str], keep: Sequence[int] = ()) -> str:
    return " + ".join(elide(terms, keep))


def tex_vector(entries: Sequence[str], keep: Sequence[int] = ()) -> str:
    """A column vector; long ones keep their first and last entries (and ``keep``) around ``\vdots``."""
    rows = [r"\vdots" if e == r"\cdots" else e for e in elide(entries, keep)]
    return r"\begin{pmatrix}" + join_rows(rows, ENTRY_GAP) + r"\end{pmatrix}"


def aligned(first: str, *rest: str) -> str:
    """A chain of equalities, one per line: the first flush left, the rest indented under it.

    Left-aligned lines keep a long chain inside a narrow column.
    """
    lines = [f"&{first}", *(rf"&\quad {line}" for line in rest)]
    return r"\begin{aligned}" + join_rows(lines) + r"\end{aligned}"


def stacked(*lines: str) -> str:
    """Separate equations, one per line, all flush left."""
    return r"\begin{aligned}" + join_rows([f"&{line}" for line in lines]) + r"\end{aligned}"


def chain(lhs: str, *steps: str) -> str:
    """``lhs = a = b …``, one equality a line, every ``=`` under the first."""
    rows = [f"{lhs} &= {steps[0]}", *(f"&= {step}" for step in steps[1:])]
    return r"\begin{aligned}" + join_rows(rows) + r"\end{aligned}"


def equations(rows: Sequence[tuple[str, str] | None]) -> str:
    """Equations ``lhs = rhs``, one a line, aligned on their first ``=``; None stands for elided lines."""
    lines = [r"\vdots &" if row is None else f"{row[0]} &= {row[1]}" for row in rows]
    return r"\begin{aligned}" + join_rows(lines) + r"\end{aligned}"


def tex_row(entries: Sequence[str], keep: Sequence[int] = ()) -> str:
    """A row vector ``(a, b, c)``; long ones elided around ``keep``."""
    return r"\left(" + r",\ ".join(elide(entries, keep)) + r"\right)"


def sub(i: int, names: Sequence[str] = ()) -> str:
    """Subscript for class ``i`` (0-based): its name as escaped text if it has one, else its number from 1."""
    return tex_text(names[i]) if i < len(names) and names[i] else f"{i + 1}"


def probabilities_sum(expl: Explanation) -> str:
    """``sum_i p_i = 0.2 + 0.6 + 0.2 = 1``."""
    terms = [tex_probability(p, q) for p, q in zip(expl.p, expl.one_minus_p, strict=True)]
    return aligned(
        rf"\sum_{{i=1}}^{{{expl.n_classes}}} p_i",
        rf"= {tex_sum(terms, [expl.target])}",
        rf"= {tex(expl.p_sum)}",
    )


def softmax_definition(expl: Explanation) -> str:
    k = sub(expl.target, expl.state.names)
    return (
        r"p_i = \frac{e^{z_i}}{\sum_{k=1}^{H} e^{z_k}}, \qquad "
        rf"p_{{{k}}} = \frac{{e^{{{tex(float(expl.z[expl.target]))}}}}}{{\sum_k e^{{z_k}}}} "
        rf"= {tex_probability(expl.p_target, float(expl.one_minus_p[expl.target]))}"
    )


def loss_value(expl: Explanation) -> str:
    """``E = -sum_i y_i ln p_i = -ln p_k = -ln 0.2 = 1.6094``."""
    k = sub(expl.target, expl.state.names)
    p_k = expl.p_target
    if p_k >= 1e-300:
        middle = rf"-\ln {tex_probability(p_k, float(expl.one_minus_p[expl.target]))}"
    else:  # p underflows: ln p is still known from log-sum-exp
        middle = rf"-({tex(float(expl.log_p[expl.target]))})"
    return aligned(
        rf"E = -\sum_{{i=1}}^{{{expl.n_classes}}} y_i \ln p_i = -\ln p_{{{k}}}",
        rf"= {middle} = {tex(expl.loss)}",
    )


def gradient_vector(expl: Explanation) -> str:
    """``dE/dz = p - y``, as column vectors with the live numbers."""
    diffs = [f"{tex_probability(p, q)} - {int(y)}" for p, q, y in zip(expl.p, expl.one_minus_p, expl.y, strict=True)]
    values = [tex(g) for g in expl.grad]
    keep = [expl.target]
    lhs = r"\frac{\partial E}{\partial z} = p - y"
    if expl.n_classes > MAX_TERMS:  # the table beside it lists every p_i - y_i
        return rf"{lhs} = {tex_vector(values, keep)}"
    return rf"{lhs} = {tex_vector(diffs, keep)} = {tex_vector(values, keep)}"


def descent_sum(expl: Explanation) -> str:
    """The arrows sum to 0: the true class's push up, ``1 - p_k``, equals all the others' pushes down."""
    k = expl.target
    others = [tex(float(p)) for i, p in enumerate(expl.p) if i != k]
    total = -expl.grad_sum
    scale = float(abs(expl.descent).max())
    total_tex = "0" if is_rounding_zero(total, scale) else tex(total)
    return aligned(
        rf"\sum_{{i=1}}^{{{expl.n_classes}}} \Big(-\frac{{\partial E}}{{\partial z_i}}\Big)",
        rf"= (1 - p_{{{sub(k, expl.state.names)}}}) - \sum_{{i \ne {sub(k, expl.state.names)}}} p_i",
        rf"= {tex(float(expl.descent[k]))} - \left({tex_sum(others)}\right)",
        rf"= 1 - \sum_i p_i = {total_tex}",
    )
