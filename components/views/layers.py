"""The Layers view: back-propagation through one layer at a time, on a small input the reader can edit.

Linear, ReLU, max-pool, dropout and batch norm, each as forward → output, upstream gradient →
input gradient, as annotated heatmaps with the formulas and their numbers, and a finite-difference
check that says where (ReLU's kink, a tie in a max-pool window) and why it must disagree.
All numbers come from ``core.layer_examples``; this module lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from components.content import layers_steps as steps
from components.controls import widget
from components.figures import layers as figures
from components.render import display
from components.render.numbers import fmt
from components.render.spec import Spec
from components.render.text import md, shown
from core.explanation import Explanation
from core.layer_examples import (
    INPUT_LIMIT,
    BatchNormExample,
    DropoutExample,
    base_input,
    clamp_cell,
    dropout_schemes,
    explain_batch_norm,
    explain_dropout,
    explain_linear,
    explain_max_pool,
    explain_relu,
    input_shape,
    output_shape,
    upstream,
)

INTRO = (
    "Back-propagation through one layer at a time, the way CS231n's `layers.py` writes it: the forward "
    "keeps what it needs, the backward turns the upstream gradient **dout = ∂E/∂out** into the gradient "
    "of the layer's input. Pick a layer, an input and an upstream gradient: every heatmap and formula "
    "below is computed from them and checked against finite differences. This tab has its own inputs: "
    "the sidebar's logits and classes are for the other tabs."
)
#: Heatmaps abreast in presenter mode.
PRESENTER_PER_ROW = 2
TITLES = {
    "linear": "Linear: out = x Wᵀ + b",
    "relu": "ReLU: out = max(x, 0)",
    "maxpool": "Max-pool: each window's maximum",
    "dropout": "Dropout: out = x ⊙ m / (1 − p)",
    "batchnorm": "Batch norm: out = γ x̂ + β",
}


@dataclass(frozen=True)
class Settings:
    """What the controls chose (the layer-specific ones keep their defaults when not drawn)."""

    layer: str
    preset: str
    seed: int
    dout: str
    cell: tuple[int, int]  # 0-based, as chosen (may lie outside a small output)
    kernel: int = 2
    p: float = 0.2
    training: bool = True
    mask_seed: int = 0
    n: int = 4
    f: int = 3


def _cell(text: str) -> tuple[int, int]:
    row, col = text.split(",")
    return int(row) - 1, int(col) - 1


def render_settings(layer: str) -> Settings:
    """The input, upstream-gradient and layer controls, in columns (stacked on a phone)."""
    specific = layer in ("maxpool", "dropout", "batchnorm")
    columns = st.columns(3 if specific else 2)
    preset = str(widget("lin", columns[0]))
    dout = str(widget("dout", columns[1]))
    seed = int(widget("lseed", columns[0], disabled=preset != "random" and dout != "random"))
    cell = _cell(str(widget("cell", columns[1]))) if dout == "onehot" else (0, 0)
    settings = Settings(layer, preset, seed, dout, cell)
    if layer == "maxpool":
        return Settings(layer, preset, seed, dout, cell, kernel=int(widget("pool", columns[2])))
    if layer == "dropout":
        p = float(widget("drop", columns[2]))
        training = widget("mode", columns[2]) == "train"
        mask_seed = int(widget("mseed", columns[2], disabled=not training))
        return Settings(layer, preset, seed, dout, cell, p=p, training=training, mask_seed=mask_seed)
    if layer == "batchnorm":
        n = int(widget("bn", columns[2]))
        f = int(widget("bf", columns[2]))
        training = widget("mode", columns[2]) == "train"
        return Settings(layer, preset, seed, dout, cell, training=training, n=n, f=f)
    return settings


def clean_grid(values: object, base: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The edited grid as numbers: an empty, non-numeric, non-finite or out-of-range cell gets a
    notice naming it and keeps the value it had before the edit."""
    frame = pd.DataFrame(values)
    numbers = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    grid = base.astype(np.float64).copy()
    notices: list[str] = []
    for r, c in np.ndindex(base.shape):
        value = numbers[r, c] if numbers.shape == base.shape else np.nan
        if np.isfinite(value) and abs(value) <= INPUT_LIMIT:
            grid[r, c] = value
            continue
        typed = frame.iat[r, c] if frame.shape == base.shape else None
        problem = "is empty" if typed is None or pd.isna(typed) else f"= {shown(str(typed))} cannot be used"
        notices.append(
            f"Input cell ({r + 1}, {c + 1}) {problem}: an input must be a number "
            f"from {-INPUT_LIMIT:g} to {INPUT_LIMIT:g}. Using {fmt(float(base[r, c]))}."
        )
    return grid + 0.0, notices


