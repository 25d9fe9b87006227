"""The compare view: temperature, label smoothing, squared error and log-sum-exp, for the sidebar's logits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.content.formulas import aligned, stacked, tex_row
from components.controls import widget
from components.figures import compare
from components.render import display
from components.render.numbers import fmt, tex, tex_probability
from components.render.text import md
from core import grad_logits, softmax, softmax_parts
from core.comparisons import (
    SHIFTS,
    LogSumExpDemo,
    argmax_limit,
    compare_smoothing,
    gradient_norms,
    log_sum_exp_demo,
    naive_nan_shifts,
    shift_difference,
    shift_sweep,
    temperature_sweep,
)
from core.dynamics import gradient_norms_when_wrong, smoothed_target
from core.explanation import Explanation, State

#: Shifts shown in the shift-invariance table.
INVARIANCE_SHIFTS = (-5.0, 10.0, 100.0)
#: Gaps of the squared-error comparison.
GAPS = np.linspace(0.0, 10.0, 201)


def _row(values: np.ndarray, keep: int) -> str:
    return tex_row([tex(float(v)) for v in values], keep=[keep])


def render_temperature(state: State) -> None:
    st.subheader("1. Temperature T")
    st.markdown(
        "Dividing the logits by a temperature **T** before the softmax sharpens (T < 1) or flattens (T > 1) "
        "the outputs. As T → 0 all the probability goes to the largest logit (the argmax); as T → ∞ every "
        "class gets 1/H. The gradient of the loss picks up a factor 1/T."
    )
    temperature = float(widget("T"))
    z = np.asarray(state.z)
    k = state.target
    parts = softmax_parts(z, temperature)
    p, one_minus_p = parts.probabilities(), parts.one_minus_probabilities()
    grad = grad_logits(z, k, temperature)
    figure = compare.temperature_figure(state, temperature_sweep(z), argmax_limit(z), temperature)
    display.show_chart(figure, key="chart_temperature")
    t = tex(temperature)
    p_texts = [tex_probability(float(a), float(b)) for a, b in zip(p, one_minus_p, strict=True)]
    diff_terms = tex_row([text + (" - 1" if i == k else "") for i, text in enumerate(p_texts)], keep=[k])
    p_terms = tex_row(p_texts, keep=[k])
    st.latex(aligned(rf"p = \operatorname{{softmax}}(z / T) = \operatorname{{softmax}}(z / {t})", f"= {p_terms}"))
    st.latex(
        aligned(
            r"\frac{\partial E}{\partial z} = \frac{p - y}{T}",
            rf"= \frac{{1}}{{{t}}}{diff_terms}",
            f"= {_row(grad, k)}",
        )
    )
    st.markdown(
        f"At T = {fmt(temperature)} the true class ({md(state.label(k))}) has p = {fmt(float(p[k]))} and "
        f"its gradient is {fmt(float(grad[k]))}. Squares at the left edge of the chart mark the argmax limit."
    )
    st.markdown("**Only differences between logits matter.** Adding the same c to every logit changes nothing:")
    rows = [
        {
            "shift c": fmt(c),
            "softmax(z + c)": ", ".join(fmt(float(v)) for v in softmax(z + c)),
            "largest change from softmax(z)": fmt(shift_difference(z, c)),
        }
        for c in INVARIANCE_SHIFTS
    ]
    display.table(pd.DataFrame(rows))
    display.caption(
        "e^(z_i + c) = e^c · e^(z_i): the factor e^c cancels between numerator and sum. The tiny changes "
        "left come from rounding z + c to float64, not from the softmax. Temperature is different: "
        "dividing by T scales the differences, so it changes p."
    )


def render_smoothing(state: State) -> None:
    st.subheader("2. Label smoothing")
    st.markdown(
        "With a one-hot target, p − y only reaches 0 when p of the true class is exactly 1, which needs an "
        "infinite logit gap: descent pushes forever. Label smoothing aims at **y′ = (1 − ε) y + ε / H** instead, "
        "which a finite gap reaches."
    )
    epsilon = float(widget("eps"))
    n, k = state.n_classes, state.target
    comparison = compare_smoothing(state.z, k, epsilon)
    y_soft = smoothed_target(k, n, epsilon)
    display.show_chart(compare.smoothing_figure(state, comparison), key="chart_smoothing")
    steps = comparison.hard.z.shape[0] - 1
    hard_end = (fmt(float(comparison.gap_hard[-1])), fmt(float(comparison.norm_hard[-1])))
    soft_end = (fmt(float(comparison.gap_soft[-1])), fmt(float(comparison.norm_soft[-1])))
    if epsilon == 0.0:
        st.markdown("With ε = 0 the smoothed target is the one-hot target, so both runs are the same. Move ε.")
        return
    st.latex(
        stacked(
            rf"y' = {tex_row([tex(float(v)) for v in y_soft], keep=[k])}",
            r"p = y' \text{ at gap } \ln\frac{1 - \varepsilon + \varepsilon/H}{\varepsilon / H}"
            rf" = \ln\frac{{{tex(float(y_soft[k]))}}}{{{tex(epsilon / n)}}} = {tex(comparison.target_gap)}",
        )
    )
    st.markdown(
        f"After {steps} steps the one-hot run has gap {hard_end[0]} and gradient size {hard_end[1]}, still "
        f"growing and still pushing; the smoothed run has gap {soft_end[0]} and gradient size {soft_end[1]}: "
        "it has arrived, and its logits stay bounded."
    )


def render_squared_error(state: State) -> None:
    st.subheader("3. Why not squared error on the softmax?")
    ce, se = gradient_norms_when_wrong(GAPS)
    left, right = st.columns([3, 2], gap="large")
    with left:
        display.show_chart(compare.squared_error_figure(GAPS, ce, se), key="chart_squared_error")
    with right:
        st.markdown(
            "Three classes, true class 1, logits (0, gap, 0): the larger the gap, the more confident the model "
            f"is in the wrong class. Cross-entropy's gradient p − y stays near √2 = {fmt(float(np.sqrt(2.0)))}: "
            f"at gap 10 it is **{fmt(float(ce[-1]))}**. The squared error Σ(p − y)² is multiplied by the "
            "softmax's Jacobian, whose entries p(1 − p) vanish when p saturates: its gradient falls to "
            f"**{fmt(float(se[-1]))}** at gap 10."
        )
        st.markdown(
            "So a model that is confidently wrong learns *fastest* under cross-entropy and barely at all "
            "under squared error: the ln in the loss cancels the exponential in the softmax, leaving p − y."
        )
        ce_now, se_now = gradient_norms(state.z, state.target)
        st.markdown(
            f"For the logits in the sidebar: |∂E/∂z| = **{fmt(ce_now)}** for cross-entropy, "
            f"**{fmt(se_now)}** for squared error."
        )


def _exp_text(value: float) -> str:
    return "∞ (overflow)" if value == np.inf else "0 (underflow)" if value == 0.0 else fmt(value)


def _naive_p_text(demo: LogSumExpDemo, value: float) -> str:
    if not np.isnan(value):
        return fmt(value)
    return "NaN (∞/∞)" if np.isinf(demo.naive_exp).any() else "NaN (0/0)"


def render_log_sum_exp(state: State) -> None:
    st.subheader("4. Why log-sum-exp")
    st.markdown(
        "Written as it reads, e^z / Σ e^z breaks for large logits: float64 holds e^x only up to x ≈ 709.78, "
        "and e^x rounds to 0 below x ≈ −745.13. The stable form subtracts the largest logit m first, "
        "which changes nothing (only differences matter) and keeps every exponent ≤ 0."
    )
    shift = int(widget("c"))
    k = state.target
    demo = log_sum_exp_demo(state.z, shift)
    nan_below, nan_above = naive_nan_shifts(state.z)
    naive, stable = shift_sweep(state.z, k)
    figure = compare.log_sum_exp_figure(SHIFTS, naive, stable, nan_below, nan_above, shift, state.label(k))
    left, right = st.columns([3, 2], gap="large")
    with left:
        display.show_chart(figure, key="chart_log_sum_exp")
    with right:
        table = pd.DataFrame(
            {
                "class": [md(label) for label in state.labels],
                "z + c": [fmt(float(v)) for v in demo.shifted],
                "naive e^(z+c)": [_exp_text(float(v)) for v in demo.naive_exp],
                "naive p": [_naive_p_text(demo, float(v)) for v in demo.naive_p],
                "stable p": [fmt(float(v)) for v in demo.stable_p],
            }
        )
        st.table(table, hide_index=True)
        st.latex(
            stacked(
                rf"m = \max_i (z_i + c) = {tex(demo.largest)}",
                r"\ln \textstyle\sum_i e^{z_i + c} = m + \ln \sum_i e^{z_i + c - m}",
                rf"\quad = {tex(demo.lse)}",
                r"p_k = e^{\,z_k + c - \ln \sum_i e^{z_i + c}}",
                r"\quad \text{(every exponent} \le 0)",
            )
        )
        display.caption(
            f"The naive form gives numbers only for c between {fmt(nan_below)} and {fmt(nan_above)} here. "
            "In this app the naive form exists only inside this demonstration."
        )


def render(expl: Explanation) -> None:
    """Draw the four comparisons for the sidebar's logits and true class."""
    display.reading("Four variations on the same softmax and loss, each for the logits and true class in the sidebar.")
    render_temperature(expl.state)
    render_smoothing(expl.state)
    render_squared_error(expl.state)
    render_log_sum_exp(expl.state)
