"""Exact values of the tutorial's worked example, properties, broadcasting and input checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core import cross_entropy, grad_logits, log_softmax, logsumexp, one_hot, softmax, softmax_jacobian

WORKED_Z = np.array([0.0, np.log(3.0), 0.0])  # softmax [0.2, 0.6, 0.2]


def test_worked_example_exact_values() -> None:
    np.testing.assert_allclose(softmax(WORKED_Z), [0.2, 0.6, 0.2], rtol=1e-15)
    assert cross_entropy(WORKED_Z, 0) == pytest.approx(1.6094379124341003, rel=1e-15)
    np.testing.assert_allclose(grad_logits(WORKED_Z, 0), [-0.8, 0.6, 0.2], rtol=1e-15)
    np.testing.assert_allclose(
        softmax_jacobian(WORKED_Z),
        [[0.16, -0.12, -0.04], [-0.12, 0.24, -0.12], [-0.04, -0.12, 0.16]],
        rtol=1e-14,
    )
    # The tutorial's own logits ln S give the same outputs: only differences matter.
    np.testing.assert_allclose(softmax(np.log([0.2, 0.6, 0.2])), [0.2, 0.6, 0.2], rtol=1e-15)


def test_logsumexp_and_log_softmax_values() -> None:
    assert logsumexp([0.0, 0.0]) == pytest.approx(np.log(2.0), rel=1e-15)
    assert logsumexp([1000.0, 1000.0]) == pytest.approx(1000.0 + np.log(2.0), rel=1e-15)
    np.testing.assert_allclose(log_softmax([1000.0, 0.0]), [0.0, -1000.0], atol=0.0)
    assert np.all(np.isfinite(log_softmax([1e6, -1e6, 0.0])))


def test_temperature_scales_logits_and_gradient() -> None:
    z = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(softmax(z, 2.0), softmax(z / 2.0), rtol=1e-15)
    np.testing.assert_allclose(grad_logits(z, 1, 2.0), (softmax(z / 2.0) - one_hot(1, 3)) / 2.0, rtol=1e-14)


def test_broadcasts_over_leading_axes() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 5, 3))
    k = rng.integers(0, 3, size=(4, 5))
    loss = cross_entropy(z, k)
    grad = grad_logits(z, k)
    jac = softmax_jacobian(z)
    assert loss.shape == (4, 5)
    assert grad.shape == (4, 5, 3)
    assert jac.shape == (4, 5, 3, 3)
    for a in range(4):
        for b in range(5):
            assert loss[a, b] == pytest.approx(cross_entropy(z[a, b], int(k[a, b])), rel=1e-15)
            np.testing.assert_allclose(grad[a, b], grad_logits(z[a, b], int(k[a, b])), rtol=1e-15)
    # a single class index broadcasts over the batch
    np.testing.assert_allclose(cross_entropy(z, 2), -log_softmax(z)[..., 2], rtol=1e-15)
    # a soft target broadcasts too
    y = np.array([0.5, 0.25, 0.25])
    np.testing.assert_allclose(cross_entropy(z, y), -(log_softmax(z) * y).sum(-1), rtol=1e-14)


moderate = arrays(np.float64, st.integers(2, 12), elements=st.floats(-30.0, 30.0))


@settings(max_examples=200, deadline=None)
@given(z=moderate, shift=st.floats(-100.0, 100.0), data=st.data())
def test_properties(z: np.ndarray, shift: float, data: st.DataObject) -> None:
    n = z.shape[-1]
    k = data.draw(st.integers(0, n - 1))
    p = softmax(z)
    g = grad_logits(z, k)
    y = one_hot(k, n)
    assert p.sum() == pytest.approx(1.0, abs=1e-14)
    assert np.all(p >= 0.0)
    assert abs(g.sum()) <= 1e-14
    # shift invariance: only differences between logits matter
    np.testing.assert_allclose(softmax(z + shift), p, rtol=1e-12, atol=1e-300)
    assert cross_entropy(z + shift, k) == pytest.approx(cross_entropy(z, k), rel=1e-9, abs=1e-12)
    # chain rule: dE/dz = J^T dE/dp with dE/dp = -y / p
    jac = softmax_jacobian(z)
    np.testing.assert_allclose(jac.sum(axis=0), 0.0, atol=1e-15)
    if p[k] > 1e-300:
        np.testing.assert_allclose(jac.T @ (-y / p[k] * (np.arange(n) == k)), g, rtol=1e-9, atol=1e-15)


@settings(max_examples=100, deadline=None)
@given(z=arrays(np.float64, st.integers(2, 8), elements=st.floats(-8.0, 8.0)), data=st.data())
def test_gradient_agrees_with_finite_differences(z: np.ndarray, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, z.shape[-1] - 1))
    h = 1e-6
    fd = np.array([(cross_entropy(z + h * e, k) - cross_entropy(z - h * e, k)) / (2 * h) for e in np.eye(z.shape[-1])])
    np.testing.assert_allclose(grad_logits(z, k), fd, atol=1e-8)
    jac_fd = np.array([(softmax(z + h * e) - softmax(z - h * e)) / (2 * h) for e in np.eye(z.shape[-1])]).T
    np.testing.assert_allclose(softmax_jacobian(z), jac_fd, atol=1e-8)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: softmax([1.0, np.nan]), "finite"),
        (lambda: softmax([1.0, np.inf]), "finite"),
        (lambda: softmax([1.0]), "at least 2 classes"),
        (lambda: softmax(3.0), "vector"),
        (lambda: softmax([1.0, 2.0], temperature=0.0), "temperature"),
        (lambda: softmax([1.0, 2.0], temperature=-1.0), "temperature"),
        (lambda: softmax([1.0, 2.0], temperature=float("nan")), "temperature"),
        (lambda: cross_entropy([1.0, 2.0], 2), "out of range"),
        (lambda: cross_entropy([1.0, 2.0], -1), "out of range"),
        (lambda: grad_logits([1.0, 2.0, 3.0], 3), "out of range"),
        (lambda: cross_entropy([1.0, 2.0], [0.5, 0.6]), "sum to 1"),
        (lambda: cross_entropy([1.0, 2.0], [1.5, -0.5]), ">= 0"),
        (lambda: cross_entropy([1.0, 2.0], [1.0, 0.0, 0.0]), "one probability per class"),
        (lambda: grad_logits([1.0, 2.0], [np.nan, 1.0]), "finite"),
        (lambda: cross_entropy([1.0, 2.0], True), "integer"),
        (lambda: cross_entropy([1.0, 2.0], 1.0), "integer"),
        (lambda: one_hot(3, 3), "out of range"),
    ],
)
def test_invalid_input_raises_value_error(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
