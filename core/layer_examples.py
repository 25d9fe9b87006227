"""The numbers of the Layers view: small inputs, upstream gradients, each layer's backward and its check.

For one layer of :mod:`core.layers` at a time: an input from a hand-picked example or a seed,
an upstream gradient ``dout`` (random, all ones, or one-hot on a cell), the forward and the
backward, and central finite differences of ``E = Σ out ⊙ dout`` (whose gradient with respect
to the input is exactly what the backward returns). Where the layer has a kink (ReLU at 0, a
tie in a max-pool window) the finite difference does not equal the backward: those entries
are marked, so the page can say why. One frozen dataclass per layer holds every number the
page shows; the page only displays it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core._validate import Array
from core.derivation import finite_difference
from core.layers import (
    BatchNormTerms,
    as_count,
    as_finite_array,
    batch_norm_backward,
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
    update_running_stats,
)

Mask = NDArray[np.bool_]
Counts = NDArray[np.intp]

LAYERS = ("linear", "relu", "maxpool", "dropout", "batchnorm")
INPUT_PRESETS = ("example", "random")
UPSTREAM_KINDS = ("random", "ones", "onehot")
#: Step of the central finite differences (small enough for rounding, large against float64's 1e-16).
FD_STEP = 1e-5
#: Every input value is a number in [-INPUT_LIMIT, INPUT_LIMIT] (typed values beyond are refused).
INPUT_LIMIT = 100.0
POOL_STRIDE = 2
POOL_KERNELS = (2, 3)
#: Batch norm: at most this many examples N and features F.
BN_N_MAX, BN_F_MAX = 8, 4
BN_EPS = 1e-5
BN_GAMMA: Array = np.array([1.0, 2.0, 0.5, 1.5])
BN_BETA: Array = np.array([0.0, 0.5, -1.0, 1.0])
#: Random batch-norm inputs: feature f is drawn around BN_LOC[f] with spread BN_SCALE[f].
BN_LOC: Array = np.array([2.0, -1.0, 0.5, 5.0])
BN_SCALE: Array = np.array([1.0, 0.5, 2.0, 3.0])
#: The running statistics used in evaluation: PyTorch's update over this many training batches
#: of BN_N_MAX examples drawn like the random inputs, from (0, 1) with momentum 0.1.
RUNNING_BATCHES = 50
RUNNING_SEED = 2024
#: Dropout: how many masks the average over masks uses.
MASK_SAMPLES = 10_000

#: The shape of each layer's input grid (batch norm's is chosen: N x F).
GRID_SHAPES: dict[str, tuple[int, int]] = {"linear": (3, 4), "relu": (4, 4), "maxpool": (5, 5), "dropout": (4, 4)}

LINEAR_W: Array = np.array([[0.5, -1.0, 0.0, 1.0], [1.0, 0.5, -0.5, 0.0], [-1.0, 0.0, 1.0, 0.5]])
LINEAR_B: Array = np.array([0.1, -0.2, 0.0])

#: Hand-picked inputs, each showing its layer's point at once.
EXAMPLES: dict[str, Array] = {
    # three examples of four features
    "linear": np.array([[1.0, 2.0, -1.0, 0.5], [0.0, -1.0, 2.0, 1.0], [-2.0, 0.5, 1.0, -1.0]]),
    # three entries exactly 0: the kink
    "relu": np.array([[1.5, -0.5, 0.0, 2.0], [-1.0, 0.0, 0.8, -2.0], [0.3, -1.2, 1.1, 0.0], [-0.7, 2.4, -0.1, 0.6]]),
    # kernel 2: a tie in window (1, 1); kernel 3: windows (1, 1) and (1, 2) share their maximum 5,
    # window (2, 2) has a tie (4 at rows 4 and 5)
    "maxpool": np.array(
        [
            [1.0, 0.0, -1.0, 2.0, 0.0],
            [2.0, 2.0, 5.0, 1.0, 3.0],
            [-1.0, 0.0, 1.0, 0.0, -1.0],
            [3.0, 1.0, 0.0, 4.0, 1.0],
            [0.0, 2.0, -2.0, 1.0, 4.0],
        ]
    ),
    "dropout": np.array([[1.0, 2.0, -1.0, 0.5], [3.0, -2.0, 1.5, 1.0], [-0.5, 1.0, 2.0, -3.0], [2.5, 0.5, -1.5, 1.0]]),
    # BN_N_MAX x BN_F_MAX; the first N rows and F columns are used
    "batchnorm": np.array(
        [
            [2.0, -1.0, 1.0, 4.0],
            [3.0, -1.5, -2.0, 8.0],
            [1.0, -0.5, 0.5, 2.0],
            [2.5, -1.0, 3.0, 6.0],
            [1.5, -2.0, -1.0, 5.0],
            [3.5, -0.5, 2.5, 9.0],
            [0.5, -1.5, 0.0, 3.0],
            [2.0, -1.0, 1.5, 1.0],
        ]
    ),
}


# ----------------------------------------------------------------------------- inputs


def _check_layer(layer: str) -> str:
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {', '.join(LAYERS)}: got {layer!r}")
    return layer


def input_shape(layer: str, n: int = 4, f: int = 3) -> tuple[int, int]:
    """The input grid's shape: fixed per layer, ``(n, f)`` for batch norm (1-8 by 1-4)."""
    if _check_layer(layer) != "batchnorm":
        return GRID_SHAPES[layer]
    n_, f_ = as_count(n, "N"), as_count(f, "F")
    if n_ > BN_N_MAX or f_ > BN_F_MAX:
        raise ValueError(f"batch norm here has at most {BN_N_MAX} examples and {BN_F_MAX} features: got {n_} x {f_}")
    return n_, f_


