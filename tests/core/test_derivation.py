"""The derivation's numbers: finite differences agree with the algebra, the layer's chain rule holds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import cross_entropy
from core.derivation import default_weights, derive, finite_difference, linear_layer
from core.explanation import WORKED_EXAMPLE_Z, State, explain

STATES = [
    State(WORKED_EXAMPLE_Z, 0),
    State((2.0, -1.0), 1),
    State((1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0), 3),
    State((-10.0, 10.0, 0.5, 0.25), 2),
]


def test_finite_difference_of_a_known_function() -> None:
    grad = finite_difference(lambda v: float(np.sum(v**3)), np.array([1.0, -2.0]))
    np.testing.assert_allclose(grad, [3.0, 12.0], rtol=1e-8)


@pytest.mark.parametrize("state", STATES)
def test_derivation_numbers(state: State) -> None:
    d = derive(explain(state))
    z = np.array(state.z)
    k = state.target
    np.testing.assert_allclose(d.exp_z, np.exp(z), rtol=1e-15)
    assert d.exp_sum == pytest.approx(math.fsum(np.exp(z)), rel=1e-14)
    # dE/dp: only the true class, -1/p_k
    assert d.dE_dp[k] == pytest.approx(-1.0 / d.expl.p[k], rel=1e-14)
    assert np.count_nonzero(d.dE_dp) == 1
    # the chain-rule terms sum, column by column, to p - y
    np.testing.assert_allclose(d.chain_terms.sum(axis=0), d.expl.grad, rtol=1e-12, atol=1e-15)
    # finite differences agree with the algebra
    np.testing.assert_allclose(d.fd_grad, d.expl.grad, atol=1e-8)
    assert d.fd_error < 1e-8


@pytest.mark.parametrize("state", STATES)
def test_layer_chain_rule(state: State) -> None:
    expl = explain(state)
    x = (0.5, -1.5, 2.0)
    layer = linear_layer(expl, x)
    np.testing.assert_allclose(layer.z, expl.z, atol=1e-12)  # b makes the layer output the logits
    delta = expl.grad
    np.testing.assert_allclose(layer.dW, np.outer(delta, x), rtol=1e-15)
    np.testing.assert_array_equal(layer.db, delta)
    np.testing.assert_allclose(layer.dx, layer.W.T @ delta, rtol=1e-15)
    np.testing.assert_allclose(layer.fd_dW, layer.dW, atol=1e-8)
    np.testing.assert_allclose(layer.fd_db, layer.db, atol=1e-8)
    np.testing.assert_allclose(layer.fd_dx, layer.dx, atol=1e-8)
    # and the layer's loss is the page's loss
    assert cross_entropy(layer.W @ layer.x + layer.b, state.target) == pytest.approx(expl.loss, rel=1e-12)


def test_default_weights_are_readable_halves() -> None:
    W = default_weights(4)
    assert W.shape == (4, 3)
    assert set(np.unique(W * 2).astype(int)) <= {-2, -1, 0, 1, 2}
    assert np.linalg.matrix_rank(W) == 3