def render_input_editor(base: np.ndarray, key: str) -> np.ndarray:
    """The input, editable as a small table (session-only: the link keeps the preset and seed)."""
    columns = [str(c + 1) for c in range(base.shape[1])]
    frame = pd.DataFrame(base, columns=columns, index=[str(r + 1) for r in range(base.shape[0])])
    config = {
        c: st.column_config.NumberColumn(c, min_value=-INPUT_LIMIT, max_value=INPUT_LIMIT, required=True)
        for c in columns
    }
    with st.expander("Edit the input values"):
        display.caption(
            f"Type numbers from {-INPUT_LIMIT:g} to {INPUT_LIMIT:g}. Edits stay in this session only: the link "
            "keeps the layer, the preset and the seed, not typed values. A new preset, seed or size starts over."
        )
        edited = st.data_editor(frame, key=key, column_config=config, num_rows="fixed", width="stretch")
    grid, notices = clean_grid(edited, base)
    for notice in notices:
        st.warning(notice, icon="⚠️")
    return grid


def chart(spec: Spec, key: str) -> None:
    display.show_chart(spec, key=f"layers_{key}")


def row(*charts: tuple[Spec, str]) -> None:
    """Heatmaps side by side (one under the other on a phone; at most two abreast on a projector,
    where cells and their numbers are larger)."""
    per_row = PRESENTER_PER_ROW if display.presenting() else len(charts)
    for start in range(0, len(charts), per_row):
        group = charts[start : start + per_row]
        for column, (spec, key) in zip(st.columns(per_row), group, strict=False):
            with column:
                chart(spec, key)


def render_check(text: str, table: pd.DataFrame, worked: str | None = None) -> None:
    """The finite-difference check: the formula, what it found (``worked``: where it must differ, in
    LaTeX), the entries where it differs, and (for reading) every entry."""
    st.markdown("#### Check: finite differences")
    st.latex(steps.FD_FORMULA)
    st.markdown(text)
    if worked is not None:
        st.latex(worked)
    flagged = table[table["note"] != ""] if "note" in table else table.iloc[0:0]
    if len(flagged):
        display.table(flagged)
    if not display.presenting():
        with st.expander("Every entry of the check"):
            st.table(table, hide_index=True)


def notes_where(mask: np.ndarray, word: str) -> list[list[str]]:
    return [[word if mask[r, c] else "" for c in range(mask.shape[1])] for r in range(mask.shape[0])]


# ----------------------------------------------------------------------------- the layers


def render_linear(x: np.ndarray, dout: np.ndarray, _: Settings) -> None:
    ex = explain_linear(x, dout)
    st.markdown("#### Forward")
    st.latex(steps.linear_forward(ex))
    row((figures.heatmap(ex.x, "x (input)"), "x"), (figures.heatmap(ex.out, "out = xWᵀ + b"), "out"))
    st.markdown("#### Backward")
    row((figures.heatmap(ex.dout, "dout (upstream)"), "dout"), (figures.heatmap(ex.dx, "dx = dout W"), "dx"))
    row(
        (figures.heatmap(ex.dW, "dW = doutᵀ x"), "dW"),
        (figures.heatmap(ex.db, "db = Σₙ doutₙ"), "db"),
    )
    st.latex(steps.linear_backward(ex))
    st.markdown("One entry of each, term by term:")
    st.latex(steps.linear_entries(ex))
    display.caption(
        "dx goes on to the layer below; dW and db are what the optimiser steps with. Each example's row of dx "
        "depends only on its own row of dout, while dW and db sum over the batch."
    )
    table = pd.concat(
        [
            steps.check_table("dx", ex.dx, ex.fd_dx),
            steps.check_table("dW", ex.dW, ex.fd_dW),
            steps.check_table("db", ex.db, ex.fd_db),
        ]
    )
    render_check(
        f"The layer is linear, so the finite differences agree everywhere: the largest difference over dx, dW "
        f"and db is {fmt(ex.fd_error, 2)} (rounding).",
        table,
    )


