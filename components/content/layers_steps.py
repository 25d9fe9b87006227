"""The Layers view's formulas and tables, with the live numbers, built from core.layer_examples.

Every function takes one layer's example (all numbers computed in core) and returns LaTeX for
``st.latex``, or a table; nothing is recomputed here beyond picking entries to write out.
Indices are written from 1, as on the heatmaps: ``x_{2,3}`` is row 2, column 3.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from components.content.formulas import aligned, stacked
from components.figures.layers import shown_values
from components.render.numbers import fmt, tex, tex_term
from core.layer_examples import (
    FD_STEP,
    MASK_SAMPLES,
    BatchNormExample,
    DropoutExample,
    DropoutScheme,
    LinearExample,
    MaxPoolExample,
    ReluExample,
)

Cell = tuple[int, int]


def at(name: str, cell: Cell) -> str:
    """``x_{2,3}`` for the 0-based cell ``(1, 2)``."""
    return f"{name}_{{{cell[0] + 1},{cell[1] + 1}}}"


def tex_matrix(m: np.ndarray) -> str:
    """A matrix (or a vector, as one row) with its numbers."""
    grid = np.atleast_2d(m)
    rows = [" & ".join(tex(float(v)) for v in row) for row in grid]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def tex_column(values: np.ndarray) -> str:
    return r"\begin{pmatrix}" + r" \\ ".join(tex(float(v)) for v in values) + r"\end{pmatrix}"


def spaced(*lines: str) -> str:
    """Equations one per line, flush left, with room between lines of matrices."""
    return r"\begin{aligned}" + r" \\[1.2ex] ".join(f"&{line}" for line in lines) + r"\end{aligned}"


def tex_sum(values: Sequence[float]) -> str:
    return " + ".join(tex_term(float(v)) for v in values)


# ----------------------------------------------------------------------------- linear


def linear_forward(ex: LinearExample) -> str:
    return rf"out = x\,W^\top + b, \qquad W = {tex_matrix(ex.W)}, \quad b = {tex_matrix(ex.b)}"


def linear_backward(ex: LinearExample) -> str:
    """The three gradients; dx's product and its result on two lines (one was wider than a 1024 projector's
    column)."""
    return spaced(
        rf"dx = dout\,W = {tex_matrix(ex.dout)}\,{tex_matrix(ex.W)}",
        rf"\qquad = {tex_matrix(ex.dx)}",
        rf"dW = dout^\top x = {tex_matrix(ex.dW)}",
        rf"db = \sum_n dout_n = {tex_matrix(ex.db)}",
    )


def linear_entries(ex: LinearExample) -> str:
    """One entry of each gradient, term by term: the sum, then its terms and their total on the next line."""
    m = ex.W.shape[0]
    dx_terms = " + ".join(f"{tex_term(float(ex.dout[0, i]))} \\cdot {tex_term(float(ex.W[i, 0]))}" for i in range(m))
    dw_terms = " + ".join(
        f"{tex_term(float(ex.dout[n, 0]))} \\cdot {tex_term(float(ex.x[n, 0]))}" for n in range(ex.x.shape[0])
    )
    return stacked(
        r"dx_{1,1} = \sum_m dout_{1,m} W_{m,1}",
        rf"\qquad = {dx_terms} = {tex(float(ex.dx[0, 0]))}",
        r"dW_{1,1} = \sum_n dout_{n,1}\, x_{n,1}",
        rf"\qquad = {dw_terms} = {tex(float(ex.dW[0, 0]))}",
        r"db_1 = \sum_n dout_{n,1}",
        rf"\qquad = {tex_sum(ex.dout[:, 0])} = {tex(float(ex.db[0]))}",
    )


# ----------------------------------------------------------------------------- ReLU


def relu_backward(ex: ReluExample) -> str:
    return aligned(
        r"dx = dout \odot \mathbb{1}[x > 0]",
        rf"= {tex_matrix(ex.dout)} \odot {tex_matrix(ex.passes)}",
        rf"= {tex_matrix(ex.dx)}",
    )


def largest(values: np.ndarray) -> Cell:
    """The (first) cell of largest magnitude: the clearest entry to write out."""
    flat = int(np.argmax(np.abs(values)))
    return int(flat // values.shape[1]), int(flat % values.shape[1])


def first(mask: np.ndarray) -> Cell | None:
    """The first marked cell in row-major order, or None."""
    cells = np.argwhere(mask)
    return (int(cells[0][0]), int(cells[0][1])) if len(cells) else None


def relu_kink(ex: ReluExample) -> str | None:
    """At an input of exactly 0: the central difference averages the slopes 0 and 1."""
    cell = first(ex.x == 0.0)
    if cell is None:
        return None
    d = float(ex.dout[cell])
    return stacked(
        rf"\frac{{E(x + h\,e) - E(x - h\,e)}}{{2h}} = "
        rf"\frac{{\operatorname{{relu}}(h) - \operatorname{{relu}}(-h)}}{{2h}}\,{at('dout', cell)} "
        rf"= \frac{{h - 0}}{{2h}} \cdot {tex_term(d)} = {tex(float(ex.fd_dx[cell]))}",
        rf"{at('dx', cell)} = {at('dout', cell)} \cdot \mathbb{{1}}[{at('x', cell)} > 0] = {tex_term(d)} \cdot 0 = "
        rf"{tex(float(ex.dx[cell]))}",
    )


# ----------------------------------------------------------------------------- max pooling


MAX_POOL_RULE = stacked(
    r"out_{i,j} = \max_{(r,c) \in \text{window}(i,j)} x_{r,c}",
    r"dx_{r,c} = \sum_{(i,j):\ \operatorname{argmax}(i,j) = (r,c)} dout_{i,j}",
)


def max_pool_windows(ex: MaxPoolExample) -> str:
    """Each window: its maximum, and where its dout goes."""
    lines = []
    for i, j in np.ndindex(ex.out.shape):
        cell = (int(ex.rows[i, j]), int(ex.cols[i, j]))
        ties = int(ex.tie_counts[i, j])
        tie = rf"\ (\text{{first of {ties} equal}})" if ties > 1 else ""
        lines.append(
            rf"\text{{window }}({i + 1},{j + 1}):\ \max = {at('x', cell)} = {tex(float(ex.out[i, j]))}{tie}"
            rf"\ \Rightarrow\ {at('dx', cell)} \mathrel{{+}}= {at('dout', (i, j))} = {tex(float(ex.dout[i, j]))}"
        )
    return stacked(*lines)


def max_pool_sums(ex: MaxPoolExample) -> str | None:
    """Entries that are the maximum of several windows: their gradients add up."""
    lines = []
    for r, c in np.argwhere(ex.routed > 1):
        windows = [(i, j) for i, j in np.ndindex(ex.out.shape) if (ex.rows[i, j], ex.cols[i, j]) == (r, c)]
        names = " + ".join(at("dout", w) for w in windows)
        values = tex_sum([float(ex.dout[w]) for w in windows])
        lines.append(rf"{at('dx', (int(r), int(c)))} = {names} = {values} = {tex(float(ex.dx[r, c]))}")
    return stacked(*lines) if lines else None


def max_pool_tie(ex: MaxPoolExample) -> tuple[str, str] | None:
    """The first tied window: the backward gives the first maximum all of it, the finite difference
    half to each. Returns the LaTeX and the window's name, or None when no window has a tie."""
    for i, j in np.ndindex(ex.out.shape):
        if ex.tie_counts[i, j] < 2:
            continue
        r0, c0 = ex.window(i, j)
        window = ex.x[r0 : r0 + ex.kernel, c0 : c0 + ex.kernel]
        cells = [(r0 + int(a), c0 + int(b)) for a, b in np.argwhere(window == ex.out[i, j])]
        d = tex_term(float(ex.dout[i, j]))
        fd = ", ".join(rf"{at('fd', cell)} = {tex(float(ex.fd_dx[cell]))}" for cell in cells)
        lines = [
            rf"\text{{backward: }} {at('dx', cells[0])} \mathrel{{+}}= {at('dout', (i, j))} = {d}, \quad "
            + ", ".join(rf"{at('dx', cell)} \mathrel{{+}}= 0" for cell in cells[1:]),
            rf"\text{{finite difference: }} \frac{{h \cdot {at('dout', (i, j))} - 0}}{{2h}} = \tfrac12 \cdot {d}"
            rf"\ \text{{for each tied entry}}:\quad {fd}",
        ]
        return stacked(*lines), f"window ({i + 1}, {j + 1})"
    return None


