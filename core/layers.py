"""Layers as forward/backward pairs, in float64, with no autograd library.

Each layer is ``name_forward(x, ...) -> (out, cache)`` beside
``name_backward(dout, cache) -> grads`` (CS231n's ``layers.py``): the forward
keeps in ``cache`` what the backward needs, the backward turns the upstream
gradient ``dout = dE/d out`` into the gradients of the layer's inputs by the
chain rule. Shapes follow PyTorch: a batch of rows ``(N, D)`` for linear
layers and batch norm, ``(N, C, H, W)`` images for max pooling.

Bad input (a wrong shape, NaN or infinity, a probability outside [0, 1), a
cache from another layer, ...) raises ``ValueError`` saying what is wrong.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from core._validate import Array

# ----------------------------------------------------------------------------- checks


def as_finite_array(value: ArrayLike, name: str, ndim: int | None = None) -> Array:
    """Return ``value`` as a float64 array of finite numbers (with ``ndim`` axes, if given).

    Raises ``ValueError`` naming ``name`` when it is not numbers, has the wrong
    number of axes, is empty, or holds NaN or infinity.
    """
    raw = np.asarray(value)
    if raw.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers: got dtype {raw.dtype}")
    arr = raw.astype(np.float64, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes: got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty: got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite: got NaN or infinity")
    return arr


def as_count(value: object, name: str, minimum: int = 1) -> int:
    """Return ``value`` as a Python int ``>= minimum`` (booleans and floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer: got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be at least {minimum}: got {value!r}")
    return int(value)


def as_real(value: object, name: str) -> float:
    """Return ``value`` as a finite float (booleans are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number: got {value!r}")
    result = float(value)
    if not np.isfinite(result):
        raise ValueError(f"{name} must be finite: got {value!r}")
    return result


def _as_flag(value: object, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False: got {value!r}")
    return bool(value)


def _as_upstream(dout: ArrayLike, shape: tuple[int, ...]) -> Array:
    grad = as_finite_array(dout, "dout", len(shape))
    if grad.shape != shape:
        raise ValueError(f"dout must have the forward output's shape {shape}: got {grad.shape}")
    return grad


def _check_cache(cache: object, kind: type, layer: str) -> None:
    if not isinstance(cache, kind):
        raise ValueError(f"{layer}_backward needs the cache returned by {layer}_forward: got {type(cache).__name__}")


# ----------------------------------------------------------------------------- linear


@dataclass(frozen=True)
class LinearCache:
    """What :func:`linear_backward` needs: the input ``x`` and the weights ``W``."""

    x: Array  # (N, D)
    W: Array  # (M, D)


def linear_forward(x: ArrayLike, W: ArrayLike, b: ArrayLike) -> tuple[Array, LinearCache]:
    """A fully connected layer: ``out = x W^T + b``, one row per example.

    Parameters
    ----------
    x : (N, D) inputs, one example per row
    W : (M, D) weights; row ``i`` feeds output ``i`` (so ``a = W h + b`` per example)
    b : (M,) biases

    Returns
    -------
    out : (N, M)
    cache : :class:`LinearCache`
    """
    x_ = as_finite_array(x, "x", 2)
    w = as_finite_array(W, "W", 2)
    b_ = as_finite_array(b, "b", 1)
    if w.shape[1] != x_.shape[1]:
        raise ValueError(f"W must have one column per input feature ({x_.shape[1]}): got shape {w.shape}")
    if b_.shape != (w.shape[0],):
        raise ValueError(f"b must have one entry per row of W ({w.shape[0]}): got shape {b_.shape}")
    out: Array = x_ @ w.T + b_
    return out, LinearCache(x_, w)


def linear_backward(dout: ArrayLike, cache: LinearCache) -> tuple[Array, Array, Array]:
    """Gradients of ``out = x W^T + b``: ``dx = dout W``, ``dW = dout^T x``, ``db = sum_n dout_n``.

    Parameters
    ----------
    dout : (N, M) upstream gradient ``dE/d out``
    cache : from :func:`linear_forward`

    Returns
    -------
    dx : (N, D)
    dW : (M, D), the sum over the batch of the outer products ``dout_n x_n^T``
    db : (M,)
    """
    _check_cache(cache, LinearCache, "linear")
    g = _as_upstream(dout, (cache.x.shape[0], cache.W.shape[0]))
    dx: Array = g @ cache.W
    dW: Array = g.T @ cache.x
    db: Array = g.sum(axis=0)
    return dx, dW, db


# ----------------------------------------------------------------------------- activations


@dataclass(frozen=True)
class ReluCache:
    """What :func:`relu_backward` needs: the input ``x``."""

    x: Array


def relu_forward(x: ArrayLike) -> tuple[Array, ReluCache]:
    """``out = max(x, 0)``, elementwise, any shape."""
    x_ = as_finite_array(x, "x")
    out: Array = np.maximum(x_, 0.0)
    return out, ReluCache(x_)


def relu_backward(dout: ArrayLike, cache: ReluCache) -> Array:
    """``dx = dout ⊙ [x > 0]``: the gradient passes where the input was positive.

    At exactly ``x = 0`` the derivative is taken as 0 (as in PyTorch).
    """
    _check_cache(cache, ReluCache, "relu")
    g = _as_upstream(dout, cache.x.shape)
    dx: Array = g * (cache.x > 0.0)  # (np.where with a scalar 0 is several times slower)
    return dx


@dataclass(frozen=True)
class TanhCache:
    """What :func:`tanh_backward` needs: the output ``out = tanh(x)``."""

    out: Array


def tanh_forward(x: ArrayLike) -> tuple[Array, TanhCache]:
    """``out = tanh(x)``, elementwise, any shape."""
    out: Array = np.tanh(as_finite_array(x, "x"))
    return out, TanhCache(out)


def tanh_backward(dout: ArrayLike, cache: TanhCache) -> Array:
    """``dx = dout ⊙ (1 - tanh(x)^2)``, from the saved output."""
    _check_cache(cache, TanhCache, "tanh")
    g = _as_upstream(dout, cache.out.shape)
    dx: Array = g * (1.0 - cache.out * cache.out)
    return dx


# ----------------------------------------------------------------------------- max pooling


@dataclass(frozen=True)
class MaxPoolCache:
    """What :func:`max_pool2d_backward` needs, and what explains the pooling.

    ``argmax[n, c, i, j]`` is the position of window ``(i, j)``'s maximum inside
    the window, in row-major order (``0 .. kernel**2 - 1``): the FIRST maximum
    when several entries tie. The window covers input rows
    ``i*stride .. i*stride + kernel - 1`` and the same for columns.
    """

    x: Array  # (N, C, H, W)
    kernel: int
    stride: int
    argmax: NDArray[np.intp]  # (N, C, H_out, W_out)

    @property
    def rows(self) -> NDArray[np.intp]:
        """Input row of each window's (first) maximum, shape ``(N, C, H_out, W_out)``."""
        top = np.arange(self.argmax.shape[2]) * self.stride
        rows: NDArray[np.intp] = top[:, None] + self.argmax // self.kernel
        return rows

    @property
    def cols(self) -> NDArray[np.intp]:
        """Input column of each window's (first) maximum, shape ``(N, C, H_out, W_out)``."""
        left = np.arange(self.argmax.shape[3]) * self.stride
        cols: NDArray[np.intp] = left[None, :] + self.argmax % self.kernel
        return cols

    def tie_counts(self) -> NDArray[np.intp]:
        """How many entries of each window equal its maximum (1: no tie; more: the first one wins)."""
        windows = _windows(self.x, self.kernel, self.stride)
        top = windows.max(axis=0)
        counts: NDArray[np.intp] = (windows == top).sum(axis=0, dtype=np.intp)
        return counts

    def ties(self) -> NDArray[np.bool_]:
        """True for each window whose maximum occurs more than once."""
        tied: NDArray[np.bool_] = self.tie_counts() > 1
        return tied


def _windows(x: Array, kernel: int, stride: int) -> Array:
    """All pooling windows as ``(kernel**2, N, C, H_out, W_out)``: window entry first, row-major.

    The entry axis goes first so that maxima over it are elementwise operations
    on contiguous arrays (a reduction over a short last axis is slow in NumPy).
    """
    view = sliding_window_view(x, (kernel, kernel), axis=(2, 3))[:, :, ::stride, ::stride]
    n, c, h_out, w_out = view.shape[:4]
    windows: Array = np.moveaxis(view, (4, 5), (0, 1)).reshape(kernel * kernel, n, c, h_out, w_out)
    return windows


def max_pool2d_forward(x: ArrayLike, kernel: int, stride: int) -> tuple[Array, MaxPoolCache]:
    """2-D max pooling: ``out[n, c, i, j] = max`` over the ``kernel x kernel`` window at ``(i s, j s)``.

    Parameters
    ----------
    x : (N, C, H, W) input
    kernel : side ``k`` of the square window, ``1 <= k <= min(H, W)``
    stride : step ``s >= 1`` between windows; no padding

    Returns
    -------
    out : (N, C, (H - k) // s + 1, (W - k) // s + 1)
    cache : :class:`MaxPoolCache`, with the position of every window's maximum
    """
    x_ = as_finite_array(x, "x", 4)
    k = as_count(kernel, "kernel")
    s = as_count(stride, "stride")
    if k > min(x_.shape[2], x_.shape[3]):
        raise ValueError(f"kernel {k} is larger than the input's height x width {x_.shape[2]} x {x_.shape[3]}")
    windows = _windows(x_, k, s)
    out: Array = windows.max(axis=0)
    # The first maximum in row-major order: entry t scores k^2 - t where it equals the maximum, else 0;
    # the highest score is the first maximum's (small integer types keep these passes cheap).
    size = k * k
    score = np.arange(size, 0, -1, dtype=np.min_scalar_type(size)).reshape(-1, 1, 1, 1, 1)
    argmax: NDArray[np.intp] = size - ((windows == out) * score).max(axis=0).astype(np.intp)
    return out, MaxPoolCache(x_, k, s, argmax)


def max_pool2d_backward(dout: ArrayLike, cache: MaxPoolCache) -> Array:
    """Each window's upstream gradient goes to the entry that was its maximum.

    ``dx[n, c, r, q] = sum of dout[n, c, i, j]`` over the windows ``(i, j)`` whose
    (first) maximum sits at ``(r, q)``: overlapping windows (``kernel > stride``)
    that share a maximum add up; every other entry gets 0.
    """
    _check_cache(cache, MaxPoolCache, "max_pool2d")
    g = _as_upstream(dout, cache.argmax.shape)
    n, c, h, w = cache.x.shape
    plane = (np.arange(n * c, dtype=np.intp) * (h * w)).reshape(n, c, 1, 1)
    flat = plane + cache.rows * w + cache.cols
    dx = np.zeros(n * c * h * w, dtype=np.float64)
    np.add.at(dx, flat.ravel(), g.ravel())
    result: Array = dx.reshape(n, c, h, w)
    return result


# ----------------------------------------------------------------------------- dropout


@dataclass(frozen=True)
class DropoutCache:
    """What :func:`dropout_backward` needs: the keep-mask ``m`` and the drop probability ``p``.

    In evaluation mode ``mask`` is all True and ``scale`` is 1 (dropout is the identity).
    """

    mask: NDArray[np.bool_]
    p: float
    training: bool

    @property
    def scale(self) -> float:
        """``1 / (1 - p)`` in training, 1 in evaluation."""
        return 1.0 / (1.0 - self.p) if self.training else 1.0


def dropout_forward(
    x: ArrayLike,
    p: float,
    training: bool = True,
    mask: ArrayLike | None = None,
    seed: int | None = None,
) -> tuple[Array, DropoutCache]:
    """Inverted dropout: ``out = x ⊙ m / (1 - p)`` in training, ``out = x`` in evaluation.

    Parameters
    ----------
    x : input, any shape
    p : probability of dropping an entry, ``0 <= p < 1``
    training : False gives the identity (the mask and seed are then not used)
    mask : boolean keep-mask ``m`` of ``x``'s shape (True keeps the entry); when
        None it is drawn from ``np.random.default_rng(seed)``, each entry kept
        with probability ``1 - p``. Give a mask or a seed, not both.
    seed : seed for drawing the mask (None: fresh randomness)

    Returns
    -------
    out : like ``x``; its expectation over masks is ``x``
    cache : :class:`DropoutCache`
    """
    x_ = as_finite_array(x, "x")
    p_ = as_real(p, "p")
    if not 0.0 <= p_ < 1.0:
        raise ValueError(f"dropout probability p must be in [0, 1): got {p!r}")
    train = _as_flag(training, "training")
    if mask is not None and seed is not None:
        raise ValueError("give dropout a mask or a seed, not both")
    if seed is not None:
        as_count(seed, "seed", minimum=0)
    keep: NDArray[np.bool_]
    if mask is not None:
        keep = np.asarray(mask)
        if keep.dtype != np.bool_:
            raise ValueError(f"mask must be boolean (True keeps an entry): got dtype {keep.dtype}")
        if keep.shape != x_.shape:
            raise ValueError(f"mask must have the input's shape {x_.shape}: got {keep.shape}")
    if not train:
        return x_.copy(), DropoutCache(np.ones(x_.shape, dtype=np.bool_), p_, False)
    if mask is None:
        keep = np.random.default_rng(seed).random(x_.shape) < 1.0 - p_
    out: Array = x_ * keep
    out *= 1.0 / (1.0 - p_)
    return out, DropoutCache(keep, p_, True)


def dropout_backward(dout: ArrayLike, cache: DropoutCache) -> Array:
    """``dx = dout ⊙ m / (1 - p)`` with the forward's mask (``dx = dout`` in evaluation)."""
    _check_cache(cache, DropoutCache, "dropout")
    g = _as_upstream(dout, cache.mask.shape)
    if not cache.training:
        return g.copy()
    dx: Array = g * cache.mask
    dx *= cache.scale
    return dx


# ----------------------------------------------------------------------------- batch norm


@dataclass(frozen=True)
class BatchNormCache:
    """What :func:`batch_norm_backward` needs.

    ``mean`` and ``var`` are the statistics used: the batch's (biased variance)
    in training, the running ones in evaluation. ``inv_std = (var + eps)^(-1/2)``.
    """

    x_hat: Array  # (N, F): (x - mean) * inv_std
    gamma: Array  # (F,)
    mean: Array  # (F,)
    var: Array  # (F,)
    inv_std: Array  # (F,)
    eps: float
    training: bool


def batch_norm_forward(
    x: ArrayLike,
    gamma: ArrayLike,
    beta: ArrayLike,
    eps: float = 1e-5,
    training: bool = True,
    running_mean: ArrayLike | None = None,
    running_var: ArrayLike | None = None,
) -> tuple[Array, BatchNormCache]:
    """Batch normalisation: ``out = γ ⊙ x̂ + β`` with ``x̂ = (x - μ) / sqrt(σ² + ε)``.

    Training: ``μ = (1/N) Σ_n x_n`` and the biased ``σ² = (1/N) Σ_n (x_n - μ)²``
    of the batch, per feature (N = 1 is refused, as in PyTorch). Evaluation:
    ``μ, σ²`` are ``running_mean, running_var`` (required then), so the layer is
    the fixed affine map ``out = x γ / sqrt(σ² + ε) + (β - μ γ / sqrt(σ² + ε))``.

    Parameters
    ----------
    x : (N, F) one example per row
    gamma, beta : (F,) scale and shift
    eps : ``ε > 0``, added to the variance inside the square root
    training : batch statistics (True) or running statistics (False)
    running_mean, running_var : (F,) used in evaluation; checked (not used) in training

    Returns
    -------
    out : (N, F)
    cache : :class:`BatchNormCache`; in training ``cache.mean`` and ``cache.var``
        are the batch statistics (see :func:`update_running_stats`)
    """
    x_ = as_finite_array(x, "x", 2)
    n_features = x_.shape[1]
    gamma_ = _as_feature_vector(gamma, "gamma", n_features)
    beta_ = _as_feature_vector(beta, "beta", n_features)
    eps_ = as_real(eps, "eps")
    if eps_ <= 0.0:
        raise ValueError(f"eps must be > 0: got {eps!r}")
    train = _as_flag(training, "training")
    r_mean = None if running_mean is None else _as_feature_vector(running_mean, "running_mean", n_features)
    r_var = None if running_var is None else _as_feature_vector(running_var, "running_var", n_features)
    if r_var is not None and np.any(r_var < 0.0):
        raise ValueError("running_var must be >= 0")
    if train:
        if x_.shape[0] < 2:
            raise ValueError("batch norm in training needs more than one example per feature: got N = 1")
        mean = x_.mean(axis=0)
        centred = x_ - mean
        var = (centred * centred).mean(axis=0)
    else:
        if r_mean is None or r_var is None:
            raise ValueError("batch norm in evaluation needs running_mean and running_var")
        mean, var = r_mean, r_var
        centred = x_ - mean
    inv_std = 1.0 / np.sqrt(var + eps_)
    x_hat = centred * inv_std
    out: Array = gamma_ * x_hat + beta_
    return out, BatchNormCache(x_hat, gamma_, mean, var, inv_std, eps_, train)


def _as_feature_vector(value: ArrayLike, name: str, n_features: int) -> Array:
    vec = as_finite_array(value, name, 1)
    if vec.shape != (n_features,):
        raise ValueError(f"{name} must have one entry per feature ({n_features}): got shape {vec.shape}")
    return vec


def batch_norm_backward(dout: ArrayLike, cache: BatchNormCache) -> tuple[Array, Array, Array]:
    """Gradients of batch norm, the input's in the three-term closed form.

    With ``dx̂ = dout ⊙ γ``, per feature, in training::

        dx = (1/N) (σ² + ε)^(-1/2) (N dx̂ - Σ_n dx̂_n - x̂ Σ_n (dx̂_n ⊙ x̂_n))

    (the two sums are what flows back through ``μ`` and ``σ²``; see
    :func:`batch_norm_backward_staged` for the same result node by node). In
    evaluation ``μ, σ²`` are constants: ``dx = dout ⊙ γ / sqrt(σ² + ε)``.
    Always ``dγ = Σ_n dout_n ⊙ x̂_n`` and ``dβ = Σ_n dout_n``.

    Returns
    -------
    dx : (N, F)
    dgamma, dbeta : (F,)
    """
    _check_cache(cache, BatchNormCache, "batch_norm")
    g = _as_upstream(dout, cache.x_hat.shape)
    dgamma: Array = (g * cache.x_hat).sum(axis=0)
    dbeta: Array = g.sum(axis=0)
    dx_hat = g * cache.gamma
    if not cache.training:
        dx_eval: Array = dx_hat * cache.inv_std
        return dx_eval, dgamma, dbeta
    n = cache.x_hat.shape[0]
    dx: Array = (cache.inv_std / n) * (
        n * dx_hat - dx_hat.sum(axis=0) - cache.x_hat * (dx_hat * cache.x_hat).sum(axis=0)
    )
    return dx, dgamma, dbeta


@dataclass(frozen=True)
class BatchNormTerms:
    """Every number of the three-term form ``dx = factor ⊙ (n_dx_hat - sum_dx_hat - x_hat_term)``."""

    n: int  # N, the batch size
    dx_hat: Array  # (N, F): dout ⊙ γ
    n_dx_hat: Array  # (N, F): N dx̂
    sum_dx_hat: Array  # (F,): Σ_n dx̂_n
    sum_dx_hat_x_hat: Array  # (F,): Σ_n dx̂_n ⊙ x̂_n
    x_hat_term: Array  # (N, F): x̂ ⊙ Σ_n (dx̂_n ⊙ x̂_n)
    factor: Array  # (F,): (1/N) (σ² + ε)^(-1/2)
    dx: Array  # (N, F): the result


def batch_norm_backward_terms(dout: ArrayLike, cache: BatchNormCache) -> BatchNormTerms:
    """The three terms of :func:`batch_norm_backward` (training mode) separately, for display.

    ``dx`` equals :func:`batch_norm_backward`'s to rounding.
    """
    _check_cache(cache, BatchNormCache, "batch_norm")
    if not cache.training:
        raise ValueError("the three-term form is for training; in evaluation dx = dout γ / sqrt(running_var + ε)")
    g = _as_upstream(dout, cache.x_hat.shape)
    n = cache.x_hat.shape[0]
    dx_hat = g * cache.gamma
    sum_dx_hat = dx_hat.sum(axis=0)
    sum_dx_hat_x_hat = (dx_hat * cache.x_hat).sum(axis=0)
    n_dx_hat = n * dx_hat
    x_hat_term = cache.x_hat * sum_dx_hat_x_hat
    factor = cache.inv_std / n
    dx = factor * (n_dx_hat - sum_dx_hat - x_hat_term)
    return BatchNormTerms(n, dx_hat, n_dx_hat, sum_dx_hat, sum_dx_hat_x_hat, x_hat_term, factor, dx)


def batch_norm_backward_staged(dout: ArrayLike, cache: BatchNormCache) -> tuple[Array, Array, Array]:
    """Batch norm's backward node by node through the computational graph (training mode).

    The forward as a graph: ``μ = mean(x)``, ``xc = x - μ``, ``σ² = mean(xc²)``,
    ``r = (σ² + ε)^(-1/2)``, ``x̂ = xc r``, ``out = γ x̂ + β``. Walking it backwards::

        dx̂ = dout γ
        dr  = Σ_n dx̂ xc                 dσ² = dr (-1/2) (σ² + ε)^(-3/2)
        dxc = dx̂ r + dσ² (2/N) xc        dμ  = -Σ_n dxc
        dx  = dxc + dμ / N

    Slower and longer than the closed form; here to show that they agree.
    """
    _check_cache(cache, BatchNormCache, "batch_norm")
    if not cache.training:
        raise ValueError("the staged backward is for training; in evaluation dx = dout γ / sqrt(running_var + ε)")
    g = _as_upstream(dout, cache.x_hat.shape)
    n = cache.x_hat.shape[0]
    r = cache.inv_std
    xc = cache.x_hat / r
    dx_hat = g * cache.gamma
    dr = (dx_hat * xc).sum(axis=0)
    dvar = dr * -0.5 * r**3
    dxc = dx_hat * r + dvar * (2.0 / n) * xc
    dmu = -dxc.sum(axis=0)
    dx: Array = dxc + dmu / n
    dgamma: Array = (g * cache.x_hat).sum(axis=0)
    dbeta: Array = g.sum(axis=0)
    return dx, dgamma, dbeta


def update_running_stats(
    running_mean: ArrayLike, running_var: ArrayLike, cache: BatchNormCache, momentum: float = 0.1
) -> tuple[Array, Array]:
    """PyTorch's update: ``r ← (1 - momentum) r + momentum · batch statistic``.

    As in PyTorch, the running variance takes the batch's UNBIASED variance
    ``σ² N / (N - 1)``, while the forward normalises with the biased one.
    """
    _check_cache(cache, BatchNormCache, "batch_norm")
    if not cache.training:
        raise ValueError("running statistics are updated from a training-mode forward")
    n_features = cache.x_hat.shape[1]
    r_mean = _as_feature_vector(running_mean, "running_mean", n_features)
    r_var = _as_feature_vector(running_var, "running_var", n_features)
    m = as_real(momentum, "momentum")
    if not 0.0 <= m <= 1.0:
        raise ValueError(f"momentum must be in [0, 1]: got {momentum!r}")
    n = cache.x_hat.shape[0]
    new_mean: Array = (1.0 - m) * r_mean + m * cache.mean
    new_var: Array = (1.0 - m) * r_var + m * cache.var * (n / (n - 1))
    return new_mean, new_var