def render_relu(x: np.ndarray, dout: np.ndarray, _: Settings) -> None:
    ex = explain_relu(x, dout)
    kinks = notes_where(ex.kink, "kink")
    st.markdown("#### Forward")
    row(
        (figures.heatmap(ex.x, "x (input)", notes=kinks), "x"),
        (figures.heatmap(ex.out, "out = max(x, 0)"), "out"),
    )
    st.markdown("#### Backward")
    row(
        (figures.heatmap(ex.dout, "dout (upstream)"), "dout"),
        (figures.heatmap(ex.dx, "dx = dout ⊙ 1[x > 0]", notes=kinks), "dx"),
    )
    st.latex(steps.relu_backward(ex))
    st.markdown(
        "The gradient passes where the input was positive and stops where it was not, "
        "**including at exactly 0**: the backward uses 1[x > 0], as PyTorch does."
    )
    text = f"Away from the kink the check agrees to {fmt(ex.smooth_error, 2)}."
    kink_latex = steps.relu_kink(ex)
    if kink_latex is not None:
        text += (
            " **At an input of exactly 0** it cannot: ReLU has a kink there, slope 0 on the left and 1 on the right. "
            "The central difference straddles it and averages the two slopes, giving ½ · dout, where the backward "
            "gives 0. Neither is wrong: any value between 0 and dout is a subgradient, and frameworks pick 0. "
            "A gradient check must skip such points."
        )
    elif ex.kink.any():
        text += " An input within h of 0 straddles the kink: the check differs there (noted in the table)."
    else:
        text += " No input is 0 here: choose the example input to see what a kink does to the check."
    render_check(text, steps.check_table("dx", ex.dx, ex.fd_dx, ex.kink, "x = 0: kink"), kink_latex)


def render_max_pool(x: np.ndarray, dout: np.ndarray, s: Settings) -> None:
    ex = explain_max_pool(x, dout, s.kernel)
    st.markdown("#### Forward")
    row(
        (figures.max_pool_input_figure(ex), "x"),
        (figures.max_pool_output_figure(ex, ex.out, "out: one per window"), "out"),
    )
    display.caption(
        "Each window is outlined in its own colour and dash, on the input and around its output cell. "
        "The cell a window's gradient goes to is labelled “max” (“max ×2”: the maximum of two windows); "
        "an equal value that the window passed over says “tie”."
    )
    uncovered = ex.covered == 0
    if uncovered.any():
        rows = sorted({int(r) + 1 for r in np.argwhere(uncovered.all(axis=1)).ravel()})
        cols = sorted({int(c) + 1 for c in np.argwhere(uncovered.all(axis=0)).ravel()})
        st.markdown(
            f"With kernel {ex.kernel} and stride {ex.stride} no window covers row {', '.join(map(str, rows))} "
            f"or column {', '.join(map(str, cols))} (no padding): those inputs never reach the output, and their "
            "gradient is 0."
        )
    st.markdown("#### Backward")
    row(
        (figures.max_pool_output_figure(ex, ex.dout, "dout, one per window"), "dout"),
        (figures.max_pool_dx_figure(ex), "dx"),
    )
    st.latex(steps.MAX_POOL_RULE)
    st.latex(steps.max_pool_windows(ex))
    sums = steps.max_pool_sums(ex)
    if ex.overlapping:
        st.markdown(
            f"**Overlapping windows.** Kernel {ex.kernel} with stride {ex.stride}: neighbouring windows share a "
            "row or a column. An input that is the maximum of several windows receives all their gradients, added."
        )
    if sums is not None:
        st.latex(sums)
    tie = steps.max_pool_tie(ex)
    text = f"Away from ties the check agrees to {fmt(ex.smooth_error, 2)}."
    if tie is not None:
        text += (
            f" **{tie[1].capitalize()} has a tie.** The backward gives the whole gradient to the first maximum "
            "in row-major order (left to right, then down), the rule PyTorch follows; other frameworks split it "
            "between the tied inputs or give it to every one of them. The maximum has no derivative at a tie: "
            "raising a tied input raises the output (slope 1), lowering it leaves the other in charge (slope 0). "
            "The central difference averages the two, ½ · dout to each tied input, so it disagrees with every "
            "such rule. Any split that adds up to dout is a valid subgradient."
        )
    else:
        text += " No window has a tie here: choose the example input to see one."
    render_check(
        text, steps.check_table("dx", ex.dx, ex.fd_dx, ex.near_tie, "tie: kink of max"), tie[0] if tie else None
    )