# ----------------------------------------------------------------------------- dropout


def dropout_forward(ex: DropoutExample) -> str:
    if not ex.training:
        return r"\text{evaluation: } out = x, \qquad dx = dout \qquad (\text{no mask, no scaling})"
    return spaced(  # the product and its result on lines of their own: one line was wider than a projector's column
        rf"out = \frac{{x \odot m}}{{1 - p}}, \qquad "
        rf"\frac{{1}}{{1 - p}} = \frac{{1}}{{1 - {tex(ex.p)}}} = {tex(ex.scale)}",
        rf"dx = \frac{{dout \odot m}}{{1 - p}} = {tex_matrix(ex.dout)} \odot {tex_matrix(ex.scaled_mask)}",
        rf"\qquad = {tex_matrix(ex.dx)}",
    )


def dropout_expectation(ex: DropoutExample, cell: Cell, inverted: DropoutScheme) -> str:
    """E over masks of the training output at ``cell`` (``inverted``: its scheme): x, whatever p is."""
    x, p = float(ex.x[cell]), ex.p
    keep = tex(1.0 - p)
    return aligned(
        rf"\mathbb{{E}}_m[{at('out', cell)}] = (1 - p) \cdot \frac{{{at('x', cell)}}}{{1 - p}} + p \cdot 0 "
        rf"= {at('x', cell)}",
        rf"= {keep} \cdot \frac{{{tex(x)}}}{{{keep}}} + {tex(p)} \cdot 0 = {tex(inverted.train_mean)}",
        rf"\text{{average over {MASK_SAMPLES:,} masks: }} {tex(float(ex.mean_over_masks[cell]))}",
    )


