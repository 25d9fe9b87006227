"""What the network predicts, in words: one class, or a tie between the classes that share the top.

Every text that names a prediction comes from here, so a tie is never called right or wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from components.render.numbers import fmt_probability
from components.render.text import md
from core.explanation import Explanation, State

Escape = Callable[[str], str]


def _plain(text: str) -> str:
    return text


def class_list(state: State, classes: Sequence[int], escape: Escape = md) -> str:
    """``Class 1, 2 and 3`` (default names), ``cat, dog and bird`` (given ones), ``all 10 classes``;
    Markdown-escaped (``escape=md``), or as they are for text that is never read as Markdown.

    ``components/live/frontend/softmax.js`` (``classList``) is its twin for the live headline."""
    if len(classes) == state.n_classes > 2:
        return f"all {state.n_classes} classes"
    labels = [state.label(i) for i in classes]
    unnamed = all(i >= len(state.names) or not state.names[i] for i in classes)
    if unnamed and len(labels) > 1:
        labels = [labels[0], *(str(i + 1) for i in classes[1:])]
    escaped = [escape(label) for label in labels]
    return escaped[0] if len(escaped) == 1 else ", ".join(escaped[:-1]) + " and " + escaped[-1]


def top_p(expl: Explanation) -> str:
    k = expl.predicted
    return fmt_probability(float(expl.p[k]), float(expl.one_minus_p[k]))


def tie_text(expl: Explanation) -> str:
    """``Tie: Class 1, 2 and 3 share the top p = 0.3333``."""
    return f"Tie: {class_list(expl.state, expl.top_classes)} share the top p = {top_p(expl)}"


def verdict(expl: Explanation, escape: Escape = md) -> tuple[str, str, str]:
    """The headline's prediction, the short line under it and a tooltip: the top class and right or
    wrong, or the tie (never right or wrong: no single class is predicted). ``escape``: ``md`` for
    Markdown, :func:`plain_verdict` for text shown as text.

    ``components/live/frontend/softmax.js`` (``verdict``) is its twin, for the states drawn while a
    hand moves a logit; tests/browser/test_live.py checks that both agree."""
    true_label = escape(expl.state.label(expl.target))
    if expl.is_tie:
        where = "one of them" if expl.target in expl.top_classes else "not one of them"
        listed = class_list(expl.state, expl.top_classes, escape)
        return (
            f"Tie: {listed}",
            f"share the top p = {top_p(expl)}",
            f"Tie: {listed} share the top p = {top_p(expl)}: the network predicts no single class. "
            f"The true class, {true_label}, is {where}.",
        )
    result = "right" if expl.is_correct else "wrong"
    return (
        escape(expl.state.label(expl.predicted)),
        f"{result}: true class is {true_label}",
        "The class with the largest output p.",
    )


def plain_verdict(expl: Explanation) -> tuple[str, str, str]:
    """:func:`verdict` with class names as they were typed, for text that is never read as Markdown."""
    return verdict(expl, _plain)


def highest(expl: Explanation) -> str:
    """For the bar chart's summary: ``Highest: dog.`` or the tie."""
    if expl.is_tie:
        return f"Highest: none alone. {tie_text(expl)}."
    return f"Highest: {md(expl.state.label(expl.predicted))}."
