"""Ties: a shared top is reported as a tie, never as a correct prediction."""

from __future__ import annotations

import pytest

from core.explanation import WORKED_EXAMPLE_Z, State, explain


@pytest.mark.parametrize(
    ("z", "target", "top", "correct"),
    [
        ((0.0, 0.0, 0.0), 0, (0, 1, 2), False),  # all equal: a three-way tie, whichever class is true
        ((0.0, 0.0, 0.0), 2, (0, 1, 2), False),
        ((2.0, 1.0, 2.0), 0, (0, 2), False),  # classes 1 and 3 share the top
        ((800.0, 800.0, -800.0), 1, (0, 1), False),  # huge logits tie as well
        ((0.0, 0.0, 1.0), 2, (2,), True),  # equal logits below the top are no tie
        ((0.0, 0.0, 1.0), 0, (2,), False),
        (WORKED_EXAMPLE_Z, 0, (1,), False),
        (WORKED_EXAMPLE_Z, 1, (1,), True),
    ],
)
def test_top_classes_tie_and_correct(z: tuple[float, ...], target: int, top: tuple[int, ...], correct: bool) -> None:
    e = explain(State(z, target))
    assert e.top_classes == top
    assert e.is_tie == (len(top) > 1)
    assert e.is_correct == correct
    assert e.predicted == top[0]
    assert len({float(e.p[i]) for i in top}) == 1  # tied classes have the same p, bit for bit


def test_a_tie_is_decided_by_the_logits_not_by_rounded_outputs() -> None:
    # z_1 is larger by 1e-17: mathematically class 1 is more likely, though both p round to 0.5 in float64.
    e = explain(State((1e-17, 0.0), 0))
    assert float(e.p[0]) == float(e.p[1]) == 0.5
    assert e.top_classes == (0,)
    assert not e.is_tie
    assert e.is_correct