def base_input(layer: str, preset: str, seed: int, shape: tuple[int, int]) -> Array:
    """The input before any edit: the layer's example, or values drawn from ``seed`` (one decimal).

    Random values are drawn for the largest grid and cut to ``shape``, so one more batch-norm
    example adds a row and keeps the others.
    """
    _check_layer(layer)
    if preset not in INPUT_PRESETS:
        raise ValueError(f"preset must be one of {', '.join(INPUT_PRESETS)}: got {preset!r}")
    rows, cols = shape
    if preset == "example":
        return EXAMPLES[layer][:rows, :cols].copy()
    rng = np.random.default_rng([as_count(seed, "seed", minimum=0), 0])
    if layer == "batchnorm":
        drawn = BN_LOC + BN_SCALE * rng.standard_normal((BN_N_MAX, BN_F_MAX))
    else:
        drawn = 1.5 * rng.standard_normal(GRID_SHAPES[layer])
    values: Array = np.round(drawn[:rows, :cols], 1) + 0.0  # + 0.0: no -0
    return values


def output_shape(layer: str, shape: tuple[int, int], kernel: int = 2) -> tuple[int, int]:
    """The shape of the layer's output (and of ``dout``) for an input of ``shape``."""
    _check_layer(layer)
    rows, cols = shape
    if layer == "linear":
        return rows, LINEAR_W.shape[0]
    if layer == "maxpool":
        return (rows - kernel) // POOL_STRIDE + 1, (cols - kernel) // POOL_STRIDE + 1
    return rows, cols


def clamp_cell(cell: tuple[int, int], shape: tuple[int, int]) -> tuple[int, int]:
    """A (row, column) cell, 0-based, moved inside ``shape`` if it lies beyond it."""
    return min(max(cell[0], 0), shape[0] - 1), min(max(cell[1], 0), shape[1] - 1)


def upstream(kind: str, shape: tuple[int, int], seed: int = 0, cell: tuple[int, int] = (0, 0)) -> Array:
    """The upstream gradient ``dout = dE/d out``: random (one decimal, from ``seed``), all ones, or one-hot.

    Random values are drawn for an 8 x 4 grid and cut to ``shape`` (more rows keep the others).
    A one-hot cell beyond ``shape`` is moved inside it (:func:`clamp_cell`).
    """
    rows, cols = shape
    if kind == "ones":
        return np.ones(shape)
    if kind == "onehot":
        grad = np.zeros(shape)
        grad[clamp_cell(cell, shape)] = 1.0
        return grad
    if kind != "random":
        raise ValueError(f"dout must be one of {', '.join(UPSTREAM_KINDS)}: got {kind!r}")
    rng = np.random.default_rng([as_count(seed, "seed", minimum=0), 1])
    drawn = rng.standard_normal((max(rows, BN_N_MAX), max(cols, BN_F_MAX)))
    values: Array = np.round(drawn[:rows, :cols], 1) + 0.0
    return values