def dropout_schemes_table(schemes: Sequence[DropoutScheme]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scheme": [s.name for s in schemes],
            "training output": [s.train for s in schemes],
            "mean over masks": [fmt(s.train_mean) for s in schemes],
            "evaluation output": [s.evaluation for s in schemes],
            "its value": [fmt(s.eval_out) for s in schemes],
            "same scale?": ["yes" if s.consistent else "no" for s in schemes],
        }
    )


# ----------------------------------------------------------------------------- batch norm


def bn_forward(ex: BatchNormExample) -> str:
    """The statistics of feature 1, written out."""
    col = ex.x[:, 0]
    n = ex.x.shape[0]
    centred = ex.centred[:, 0]
    stat = "batch" if ex.training else "running"
    lines = [
        r"\hat x_{n,f} = \frac{x_{n,f} - \mu_f}{\sqrt{\sigma^2_f + \varepsilon}}, \qquad out = \gamma \hat x + \beta"
    ]
    if ex.training:
        lines += [
            rf"\mu_1 = \frac{{1}}{{{n}}}\left({tex_sum(col)}\right) = {tex(float(ex.mean[0]))}",
            rf"\sigma^2_1 = \frac{{1}}{{{n}}}\left({' + '.join(f'{tex_term(float(v))}^2' for v in centred)}\right)",
            rf"\qquad = {tex(float(ex.var[0]))} \quad (\text{{biased: divided by }} N = {n})",
        ]
    else:
        lines.append(
            rf"\mu_1 = {tex(float(ex.mean[0]))},\quad \sigma^2_1 = {tex(float(ex.var[0]))}"
            rf"\quad (\text{{{stat} statistics, fixed}})"
        )
    lines.append(
        rf"\frac{{1}}{{\sqrt{{\sigma^2_1 + \varepsilon}}}} = \frac{{1}}{{\sqrt{{{tex(float(ex.var[0]))} + "
        rf"10^{{-5}}}}}} = {tex(float(ex.inv_std[0]))}"
    )
    return stacked(*lines)


BN_THREE_TERMS = (
    r"dx = \frac{1}{N}\,(\sigma^2 + \varepsilon)^{-1/2}\,\Big(N\,d\hat x - \sum_n d\hat x_n "
    r"- \hat x \sum_n d\hat x_n \odot \hat x_n\Big), \qquad d\hat x = dout \odot \gamma"
)


def bn_backward(ex: BatchNormExample) -> str:
    """The three-term form for feature 1, its numbers column by column (training)."""
    t = ex.terms
    if t is None:
        return bn_eval_backward(ex)
    x_hat_term = shown_values(t.x_hat_term, ex.terms_scale)  # float64's crumbs of a 0 are written 0
    dx = shown_values(ex.dx, ex.dx_scale)
    return aligned(
        r"dx_{:,1} = \frac{1}{N \sqrt{\sigma^2_1 + \varepsilon}}\Big(N\,d\hat x_{:,1} - \sum_n d\hat x_{n,1}"
        r" - \hat x_{:,1} \sum_n d\hat x_{n,1} \hat x_{n,1}\Big)",
        rf"= {tex(float(t.factor[0]))}\left({tex_column(t.n_dx_hat[:, 0])} - {tex_term(float(t.sum_dx_hat[0]))}"
        rf" - {tex_column(x_hat_term[:, 0])}\right)",
        rf"= {tex_column(dx[:, 0])}",
    )


def bn_eval_backward(ex: BatchNormExample) -> str:
    """Evaluation: the statistics are constants, the layer an affine map."""
    return aligned(
        r"dx = dout \odot \frac{\gamma}{\sqrt{\sigma^2_{\text{run}} + \varepsilon}}",
        rf"\frac{{\gamma}}{{\sqrt{{\sigma^2_{{\text{{run}}}} + \varepsilon}}}} = {tex_matrix(ex.eval_factor)} "
        r"\quad (\text{one number per feature})",
        rf"dx = {tex_matrix(ex.dx)}",
    )


