"""The explorer view: probabilities, loss and gradient arrows for the current state."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, display, formulas
from components.numbers import fmt, fmt_probability, fmt_signed
from components.text import md
from core.explanation import Explanation


def numbers_table(expl: Explanation) -> pd.DataFrame:
    """Every number of the view in one table, one row per class (all strings, formatted once)."""
    return pd.DataFrame(
        {
            "class": [md(label) + (" (true)" if i == expl.target else "") for i, label in enumerate(expl.state.labels)],
            "logit z": [fmt(float(v)) for v in expl.z],
            "p = softmax(z)": [fmt_probability(p, q) for p, q in zip(expl.p, expl.one_minus_p, strict=True)],
            "y": [str(int(v)) for v in expl.y],
            "∂E/∂z = p − y": [fmt(float(v)) for v in expl.grad],
            "step direction −∂E/∂z": [fmt_signed(float(v)) for v in expl.descent],
        }
    )


def headline(expl: Explanation) -> None:
    true_label = md(expl.state.label(expl.target))
    predicted_label = md(expl.state.label(expl.predicted))
    cols = st.columns(3)
    cols[0].metric("Cross-entropy loss E", fmt(expl.loss))
    cols[1].metric(f"p of the true class ({true_label})", fmt_probability(expl.p_target, expl.one_minus_p[expl.target]))
    verdict = "right" if expl.is_correct else "wrong"
    cols[2].metric(
        "Network predicts",
        predicted_label,
        f"{verdict}: true class is {true_label}",
        delta_color="normal" if expl.is_correct else "inverse",
        delta_arrow="off",
    )


def render(expl: Explanation) -> None:
    """Draw the explorer: headline numbers, the three charts with their formulas, the table."""
    headline(expl)
    left, right = st.columns(2, gap="large")
    with left:
        display.show_chart(charts.probability_figure(expl), key="chart_p")
        st.latex(formulas.probabilities_sum(expl))
        display.caption("The outputs of the softmax are positive and always sum to 1.")
    with right:
        display.show_chart(charts.gradient_figure(expl), key="chart_grad")
        st.latex(formulas.descent_sum(expl))
        display.caption(
            "A descent step pushes the true class's logit up by 1 − p and every other logit down "
            "by its own probability p; the pushes cancel, so the arrows sum to 0."
        )
    left, right = st.columns(2, gap="large")
    with left:
        display.show_chart(charts.loss_curve_figure(expl), key="chart_loss")
        st.latex(formulas.loss_value(expl))
    with right:
        st.markdown("#### The gradient, class by class")
        st.latex(formulas.gradient_vector(expl))
        display.table(numbers_table(expl))