def input_gradient_check(forward: Callable[[Array], Array], at: ArrayLike, dout: ArrayLike) -> Array:
    """Central finite differences of ``E(a) = Σ forward(a) ⊙ dout`` for every entry of ``a``.

    ``dE/da`` is what a layer's backward computes from ``dout``, so the two must agree wherever
    ``forward`` is differentiable within ``FD_STEP`` of ``at``.
    """
    a = as_finite_array(at, "the point")
    g = as_finite_array(dout, "dout")
    return finite_difference(lambda v: float(np.sum(forward(v) * g)), a, FD_STEP)


def _largest(diff: Array, where: Mask | None = None) -> float:
    values = diff if where is None else diff[where]
    return float(np.max(values)) if values.size else 0.0


# ----------------------------------------------------------------------------- linear


@dataclass(frozen=True)
class LinearExample:
    """``out = x Wᵀ + b``: ``dx = dout W``, ``dW = doutᵀ x``, ``db = Σ_n dout_n``, and their checks."""

    x: Array
    W: Array
    b: Array
    out: Array
    dout: Array
    dx: Array
    dW: Array
    db: Array
    fd_dx: Array
    fd_dW: Array
    fd_db: Array

    @property
    def fd_error(self) -> float:
        return max(
            _largest(np.abs(self.dx - self.fd_dx)),
            _largest(np.abs(self.dW - self.fd_dW)),
            _largest(np.abs(self.db - self.fd_db)),
        )


def explain_linear(x: ArrayLike, dout: ArrayLike) -> LinearExample:
    out, cache = linear_forward(x, LINEAR_W, LINEAR_B)
    dx, dW, db = linear_backward(dout, cache)
    x_ = cache.x
    fd_dx = input_gradient_check(lambda v: linear_forward(v, LINEAR_W, LINEAR_B)[0], x_, dout)
    fd_dW = input_gradient_check(lambda v: linear_forward(x_, v, LINEAR_B)[0], LINEAR_W, dout)
    fd_db = input_gradient_check(lambda v: linear_forward(x_, LINEAR_W, v)[0], LINEAR_B, dout)
    return LinearExample(cache.x, LINEAR_W, LINEAR_B, out, np.asarray(dout, float), dx, dW, db, fd_dx, fd_dW, fd_db)


# ----------------------------------------------------------------------------- ReLU


@dataclass(frozen=True)
class ReluExample:
    """``out = max(x, 0)``, ``dx = dout ⊙ 1[x > 0]``, and the check.

    ``kink`` marks inputs within ``FD_STEP`` of 0: there the central difference straddles the
    kink and gives ``(relu(x + h) - relu(x - h)) / 2h · dout``, which is ``0.5 · dout`` at 0,
    where the backward (like PyTorch) gives 0.
    """

    x: Array
    out: Array
    dout: Array
    dx: Array
    fd_dx: Array
    kink: Mask

    @property
    def passes(self) -> Array:
        """``1[x > 0]``: 1 where the gradient passes, 0 where it stops (0 at exactly 0)."""
        gate: Array = (self.x > 0.0).astype(np.float64)
        return gate

    @property
    def smooth_error(self) -> float:
        """Largest |backward - finite difference| away from the kink."""
        return _largest(np.abs(self.dx - self.fd_dx), ~self.kink)


def explain_relu(x: ArrayLike, dout: ArrayLike) -> ReluExample:
    out, cache = relu_forward(x)
    dx = relu_backward(dout, cache)
    fd_dx = input_gradient_check(lambda v: relu_forward(v)[0], cache.x, dout)
    kink: Mask = np.abs(cache.x) <= FD_STEP
    return ReluExample(cache.x, out, np.asarray(dout, float), dx, fd_dx, kink)


# ----------------------------------------------------------------------------- max pooling