def bn_parameter_gradients(ex: BatchNormExample) -> str:
    """dγ and dβ, and dγ's first entry term by term, at most four terms a line (a batch of eight on one
    line was wider than a projector's column)."""
    n = ex.x.shape[0]
    terms = [f"{tex_term(float(ex.dout[i, 0]))} \\cdot {tex_term(float(ex.x_hat[i, 0]))}" for i in range(n)]
    dgamma = shown_values(ex.dgamma, ex.dgamma_scale)[0]
    chunks = [" + ".join(terms[i : i + 4]) for i in range(0, n, 4)]
    sums = [rf"\qquad {'=' if i == 0 else '+'} {chunk}" for i, chunk in enumerate(chunks)]
    sums[-1] += rf" = {tex(float(dgamma[0]))}"
    return stacked(
        rf"d\gamma = \sum_n dout_n \odot \hat x_n = {tex_matrix(dgamma)}",
        r"d\gamma_1 = \sum_n dout_{n,1}\, \hat x_{n,1}",
        *sums,
        rf"d\beta = \sum_n dout_n = {tex_matrix(ex.dbeta)}",
    )


def bn_uniform(ex: BatchNormExample) -> str | None:
    """Why a dout equal for every example gives dx = 0 (training): the terms cancel."""
    t = ex.terms
    if t is None or not ex.uniform_upstream:
        return None
    n = ex.x.shape[0]
    return stacked(
        rf"d\hat x_n = d\hat x_1 \text{{ for every }} n:\quad \sum_n d\hat x_n = N\,d\hat x_n = {n}\,d\hat x_n"
        rf"\ \Rightarrow\ N\,d\hat x_n - \sum_m d\hat x_m = 0",
        rf"\sum_n d\hat x_n \odot \hat x_n = d\hat x_1 \odot \sum_n \hat x_n "
        rf"= d\hat x_1 \odot {tex_matrix(shown_values(ex.x_hat_sum, ex.x_hat_scale))} "
        rf"= {tex_matrix(shown_values(t.sum_dx_hat_x_hat, ex.terms_scale))}",
    )


def bn_feature_table(ex: BatchNormExample) -> pd.DataFrame:
    """Per feature: the statistics, the sums of the backward, and the parameter gradients."""
    rows: dict[str, list[str]] = {
        "feature": [str(f + 1) for f in range(ex.x.shape[1])],
        "μ": [fmt(float(v)) for v in ex.mean],
        "σ²": [fmt(float(v)) for v in ex.var],
        "1/√(σ² + ε)": [fmt(float(v)) for v in ex.inv_std],
        "γ": [fmt(float(v)) for v in ex.gamma],
        "β": [fmt(float(v)) for v in ex.beta],
    }
    if ex.terms is not None:
        rows["Σₙ dx̂ₙ"] = [fmt(float(v)) for v in ex.terms.sum_dx_hat]
        rows["Σₙ dx̂ₙ x̂ₙ"] = [fmt(float(v)) for v in shown_values(ex.terms.sum_dx_hat_x_hat, ex.terms_scale)[0]]
        rows["(1/N)(σ² + ε)^(−1/2)"] = [fmt(float(v)) for v in ex.terms.factor]
    rows["dγ"] = [fmt(float(v)) for v in shown_values(ex.dgamma, ex.dgamma_scale)[0]]
    rows["dβ"] = [fmt(float(v)) for v in ex.dbeta]
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- finite differences


FD_FORMULA = (
    r"\frac{\partial E}{\partial x_{r,c}} \approx \frac{E(x + h\,e_{r,c}) - E(x - h\,e_{r,c})}{2h},"
    rf"\qquad E = \sum out \odot dout,\quad h = 10^{{{int(np.log10(FD_STEP))}}}"
)


def check_table(
    name: str, backward: np.ndarray, numeric: np.ndarray, why: np.ndarray | None = None, reason: str = ""
) -> pd.DataFrame:
    """Every entry: the backward's value, the finite difference, their difference, and why they
    differ where they should (``why`` marks those entries, ``reason`` says why)."""
    cells = list(np.ndindex(backward.shape))
    label = [f"{name}[{', '.join(str(k + 1) for k in cell)}]" for cell in cells]
    table = pd.DataFrame(
        {
            "entry": label,
            "backward": [fmt(float(backward[cell]), 6) for cell in cells],
            "finite difference": [fmt(float(numeric[cell]), 6) for cell in cells],
            "difference": [fmt(float(abs(backward[cell] - numeric[cell])), 2) for cell in cells],
        }
    )
    if why is not None:
        table["note"] = [reason if why[cell] else "" for cell in cells]
    return table
