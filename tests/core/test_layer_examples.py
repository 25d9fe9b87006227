"""core.layer_examples: the Layers view's numbers equal core.layers', and the checks say where they must differ."""

from __future__ import annotations

import numpy as np
import pytest

from core.layer_examples import (
    BN_F_MAX,
    BN_N_MAX,
    EXAMPLES,
    FD_STEP,
    LAYERS,
    base_input,
    clamp_cell,
    dropout_schemes,
    explain_batch_norm,
    explain_dropout,
    explain_linear,
    explain_max_pool,
    explain_relu,
    input_gradient_check,
    input_shape,
    output_shape,
    running_statistics,
    upstream,
)
from core.layers import batch_norm_backward, batch_norm_forward, dropout_forward, max_pool2d_forward

pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize("layer", LAYERS)
def test_inputs_come_from_the_example_or_the_seed(layer: str) -> None:
    shape = input_shape(layer, 5, 2)
    example = base_input(layer, "example", 3, shape)
    np.testing.assert_array_equal(example, EXAMPLES[layer][: shape[0], : shape[1]])
    a, b, c = (base_input(layer, "random", seed, shape) for seed in (3, 3, 4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(a, np.round(a, 1))  # one decimal, readable in a cell


def test_one_more_example_keeps_the_others() -> None:
    small = base_input("batchnorm", "random", 9, (3, 2))
    large = base_input("batchnorm", "random", 9, (BN_N_MAX, BN_F_MAX))
    np.testing.assert_array_equal(small, large[:3, :2])
    np.testing.assert_array_equal(upstream("random", (3, 2), 9), upstream("random", (BN_N_MAX, BN_F_MAX), 9)[:3, :2])


def test_upstream_gradients() -> None:
    np.testing.assert_array_equal(upstream("ones", (2, 3)), np.ones((2, 3)))
    onehot = upstream("onehot", (2, 2), cell=(1, 0))
    np.testing.assert_array_equal(onehot, [[0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(upstream("onehot", (2, 2), cell=(7, 3)), [[0.0, 0.0], [0.0, 1.0]])
    assert clamp_cell((7, 3), (2, 2)) == (1, 1)
    with pytest.raises(ValueError, match="dout must be one of"):
        upstream("twos", (2, 2))


def test_output_shapes() -> None:
    assert output_shape("maxpool", (5, 5), 2) == (2, 2)
    assert output_shape("maxpool", (5, 5), 3) == (2, 2)
    assert output_shape("linear", (3, 4)) == (3, 3)
    assert output_shape("batchnorm", (6, 2)) == (6, 2)
    with pytest.raises(ValueError, match="at most"):
        input_shape("batchnorm", 9, 2)


def test_the_check_is_central_differences_of_out_times_dout() -> None:
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    dout = np.array([[2.0, 1.0], [-1.0, 0.5]])
    np.testing.assert_allclose(input_gradient_check(lambda v: v**2, x, dout), 2 * x * dout, atol=1e-8)


def test_linear_gradients_and_check() -> None:
    x, dout = EXAMPLES["linear"], upstream("random", (3, 3), 0)
    ex = explain_linear(x, dout)
    np.testing.assert_allclose(ex.dx, dout @ ex.W)
    np.testing.assert_allclose(ex.dW, dout.T @ x)
    np.testing.assert_allclose(ex.db, dout.sum(axis=0))
    assert ex.fd_error < 1e-8


def test_relu_at_exactly_zero_the_check_gives_half_of_dout() -> None:
    x = EXAMPLES["relu"]
    dout = upstream("random", (4, 4), 0)
    ex = explain_relu(x, dout)
    zeros = x == 0.0
    assert zeros.sum() == 3
    np.testing.assert_array_equal(ex.kink, zeros)
    np.testing.assert_array_equal(ex.dx[zeros], 0.0)
    np.testing.assert_allclose(ex.fd_dx[zeros], 0.5 * dout[zeros], atol=1e-9)
    assert ex.smooth_error < 1e-9
    np.testing.assert_array_equal(ex.passes, (x > 0).astype(float))


def test_max_pool_tie_and_overlap_in_the_example() -> None:
    x = EXAMPLES["maxpool"]
    dout = np.array([[0.1, -1.0], [-0.6, 2.0]])
    two = explain_max_pool(x, dout, 2)
    assert two.tie_counts[0, 0] == 2  # 2 at (2, 1) and (2, 2)
    assert (two.rows[0, 0], two.cols[0, 0]) == (1, 0)  # the first in row-major order
    assert two.tied[1, 1]
    assert not two.tied[1, 0]
    assert two.dx[1, 0] == 0.1
    assert two.dx[1, 1] == 0.0
    assert two.fd_dx[1, 0] == pytest.approx(0.05, abs=1e-9)
    assert two.fd_dx[1, 1] == pytest.approx(0.05, abs=1e-9)
    assert two.covered[4].sum() == 0
    assert two.covered[:, 4].sum() == 0
    three = explain_max_pool(x, dout, 3)
    assert three.overlapping
    assert three.routed[1, 2] == 2  # windows (1, 1) and (1, 2) share the 5
    assert three.dx[1, 2] == pytest.approx(0.1 - 1.0)
    assert three.covered[2, 2] == 4
    assert three.tie_counts[1, 1] == 2
    assert three.tied[4, 4]
    assert three.dx[4, 4] == 0.0
    assert three.fd_dx[3, 3] == pytest.approx(1.0, abs=1e-9)  # half of dout = 2 to each tied input
    assert three.fd_dx[4, 4] == pytest.approx(1.0, abs=1e-9)
    assert three.smooth_error < 1e-9
    out, _cache = max_pool2d_forward(x[None, None], 3, 2)
    np.testing.assert_array_equal(three.out, out[0, 0])


def test_dropout_uses_one_mask_and_its_mean_is_x() -> None:
    x = EXAMPLES["dropout"]
    dout = upstream("random", (4, 4), 0)
    ex = explain_dropout(x, dout, 0.2, True, 5)
    out, cache = dropout_forward(x, 0.2, seed=5)
    np.testing.assert_array_equal(ex.mask, cache.mask)
    np.testing.assert_array_equal(ex.out, out)
    np.testing.assert_allclose(ex.dx, dout * cache.mask / 0.8)
    np.testing.assert_allclose(ex.scaled_mask, cache.mask / 0.8)
    assert ex.fd_error < 1e-8
    assert ex.mean_error < 0.1  # 10,000 masks: sampling noise about 0.5 % of |x|
    evaluation = explain_dropout(x, dout, 0.2, False, 5)
    np.testing.assert_array_equal(evaluation.out, x)
    np.testing.assert_array_equal(evaluation.dx, dout)


def test_dropout_schemes_match_only_where_the_expected_scale_agrees() -> None:
    inverted, original, double, convnetjs = dropout_schemes(3.0, 0.2)
    assert inverted.train_mean == pytest.approx(3.0)
    assert inverted.eval_out == 3.0
    assert inverted.consistent
    assert original.train_mean == pytest.approx(2.4)
    assert original.consistent
    assert double.eval_out == pytest.approx(2.4)
    assert not double.consistent
    assert convnetjs.eval_out == pytest.approx(0.6)
    assert not convnetjs.consistent
    assert dropout_schemes(3.0, 0.5)[3].consistent  # ConvNetJS's factor p is right only at p = 0.5


def test_batch_norm_numbers_equal_core_layers() -> None:
    x = EXAMPLES["batchnorm"][:5, :3]
    dout = upstream("random", (5, 3), 2)
    ex = explain_batch_norm(x, dout, True)
    _, cache = batch_norm_forward(x, ex.gamma, ex.beta, ex.eps)
    dx, dgamma, dbeta = batch_norm_backward(dout, cache)
    np.testing.assert_array_equal(ex.dx, dx)
    np.testing.assert_array_equal(ex.dgamma, dgamma)
    np.testing.assert_array_equal(ex.dbeta, dbeta)
    assert ex.terms is not None
    np.testing.assert_allclose(ex.terms.dx, dx, atol=1e-12)
    assert ex.fd_error < 1e-7
    assert not ex.uniform_upstream


def test_batch_norm_uniform_upstream_gives_zero_dx() -> None:
    x = EXAMPLES["batchnorm"][:4, :3]
    ex = explain_batch_norm(x, np.ones((4, 3)), True)
    assert ex.uniform_upstream
    assert np.max(np.abs(ex.dx)) <= 1e-12 * ex.dx_scale
    assert ex.dx_scale > 1.0
    np.testing.assert_allclose(ex.x_hat_sum, 0.0, atol=1e-12)


def test_batch_norm_one_example_cannot_train_but_can_evaluate() -> None:
    with pytest.raises(ValueError, match="N = 1"):
        explain_batch_norm([[1.0, 2.0]], [[1.0, 1.0]], True)
    ex = explain_batch_norm([[1.0, 2.0]], [[1.0, 1.0]], False)
    np.testing.assert_allclose(ex.dx, ex.eval_factor[None, :])
    assert ex.terms is None


def test_batch_norm_eval_uses_running_statistics_from_training() -> None:
    mean, var = running_statistics(3)
    ex = explain_batch_norm(EXAMPLES["batchnorm"][:4, :3], np.ones((4, 3)), False)
    np.testing.assert_array_equal(ex.mean, mean)
    np.testing.assert_array_equal(ex.var, var)
    np.testing.assert_allclose(mean, [2.0, -1.0, 0.5], atol=0.5)  # near the distribution's means
    np.testing.assert_allclose(ex.dx, ex.eval_factor * np.ones((4, 3)))
    assert ex.fd_error < 1e-7


def test_near_zero_relu_inputs_are_flagged_too() -> None:
    x = np.array([[FD_STEP / 2, 1.0]])
    ex = explain_relu(x, [[1.0, 1.0]])
    assert ex.kink[0, 0]
    assert not ex.kink[0, 1]
