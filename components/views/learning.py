"""The learning view: gradient descent on the logits, animated; the landscape; the simplex."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.controls import descent, widget
from components.figures import landscape
from components.figures.descent import descent_figure
from components.render import display
from components.render.numbers import fmt, fmt_signed
from components.render.text import md
from core.dynamics import Learning, Trajectory, descend, learn
from core.explanation import Explanation, State

#: A labelled slider is this tall once its code has loaded; until then Streamlit draws a 40 px placeholder.
#: The buttons beside the sliders sit on a spacer that makes the row this tall from the first paint, so
#: the page below does not jump when the sliders arrive (layout shift).
SLIDER_ROW_HEIGHT = 68
BUTTON_HEIGHT = 40
ELEMENT_GAP = 16


@dataclass(frozen=True)
class LearningSettings:
    """The descent's settings: learning rate and number of steps."""

    learning_rate: float
    steps: int


@dataclass(frozen=True)
class LandscapeAxes:
    """The landscape's two logits (0-based), and why they differ from those chosen, if they do."""

    i: int
    j: int
    note: str | None = None


def render_learning_controls(state: State) -> LearningSettings:
    """Learning rate, number of steps, one-step and undo buttons."""
    rate_col, steps_col, step_col, undo_col = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
    learning_rate = float(widget("lr", rate_col))
    steps = int(widget("steps", steps_col))
    taken = descent.steps_taken(state.z)
    for col in (step_col, undo_col):
        col.space(SLIDER_ROW_HEIGHT - BUTTON_HEIGHT - ELEMENT_GAP)
    step_col.button(
        "Take one step ▶",
        on_click=descent.take_step,
        args=(state.z, state.target, learning_rate),
        help="Moves the logits in the sidebar by −η (p − y); the link follows.",
        width="stretch",
    )
    undo_col.button(
        f"Undo {taken} step{'s' if taken != 1 else ''}" if taken else "Undo steps",
        on_click=descent.undo_steps,
        disabled=taken == 0,
        help="Back to the logits before the first step.",
        width="stretch",
    )
    return LearningSettings(learning_rate, steps)


def render_landscape_axes(state: State) -> LandscapeAxes:
    """The two logits across and up on the landscape (drawn just above it)."""
    n = state.n_classes
    left, right = st.columns(2)
    i = int(widget("zi", left, n_classes=n))
    j = int(widget("zj", right, n_classes=n))
    note = None
    if i == j:
        j = i % n + 1
        note = f"Both axes were logit {i}: showing z{i} across and z{j} up."
    return LandscapeAxes(i - 1, j - 1, note)


def descent_summary(state: State, tr: Trajectory, learning_rate: float) -> str:
    """What the animation shows, in words and numbers (also the chart's text alternative)."""
    steps = tr.z.shape[0] - 1
    k = state.target
    true_label = md(state.label(k))
    rise = float(tr.z[-1, k] - tr.z[0, k])
    last_step = float(tr.z[-1, k] - tr.z[-2, k]) if steps else 0.0
    return (
        f"In {steps} steps with η = {fmt(learning_rate)}, the loss falls from "
        f"**{fmt(float(tr.loss[0]))}** to **{fmt(float(tr.loss[-1]))}** and the probability of "
        f"{true_label} rises from {fmt(float(tr.p[0, k]))} to {fmt(float(tr.p[-1, k]))}. "
        f"The loss never reaches 0: each step moves the true logit z{k + 1} up by η(1 − p), "
        f"which shrinks but stays positive (the last step: {fmt_signed(last_step)}; "
        f"in total {fmt_signed(rise)}). With a one-hot target the true logit grows without bound "
        "while the others sink; their sum never changes, because the gradient's entries sum to 0."
    )


def landscape_summary(state: State, result: Learning) -> str:
    i, j = result.i, result.j
    path = result.path
    return (
        f"The colours are the loss over z{i + 1} and z{j + 1}, the other logits held at their values; "
        "contour labels give E. The white arrows point the way gradient descent moves, −∂E/∂z, "
        "and are long where the loss is steep. "
        f"The path from **now** ({fmt(float(path.z[0, i]))}, {fmt(float(path.z[0, j]))}) follows them to "
        f"({fmt(float(path.z[-1, i]))}, {fmt(float(path.z[-1, j]))}), where E = {fmt(float(path.loss[-1]))}. "
        "Only these two logits move on this path, so it stays on the surface drawn."
    )


def simplex_summary(state: State, result: Learning) -> str:
    sx = result.simplex
    true_label, rival_label = md(state.label(sx.true_class)), md(state.label(sx.rival))
    if len(sx.rest) == 1:
        corners = f"the third corner is {md(state.label(sx.rest[0]))}"
        regions = " Dashed lines split the triangle by the predicted class."
    elif sx.rest:
        corners = f"the third corner adds up the other {len(sx.rest)} classes"
        regions = ""
    else:
        corners = "with two classes there is no third corner, so every point lies on the bottom-left edge"
        regions = ""
    start, end = sx.path[0], sx.path[-1]
    return (
        f"Every point is a probability vector: the top corner is {true_label} (true), bottom left its "
        f"strongest rival {rival_label}; {corners}. Dotted lines join points of equal loss: since "
        f"E = −ln p of {true_label}, they are straight, parallel to the bottom edge.{regions} "
        f"The trajectory goes from p = {fmt(float(start[0]))} to {fmt(float(end[0]))} for {true_label}, "
        "always towards the top corner, which it never reaches; × marks where it stops."
    )


def render(expl: Explanation) -> None:
    """Draw the learning view for the sidebar's logits and true class.

    Top to bottom in the order the script runs, so nothing is inserted above what is already drawn:
    the descent first (its own numbers), then the landscape's axes beside the landscape, then the
    landscape and the simplex.
    """
    state = expl.state
    display.reading(
        "Gradient descent moves every logit against its gradient: **z ← z − η (p − y)**. "
        "Press ▶ Play to watch many steps (they run in your browser), or take one step at a time: "
        "the sidebar's logits follow."
    )
    settings = render_learning_controls(state)
    tr = descend(state.z, state.target, settings.learning_rate, settings.steps)
    st.subheader("1. Gradient descent on the logits")
    figure = descent_figure(state, tr, settings.learning_rate)
    display.show_chart(figure, key="chart_descent")
    display.reading(descent_summary(state, tr, settings.learning_rate))
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("2. The loss landscape")
        axes = render_landscape_axes(state)
        if axes.note:
            st.info(axes.note, icon="ℹ️")
    result = learn(state.z, state.target, settings.learning_rate, settings.steps, axes.i, axes.j)
    with left:
        display.show_chart(landscape.landscape_figure(state, result), key="chart_landscape")
        display.caption(landscape_summary(state, result))
    with right:
        st.subheader("3. The probability simplex")
        display.show_chart(landscape.simplex_figure(state, result), key="chart_simplex")
        display.caption(simplex_summary(state, result))
