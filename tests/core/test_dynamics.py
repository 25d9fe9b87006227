"""Descent, landscapes, label smoothing and the comparisons of issue 4's views (core part)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import cross_entropy, grad_logits, softmax
from core.dynamics import (
    descend,
    gradient_norms_when_wrong,
    landscape,
    naive_softmax,
    smoothed_target,
    squared_error,
    squared_error_grad,
)

WORKED = [0.0, math.log(3.0), 0.0]


def test_descent_follows_p_minus_y_and_the_loss_keeps_falling() -> None:
    tr = descend(WORKED, 0, learning_rate=1.0, steps=200)
    assert tr.z.shape == (201, 3)
    np.testing.assert_allclose(tr.z[1], np.asarray(WORKED) - grad_logits(WORKED, 0), rtol=1e-15)
    assert tr.loss[0] == pytest.approx(math.log(5.0), rel=1e-15)
    assert np.all(np.diff(tr.loss) < 0.0)  # never reaches 0: strictly falling
    assert np.all(tr.loss > 0.0)
    assert np.all(np.diff(tr.z[:, 0]) > 0.0)  # the true logit grows without bound
    np.testing.assert_allclose(tr.grad.sum(axis=1), 0.0, atol=1e-15)
    np.testing.assert_allclose(tr.p, softmax(tr.z), rtol=1e-15)


def test_descent_stays_exact_down_to_tiny_losses() -> None:
    tr = descend([0.0, 0.0, 0.0], 0, learning_rate=700.0, steps=3)
    assert 0.0 < tr.loss[-1] < 1e-300  # the logit gap is 700: E = 2e^-700
    want = 2.0 * math.exp(-(tr.z[-1, 0] - tr.z[-1, 1]))  # two equal losers: E = log1p(2 e^-gap)
    assert tr.loss[-1] == pytest.approx(want, rel=1e-12)
    assert tr.grad[-1, 0] == pytest.approx(-want, rel=1e-12)


def test_label_smoothing_stops_at_a_finite_gap() -> None:
    eps = 0.1
    y = smoothed_target(0, 3, eps)
    np.testing.assert_allclose(y, [1 - eps + eps / 3, eps / 3, eps / 3])
    tr = descend([0.0, 0.0, 0.0], y, learning_rate=2.0, steps=3000)
    np.testing.assert_allclose(tr.grad[-1], 0.0, atol=1e-12)  # p reaches y'
    gap = tr.z[-1, 0] - tr.z[-1, 1]
    assert gap == pytest.approx(math.log(y[0] / y[1]), rel=1e-9)  # = ln(28) for eps = 0.1, H = 3
    hard = descend([0.0, 0.0, 0.0], 0, learning_rate=2.0, steps=3000)
    assert np.abs(hard.grad[-1]).max() > 1e-5  # one-hot targets never get there
    with pytest.raises(ValueError, match="epsilon"):
        smoothed_target(0, 3, 1.0)


def test_landscape_matches_pointwise_evaluation() -> None:
    land = landscape(WORKED, 0, 0, 1, half_width=4.0, points=21)
    assert land.loss.shape == (21, 21)
    r, c = 5, 17
    z = np.array(WORKED)
    z[0], z[1] = land.axis_i[c], land.axis_j[r]
    assert land.loss[r, c] == pytest.approx(float(cross_entropy(z, 0)), rel=1e-15)
    g = grad_logits(z, 0)
    assert land.descent_i[r, c] == -g[0]
    assert land.descent_j[r, c] == -g[1]
    with pytest.raises(ValueError, match="two different logits"):
        landscape(WORKED, 0, 1, 1)


def test_squared_error_saturates_while_cross_entropy_does_not() -> None:
    ce, se = gradient_norms_when_wrong([0.0, 10.0])
    assert se[1] == pytest.approx(3.4e-4, rel=0.01)
    assert ce[1] == pytest.approx(math.sqrt(2.0), rel=1e-3)
    # the squared-error gradient against finite differences
    z = np.array([0.3, 1.2, -0.4])
    h = 1e-6
    fd = [(squared_error(z + h * e, 0) - squared_error(z - h * e, 0)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(squared_error_grad(z, 0), fd, atol=1e-9)


def test_naive_softmax_overflows_where_the_stable_one_does_not() -> None:
    assert np.isnan(naive_softmax([1000.0, 0.0, 0.0])).any()
    np.testing.assert_allclose(softmax([1000.0, 0.0, 0.0]), [1.0, 0.0, 0.0])
    np.testing.assert_allclose(naive_softmax([1.0, 2.0, 3.0]), softmax([1.0, 2.0, 3.0]), rtol=1e-15)