def render_dropout(x: np.ndarray, dout: np.ndarray, s: Settings) -> None:
    ex = explain_dropout(x, dout, s.p, s.training, s.mask_seed)
    dropped = notes_where(~ex.mask, "dropped")
    st.markdown("#### Forward")
    if ex.training:
        st.markdown(
            f"Training: each input is dropped with probability p = {fmt(ex.p)} (mask m from seed {s.mask_seed}), "
            f"and the kept ones are divided by 1 − p = {fmt(1.0 - ex.p)}, that is multiplied by {fmt(ex.scale)}."
        )
        row(
            (figures.heatmap(ex.x, "x (input)"), "x"),
            (figures.heatmap(ex.scaled_mask, "m / (1 − p)"), "mask"),
            (figures.heatmap(ex.out, "out = x ⊙ m/(1 − p)", notes=dropped), "out"),
        )
    else:
        st.markdown("Evaluation: no mask and no scaling. Dropout is the identity, forward and backward.")
        row((figures.heatmap(ex.x, "x (input)"), "x"), (figures.heatmap(ex.out, "out = x"), "out"))
    st.markdown("#### Backward")
    row(
        (figures.heatmap(ex.dout, "dout (upstream)"), "dout"),
        (figures.heatmap(ex.dx, "dx = dout ⊙ m/(1 − p)" if ex.training else "dx = dout", notes=dropped), "dx"),
    )
    st.latex(steps.dropout_forward(ex))
    if ex.training:
        st.markdown(
            "The backward multiplies by **the same mask** as the forward: a dropped input had no effect on the "
            "output, so it gets no gradient; a kept one passes its gradient on, scaled by the same 1 / (1 − p)."
        )
    render_dropout_expectation(ex)
    render_check(
        f"With the mask held fixed the layer is linear: the check agrees everywhere, to {fmt(ex.fd_error, 2)}.",
        steps.check_table("dx", ex.dx, ex.fd_dx),
    )


def render_dropout_expectation(ex: DropoutExample) -> None:
    cell = steps.largest(ex.x)
    x0 = float(ex.x[cell])
    schemes = dropout_schemes(x0, ex.p)
    st.markdown("#### Why evaluation needs no scaling")
    st.markdown(
        "Averaged over masks, the training output is the input itself: dividing by 1 − p makes up, on average, "
        f"for the share p that is dropped. With x = {fmt(x0)} (row {cell[0] + 1}, column {cell[1] + 1}):"
    )
    st.latex(steps.dropout_expectation(ex, cell, schemes[0]))
    st.markdown(
        f"So at evaluation the identity gives the network the scale it was trained on. The average of the "
        f"training output over {ex.samples:,} masks is within {fmt(ex.mean_error, 2)} of x on every input "
        "(sampling noise). Multiplying by 1 − p at test time belongs to the *original* dropout, which does not "
        "scale in training; ConvNetJS trains that way but multiplies by p at test time (`V2.w[i]*=this.drop_prob`), "
        f"which is right only when p = 0.5. At p = {fmt(ex.p)}:"
    )
    display.table(steps.dropout_schemes_table(schemes))


