"""Issue 4's numbers: the learning bundle, the simplex, and the comparisons, against references."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from core import cross_entropy, grad_logits, softmax
from core.comparisons import (
    EXP_OVERFLOW,
    EXP_UNDERFLOW,
    argmax_limit,
    compare_smoothing,
    gradient_norms,
    log_sum_exp_demo,
    logit_gap,
    naive_nan_shifts,
    shift_difference,
    shift_sweep,
    smoothing_gap,
    temperature_sweep,
)
from core.dynamics import ISO_LOSS_LEVELS, descend, learn, simplex_path
from tests.reference import reference, within

WORKED = [0.0, math.log(3.0), 0.0]


def test_learn_bundles_a_full_descent_a_two_logit_path_and_a_landscape_around_it() -> None:
    z = [0.5, -1.0, 2.0, 0.0]
    result = learn(z, 1, learning_rate=0.7, steps=50, i=1, j=2, points=41)
    np.testing.assert_array_equal(result.descent.z, descend(z, 1, 0.7, 50).z)
    np.testing.assert_array_equal(result.path.z, descend(z, 1, 0.7, 50, free=(1, 2)).z)
    # Only z2 and z3 move on the path; the others stay where they were.
    np.testing.assert_array_equal(result.path.z[:, [0, 3]], np.broadcast_to([0.5, 0.0], (51, 2)))
    assert result.path.z[-1, 1] > z[1]
    assert result.path.z[-1, 2] < z[2]
    land = result.landscape
    assert land.loss.shape == (41, 41)
    # The grid holds the whole path and at least 4 logit units around the start.
    assert land.axis_i[0] <= min(result.path.z[:, 1].min(), z[1] - 4)
    assert land.axis_i[-1] >= z[1] + 4
    assert land.axis_j[0] <= z[2] - 4
    assert land.axis_j[-1] >= max(result.path.z[:, 2].max(), z[2] + 4)
    r, c = 7, 30
    point = np.array(z)
    point[1], point[2] = land.axis_i[c], land.axis_j[r]
    assert land.loss[r, c] == pytest.approx(float(cross_entropy(point, 1)), rel=1e-14)
    assert land.descent_j[r, c] == pytest.approx(-float(grad_logits(point, 1)[2]), rel=1e-14)
    with pytest.raises(ValueError, match="free logits"):
        descend(z, 1, 0.5, 3, free=(7,))


def test_the_simplex_puts_true_class_rival_and_rest_on_the_corners() -> None:
    p = softmax(np.array([[0.0, 2.0, 1.0, -1.0], [3.0, 2.0, 1.0, -1.0]]))
    sx = simplex_path(p, 0)
    assert sx.true_class == 0
    assert sx.rival == 1
    assert sx.rest == (2, 3)
    np.testing.assert_allclose(sx.path[:, 0], p[:, 0])
    np.testing.assert_allclose(sx.path[:, 2], p[:, 2] + p[:, 3])
    np.testing.assert_allclose(sx.path.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(-np.log(sx.iso_p_true), ISO_LOSS_LEVELS, rtol=1e-15)
    two = simplex_path(softmax([1.0, -1.0]), 1)
    assert two.rest == ()
    assert two.path[0, 2] == 0.0


def test_the_learning_views_descent_is_exact_for_extreme_starts() -> None:
    # A huge lead for the true class: the loss is far below 1e-300 yet positive and right.
    result = learn([700.0, 0.0, 0.0], 0, learning_rate=5.0, steps=20, i=0, j=1, points=11)
    for t in (0, 20):
        want_loss, want_grad, _ = reference(result.descent.z[t].tolist(), 0)
        assert within(result.descent.loss[t], want_loss, 1e-13).all()
        assert within(result.descent.grad[t], want_grad, 1e-12).all()
    assert 0.0 < result.descent.loss[-1] < 1e-300


@pytest.mark.parametrize("temperature", [0.01, 0.05, 1.0, 20.0, 100.0])
def test_temperature_sweep_matches_the_reference(temperature: float) -> None:
    z = [2.0, -1.0, 0.5, 0.5]
    sweep = temperature_sweep(z, [temperature])
    _, grad, p = reference(z, 2, temperature)
    assert within(sweep[0], p, 1e-14).all()
    assert within(grad_logits(z, 2, temperature), grad, 1e-12).all()


def test_temperature_limits_are_the_argmax_and_the_uniform_distribution() -> None:
    z = [1.0, 3.0, 3.0, -2.0]
    np.testing.assert_array_equal(argmax_limit(z), [0.0, 0.5, 0.5, 0.0])  # ties share
    sweep = temperature_sweep(z, [1e-3, 1e4])
    np.testing.assert_allclose(sweep[0], argmax_limit(z), atol=1e-300)
    np.testing.assert_allclose(sweep[1], 0.25, rtol=1e-3)
    with pytest.raises(ValueError, match="temperatures"):
        temperature_sweep(z, [0.0])


@pytest.mark.parametrize("c", [-5.0, 10.0, 100.0, 1000.0, -1000.0])
def test_shifting_every_logit_changes_nothing_beyond_rounding_z_plus_c(c: float) -> None:
    shifted = np.asarray(WORKED) + c
    _, _, want = reference(shifted.tolist(), 0)
    assert within(softmax(shifted), want, 1e-14).all()
    # What is left is the rounding of z + c itself: half an ulp of the largest shifted logit, per logit.
    input_rounding = 2 * np.spacing(np.abs(shifted).max())
    assert shift_difference(WORKED, c) <= max(input_rounding, 4e-16)
    assert shift_difference(WORKED, c, temperature=0.5) <= max(2 * input_rounding, 4e-16)


def test_label_smoothing_reaches_its_target_gap_and_one_hot_does_not() -> None:
    with mpmath.workdps(50):
        want = float(mpmath.log((1 - mpmath.mpf("0.1") + mpmath.mpf("0.1") / 3) / (mpmath.mpf("0.1") / 3)))
    assert smoothing_gap(0.1, 3) == pytest.approx(want, rel=1e-15)
    assert smoothing_gap(0.0, 3) == math.inf
    comparison = compare_smoothing(WORKED, 0, 0.1)
    # The batched run (one-hot as a distribution) is the same descent as with a class index.
    np.testing.assert_allclose(comparison.hard.z, descend(WORKED, 0, 2.0, 400).z, rtol=1e-14)
    np.testing.assert_allclose(comparison.hard.loss, descend(WORKED, 0, 2.0, 400).loss, rtol=1e-14)
    assert comparison.gap_soft[-1] == pytest.approx(comparison.target_gap, rel=1e-12)
    assert comparison.norm_soft[-1] < 1e-12
    assert comparison.norm_hard[-1] > 1e-4  # still pushing
    assert np.all(np.diff(comparison.gap_hard) > 0.0)  # and still growing
    np.testing.assert_array_equal(logit_gap([[1.0, 3.0, 2.0]], 1), [1.0])


def test_gradient_norms_of_both_losses_at_the_worked_example() -> None:
    ce, se = gradient_norms(WORKED, 0)
    assert ce == pytest.approx(math.sqrt(0.8**2 + 0.6**2 + 0.2**2), rel=1e-15)
    # d/dz sum (p - y)^2 = J^T 2(p - y) with J = diag(p) - p p^T, worked out by hand:
    p = np.array([0.2, 0.6, 0.2])
    r = 2.0 * (p - [1.0, 0.0, 0.0])
    want = p * r - p * float(p @ r)
    assert se == pytest.approx(float(np.linalg.norm(want)), rel=1e-14)


def test_naive_softmax_breaks_exactly_where_e_to_the_x_leaves_float64() -> None:
    with np.errstate(over="ignore", under="ignore"):
        assert np.isfinite(np.exp(np.float64(EXP_OVERFLOW) - 1e-9))
        assert np.exp(np.float64(EXP_OVERFLOW) + 1e-9) == np.inf
        assert np.exp(np.float64(EXP_UNDERFLOW) - 1e-9) == 0.0
        assert np.exp(np.float64(EXP_UNDERFLOW) + 1e-9) > 0.0
    low, high = naive_nan_shifts(WORKED)
    assert high == pytest.approx(709.782712893384 - math.log(3.0), rel=1e-15)
    naive, stable = shift_sweep(WORKED, 0, [low - 1.0, low + 2.0, 0.0, high - 1.0, high + 1.0])
    assert np.isnan(naive[0])
    # the true class is not the largest: where z2 + c overflows, its p is a silently wrong 0
    assert naive[4] == 0.0
    np.testing.assert_allclose(naive[2:4], 0.2, rtol=1e-13)  # z + 708 itself rounds at 1e-13
    np.testing.assert_allclose(stable, 0.2, rtol=1e-13)
    demo = log_sum_exp_demo(WORKED, 720.0)
    assert np.all(np.isinf(demo.naive_exp))
    assert np.all(np.isnan(demo.naive_p))
    np.testing.assert_allclose(demo.stable_p, [0.2, 0.6, 0.2], rtol=1e-13)
    assert demo.largest == 720.0 + math.log(3.0)
    assert demo.lse == pytest.approx(720.0 + math.log(5.0), rel=1e-15)
