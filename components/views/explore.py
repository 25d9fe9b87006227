"""The explorer view: probabilities, loss and gradient arrows for the current state."""

from __future__ import annotations

import streamlit as st

from components.content import formulas, prediction
from components.controls.presets import set_logits
from components.controls.sidebar import logit_scale
from components.figures import explore as charts
from components.live import Headline, Sliders, live_headline, live_logits
from components.render import display
from components.render.numbers import fmt, fmt_probability, fmt_signed
from components.render.text import md
from core.explanation import Explanation


def numbers_table(expl: Explanation) -> dict[str, list[str]]:
    """Every number of the view in one table, one row per class (all strings, formatted once)."""
    return {
        "class": [md(label) + (" (true)" if i == expl.target else "") for i, label in enumerate(expl.state.labels)],
        "logit z": [fmt(float(v)) for v in expl.z],
        "p = softmax(z)": [fmt_probability(p, q) for p, q in zip(expl.p, expl.one_minus_p, strict=True)],
        "y": [str(int(v)) for v in expl.y],
        "∂E/∂z = p − y": [fmt(float(v)) for v in expl.grad],
        "step direction −∂E/∂z": [fmt_signed(float(v)) for v in expl.descent],
    }


def headline_numbers(expl: Explanation) -> Headline:
    """The loss, p of the true class and the prediction, as the headline shows them (plain text)."""
    state = expl.state
    return Headline(
        loss=fmt(expl.loss),
        p_true=fmt_probability(expl.p_target, float(expl.one_minus_p[expl.target])),
        target=expl.target,
        predicted=expl.predicted,
        labels=state.labels,
        verdict=prediction.plain_verdict(expl),
        tone="tie" if expl.is_tie else "right" if expl.is_correct else "wrong",
        named=tuple(i < len(state.names) and bool(state.names[i]) for i in range(state.n_classes)),
    )


def headline(expl: Explanation) -> None:
    """The loss, p of the true class and the prediction; they follow a moving logit like the charts."""
    live_headline(headline_numbers(expl), key="live_headline", present=display.presenting())


def logit_sliders(expl: Explanation) -> None:
    """The live logit sliders, right under the probability chart (one viewport on a phone): the charts
    follow them while a hand moves one; on release they write the sidebar's z1 … z10 (and so the URL),
    as a preset does, and Python redraws every number."""
    state = expl.state
    scale = logit_scale()
    live_logits(
        Sliders(values=tuple(v / scale for v in state.z), scale=scale),
        target=expl.target,
        labels=[f"z{i + 1} · {label}" if state.names else f"z{i + 1}" for i, label in enumerate(state.labels)],
        key="live_logits",
        on_commit=set_logits,
        present=display.presenting(),
    )


def _listed(expl: Explanation, values: list[str]) -> str:
    names = [md(label) + (" (true)" if i == expl.target else "") for i, label in enumerate(expl.state.labels)]
    return "; ".join(f"{name} {value}" for name, value in zip(names, values, strict=True))


def probability_summary(expl: Explanation) -> str:
    """The bar chart in words: a text alternative for readers who cannot see it."""
    values = [fmt_probability(p, q) for p, q in zip(expl.p, expl.one_minus_p, strict=True)]
    return (
        f"Chart: one bar per class, p on a 0–1 axis. {_listed(expl, values)}. "
        f"{prediction.highest(expl)} The outputs are positive and always sum to 1."
    )


def gradient_summary(expl: Explanation) -> str:
    moves = [f"{'up' if d > 0 else 'down' if d < 0 else 'still'} {fmt(abs(float(d)))}" for d in expl.descent]
    return (
        f"Chart: one arrow per logit, the step −∂E/∂z. {_listed(expl, moves)}. A descent step pushes the "
        "true class's logit up by 1 − p and every other logit down by its own p; the pushes cancel, so the "
        "arrows sum to 0."
    )


def loss_summary(expl: Explanation) -> str:
    p = fmt_probability(expl.p_target, float(expl.one_minus_p[expl.target]))
    return (
        f"Chart: the curve E = −ln p, with the current point at p = {p}, E = {fmt(expl.loss)}. "
        "The curve is 0 at p = 1 and rises without bound as p falls to 0."
    )


def render(expl: Explanation) -> None:
    """Draw the explorer: headline numbers, the three charts with their formulas, the table."""
    headline(expl)
    left, right = st.columns(2, gap="large")
    with left:
        display.show_chart(charts.probability_figure(expl), key="chart_p", follow="p")
        logit_sliders(expl)
        st.latex(formulas.probabilities_sum(expl))
        display.caption(probability_summary(expl))
    with right:
        display.show_chart(charts.gradient_figure(expl), key="chart_grad", follow="grad")
        st.latex(formulas.descent_sum(expl))
        display.caption(gradient_summary(expl))
    left, right = st.columns(2, gap="large")
    with left:
        display.show_chart(charts.loss_curve_figure(expl), key="chart_loss", follow="loss")
        st.latex(formulas.loss_value(expl))
        display.caption(loss_summary(expl))
    with right:
        st.markdown("#### The gradient, class by class")
        st.latex(formulas.gradient_vector(expl))
        display.table(numbers_table(expl))
