"""The network view's sentences that name a prediction: a tie at the top is a tie, never right or wrong."""

from __future__ import annotations

import dataclasses

import numpy as np

from components.content import network as words
from components.figures import network as figures
from components.render.spec import validate
from core.datasets import parse_points_csv, split
from core.network import TIE, TrainConfig, Training, explain_example, train

#: One linear layer whose logits are its biases: z = b at every x.
ZERO_W = np.zeros((3, 2))


def example(b: list[float], target: int) -> str:
    ex = explain_example([(ZERO_W, np.array(b))], [0.5, -0.5], target)
    return words.example_summary(ex, 6, "the trained weights")


def test_one_class_at_the_top_is_right_or_wrong() -> None:
    assert "predicts class 1 (right)" in example([2.0, 0.0, 0.0], 0)
    assert "predicts class 1 (**wrong**)" in example([2.0, 0.0, 0.0], 2)


def test_a_tie_is_neither_right_nor_wrong() -> None:
    # Class 1 is the first of the tied and the true class: argmax alone would call it right.
    text = example([1.0, 1.0, 0.0], 0)
    assert "predicts no single class: **a tie**, classes 1 and 2 share the top p = " in text
    assert "not right (the true class is one of them)" in text
    assert "(right)" not in text
    assert "**wrong**" not in text
    assert "not one of them" in example([1.0, 1.0, 0.0], 2)
    assert "all 3 classes share the top p = 0.3333" in example([0.0, 0.0, 0.0], 1)
    # Logits that differ by one rounding are no tie (p is compared through z, as Explore does).
    assert "predicts class 1 (right)" in example([1.0 + 2.0**-52, 1.0, 0.0], 0)


def test_the_list_of_points_not_right_names_ties() -> None:
    assert words.missed_label(4, 0, TIE) == "point 4: class 1, a tie"
    assert words.missed_label(4, 0, 2) == "point 4: class 1, predicted 3"
    assert words.missed_heading(3, 0) == "…or a misclassified one (3)"
    assert words.missed_heading(3, 2) == "…or one not right: 3 wrong, 2 tied"


def tied_training() -> Training:
    """Zero steps from the initial weights (biases 0): the point at the origin has every logit 0."""
    data = split(parse_points_csv("0,0,1\n1,1,2\n0,1,1\n1,0,2\n-1,1,1\n2,2,2\n"), 0.0)
    return train(data, TrainConfig(hidden=(4,), steps=0, snapshots=2, grid_resolution=5))


def test_the_confusion_summary_and_matrix_count_ties_apart() -> None:
    training = tied_training()
    assert training.ties_train.sum() >= 1
    text = words.confusion_summary(training)
    assert "**a tie**" in text
    assert "The column “tie” counts them." in text
    assert "all classified right" not in text
    spec = figures.confusion_figure(training)
    validate(spec)
    heat = spec["data"][0]
    assert heat["x"][-1] == figures.TIE_COLUMN
    assert [int(row[-1]) for row in heat["text"]] == training.ties_train.tolist()
    rows = [sum(int(v) for v in row) for row in heat["text"]]
    assert rows == (training.confusion_train.sum(axis=1) + training.ties_train).tolist()  # every point counted


def test_a_clean_run_has_no_tie_column_and_says_all_right() -> None:
    training = tied_training()
    k = training.n_classes
    clean = dataclasses.replace(training, confusion_train=np.diag([3, 3]), ties_train=np.zeros(k, dtype=np.int64))
    assert words.confusion_summary(clean) == "Every training point is on the diagonal: all classified right."
    assert figures.TIE_COLUMN not in figures.confusion_figure(clean)["data"][0]["x"]
    one_wrong = dataclasses.replace(clean, confusion_train=np.array([[3, 1], [0, 2]]))
    assert "Among the training points 1 is wrong" in words.confusion_summary(one_wrong)
    tie_only = dataclasses.replace(clean, ties_train=np.array([1, 0]))
    assert "No training point is wrong. 1 point is **a tie**" in words.confusion_summary(tie_only)