@dataclass(frozen=True)
class MaxPoolExample:
    """Max pooling of one ``H x W`` grid (stride 2), its backward and the check.

    ``rows[i, j], cols[i, j]`` is window ``(i, j)``'s maximum (the first in row-major order on a
    tie), ``tie_counts[i, j]`` how many of its entries equal that maximum. Per input entry:
    ``covered`` counts the windows that contain it, ``routed`` the windows whose maximum it is
    (their ``dout`` add up in ``dx``), ``tied`` marks an entry that equals the maximum of a window
    which chose another, earlier entry (it gets none of that window's gradient), and ``near_tie``
    an entry within ``2 FD_STEP`` of its window's maximum with another entry as close: there the
    finite difference sees the kink.
    """

    x: Array
    kernel: int
    stride: int
    out: Array
    rows: Counts
    cols: Counts
    tie_counts: Counts
    dout: Array
    dx: Array
    fd_dx: Array
    covered: Counts
    routed: Counts
    tied: Mask
    near_tie: Mask

    def window(self, i: int, j: int) -> tuple[int, int]:
        """Top-left input cell (row, column) of window ``(i, j)``."""
        return i * self.stride, j * self.stride

    @property
    def overlapping(self) -> bool:
        return self.kernel > self.stride

    @property
    def smooth_error(self) -> float:
        return _largest(np.abs(self.dx - self.fd_dx), ~self.near_tie)


def explain_max_pool(x: ArrayLike, dout: ArrayLike, kernel: int) -> MaxPoolExample:
    grid = as_finite_array(x, "x", 2)
    k = as_count(kernel, "kernel")
    out4, cache = max_pool2d_forward(grid[None, None], k, POOL_STRIDE)
    g = as_finite_array(dout, "dout", 2)
    dx = max_pool2d_backward(g[None, None], cache)[0, 0]
    fd_dx = input_gradient_check(lambda v: max_pool2d_forward(v[None, None], k, POOL_STRIDE)[0][0, 0], grid, g)
    rows, cols = cache.rows[0, 0], cache.cols[0, 0]
    out = out4[0, 0]
    covered = np.zeros(grid.shape, dtype=np.intp)
    routed = np.zeros(grid.shape, dtype=np.intp)
    tied = np.zeros(grid.shape, dtype=np.bool_)
    near_tie = np.zeros(grid.shape, dtype=np.bool_)
    for i, j in np.ndindex(out.shape):
        r0, c0 = i * POOL_STRIDE, j * POOL_STRIDE
        window = grid[r0 : r0 + k, c0 : c0 + k]
        covered[r0 : r0 + k, c0 : c0 + k] += 1
        routed[rows[i, j], cols[i, j]] += 1
        equal = window == out[i, j]
        equal[rows[i, j] - r0, cols[i, j] - c0] = False  # the one this window chose
        tied[r0 : r0 + k, c0 : c0 + k] |= equal
        close = window >= out[i, j] - 2.0 * FD_STEP
        if close.sum() > 1:
            near_tie[r0 : r0 + k, c0 : c0 + k] |= close
    return MaxPoolExample(
        grid, k, POOL_STRIDE, out, rows, cols, cache.tie_counts()[0, 0], g, dx, fd_dx, covered, routed, tied, near_tie
    )


# ----------------------------------------------------------------------------- dropout


@dataclass(frozen=True)
class DropoutScheme:
    """One way to scale dropout, for one input value ``x`` with drop probability ``p``.

    ``train_mean`` is the expected training output ``E_m[out]``, ``eval_out`` the output in
    evaluation; the network sees the same scale in both only when they are equal.
    """

    name: str
    train: str  # the training output, as a formula
    evaluation: str  # the evaluation output, as a formula
    train_mean: float
    eval_out: float

    @property
    def consistent(self) -> bool:
        return bool(np.isclose(self.train_mean, self.eval_out, rtol=1e-12, atol=0.0))


