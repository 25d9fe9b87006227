"""Predict, then reveal: questions about the current logits, answered with the live numbers."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from components.render.numbers import fmt, fmt_signed
from components.render.text import md
from core import cross_entropy
from core.dynamics import descend
from core.explanation import Explanation

QUIZ_LEARNING_RATE = 1.0


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    options: tuple[str, ...]
    answers: tuple[int, ...]  # indices into options: each is right (more than one when options tie)
    explain: Callable[[], None]  # draws the reveal, with the live numbers

    @property
    def answer_text(self) -> str:
        shown = [f"**{self.options[i]}**" for i in self.answers]
        return shown[0] if len(shown) == 1 else " and ".join([", ".join(shown[:-1]), shown[-1]]) + " (a tie)"


def gradient_question(expl: Explanation) -> Question:
    labels = [md(label) for label in expl.state.labels]
    options = (*labels, "none of them", "more than one")
    # -0.0 counts: 1 - p of a true class beyond float64's digits is a negative number that reads 0
    negative = [i for i, g in enumerate(expl.grad) if math.copysign(1.0, float(g)) < 0.0]
    answer = negative[0] if len(negative) == 1 else (len(labels) if not negative else len(labels) + 1)

    def value(g: float) -> str:
        return "−0 (negative, below float64's smallest number)" if g == 0.0 and math.copysign(1.0, g) < 0 else fmt(g)

    def explain() -> None:
        values = ", ".join(f"{labels[i]}: {value(float(g))}" for i, g in enumerate(expl.grad))
        st.markdown(
            f"∂E/∂z = p − y = ({values}). Only the true class, {labels[expl.target]}, is negative: its entry is "
            f"p − 1 < 0 because p < 1. Every other entry is p − 0 = p > 0. Always exactly one, whatever the logits."
        )

    return Question(
        "quiz_gradient", "Which component of the gradient ∂E/∂z = p − y is negative?", options, (answer,), explain
    )


def step_question(expl: Explanation) -> Question:
    labels = [md(label) for label in expl.state.labels]
    run = descend(expl.z, expl.target, QUIZ_LEARNING_RATE, 1)
    change = run.p[1] - run.p[0]
    # Classes with equal logits (and equal roles) rise by exactly the same amount: each of them is right.
    answers = tuple(int(i) for i in np.flatnonzero(change == change.max()))
    if change.max() <= 0.0:  # p already 1 and 0 to float64's digits: only the true class can rise, out of sight
        answers = (expl.target,)
    gainers = " and ".join(labels[i] for i in answers)

    def explain() -> None:
        st.table(
            pd.DataFrame(
                {
                    "class": labels,
                    "p now": [fmt(float(v)) for v in run.p[0]],
                    "p after one step": [fmt(float(v)) for v in run.p[1]],
                    "change": [fmt_signed(float(v)) for v in change],
                }
            ),
            hide_index=True,
        )
        st.markdown(
            f"The step z ← z − {fmt(QUIZ_LEARNING_RATE)}·(p − y) raises the true logit by 1 − p and lowers each other "
            f"logit by its own p. Here {gainers} {'gains' if len(answers) == 1 else 'tie, each gaining'} most "
            f"({fmt_signed(float(change[answers[0]]))}); "
            f"the loss goes from {fmt(float(run.loss[0]))} to {fmt(float(run.loss[1]))}."
        )

    return Question(
        "quiz_step",
        f"After one gradient-descent step (η = {fmt(QUIZ_LEARNING_RATE)}), which probability rises the most?",
        tuple(labels),
        answers,
        explain,
    )


def uniform_question(expl: Explanation) -> Question:
    n = expl.n_classes
    loss = float(cross_entropy(np.zeros(n), expl.target))
    options = ("0", "1", f"ln H = ln {n}", f"1/H = 1/{n}", f"H = {n}")

    def explain() -> None:
        st.markdown(
            f"Equal logits give every class p = 1/H = {fmt(1.0 / n)}, so E = −ln(1/H) = ln H = ln {n} = "
            f"**{fmt(loss)}**, whichever class is true. It is the loss of a model that knows nothing: "
            "a useful first check of any classifier's initial loss."
        )

    return Question(
        "quiz_uniform", f"With H = {n} classes and all logits equal, what is the loss E?", options, (2,), explain
    )


def _reveal(key: str) -> None:
    st.session_state[f"{key}_revealed"] = True


def _reset(keys: Sequence[str]) -> None:
    for key in keys:
        st.session_state.pop(f"{key}_revealed", None)
        st.session_state[key] = None


def render_question(number: int, q: Question) -> None:
    st.subheader(f"Question {number}")
    choice = st.radio(
        q.prompt, options=range(len(q.options)), format_func=lambda i: q.options[i], index=None, key=q.key
    )
    if not st.session_state.get(f"{q.key}_revealed"):
        st.button("Reveal the answer", key=f"{q.key}_button", on_click=_reveal, args=(q.key,))
        return
    if choice is None:
        st.info(f"The answer: {q.answer_text}.", icon="💡")
    elif choice in q.answers:
        st.success(f"Right: {q.answer_text}.", icon="✅")
    else:
        st.error(f"Not quite: you chose {q.options[choice]}; the answer is {q.answer_text}.", icon="❌")
    q.explain()


def render(expl: Explanation) -> None:
    st.markdown(
        "Predict first, then reveal. The answers are worked out for the logits and true class in the sidebar, "
        "so change them and ask again."
    )
    questions = [gradient_question(expl), step_question(expl), uniform_question(expl)]
    for number, q in enumerate(questions, start=1):
        render_question(number, q)
    st.button("Start the quiz again", on_click=_reset, args=([q.key for q in questions],), icon="🔄")