def render_batch_norm(x: np.ndarray, dout: np.ndarray, s: Settings) -> None:
    try:
        ex = explain_batch_norm(x, dout, s.training)
    except ValueError as error:
        st.warning(
            "**Batch norm cannot train on a batch of one.** With N = 1 the batch mean is the example itself, so "
            "x − μ = 0 and x̂ = 0 whatever x is: the output is β for every input, and no gradient reaches x. "
            f"PyTorch refuses it, and so does this page's core: “{md(str(error))}”. "
            "Add examples (N ≥ 2), or switch the mode to eval: it uses the running statistics and works for any N.",
            icon="ℹ️",
        )
        chart(figures.heatmap(x, "x (N × F)"), "x")
        return
    st.markdown("#### Forward")
    stats = "the batch's mean and biased variance" if ex.training else "the running mean and variance"
    st.markdown(
        f"Each feature (column) is normalised with {stats}, then scaled by γ and shifted by β "
        f"(ε = {fmt(ex.eps)} inside the square root)."
    )
    row(
        (figures.heatmap(ex.x, "x (N × F)"), "x"),
        (figures.heatmap(ex.x_hat, "x̂ (normalised)"), "x_hat"),
        (figures.heatmap(ex.out, "out = γ x̂ + β"), "out"),
    )
    st.latex(steps.bn_forward(ex))
    st.markdown("#### Backward")
    row(
        (figures.heatmap(ex.dout, "dout (upstream)"), "dout"),
        (figures.heatmap(ex.dx, "dx", zero_scale=ex.dx_scale), "dx"),
    )
    if ex.terms is not None:
        render_batch_norm_terms(ex)
    else:
        st.markdown(
            "In evaluation μ and σ² are fixed numbers (the running statistics kept from training), so batch norm "
            "is an affine map, x ↦ x · γ/√(σ² + ε) + (β − μ γ/√(σ² + ε)), and its backward a mere scaling:"
        )
        st.latex(steps.bn_eval_backward(ex))
    st.latex(steps.bn_parameter_gradients(ex))
    display.table(steps.bn_feature_table(ex))
    table = pd.concat(
        [
            steps.check_table("dx", ex.dx, ex.fd_dx),
            steps.check_table("dγ", ex.dgamma, ex.fd_dgamma),
            steps.check_table("dβ", ex.dbeta, ex.fd_dbeta),
        ]
    )
    render_check(f"The largest difference over dx, dγ and dβ is {fmt(ex.fd_error, 2)}.", table)


def render_batch_norm_terms(ex: BatchNormExample) -> None:
    terms = ex.terms
    assert terms is not None
    st.markdown(
        "In training μ and σ² depend on every example, so the gradient flows back through them too: "
        "that is the second and third term."
    )
    st.latex(steps.BN_THREE_TERMS)
    row(
        (figures.heatmap(terms.n_dx_hat, "N · dx̂"), "n_dx_hat"),
        (figures.heatmap(terms.sum_dx_hat, "Σₙ dx̂ₙ (via μ)", zero_scale=ex.terms_scale), "sum_dx_hat"),
        (figures.heatmap(terms.x_hat_term, "x̂ ⊙ Σₙ dx̂ₙx̂ₙ (via σ²)", zero_scale=ex.terms_scale), "x_hat_term"),
    )
    display.caption("dx = (1/N)(σ² + ε)^(−1/2) · (first − second − third), feature by feature (column by column).")
    st.latex(steps.bn_backward(ex))
    uniform = steps.bn_uniform(ex)
    if uniform is not None:
        st.markdown(
            "**A uniform upstream gradient gives dx = 0.** Every example receives the same dout, so the first two "
            "terms cancel, and the third is 0 because x̂ sums to 0 over the batch. Shifting every output of a "
            "feature by the same amount is exactly what β does; x cannot change it, since batch norm subtracts "
            f"the mean. (float64 leaves crumbs of rounding, here up to {fmt(float(np.max(np.abs(ex.dx))), 2)} in dx, "
            "written as the 0 they are.)"
        )
        st.latex(uniform)


RENDERERS: dict[str, Callable[[np.ndarray, np.ndarray, Settings], None]] = {
    "linear": render_linear,
    "relu": render_relu,
    "maxpool": render_max_pool,
    "dropout": render_dropout,
    "batchnorm": render_batch_norm,
}


def render(expl: Explanation) -> None:
    """Draw the chosen layer: controls, input, forward, backward, formulas and the check."""
    del expl  # this view has its own inputs
    if not display.presenting():
        st.markdown(INTRO)
    layer = str(widget("layer"))
    settings = render_settings(layer)
    st.subheader(TITLES[layer])
    shape = input_shape(layer, settings.n, settings.f)
    base = base_input(layer, settings.preset, settings.seed, shape)
    seed_part = f"_{settings.seed}" if settings.preset == "random" else ""
    x = render_input_editor(base, key=f"layers_edit_{layer}_{settings.preset}{seed_part}_{shape[0]}x{shape[1]}")
    out_shape = output_shape(layer, shape, settings.kernel)
    cell = clamp_cell(settings.cell, out_shape)
    if settings.dout == "onehot" and cell != settings.cell:
        st.markdown(
            f"Cell {settings.cell[0] + 1},{settings.cell[1] + 1} lies outside this layer's {out_shape[0]} × "
            f"{out_shape[1]} output: the one-hot 1 is in cell {cell[0] + 1},{cell[1] + 1}."
        )
    dout = upstream(settings.dout, out_shape, settings.seed, cell)
    RENDERERS[layer](x, dout, settings)