def dropout_schemes(x: float, p: float) -> tuple[DropoutScheme, ...]:
    """Inverted dropout (this page, PyTorch), the original paper's, and two mixes that go wrong.

    ConvNetJS (``convnet_layers_dropout.js``) trains the original way (no scaling) and multiplies
    by ``p`` at test time, where the original scheme multiplies by ``1 - p``: right only at 0.5.
    """
    keep = 1.0 - p
    return (
        DropoutScheme("inverted (this page, PyTorch)", "x m / (1 - p)", "x", keep * x / keep, x),
        DropoutScheme("original (Srivastava et al.)", "x m", "x (1 - p)", keep * x, x * keep),
        DropoutScheme("inverted, then x (1 - p) at test", "x m / (1 - p)", "x (1 - p)", keep * x / keep, x * keep),
        DropoutScheme("ConvNetJS: original, then x p at test", "x m", "x p", keep * x, x * p),
    )


@dataclass(frozen=True)
class DropoutExample:
    """Inverted dropout ``out = x ⊙ m / (1 - p)`` (identity in evaluation), its backward and checks.

    ``mean_over_masks`` averages the training output over ``samples`` fresh masks: it approaches
    ``x``, the expected value, which is why evaluation needs no scaling.
    """

    x: Array
    p: float
    training: bool
    mask: Mask
    scale: float
    out: Array
    dout: Array
    dx: Array
    fd_dx: Array
    mean_over_masks: Array
    samples: int

    @property
    def fd_error(self) -> float:
        return _largest(np.abs(self.dx - self.fd_dx))

    @property
    def scaled_mask(self) -> Array:
        """``m / (1 - p)``: what multiplies ``x`` forward and ``dout`` backward (all ones in evaluation)."""
        factor: Array = np.where(self.mask, self.scale, 0.0)
        return factor

    @property
    def mean_error(self) -> float:
        """Largest |average over masks - x|: sampling noise, shrinking like 1/√samples."""
        return _largest(np.abs(self.mean_over_masks - self.x))


def explain_dropout(
    x: ArrayLike, dout: ArrayLike, p: float, training: bool, seed: int, samples: int = MASK_SAMPLES
) -> DropoutExample:
    """Dropout with the mask drawn from ``seed``; the same mask in the backward and the check."""
    out, cache = dropout_forward(x, p, training=training, seed=seed)
    grid = as_finite_array(x, "x")
    dx = dropout_backward(dout, cache)
    mask = cache.mask

    def forward(v: Array) -> Array:
        return dropout_forward(v, p, training=training, mask=mask if training else None)[0]

    fd_dx = input_gradient_check(forward, grid, dout)
    rng = np.random.default_rng([as_count(seed, "seed", minimum=0), 2])
    keep_share = (rng.random((samples, *grid.shape)) < 1.0 - cache.p).mean(axis=0)
    mean_over_masks: Array = grid * keep_share / (1.0 - cache.p)
    return DropoutExample(
        grid, cache.p, cache.training, mask, cache.scale, out, np.asarray(dout, float), dx, fd_dx,
        mean_over_masks, samples,
    )  # fmt: skip


# ----------------------------------------------------------------------------- batch norm


def running_statistics(n_features: int) -> tuple[Array, Array]:
    """Running mean and variance as training leaves them: PyTorch's update (momentum 0.1) from
    ``(0, 1)`` over ``RUNNING_BATCHES`` batches drawn like the random inputs (``BN_LOC``, ``BN_SCALE``)."""
    mean, var = _running_statistics(as_count(n_features, "F"))
    return mean.copy(), var.copy()


@functools.lru_cache(maxsize=BN_F_MAX)
def _running_statistics(f: int) -> tuple[Array, Array]:
    """The same for every page view, so computed once per feature count (callers get copies)."""
    rng = np.random.default_rng(RUNNING_SEED)
    mean, var = np.zeros(f), np.ones(f)
    gamma, beta = np.ones(f), np.zeros(f)
    for _ in range(RUNNING_BATCHES):
        batch = BN_LOC[:f] + BN_SCALE[:f] * rng.standard_normal((BN_N_MAX, f))
        _, cache = batch_norm_forward(batch, gamma, beta, BN_EPS)
        mean, var = update_running_stats(mean, var, cache)
    return mean, var


