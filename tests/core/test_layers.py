"""The forward/backward pairs of core.layers: every backward against central finite differences, and the rules."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.layers import (
    BatchNormCache,
    LinearCache,
    batch_norm_backward,
    batch_norm_backward_staged,
    batch_norm_backward_terms,
    batch_norm_forward,
    dropout_backward,
    dropout_forward,
    linear_backward,
    linear_forward,
    max_pool2d_backward,
    max_pool2d_forward,
    relu_backward,
    relu_forward,
    tanh_backward,
    tanh_forward,
    update_running_stats,
)

pytestmark = pytest.mark.filterwarnings("error")  # no overflow or invalid-value warnings anywhere

H = 1e-6
Array = np.ndarray


def numeric_grad(f: Callable[[Array], Array], x: Array, dout: Array, h: float = H) -> Array:
    """Central differences of ``L(x) = sum(f(x) * dout)``, entry by entry."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = float(np.sum(f(x) * dout))
        x[idx] = old - h
        minus = float(np.sum(f(x) * dout))
        x[idx] = old
        grad[idx] = (plus - minus) / (2.0 * h)
    return grad


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ----------------------------------------------------------------------------- linear


@pytest.mark.parametrize(("n", "d", "m"), [(1, 1, 1), (4, 3, 5), (7, 2, 3)])
def test_linear_backward_matches_finite_differences(n: int, d: int, m: int) -> None:
    r = rng(n * 100 + d * 10 + m)
    x, W, b = r.normal(size=(n, d)), r.normal(size=(m, d)), r.normal(size=m)
    dout = r.normal(size=(n, m))
    out, cache = linear_forward(x, W, b)
    np.testing.assert_allclose(out, x @ W.T + b, rtol=1e-15)
    dx, dW, db = linear_backward(dout, cache)
    np.testing.assert_allclose(dx, numeric_grad(lambda v: linear_forward(v, W, b)[0], x, dout), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(dW, numeric_grad(lambda v: linear_forward(x, v, b)[0], W, dout), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(db, numeric_grad(lambda v: linear_forward(x, W, v)[0], b, dout), rtol=1e-7, atol=1e-9)


def test_linear_backward_exact_small_case() -> None:
    x = np.array([[1.0, 2.0]])
    W = np.array([[3.0, -1.0], [0.5, 2.0], [0.0, 1.0]])
    out, cache = linear_forward(x, W, np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(out, [[2.0, 4.5, 1.0]])
    dx, dW, db = linear_backward(np.array([[1.0, -1.0, 2.0]]), cache)
    np.testing.assert_array_equal(dx, [[2.5, -1.0]])  # W^T dout
    np.testing.assert_array_equal(dW, [[1.0, 2.0], [-1.0, -2.0], [2.0, 4.0]])  # dout x^T
    np.testing.assert_array_equal(db, [1.0, -1.0, 2.0])


# ----------------------------------------------------------------------------- activations


def away_from_zero(r: np.random.Generator, shape: tuple[int, ...]) -> Array:
    x = r.normal(size=shape)
    return np.where(np.abs(x) < 0.05, 0.5, x)


def test_relu_backward_matches_finite_differences() -> None:
    r = rng(1)
    x, dout = away_from_zero(r, (5, 6)), r.normal(size=(5, 6))
    dx = relu_backward(dout, relu_forward(x)[1])
    np.testing.assert_allclose(dx, numeric_grad(lambda v: relu_forward(v)[0], x, dout), rtol=1e-7, atol=1e-9)


def test_relu_gradient_is_zero_at_exactly_zero() -> None:
    x = np.array([[-1.0, 0.0, -0.0, 2.0, 5e-324]])
    out, cache = relu_forward(x)
    np.testing.assert_array_equal(out, [[0.0, 0.0, 0.0, 2.0, 5e-324]])
    np.testing.assert_array_equal(relu_backward(np.full((1, 5), 3.0), cache), [[0.0, 0.0, 0.0, 3.0, 3.0]])


def test_tanh_backward_matches_finite_differences() -> None:
    r = rng(2)
    x, dout = 2.0 * r.normal(size=(4, 3, 2)), r.normal(size=(4, 3, 2))
    out, cache = tanh_forward(x)
    np.testing.assert_allclose(out, np.tanh(x), rtol=1e-15)
    dx = tanh_backward(dout, cache)
    np.testing.assert_allclose(dx, numeric_grad(lambda v: tanh_forward(v)[0], x, dout), rtol=1e-7, atol=1e-9)


def test_tanh_saturates_without_warnings() -> None:
    out, cache = tanh_forward(np.array([-1e300, -40.0, 0.0, 40.0, 1e300]))
    np.testing.assert_array_equal(out, [-1.0, -1.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(tanh_backward(np.ones(5), cache), [0.0, 0.0, 1.0, 0.0, 0.0])


# ----------------------------------------------------------------------------- max pooling


def distinct_values(r: np.random.Generator, shape: tuple[int, ...]) -> Array:
    """Values at least 0.01 apart (no ties, no near-ties for the finite differences)."""
    return r.permutation(np.prod(shape)).reshape(shape) * 0.01 + 0.003


@pytest.mark.parametrize(
    ("shape", "kernel", "stride"),
    [((2, 3, 4, 4), 2, 2), ((1, 2, 5, 5), 3, 2), ((2, 1, 4, 5), 2, 1), ((1, 1, 3, 7), 3, 3), ((1, 1, 3, 3), 1, 1)],
)
def test_max_pool_backward_matches_finite_differences(
    shape: tuple[int, int, int, int], kernel: int, stride: int
) -> None:
    r = rng(sum(shape) + kernel * 7 + stride)
    x = distinct_values(r, shape)
    out, cache = max_pool2d_forward(x, kernel, stride)
    n, c, h, w = shape
    assert out.shape == (n, c, (h - kernel) // stride + 1, (w - kernel) // stride + 1)
    dout = r.normal(size=out.shape)
    dx = max_pool2d_backward(dout, cache)
    want = numeric_grad(lambda v: max_pool2d_forward(v, kernel, stride)[0], x, dout)
    np.testing.assert_allclose(dx, want, rtol=1e-7, atol=1e-9)
    assert not cache.ties().any()


def test_max_pool_forward_is_the_window_maximum() -> None:
    x = distinct_values(rng(3), (2, 2, 6, 5))
    out, _ = max_pool2d_forward(x, 3, 2)
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            np.testing.assert_array_equal(
                out[:, :, i, j], x[:, :, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3].max(axis=(2, 3))
            )


def test_max_pool_tie_goes_to_the_first_maximum_in_row_major_order() -> None:
    x = np.array(
        [
            [1.0, 3.0, 3.0, 0.0],
            [2.0, 3.0, 1.0, 1.0],
            [0.0, 0.0, 5.0, 5.0],
            [1.0, 1.0, 5.0, 4.0],
        ]
    )[None, None]
    out, cache = max_pool2d_forward(x, 2, 2)
    np.testing.assert_array_equal(out[0, 0], [[3.0, 3.0], [1.0, 5.0]])
    np.testing.assert_array_equal(cache.argmax[0, 0], [[1, 0], [2, 0]])
    np.testing.assert_array_equal(cache.rows[0, 0], [[0, 0], [3, 2]])
    np.testing.assert_array_equal(cache.cols[0, 0], [[1, 2], [0, 2]])
    np.testing.assert_array_equal(cache.tie_counts()[0, 0], [[2, 1], [2, 3]])
    np.testing.assert_array_equal(cache.ties()[0, 0], [[True, False], [True, True]])
    dx = max_pool2d_backward(np.array([[10.0, 20.0], [30.0, 40.0]])[None, None], cache)
    want = np.array(
        [
            [0.0, 10.0, 20.0, 0.0],  # window (0, 0): 3 at (0, 1) and (1, 1): the first gets all
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 40.0, 0.0],  # window (1, 1): 5 three times: (2, 2) first
            [30.0, 0.0, 0.0, 0.0],  # window (1, 0): 1 at (3, 0) and (3, 1)
        ]
    )
    np.testing.assert_array_equal(dx[0, 0], want)


def test_max_pool_overlapping_windows_add_up() -> None:
    # kernel 3, stride 2 on 5 x 5: four windows share the centre (2, 2), which holds the maximum.
    x = np.arange(25.0).reshape(5, 5) % 7
    x[2, 2] = 10.0
    out, cache = max_pool2d_forward(x[None, None], 3, 2)
    np.testing.assert_array_equal(out[0, 0], [[10.0, 10.0], [10.0, 10.0]])
    dx = max_pool2d_backward(np.array([[1.0, 2.0], [4.0, 8.0]])[None, None], cache)
    want = np.zeros((5, 5))
    want[2, 2] = 15.0
    np.testing.assert_array_equal(dx[0, 0], want)


def test_max_pool_overlap_and_tie_together() -> None:
    # kernel 2, stride 1 on a constant row: each window's first entry wins, shared entries add.
    x = np.array([[[[7.0, 7.0, 7.0]]]]).repeat(2, axis=2)  # 2 x 3
    out, cache = max_pool2d_forward(x, 2, 1)
    assert out.shape == (1, 1, 1, 2)
    np.testing.assert_array_equal(cache.argmax[0, 0], [[0, 0]])
    dx = max_pool2d_backward(np.array([[[[1.0, 2.0]]]]), cache)
    np.testing.assert_array_equal(dx[0, 0], [[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_max_pool_backward_routes_every_window_gradient_once(
    c: int, extra: int, kernel: int, stride: int, seed: int, coarse: bool
) -> None:
    r = rng(seed)
    shape = (2, c, kernel + extra, kernel + extra + 1)
    x = r.integers(0, 3, size=shape).astype(float) if coarse else r.normal(size=shape)  # coarse: many ties
    out, cache = max_pool2d_forward(x, kernel, stride)
    dout = r.normal(size=out.shape)
    dx = max_pool2d_backward(dout, cache)
    assert dx.sum() == pytest.approx(dout.sum(), rel=1e-12, abs=1e-12)
    np.testing.assert_array_equal(
        x[np.arange(2)[:, None, None, None], np.arange(c)[None, :, None, None], cache.rows, cache.cols], out
    )
    # the winner is the first maximum: no earlier entry in the window equals it
    rows, cols = cache.argmax // kernel, cache.argmax % kernel
    for idx in np.ndindex(out.shape):
        n, ch, i, j = idx
        window = x[n, ch, i * stride : i * stride + kernel, j * stride : j * stride + kernel].ravel()
        assert int(np.argmax(window)) == rows[idx] * kernel + cols[idx]


# ----------------------------------------------------------------------------- dropout


def test_dropout_with_a_given_mask_is_exact() -> None:
    x = np.array([[1.0, -2.0, 3.0, 4.0]])
    mask = np.array([[True, False, True, False]])
    out, cache = dropout_forward(x, 0.5, mask=mask)
    np.testing.assert_array_equal(out, [[2.0, 0.0, 6.0, 0.0]])
    np.testing.assert_array_equal(dropout_backward(np.array([[1.0, 1.0, -1.0, 1.0]]), cache), [[2.0, 0.0, -2.0, 0.0]])


def test_dropout_backward_matches_finite_differences_with_the_same_mask() -> None:
    r = rng(4)
    x, dout = r.normal(size=(6, 5)), r.normal(size=(6, 5))
    out, cache = dropout_forward(x, 0.3, seed=11)
    dx = dropout_backward(dout, cache)
    want = numeric_grad(lambda v: dropout_forward(v, 0.3, mask=cache.mask)[0], x, dout)
    np.testing.assert_allclose(dx, want, rtol=1e-7, atol=1e-9)
    # the backward reuses the forward's mask: zero exactly where the forward dropped
    np.testing.assert_array_equal(dx == 0.0, ~cache.mask)
    np.testing.assert_array_equal(out == 0.0, ~cache.mask)


def test_dropout_same_seed_same_mask_and_keep_probability() -> None:
    x = np.ones((1000, 1000))
    p = 0.3
    out, cache = dropout_forward(x, p, seed=7)
    out2, cache2 = dropout_forward(x, p, seed=7)
    np.testing.assert_array_equal(cache.mask, cache2.mask)
    np.testing.assert_array_equal(out, out2)
    kept = cache.mask.mean()
    assert abs(kept - (1.0 - p)) < 5.0 * np.sqrt(p * (1.0 - p) / x.size)  # 5 sigma: 0.0023
    assert out.mean() == pytest.approx(1.0, abs=0.01)  # inverted dropout keeps the expectation
    np.testing.assert_array_equal(np.unique(out), [0.0, 1.0 / 0.7])
    other = dropout_forward(x, p, seed=8)[1].mask
    assert (other != cache.mask).any()


def test_dropout_p_zero_keeps_everything_and_eval_is_the_identity() -> None:
    x = rng(5).normal(size=(3, 4))
    out, cache = dropout_forward(x, 0.0, seed=1)
    np.testing.assert_array_equal(out, x)
    assert cache.mask.all()
    for p in (0.0, 0.5, 0.99):
        out, cache = dropout_forward(x, p, training=False)
        np.testing.assert_array_equal(out, x)
        np.testing.assert_array_equal(dropout_backward(x * 2.0, cache), x * 2.0)
        assert cache.scale == 1.0


# ----------------------------------------------------------------------------- batch norm


def bn_inputs(seed: int, n: int = 5, f: int = 3) -> tuple[Array, Array, Array, Array]:
    r = rng(seed)
    return r.normal(2.0, 3.0, size=(n, f)), r.normal(1.0, 0.5, size=f), r.normal(size=f), r.normal(size=(n, f))


def test_batch_norm_training_forward_uses_the_biased_batch_variance() -> None:
    x, gamma, beta, _ = bn_inputs(6)
    out, cache = batch_norm_forward(x, gamma, beta, eps=1e-5)
    np.testing.assert_allclose(cache.mean, x.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(cache.var, x.var(axis=0, ddof=0), rtol=1e-14)
    np.testing.assert_allclose(out, gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) + beta, rtol=1e-13)
    np.testing.assert_allclose(((out - beta) / gamma).mean(axis=0), 0.0, atol=1e-14)


def test_batch_norm_backward_matches_finite_differences() -> None:
    x, gamma, beta, dout = bn_inputs(7)
    _, cache = batch_norm_forward(x, gamma, beta)
    dx, dgamma, dbeta = batch_norm_backward(dout, cache)
    tol = {"rtol": 1e-6, "atol": 1e-8}
    np.testing.assert_allclose(dx, numeric_grad(lambda v: batch_norm_forward(v, gamma, beta)[0], x, dout), **tol)
    np.testing.assert_allclose(dgamma, numeric_grad(lambda v: batch_norm_forward(x, v, beta)[0], gamma, dout), **tol)
    np.testing.assert_allclose(dbeta, numeric_grad(lambda v: batch_norm_forward(x, gamma, v)[0], beta, dout), **tol)


def test_batch_norm_three_term_form_equals_the_staged_backward() -> None:
    for seed in range(5):
        x, gamma, beta, dout = bn_inputs(seed, n=8, f=4)
        _, cache = batch_norm_forward(x, gamma, beta, eps=1e-3)
        closed = batch_norm_backward(dout, cache)
        staged = batch_norm_backward_staged(dout, cache)
        for a, b in zip(closed, staged, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


def test_batch_norm_terms_are_the_closed_form_written_out() -> None:
    x, gamma, beta, dout = bn_inputs(8, n=4, f=2)
    _, cache = batch_norm_forward(x, gamma, beta)
    t = batch_norm_backward_terms(dout, cache)
    assert t.n == 4
    np.testing.assert_array_equal(t.dx_hat, dout * gamma)
    np.testing.assert_array_equal(t.n_dx_hat, 4 * t.dx_hat)
    np.testing.assert_allclose(t.sum_dx_hat, t.dx_hat.sum(axis=0), rtol=1e-15)
    np.testing.assert_allclose(t.sum_dx_hat_x_hat, (t.dx_hat * cache.x_hat).sum(axis=0), rtol=1e-15)
    np.testing.assert_allclose(t.x_hat_term, cache.x_hat * t.sum_dx_hat_x_hat, rtol=1e-15)
    np.testing.assert_allclose(t.factor, 1.0 / (4.0 * np.sqrt(x.var(axis=0) + 1e-5)), rtol=1e-14)
    np.testing.assert_allclose(t.dx, t.factor * (t.n_dx_hat - t.sum_dx_hat - t.x_hat_term), rtol=1e-15)
    np.testing.assert_array_equal(t.dx, batch_norm_backward(dout, cache)[0])


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 9), st.integers(1, 4), st.floats(-5.0, 5.0), st.integers(0, 2**32 - 1))
def test_batch_norm_uniform_upstream_gives_zero_dx(n: int, f: int, c: float, seed: int) -> None:
    # out = γ x̂ + β and Σ_n x̂_n = 0: adding a constant to every dout moves no x.
    r = rng(seed)
    x = r.normal(0.0, 10.0, size=(n, f))
    _, cache = batch_norm_forward(x, r.normal(size=f), r.normal(size=f))
    dx, _, dbeta = batch_norm_backward(np.full((n, f), c), cache)
    np.testing.assert_allclose(dx, 0.0, atol=1e-12 * max(1.0, abs(c)))
    np.testing.assert_allclose(dbeta, n * c, rtol=1e-12)


def test_batch_norm_eval_is_a_fixed_affine_map() -> None:
    x, gamma, beta, dout = bn_inputs(9)
    r_mean, r_var = np.array([1.0, -2.0, 0.5]), np.array([4.0, 0.25, 1.0])
    out, cache = batch_norm_forward(x, gamma, beta, eps=1e-5, training=False, running_mean=r_mean, running_var=r_var)
    scale = gamma / np.sqrt(r_var + 1e-5)
    np.testing.assert_allclose(out, x * scale + (beta - r_mean * scale), rtol=1e-13)
    # each row on its own: one example gives the same output alone as in the batch
    alone, _ = batch_norm_forward(x[2:3], gamma, beta, training=False, running_mean=r_mean, running_var=r_var)
    np.testing.assert_array_equal(alone[0], out[2])
    dx, dgamma, dbeta = batch_norm_backward(dout, cache)
    np.testing.assert_allclose(dx, dout * scale, rtol=1e-15)
    f = lambda v: batch_norm_forward(v, gamma, beta, training=False, running_mean=r_mean, running_var=r_var)[0]  # noqa: E731
    np.testing.assert_allclose(dx, numeric_grad(f, x, dout), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(dgamma, (dout * (x - r_mean) / np.sqrt(r_var + 1e-5)).sum(axis=0), rtol=1e-13)
    np.testing.assert_array_equal(dbeta, dout.sum(axis=0))


def test_batch_norm_one_example_raises_in_training_only() -> None:
    with pytest.raises(ValueError, match="more than one example"):
        batch_norm_forward(np.ones((1, 3)), np.ones(3), np.zeros(3))
    out, _ = batch_norm_forward(
        np.ones((1, 3)), np.ones(3), np.zeros(3), training=False, running_mean=np.zeros(3), running_var=np.ones(3)
    )
    np.testing.assert_allclose(out, 1.0 / np.sqrt(1.0 + 1e-5), rtol=1e-15)


def test_batch_norm_constant_feature_stays_finite() -> None:
    x = np.array([[3.0, 1.0], [3.0, 2.0], [3.0, 4.0]])
    out, cache = batch_norm_forward(x, np.ones(2), np.zeros(2))
    np.testing.assert_array_equal(out[:, 0], 0.0)
    dx, _, _ = batch_norm_backward(np.array([[1.0, 0.0], [2.0, 0.0], [-1.0, 0.0]]), cache)
    assert np.all(np.isfinite(dx))


def test_running_stats_update_like_pytorch() -> None:
    x, gamma, beta, _ = bn_inputs(10, n=4)
    _, cache = batch_norm_forward(x, gamma, beta)
    mean, var = update_running_stats(np.zeros(3), np.ones(3), cache, momentum=0.1)
    np.testing.assert_allclose(mean, 0.1 * x.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(var, 0.9 + 0.1 * x.var(axis=0, ddof=1), rtol=1e-14)


# ----------------------------------------------------------------------------- bad input


def _linear_cache() -> LinearCache:
    return linear_forward(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4))[1]


def _bn_cache() -> BatchNormCache:
    return batch_norm_forward(np.arange(6.0).reshape(3, 2), np.ones(2), np.zeros(2))[1]


BAD: list[tuple[str, Callable[[], object], str]] = [
    ("x 1-D", lambda: linear_forward(np.ones(3), np.ones((2, 3)), np.zeros(2)), "x must have 2 axes"),
    ("x NaN", lambda: linear_forward([[np.nan, 1.0]], np.ones((2, 2)), np.zeros(2)), "x must be finite"),
    ("x inf", lambda: relu_forward([np.inf]), "x must be finite"),
    ("x empty", lambda: relu_forward(np.ones((0, 3))), "must not be empty"),
    ("x strings", lambda: tanh_forward(["a", "b"]), "real numbers"),
    ("x complex", lambda: tanh_forward(np.array([1j])), "real numbers"),
    ("W columns", lambda: linear_forward(np.ones((2, 3)), np.ones((4, 2)), np.zeros(4)), "one column per input"),
    ("b length", lambda: linear_forward(np.ones((2, 3)), np.ones((4, 3)), np.zeros(3)), "one entry per row of W"),
    ("W inf", lambda: linear_forward(np.ones((2, 3)), np.full((4, 3), np.inf), np.zeros(4)), "W must be finite"),
    ("dout shape", lambda: linear_backward(np.ones((2, 5)), _linear_cache()), r"dout must have .* shape \(2, 4\)"),
    ("dout NaN", lambda: linear_backward(np.full((2, 4), np.nan), _linear_cache()), "dout must be finite"),
    ("wrong cache", lambda: relu_backward(np.ones((2, 4)), _linear_cache()), "cache returned by relu_forward"),  # type: ignore[arg-type]
    ("cache None", lambda: linear_backward(np.ones((2, 4)), None), "cache returned by linear_forward"),  # type: ignore[arg-type]
    ("pool 3-D", lambda: max_pool2d_forward(np.ones((1, 4, 4)), 2, 2), "x must have 4 axes"),
    ("kernel 0", lambda: max_pool2d_forward(np.ones((1, 1, 4, 4)), 0, 1), "kernel must be at least 1"),
    ("stride 0", lambda: max_pool2d_forward(np.ones((1, 1, 4, 4)), 2, 0), "stride must be at least 1"),
    ("kernel float", lambda: max_pool2d_forward(np.ones((1, 1, 4, 4)), 2.0, 2), "kernel must be an integer"),  # type: ignore[arg-type]
    ("stride bool", lambda: max_pool2d_forward(np.ones((1, 1, 4, 4)), 2, True), "stride must be an integer"),
    ("kernel big", lambda: max_pool2d_forward(np.ones((1, 1, 4, 3)), 4, 1), "kernel 4 is larger than the input"),
    ("p = 1", lambda: dropout_forward(np.ones(3), 1.0), r"p must be in \[0, 1\)"),
    ("p < 0", lambda: dropout_forward(np.ones(3), -0.1), r"p must be in \[0, 1\)"),
    ("p NaN", lambda: dropout_forward(np.ones(3), float("nan")), "p must be finite"),
    ("p text", lambda: dropout_forward(np.ones(3), "0.5"), "p must be a number"),  # type: ignore[arg-type]
    ("mask ints", lambda: dropout_forward(np.ones(3), 0.5, mask=np.ones(3, dtype=int)), "mask must be boolean"),
    ("mask shape", lambda: dropout_forward(np.ones(3), 0.5, mask=np.ones(4, dtype=bool)), "mask must have the input"),
    ("mask + seed", lambda: dropout_forward(np.ones(3), 0.5, mask=np.ones(3, dtype=bool), seed=1), "not both"),
    ("seed negative", lambda: dropout_forward(np.ones(3), 0.5, seed=-1), "seed must be at least 0"),
    ("training text", lambda: dropout_forward(np.ones(3), 0.5, training="no"), "training must be True or False"),  # type: ignore[arg-type]
    ("bn 3-D", lambda: batch_norm_forward(np.ones((2, 2, 2)), np.ones(2), np.zeros(2)), "x must have 2 axes"),
    ("gamma length", lambda: batch_norm_forward(np.ones((2, 3)), np.ones(2), np.zeros(3)), "gamma must have one entry"),
    ("beta NaN", lambda: batch_norm_forward(np.ones((2, 2)), np.ones(2), [np.nan, 0.0]), "beta must be finite"),
    ("eps 0", lambda: batch_norm_forward(np.ones((2, 2)), np.ones(2), np.zeros(2), eps=0.0), "eps must be > 0"),
    (
        "eval without stats",
        lambda: batch_norm_forward(np.ones((2, 2)), np.ones(2), np.zeros(2), training=False),
        "needs running_mean and running_var",
    ),
    (
        "negative running var",
        lambda: batch_norm_forward(
            np.ones((2, 2)), np.ones(2), np.zeros(2), running_mean=np.zeros(2), running_var=np.array([1.0, -1.0])
        ),
        "running_var must be >= 0",
    ),
    ("bn dout", lambda: batch_norm_backward(np.ones((3, 3)), _bn_cache()), r"dout must have .* shape \(3, 2\)"),
    (
        "terms in eval",
        lambda: batch_norm_backward_terms(
            np.ones((2, 2)),
            batch_norm_forward(
                np.ones((2, 2)),
                np.ones(2),
                np.zeros(2),
                training=False,
                running_mean=np.zeros(2),
                running_var=np.ones(2),
            )[1],
        ),
        "three-term form is for training",
    ),
    ("momentum 2", lambda: update_running_stats(np.zeros(2), np.ones(2), _bn_cache(), 2.0), r"momentum must be in"),
]


@pytest.mark.parametrize(("case", "call", "message"), BAD, ids=[c for c, _, _ in BAD])
def test_bad_input_raises_value_error_saying_what_is_wrong(case: str, call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
