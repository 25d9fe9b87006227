"""The network view's sentences that name a prediction: the picked point, the misclassified list, the
confusion matrices.

A point whose largest output is shared by two or more classes (a tie, see
:func:`core.network.tied_top`) is predicted as no single class: it is called a tie, never right and
never wrong, as the Explore view words it (:mod:`components.content.prediction`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from components.render.numbers import fmt, fmt_probability
from core.network import TIE, ExampleBackward, Training


def classes_text(classes: Sequence[int], n_classes: int) -> str:
    """``classes 1 and 3``, ``classes 1, 2 and 4``, ``all 3 classes`` (0-based in, numbered from 1 out)."""
    if len(classes) == n_classes > 2:
        return f"all {n_classes} classes"
    numbers = [str(c + 1) for c in classes]
    return "classes " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def prediction_text(ex: ExampleBackward) -> str:
    """What the network predicts for one example: ``class 2 (right)``, ``class 3 (**wrong**)`` or the tie."""
    top = ex.top_classes
    if not ex.is_tie:
        return f"class {top[0] + 1} ({'right' if ex.is_correct else '**wrong**'})"
    p_top = float(ex.p[top[0]])
    where = "one of them" if ex.target in top else "not one of them"
    return (
        f"no single class: **a tie**, {classes_text(top, ex.p.size)} share the top p = "
        f"{fmt_probability(p_top, 1.0 - p_top)}, so it is not right (the true class is {where})"
    )


def example_summary(ex: ExampleBackward, index: int, when: str) -> str:
    """The picked point in words: where it is, what the network says, the loss."""
    k = ex.target
    p_k = fmt_probability(float(ex.p[k]), -float(ex.layers[-1].delta[k]))  # 1 − p = −(p − 1), exact
    return (
        f"**Training point {index + 1}** lies at x = ({fmt(float(ex.x[0]))}, {fmt(float(ex.x[1]))}) and belongs to "
        f"class {k + 1}. With {when} the network gives it p = {p_k} for class {k + 1} and predicts "
        f"{prediction_text(ex)}; its loss is E = −ln p = {fmt(ex.loss)}."
    )


def missed_label(number: int, true_class: int, predicted: int) -> str:
    """An entry of the list of points not classified right (``predicted`` may be ``TIE``), 0-based classes."""
    said = "a tie" if predicted == TIE else f"predicted {predicted + 1}"
    return f"point {number}: class {true_class + 1}, {said}"


def missed_heading(n_wrong: int, n_ties: int) -> str:
    """The list's label: misclassified points, and the tied ones when there are any."""
    if n_ties == 0:
        return f"…or a misclassified one ({n_wrong})"
    return f"…or one not right: {n_wrong} wrong, {n_ties} tied"


def _points(n: int) -> str:
    return f"{n} point{'s' if n != 1 else ''}"


def confusion_summary(training: Training) -> str:
    """The confusion matrix in words: how many are wrong, how many tie, the most common mistake."""
    test = training.confusion_test is not None and training.ties_test is not None
    counts = training.confusion_test if training.confusion_test is not None else training.confusion_train
    ties = training.ties_test if test and training.ties_test is not None else training.ties_train
    which = "test" if test else "training"
    off = counts.copy()
    np.fill_diagonal(off, 0)
    wrong, tied = int(off.sum()), int(ties.sum())
    if wrong == 0 and tied == 0:
        return f"Every {which} point is on the diagonal: all classified right."
    text = "Rows are the true class, columns the predicted one; the diagonal is right."
    if wrong:
        i, j = np.unravel_index(int(np.argmax(off)), off.shape)
        verb = "is" if wrong == 1 else "are"
        text += (
            f" Among the {which} points {wrong} {verb} wrong; the most common mistake: class {i + 1} taken for "
            f"class {j + 1} ({_points(int(off[i, j]))})."
        )
    else:
        text += f" No {which} point is wrong."
    if tied:
        verb = "is" if tied == 1 else "are"
        text += (
            f" {_points(tied).capitalize()} {verb} **a tie**: two or more classes share the largest p, so no single "
            "class is predicted and the point is not right either. The column “tie” counts them."
        )
    return text