@dataclass(frozen=True)
class BatchNormExample:
    """Batch norm over a batch ``(N, F)``: forward, backward (three terms in training) and checks.

    In training ``mean`` and ``var`` are the batch's (biased variance); in evaluation they are
    the running statistics, and ``terms`` is None (dx = dout γ / √(var + ε)).
    """

    x: Array
    gamma: Array
    beta: Array
    eps: float
    training: bool
    mean: Array
    var: Array
    inv_std: Array
    x_hat: Array
    out: Array
    dout: Array
    dx: Array
    dgamma: Array
    dbeta: Array
    terms: BatchNormTerms | None
    fd_dx: Array
    fd_dgamma: Array
    fd_dbeta: Array
    running_mean: Array
    running_var: Array

    @property
    def fd_error(self) -> float:
        return max(
            _largest(np.abs(self.dx - self.fd_dx)),
            _largest(np.abs(self.dgamma - self.fd_dgamma)),
            _largest(np.abs(self.dbeta - self.fd_dbeta)),
        )

    @property
    def terms_scale(self) -> float:
        """Bound on every term and sum inside the bracket of the three-term form (training): a
        result this much smaller than it, by float64's 1e-16, is 0 up to rounding."""
        if self.terms is None:
            return 0.0
        return _largest(np.abs(self.terms.n_dx_hat)) * max(1.0, _largest(np.abs(self.x_hat)))

    @property
    def dx_scale(self) -> float:
        """Size of the terms that make up dx: a dx this much smaller than them is 0 up to rounding."""
        if self.terms is None:
            return _largest(np.abs(self.dx))
        return self.terms_scale * _largest(self.terms.factor)

    @property
    def dgamma_scale(self) -> float:
        """Bound on the terms ``dout_n x̂_n`` that dγ adds up (times N)."""
        return float(self.x.shape[0]) * _largest(np.abs(self.dout)) * max(1.0, _largest(np.abs(self.x_hat)))

    @property
    def x_hat_scale(self) -> float:
        """Size of the x̂ that ``x_hat_sum`` adds up."""
        return _largest(np.abs(self.x_hat))

    @property
    def centred(self) -> Array:
        """``x - μ`` (the batch mean in training, the running mean in evaluation)."""
        diff: Array = self.x - self.mean
        return diff

    @property
    def x_hat_sum(self) -> Array:
        """``Σ_n x̂_n`` per feature: 0 (up to rounding) in training, by construction."""
        total: Array = self.x_hat.sum(axis=0)
        return total

    @property
    def eval_factor(self) -> Array:
        """``γ / sqrt(σ² + ε)`` per feature: in evaluation ``dx = dout ⊙ eval_factor``."""
        factor: Array = self.gamma * self.inv_std
        return factor

    @property
    def uniform_upstream(self) -> bool:
        """True when every example receives the same dout (per feature): then dx = 0 in training."""
        return bool(np.all(self.dout == self.dout[0]))


def explain_batch_norm(x: ArrayLike, dout: ArrayLike, training: bool) -> BatchNormExample:
    """Batch norm of ``x`` (N, F) with γ = ``BN_GAMMA``, β = ``BN_BETA``; N = 1 in training raises ValueError."""
    grid = as_finite_array(x, "x", 2)
    f = grid.shape[1]
    if f > BN_F_MAX:
        raise ValueError(f"batch norm here has at most {BN_F_MAX} features: got {f}")
    gamma, beta = BN_GAMMA[:f].copy(), BN_BETA[:f].copy()
    r_mean, r_var = running_statistics(f)
    out, cache = batch_norm_forward(grid, gamma, beta, BN_EPS, training, r_mean, r_var)
    dx, dgamma, dbeta = batch_norm_backward(dout, cache)
    terms = batch_norm_backward_terms(dout, cache) if training else None

    def forward(v: Array, g: Array = gamma, b: Array = beta) -> Array:
        return batch_norm_forward(v, g, b, BN_EPS, training, r_mean, r_var)[0]

    fd_dx = input_gradient_check(forward, grid, dout)
    fd_dgamma = input_gradient_check(lambda g: forward(grid, g, beta), gamma, dout)
    fd_dbeta = input_gradient_check(lambda b: forward(grid, gamma, b), beta, dout)
    return BatchNormExample(
        grid, gamma, beta, BN_EPS, training, cache.mean, cache.var, cache.inv_std, cache.x_hat, out,
        np.asarray(dout, float), dx, dgamma, dbeta, terms, fd_dx, fd_dgamma, fd_dbeta, r_mean, r_var,
    )  # fmt: skip
