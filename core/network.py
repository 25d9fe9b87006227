"""A small multilayer perceptron, trained by back-propagation, with every number a view needs.

The network is a list of layers ``(W_l, b_l)``, ``l = 0 .. L-1`` (the maths'
layer ``l + 1``)::

    h_0 = x,    a_l = W_l h_{l-1} + b_l,    h_l = f(a_l),    z = a_{L-1},
    p = softmax(z),    E = -ln p_y  (averaged over the batch)

and its backward walks the same list in reverse with the pairs of
:mod:`core.layers`: ``δ = dE/dz = p - y`` at the top, then
``δ_l = (W_{l+1}^T δ_{l+1}) ⊙ f'(a_l)``, ``dE/dW_l = δ_l h_{l-1}^T`` and
``dE/db_l = δ_l``.

:func:`mlp_loss_and_grads` is that walk, as written in the tutorial.
:func:`train` runs the same maths thousands of times, so it works on a flat
parameter vector with the batch on the last axis (``a = W h + b`` with ``h``
of shape ``(D, N)``); tests check that both give the same gradients.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core._validate import Array, as_class_index
from core.datasets import Dataset, Labels
from core.layers import (
    LinearCache,
    ReluCache,
    TanhCache,
    as_count,
    as_finite_array,
    as_real,
    linear_backward,
    linear_forward,
    relu_backward,
    relu_forward,
    tanh_backward,
    tanh_forward,
)
from core.loss import cross_entropy, grad_logits, one_hot
from core.softmax import softmax

Params = list[tuple[Array, Array]]
Activation = Literal["relu", "tanh"]
Init = Literal["he", "xavier", "normal"]
Optimizer = Literal["sgd", "momentum", "adam"]

ACTIVATIONS: Final[tuple[str, ...]] = get_args(Activation)
INITS: Final[tuple[str, ...]] = get_args(Init)
OPTIMIZERS: Final[tuple[str, ...]] = get_args(Optimizer)
#: Adam's decay rates and epsilon (Kingma & Ba's defaults, as in PyTorch).
ADAM_BETA1: Final = 0.9
ADAM_BETA2: Final = 0.999
ADAM_EPS: Final = 1e-8
#: Step of the central finite differences in :func:`explain_example`.
FD_STEP: Final = 1e-5
MAX_STEPS: Final = 100_000
MAX_WIDTH: Final = 1024


# ----------------------------------------------------------------------------- checks


def _as_activation(activation: object) -> Activation:
    if activation == "relu":
        return "relu"
    if activation == "tanh":
        return "tanh"
    raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}")


def _as_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise ValueError(f"sizes must be a list of layer widths: got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least 2 widths (inputs and classes): got {list(sizes)}")
    widths = tuple(as_count(s, "every layer width") for s in sizes)
    if any(w > MAX_WIDTH for w in widths):
        raise ValueError(f"layer widths must be at most {MAX_WIDTH}: got {list(widths)}")
    if widths[-1] < 2:
        raise ValueError(f"the last width is the number of classes and must be at least 2: got {widths[-1]}")
    return widths


def check_params(params: Sequence[tuple[ArrayLike, ArrayLike]]) -> Params:
    """Return ``params`` as float64 ``[(W_l, b_l)]``, checking that the shapes chain.

    ``W_l`` is ``(n_{l+1}, n_l)``, ``b_l`` is ``(n_{l+1},)``, all finite, and the
    last layer has at least 2 outputs (classes).
    """
    if isinstance(params, (str, bytes)) or not isinstance(params, Sequence) or len(params) == 0:
        raise ValueError("params must be a non-empty list of (W, b) pairs")
    checked: Params = []
    for i, pair in enumerate(params):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"params[{i}] must be a pair (W, b)")
        W = as_finite_array(pair[0], f"W of layer {i}", 2)
        b = as_finite_array(pair[1], f"b of layer {i}", 1)
        if b.shape != (W.shape[0],):
            raise ValueError(f"b of layer {i} must have {W.shape[0]} entries (rows of W): got shape {b.shape}")
        if checked and W.shape[1] != checked[-1][0].shape[0]:
            raise ValueError(
                f"W of layer {i} must have {checked[-1][0].shape[0]} columns (outputs of layer {i - 1}): "
                f"got shape {W.shape}"
            )
        checked.append((W, b))
    if checked[-1][0].shape[0] < 2:
        raise ValueError("the last layer must have at least 2 outputs (classes)")
    return checked


def sizes_of(params: Params) -> tuple[int, ...]:
    """The layer widths ``(n_0, n_1, ..., n_L)`` of checked ``params``."""
    return (int(params[0][0].shape[1]), *(int(W.shape[0]) for W, _ in params))


def _as_inputs(x: ArrayLike, n_inputs: int) -> Array:
    x_ = as_finite_array(x, "x", 2)
    if x_.shape[1] != n_inputs:
        raise ValueError(f"x must have {n_inputs} columns (the network's inputs): got shape {x_.shape}")
    return x_


def _as_targets(targets: ArrayLike, n_examples: int, n_classes: int) -> Labels:
    t = np.asarray(targets)
    if t.ndim != 1 or t.shape[0] != n_examples:
        raise ValueError(f"targets must be {n_examples} class indices, one per row of x: got shape {t.shape}")
    return as_class_index(t, n_classes, (n_examples,))


# ----------------------------------------------------------------------------- init, forward, loss and gradients


def init_mlp(sizes: Sequence[int], seed: int, init: str = "he", scale: float = 1.0) -> Params:
    """Random weights for widths ``sizes = [n_0, ..., n_L]``: ``W_l ~ N(0, σ_l²)``, ``(n_{l+1}, n_l)``; ``b_l = 0``.

    ``σ_l = scale · base``, with ``base`` by ``init``: ``"he"`` ``sqrt(2 / n_l)``
    (for ReLU), ``"xavier"`` ``sqrt(2 / (n_l + n_{l+1}))`` (Glorot, for tanh),
    ``"normal"`` 1 (so ``σ = scale``; CS231n's small random numbers are
    ``scale = 0.01``). The same seed gives the same weights.
    """
    widths = _as_sizes(sizes)
    s = as_count(seed, "seed", minimum=0)
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}: choose one of {', '.join(INITS)}")
    k = as_real(scale, "scale")
    if k <= 0.0:
        raise ValueError(f"scale must be > 0: got {scale!r}")
    rng = np.random.default_rng(s)
    params: Params = []
    for n_in, n_out in itertools.pairwise(widths):
        base = {"he": math.sqrt(2.0 / n_in), "xavier": math.sqrt(2.0 / (n_in + n_out)), "normal": 1.0}[init]
        W = k * base * rng.standard_normal((n_out, n_in))
        params.append((W, np.zeros(n_out)))
    return params


_ActivationCache = ReluCache | TanhCache


@dataclass(frozen=True)
class _LayerRecord:
    linear: LinearCache
    activation: _ActivationCache | None  # None for the last layer (the logits)


def _forward(params: Params, x: Array, activation: Activation) -> tuple[Array, list[_LayerRecord]]:
    """Walk the layer list forward: ``a = linear(h)``, ``h = f(a)``; the last ``a`` is the logits ``z``."""
    act_forward = relu_forward if activation == "relu" else tanh_forward
    h = x
    tape: list[_LayerRecord] = []
    for i, (W, b) in enumerate(params):
        a, lin = linear_forward(h, W, b)
        if i == len(params) - 1:
            tape.append(_LayerRecord(lin, None))
            return a, tape
        h, act = act_forward(a)
        tape.append(_LayerRecord(lin, act))
    raise AssertionError("unreachable: params is not empty")


def _backward(dz: Array, tape: list[_LayerRecord]) -> Params:
    """Walk the layer list in reverse: through ``f`` (``δ_l = dh ⊙ f'(a_l)``), then the linear layer."""
    grads: Params = []
    dout = dz
    for record in reversed(tape):
        if isinstance(record.activation, ReluCache):
            dout = relu_backward(dout, record.activation)
        elif isinstance(record.activation, TanhCache):
            dout = tanh_backward(dout, record.activation)
        dout, dW, db = linear_backward(dout, record.linear)
        grads.append((dW, db))
    grads.reverse()
    return grads


def mlp_logits(params: Sequence[tuple[ArrayLike, ArrayLike]], x: ArrayLike, activation: str = "relu") -> Array:
    """The logits ``z`` (N, K) of inputs ``x`` (N, n_0)."""
    p = check_params(params)
    z, _ = _forward(p, _as_inputs(x, sizes_of(p)[0]), _as_activation(activation))
    return z


def predict(
    params: Sequence[tuple[ArrayLike, ArrayLike]], x: ArrayLike, activation: str = "relu"
) -> tuple[Labels, Array]:
    """The predicted class (the first largest logit) and ``p = softmax(z)`` (N, K) for each row of ``x``.

    Where classes tie for the largest logit the first of them is returned: :func:`predicted_classes`
    says ``TIE`` there instead.
    """
    z = mlp_logits(params, x, activation)
    classes: Labels = np.argmax(z, axis=1)
    return classes, softmax(z)


#: What :func:`predicted_classes` gives a point whose largest logit is shared: no single class.
TIE: Final = -1


def tied_top(z: ArrayLike) -> NDArray[np.bool_]:
    """For logits ``z`` (..., K): whether two or more classes share the largest logit.

    The softmax is strictly increasing in each logit, so ``p_i = p_j`` exactly when ``z_i = z_j``
    (as :func:`core.explanation.explain` decides its ``top_classes``): a tie is then no prediction
    of one class, neither right nor wrong.
    """
    z_ = np.asarray(z, dtype=np.float64)
    tied: NDArray[np.bool_] = np.count_nonzero(z_ == z_.max(axis=-1, keepdims=True), axis=-1) > 1
    return tied


def predicted_classes(params: Sequence[tuple[ArrayLike, ArrayLike]], x: ArrayLike, activation: str = "relu") -> Labels:
    """The class each row of ``x`` is predicted as: its largest logit's, or ``TIE`` where the largest is shared."""
    z = mlp_logits(params, x, activation)
    classes: Labels = np.where(tied_top(z), TIE, np.argmax(z, axis=1)).astype(np.intp)
    return classes


def mlp_loss_and_grads(
    params: Sequence[tuple[ArrayLike, ArrayLike]], x: ArrayLike, targets: ArrayLike, activation: str = "relu"
) -> tuple[float, Params]:
    """The mean cross-entropy ``E = (1/N) Σ_n -ln p_{n, y_n}`` and its gradients ``[(dE/dW_l, dE/db_l)]``.

    The loss comes from core's log-sum-exp cross-entropy (a confident, correct
    batch keeps its tiny loss), the top gradient from core's ``p - y``
    (divided by N for the mean); then the layer list is walked backward.

    Parameters
    ----------
    params : [(W_l, b_l)], see :func:`init_mlp`
    x : (N, n_0) inputs
    targets : (N,) class indices from 0
    activation : "relu" or "tanh" (hidden layers; the last layer is linear)
    """
    p = check_params(params)
    act = _as_activation(activation)
    x_ = _as_inputs(x, sizes_of(p)[0])
    k = _as_targets(targets, x_.shape[0], sizes_of(p)[-1])
    z, tape = _forward(p, x_, act)
    n = x_.shape[0]
    loss = math.fsum(cross_entropy(z, k)) / n
    return loss, _backward(grad_logits(z, k) / n, tape)


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int) -> NDArray[np.int64]:
    """``C[i, j]`` = how many points of true class ``i`` are predicted as class ``j``."""
    k = as_count(n_classes, "n_classes", 2)
    t = np.asarray(y_true)
    pr = np.asarray(y_pred)
    if t.ndim != 1 or pr.shape != t.shape:
        raise ValueError(f"y_true and y_pred must be two vectors of one length: got {t.shape} and {pr.shape}")
    t_ = as_class_index(t, k, t.shape)
    p_ = as_class_index(pr, k, t.shape)
    counts: NDArray[np.int64] = np.bincount(t_ * k + p_, minlength=k * k).astype(np.int64).reshape(k, k)
    return counts


def export_weights(params: Sequence[tuple[ArrayLike, ArrayLike]], activation: str = "relu") -> dict[str, object]:
    """A JSON-able dict: ``{"sizes": [...], "activation": ..., "layers": [{"W": [[...]], "b": [...]}, ...]}``.

    ``W`` of layer ``l`` is a list of ``n_{l+1}`` rows of ``n_l`` floats (``a = W h + b``).
    """
    p = check_params(params)
    return {
        "sizes": list(sizes_of(p)),
        "activation": _as_activation(activation),
        "layers": [{"W": W.tolist(), "b": b.tolist()} for W, b in p],
    }


# ----------------------------------------------------------------------------- one example, every number


@dataclass(frozen=True)
class LayerNumbers:
    """Layer ``l`` (0-based; the maths' ``l + 1``) for one example, forward and backward."""

    layer: int
    W: Array  # (n_{l+1}, n_l)
    b: Array  # (n_{l+1},)
    h_in: Array  # h_{l-1}: the layer's input (x for the first layer)
    a: Array  # pre-activation W h_{l-1} + b
    h: Array  # activation f(a); for the last layer h = a = z (no activation)
    f_prime: Array  # f'(a); ones for the last layer
    delta: Array  # dE/da: p - y at the top, (W_{l+1}^T δ_{l+1}) ⊙ f'(a) below
    dW: Array  # δ h_{l-1}^T
    db: Array  # δ


@dataclass(frozen=True)
class WeightCheck:
    """``dE/dW_l[row, col]`` by back-propagation and by central differences ``(E(w+h) - E(w-h)) / 2h``."""

    layer: int
    row: int
    col: int
    analytic: float
    numeric: float

    @property
    def difference(self) -> float:
        return abs(self.analytic - self.numeric)


@dataclass(frozen=True)
class ExampleBackward:
    """Every number of one example's forward and backward pass."""

    x: Array  # (n_0,)
    target: int  # 0-based class
    activation: str
    layers: tuple[LayerNumbers, ...]
    z: Array  # logits
    p: Array  # softmax(z)
    y: Array  # one-hot target
    loss: float  # -ln p_target (this example alone)
    checks: tuple[WeightCheck, ...]

    @property
    def max_check_difference(self) -> float:
        return max((c.difference for c in self.checks), default=0.0)

    @property
    def top_classes(self) -> tuple[int, ...]:
        """Every class with the largest logit (so the largest ``p``): one, or a tie of several."""
        return tuple(int(i) for i in np.flatnonzero(self.z == self.z.max()))

    @property
    def is_tie(self) -> bool:
        return len(self.top_classes) > 1

    @property
    def is_correct(self) -> bool:
        """Right only when the true class alone has the largest output (a tie is not right)."""
        return self.top_classes == (self.target,)


def _f_prime(a: Array, activation: Activation) -> Array:
    if activation == "relu":
        d: Array = (a > 0.0).astype(np.float64)
        return d
    t = np.tanh(a)
    tanh_d: Array = 1.0 - t * t
    return tanh_d


def explain_example(
    params: Sequence[tuple[ArrayLike, ArrayLike]],
    x: ArrayLike,
    target: int,
    activation: str = "relu",
    checks: Sequence[tuple[int, int, int]] | None = None,
    h: float = FD_STEP,
) -> ExampleBackward:
    """One example's backward pass written out layer by layer, with finite-difference checks.

    ``checks`` lists weights ``(layer, row, col)`` to check; by default the
    weight with the largest gradient in each layer. ReLU's kink can spoil a
    check when some ``|a| < h`` (the numeric value then straddles it).
    """
    p_ = check_params(params)
    act = _as_activation(activation)
    sizes = sizes_of(p_)
    x_ = as_finite_array(x, "x", 1)
    if x_.shape != (sizes[0],):
        raise ValueError(f"x must have {sizes[0]} entries (the network's inputs): got shape {x_.shape}")
    k = int(as_class_index(target, sizes[-1], ()))
    step = as_real(h, "h")
    if step <= 0.0:
        raise ValueError(f"the finite-difference step h must be > 0: got {h!r}")

    h_in = [x_]
    pre: list[Array] = []
    for i, (W, b) in enumerate(p_):
        a = W @ h_in[-1] + b
        pre.append(a)
        h_in.append(a if i == len(p_) - 1 else (np.maximum(a, 0.0) if act == "relu" else np.tanh(a)))
    z = pre[-1]
    delta = grad_logits(z, k)  # p - y, exact in its digits
    numbers: list[LayerNumbers] = []
    for i in range(len(p_) - 1, -1, -1):
        W, b = p_[i]
        last = i == len(p_) - 1
        f_prime = np.ones_like(pre[i]) if last else _f_prime(pre[i], act)
        if not last:
            delta = (p_[i + 1][0].T @ numbers[-1].delta) * f_prime
        numbers.append(
            LayerNumbers(i, W, b, h_in[i], pre[i], h_in[i + 1], f_prime, delta, np.outer(delta, h_in[i]), delta.copy())
        )
    numbers.reverse()

    picks: list[tuple[int, ...]] = []
    if checks is None:
        for i, layer in enumerate(numbers):
            row, col = np.unravel_index(int(np.argmax(np.abs(layer.dW))), layer.dW.shape)
            picks.append((i, int(row), int(col)))
    else:
        for pick in checks:
            if not isinstance(pick, (tuple, list)) or len(pick) != 3:
                raise ValueError(f"a weight to check is (layer, row, col): got {pick!r}")
            picks.append(tuple(as_count(v, "a weight index", 0) for v in pick))
    results: list[WeightCheck] = []
    for i, r, c in picks:
        if not 0 <= i < len(p_) or not 0 <= r < sizes[i + 1] or not 0 <= c < sizes[i]:
            raise ValueError(f"no weight ({i}, {r}, {c}) in a network of widths {list(sizes)}")

        def loss_with(w: float, i: int = i, r: int = r, c: int = c) -> float:
            w_try = p_[i][0].copy()
            w_try[r, c] = w
            trial = [*p_[:i], (w_try, p_[i][1]), *p_[i + 1 :]]
            return float(cross_entropy(mlp_logits(trial, x_[None, :], act)[0], k))

        w0 = float(p_[i][0][r, c])
        numeric = (loss_with(w0 + step) - loss_with(w0 - step)) / (2.0 * step)
        results.append(WeightCheck(i, r, c, float(numbers[i].dW[r, c]), numeric))

    return ExampleBackward(
        x_, k, act, tuple(numbers), z, softmax(z), one_hot(k, sizes[-1]), float(cross_entropy(z, k)), tuple(results)
    )


# ----------------------------------------------------------------------------- decision regions


def _first_argmax(z: Array) -> Labels:
    """``argmax`` over the FIRST axis, the first largest winning, as elementwise steps on whole rows.

    Class ``c`` of ``K`` scores ``K - c`` where it equals the maximum, else 0; the highest score wins.
    (NumPy's ``argmax`` over a short axis is several times slower.)
    """
    k = z.shape[0]
    scores = np.arange(k, 0, -1, dtype=np.int8).reshape(-1, *([1] * (z.ndim - 1)))
    best: Labels = k - ((z == np.maximum.reduce(z, axis=0)) * scores).max(axis=0).astype(np.intp)
    return best


def _top_probability(z: Array) -> Array:
    """``max_i p_i = 1 / Σ_j e^{z_j - z_max}`` over the first axis (never below 1/K: no digits to lose)."""
    m = z.max(axis=0)
    total = np.exp(z - m).sum(axis=0)
    result: Array = 1.0 / total
    return result


def _forward_columns(
    weights: Sequence[Array], bs: Sequence[Array], x_cols: Array, activation: Activation
) -> list[Array]:
    """``a_l = W_l h_{l-1} + b_l`` with examples as columns; returns ``[h_0, a_0, h_1, a_1, ..., z]``.

    ``W_l`` may carry leading axes (snapshots) that broadcast: ``(S, M, D) @ (D, N) -> (S, M, N)``.
    """
    values = [x_cols]
    h = x_cols
    last = len(weights) - 1
    for i, (W, b) in enumerate(zip(weights, bs, strict=True)):
        a = W @ h
        a += b[..., None]
        values.append(a)
        if i < last:
            h = np.maximum(a, 0.0) if activation == "relu" else np.tanh(a)
            values.append(h)
    return values


@dataclass(frozen=True)
class DecisionGrid:
    """The predicted class and its probability on a ``G x G`` grid, for one or more parameter sets.

    ``predicted[s, i, j]`` is for the point ``(x1[j], x2[i])`` (rows go along
    ``x2``, as a heatmap's ``z[i][j]``), under parameter set ``s``.
    """

    x1: Array  # (G,)
    x2: Array  # (G,)
    predicted: NDArray[np.int8]  # (S, G, G)
    probability: Array  # (S, G, G): p of the predicted class, in [1/K, 1]


def decision_grid(
    params_list: Sequence[Sequence[tuple[ArrayLike, ArrayLike]]],
    bounds: tuple[float, float, float, float],
    resolution: int = 100,
    activation: str = "relu",
) -> DecisionGrid:
    """Evaluate each parameter set of ``params_list`` (same widths, 2 inputs) on a grid over ``bounds``.

    ``bounds = (x1_min, x1_max, x2_min, x2_max)``, ``resolution`` points per side (2 to 400).
    """
    act = _as_activation(activation)
    if len(params_list) == 0:
        raise ValueError("params_list must hold at least one parameter set")
    checked = [check_params(p) for p in params_list]
    sizes = sizes_of(checked[0])
    if any(sizes_of(p) != sizes for p in checked):
        raise ValueError("every parameter set of params_list must have the same widths")
    if sizes[0] != 2:
        raise ValueError(f"a decision grid needs a network with 2 inputs: got {sizes[0]}")
    g = as_count(resolution, "resolution", 2)
    if g > 400:
        raise ValueError(f"resolution must be at most 400: got {resolution!r}")
    if len(bounds) != 4:
        raise ValueError(f"bounds must be (x1_min, x1_max, x2_min, x2_max): got {bounds!r}")
    lo1, hi1, lo2, hi2 = (as_real(v, "a bound") for v in bounds)
    if not (lo1 < hi1 and lo2 < hi2):
        raise ValueError(f"bounds must have min < max on both axes: got {bounds!r}")
    return _grid(checked, (lo1, hi1, lo2, hi2), g, act)


#: Grid points per block: the block's activations for all parameter sets stay in cache, and every matrix
#: product stays small enough that OpenBLAS runs it on one thread (its threads cost more than they give
#: on a small, shared machine).
_GRID_BLOCK: Final = 512


def _grid(
    params_list: Sequence[Params], bounds: tuple[float, float, float, float], g: int, activation: Activation
) -> DecisionGrid:
    """All parameter sets at once, block by block of grid points, in buffers allocated once.

    The bias rides along as a last column of ``W`` against a row of ones under
    ``h`` (``a = [W | b] [h; 1]``), which saves a pass over every activation.
    """
    x1 = np.linspace(bounds[0], bounds[1], g)
    x2 = np.linspace(bounds[2], bounds[3], g)
    n_sets, n_layers = len(params_list), len(params_list[0])
    block = _GRID_BLOCK
    n_padded = -(-g * g // block) * block
    points = np.ones((3, n_padded))  # rows x1, x2, 1; row-major over (x2, x1), then padding
    points[0, : g * g] = np.tile(x1, g)
    points[1, : g * g] = np.repeat(x2, g)
    augmented = [np.stack([np.column_stack(p[i]) for p in params_list]) for i in range(n_layers)]  # (S, M, D+1)
    a_buffers = [np.empty((n_sets, w_b.shape[1], block)) for w_b in augmented]
    h_buffers = [np.ones((n_sets, w_b.shape[1] + 1, block)) for w_b in augmented[:-1]]
    predicted = np.empty((n_sets, n_padded), dtype=np.int8)
    probability = np.empty((n_sets, n_padded))
    for start in range(0, n_padded, block):
        h = points[:, start : start + block]
        for w_b, a, h_next in zip(augmented, a_buffers, [*h_buffers, None], strict=True):
            np.matmul(w_b, h, out=a)
            if h_next is None:
                break
            if activation == "relu":
                np.maximum(a, 0.0, out=h_next[:, :-1])
            else:
                np.tanh(a, out=h_next[:, :-1])
            h = h_next
        z = np.moveaxis(a_buffers[-1], 1, 0)  # (K, S, block)
        predicted[:, start : start + block] = _first_argmax(z)
        probability[:, start : start + block] = _top_probability(z)
    shape = (n_sets, g, g)
    return DecisionGrid(
        x1, x2, predicted[:, : g * g].reshape(shape), np.ascontiguousarray(probability[:, : g * g]).reshape(shape)
    )


# ----------------------------------------------------------------------------- training


@dataclass(frozen=True)
class TrainConfig:
    """How to train. Checked on creation (``ValueError`` saying what is wrong).

    hidden : widths of the hidden layers (0 to 6 of them, each 1 to 1024)
    activation : "relu" or "tanh"
    optimizer : "sgd" (``θ ← θ - η g``), "momentum" (``v ← μ v - η g``, ``θ ← θ + v``)
        or "adam" (``ADAM_BETA1``, ``ADAM_BETA2``, ``ADAM_EPS``, bias-corrected)
    learning_rate : ``η > 0``
    steps : number of updates (0 to 100 000)
    batch_size : None for full batch; else the mini-batch size (reshuffled every epoch)
    momentum : ``μ`` in [0, 1) for "momentum"
    init, init_scale : see :func:`init_mlp`
    seed : weights and mini-batch order
    snapshots : how many evenly spaced steps to record (2 to 200; always step 0 and the last)
    grid_resolution : points per side of the decision-region grid (0: no grid; else 2 to 400)
    """

    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    optimizer: str = "adam"
    learning_rate: float = 0.02
    steps: int = 300
    batch_size: int | None = None
    momentum: float = 0.9
    init: str = "he"
    init_scale: float = 1.0
    seed: int = 0
    snapshots: int = 41
    grid_resolution: int = 100

    def __post_init__(self) -> None:
        if isinstance(self.hidden, (str, bytes)) or not isinstance(self.hidden, Sequence) or len(self.hidden) > 6:
            raise ValueError(f"hidden must be a list of at most 6 widths: got {self.hidden!r}")
        object.__setattr__(self, "hidden", tuple(self.hidden))
        for w in self.hidden:
            if as_count(w, "a hidden width") > MAX_WIDTH:
                raise ValueError(f"a hidden width must be at most {MAX_WIDTH}: got {w!r}")
        _as_activation(self.activation)
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}: choose one of {', '.join(OPTIMIZERS)}")
        if as_real(self.learning_rate, "learning_rate") <= 0.0:
            raise ValueError(f"learning_rate must be > 0: got {self.learning_rate!r}")
        if as_count(self.steps, "steps", 0) > MAX_STEPS:
            raise ValueError(f"steps must be at most {MAX_STEPS}: got {self.steps!r}")
        if self.batch_size is not None:
            as_count(self.batch_size, "batch_size")
        if not 0.0 <= as_real(self.momentum, "momentum") < 1.0:
            raise ValueError(f"momentum must be in [0, 1): got {self.momentum!r}")
        if self.init not in INITS:
            raise ValueError(f"unknown init {self.init!r}: choose one of {', '.join(INITS)}")
        if as_real(self.init_scale, "init_scale") <= 0.0:
            raise ValueError(f"init_scale must be > 0: got {self.init_scale!r}")
        as_count(self.seed, "seed", 0)
        if as_count(self.snapshots, "snapshots", 2) > 200:
            raise ValueError(f"snapshots must be at most 200: got {self.snapshots!r}")
        g = as_count(self.grid_resolution, "grid_resolution", 0)
        if g == 1 or g > 400:
            raise ValueError(f"grid_resolution must be 0 (no grid) or 2 to 400: got {self.grid_resolution!r}")


#: Settings with which the 3-class spiral (100 points a class) is learnt to >= 97% training accuracy.
DEFAULT_CONFIG: Final = TrainConfig()


@dataclass(frozen=True)
class Training:
    """A training run, recorded at evenly spaced steps (``steps[0] = 0``, ``steps[-1]`` = the last).

    Row ``s`` of every per-snapshot array is taken with ``params[s]``, the
    parameters after ``steps[s]`` updates. Losses are mean cross-entropies
    from core's log-sum-exp; norms are Frobenius norms over the whole training
    set (also when training on mini-batches).
    """

    config: TrainConfig
    sizes: tuple[int, ...]
    n_classes: int
    steps: NDArray[np.intp]  # (S,)
    params: tuple[Params, ...]  # (S,)
    train_loss: Array  # (S,)
    train_accuracy: Array  # (S,)
    test_loss: Array | None  # (S,), None without a test set
    test_accuracy: Array | None  # (S,)
    grad_norms: Array  # (S, L): ||dE/dW_l||
    delta_norms: Array  # (S, L): ||dE/da_l||, the signal arriving at layer l
    loss_history: Array  # (config.steps,): the loss of the batch used at step t (before its update)
    accuracy_history: Array  # (config.steps,): its accuracy
    grid: DecisionGrid | None  # one frame per snapshot; None when grid_resolution is 0
    confusion_train: NDArray[np.int64]  # (K, K) with the final parameters: [true, predicted]; ties left out
    confusion_test: NDArray[np.int64] | None
    ties_train: NDArray[np.int64]  # (K,) per true class: points whose largest logit is shared (no single class)
    ties_test: NDArray[np.int64] | None
    bounds: tuple[float, float, float, float]  # the grid's (x1_min, x1_max, x2_min, x2_max)

    @property
    def final_params(self) -> Params:
        return self.params[-1]

    def steps_to_accuracy(self, threshold: float) -> int | None:
        """The first step whose batch accuracy (``accuracy_history``) reaches ``threshold``; else the
        last step if its training accuracy does; else None."""
        hits = np.flatnonzero(self.accuracy_history >= threshold)
        if hits.size:
            return int(hits[0])
        return int(self.steps[-1]) if self.train_accuracy[-1] >= threshold else None


class _FlatNet:
    """The parameters as one flat vector ``theta``, the gradients as another, so an optimizer step is a few
    array operations; layer ``l`` is the block ``[W_l | b_l]`` (``n_{l+1} x (n_l + 1)``) inside it.

    With a row of ones under each layer's input, ``a = [W | b] [h; 1]`` is one matrix product and
    so is the gradient ``[dW | db] = δ [h; 1]^T``: no separate bias passes.
    """

    def __init__(self, params: Params) -> None:
        total = sum(W.size + b.size for W, b in params)
        self.theta = np.empty(total)
        self.grad = np.zeros(total)
        self.blocks: list[Array] = []  # [W | b]
        self.grad_blocks: list[Array] = []  # [dW | db]
        self.W: list[Array] = []  # views of the blocks
        at = 0
        for W, b in params:
            m, d = W.shape
            block = self.theta[at : at + m * (d + 1)].reshape(m, d + 1)
            block[:, :d] = W
            block[:, d] = b
            self.blocks.append(block)
            self.grad_blocks.append(self.grad[at : at + m * (d + 1)].reshape(m, d + 1))
            self.W.append(block[:, :d])
            at += m * (d + 1)

    def params(self) -> Params:
        return [(block[:, :-1].copy(), block[:, -1].copy()) for block in self.blocks]

    def gradients(self) -> Params:
        return [(block[:, :-1].copy(), block[:, -1].copy()) for block in self.grad_blocks]


class _Workspace:
    """Buffers for a batch of ``n`` examples, allocated once: ``h[l]`` is layer ``l``'s input ``[h; 1]``."""

    def __init__(self, sizes: tuple[int, ...], n: int) -> None:
        self.h = [np.ones((d + 1, n)) for d in sizes[:-1]]
        self.body = [h[:-1] for h in self.h]  # the activations without the row of ones
        self.a = [np.empty((m, n)) for m in sizes[1:-1]]


def _loss_and_top_gradient(z: Array, k: Labels, at_k: NDArray[np.intp]) -> tuple[float, float, Array]:
    """Mean loss, accuracy and ``dE/dz = (p - y) / N`` for logits ``z`` (K, N) and classes ``k``.

    ``at_k = k * N + arange(N)`` picks ``z[k_n, n]`` from the flattened ``z``.
    The factored softmax of :mod:`core.softmax` (without its two-sum correction,
    which only matters for logits far beyond what a network produces):
    ``p_j = e_j / (1 + s)`` with ``e_j = e^{z_j - z_m} <= 1`` and ``s = Σ_{j != m} e_j``,
    so that ``-ln p_k = log1p(s) - (z_k - z_m)`` and ``p_k - 1 = ((e_k - 1) - s) / (1 + s)``
    keep their digits when ``p_k`` rounds to 1. Written in as few whole-array operations as it takes.
    """
    n = z.shape[1]
    shifted = z - np.maximum.reduce(z, axis=0)  # z_j - z_m <= 0, exactly 0 at the largest
    e = np.exp(shifted)
    top = shifted == 0.0
    s = np.add.reduce(e - top, axis=0)  # e_m - 1 = 0 exactly: s without the largest entries
    tied = np.count_nonzero(top) != n
    n_top = np.add.reduce(top, axis=0)
    if tied:
        s += n_top - 1  # each further tied maximum contributes exactly 1
    shifted_k = shifted.ravel()[at_k]
    e_k = e.ravel()[at_k]
    loss = float(np.add.reduce(np.log1p(s) - shifted_k)) / n
    correct = shifted_k == 0.0  # the true class has the largest logit…
    if tied:
        correct &= n_top == 1  # …alone: a tie is not right
    accuracy = np.count_nonzero(correct) / n
    inv = (1.0 / n) / (1.0 + s)
    dz = e * inv
    # p_k - 1 = -(Σ_{j != k} e_j) / (1 + s); that sum is s - (e_k - 1): s itself when k is a largest logit.
    dz.ravel()[at_k] = ((e_k - 1.0) - s) * inv
    return loss, accuracy, dz


def _step_gradients(
    net: _FlatNet, work: _Workspace, k: Labels, at_k: NDArray[np.intp], activation: Activation
) -> tuple[float, float]:
    """One forward and backward pass over the batch in ``work.body[0]``; the gradients land in ``net.grad``."""
    last = len(net.blocks) - 1
    for i in range(last):
        np.matmul(net.blocks[i], work.h[i], out=work.a[i])
        if activation == "relu":
            np.maximum(work.a[i], 0.0, out=work.body[i + 1])
        else:
            np.tanh(work.a[i], out=work.body[i + 1])
    loss, accuracy, delta = _loss_and_top_gradient(net.blocks[last] @ work.h[last], k, at_k)
    for i in range(last, -1, -1):
        np.matmul(delta, work.h[i].T, out=net.grad_blocks[i])
        if i > 0:
            delta = net.W[i].T @ delta
            h = work.body[i]
            if activation == "relu":
                delta *= h > 0.0
            else:
                delta *= 1.0 - h * h
    return loss, accuracy


def _evaluate(
    params_list: Sequence[Params], x: Array, k: Labels, activation: Activation, with_grads: bool
) -> tuple[Array, Array, Array, Array]:
    """Loss and accuracy of every snapshot on ``(x, k)``; with ``with_grads`` also ||dE/dW_l|| and ||dE/da_l||."""
    n_snap, n_layers = len(params_list), len(params_list[0])
    weights = [np.stack([p[i][0] for p in params_list]) for i in range(n_layers)]
    bs = [np.stack([p[i][1] for p in params_list]) for i in range(n_layers)]
    values = _forward_columns(weights, bs, np.ascontiguousarray(x.T), activation)
    z = values[-1]  # (S, K, N)
    n = x.shape[0]
    loss = np.array(
        [math.fsum(row) / n for row in cross_entropy(np.swapaxes(z, 1, 2), np.broadcast_to(k, (n_snap, n)))]
    )
    alone = ~tied_top(np.swapaxes(z, 1, 2))  # (S, N): one class has the largest logit; a tie is not right
    accuracy = ((np.stack([_first_argmax(zs) for zs in z]) == k) & alone).mean(axis=1)
    grad_norms = np.zeros((n_snap, n_layers))
    delta_norms = np.zeros((n_snap, n_layers))
    if with_grads:
        delta = np.swapaxes(grad_logits(np.swapaxes(z, 1, 2), np.broadcast_to(k, (n_snap, n))), 1, 2) / n
        for i in range(n_layers - 1, -1, -1):
            delta_norms[:, i] = np.sqrt((delta * delta).sum(axis=(1, 2)))
            dW = delta @ np.swapaxes(values[2 * i], -1, -2)
            grad_norms[:, i] = np.sqrt((dW * dW).sum(axis=(1, 2)))
            if i > 0:
                dh = np.swapaxes(weights[i], 1, 2) @ delta
                h = values[2 * i]
                delta = np.where(h > 0.0, dh, 0.0) if activation == "relu" else dh * (1.0 - h * h)
    return loss, accuracy, grad_norms, delta_norms


def _confusion_and_ties(
    params: Params, x: Array, k: Labels, n_classes: int, activation: Activation
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The confusion matrix of the points predicted as one class, and per true class the tied ones."""
    predicted = predicted_classes(params, x, activation)
    single = predicted != TIE
    ties: NDArray[np.int64] = np.bincount(k[~single], minlength=n_classes).astype(np.int64)
    return confusion_matrix(k[single], predicted[single], n_classes), ties


def snapshot_steps(steps: int, snapshots: int) -> NDArray[np.intp]:
    """``snapshots`` evenly spaced steps from 0 to ``steps`` (fewer when there are fewer steps)."""
    picked: NDArray[np.intp] = np.unique(np.round(np.linspace(0, steps, snapshots)).astype(np.intp))
    return picked


def train(data: Dataset, config: TrainConfig = DEFAULT_CONFIG) -> Training:
    """Train an MLP ``[2, *config.hidden, K]`` on ``data`` by gradient descent and record its progress.

    Each step computes the mean cross-entropy's gradient on the batch (all
    training points, or a mini-batch) and updates every weight with the
    optimizer. At :func:`snapshot_steps` the parameters are kept; afterwards
    all snapshots are evaluated together (losses, accuracies, gradient norms,
    the decision grid). The same data and config give the same run.
    """
    if not isinstance(data, Dataset):
        raise ValueError(f"data must be a Dataset: got {type(data).__name__}")
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig: got {type(config).__name__}")
    act = _as_activation(config.activation)
    x_train = _as_inputs(data.x_train, 2)
    k_train = as_class_index(data.y_train, data.n_classes, data.y_train.shape)
    n = x_train.shape[0]
    sizes = (2, *config.hidden, data.n_classes)
    net = _FlatNet(init_mlp(sizes, config.seed, config.init, config.init_scale))
    rng = np.random.default_rng([config.seed, 2])
    batch = n if config.batch_size is None else min(config.batch_size, n)
    x_cols = np.ascontiguousarray(x_train.T)
    work = _Workspace(sizes, batch)
    work.body[0][...] = x_cols[:, :batch]
    cols = np.arange(batch)
    at_k = k_train * n + cols if batch == n else cols
    keep = snapshot_steps(config.steps, config.snapshots)
    kept: list[Params] = []
    loss_history = np.empty(config.steps)
    accuracy_history = np.empty(config.steps)

    lr = float(config.learning_rate)
    mu = float(config.momentum)
    velocity = np.zeros_like(net.theta)
    second = np.zeros_like(net.theta)
    scratch = np.empty_like(net.theta)
    order = np.arange(n)
    at = n  # position in the current epoch's order
    next_keep = 0
    for t in range(config.steps + 1):
        if next_keep < keep.size and keep[next_keep] == t:
            kept.append(net.params())
            next_keep += 1
        if t == config.steps:
            break
        if batch == n:
            loss, acc = _step_gradients(net, work, k_train, at_k, act)
        else:
            if at + batch > n:
                order = rng.permutation(n)
                at = 0
            idx = order[at : at + batch]
            at += batch
            np.take(x_cols, idx, axis=1, out=work.body[0])
            k_batch = k_train[idx]
            loss, acc = _step_gradients(net, work, k_batch, k_batch * batch + cols, act)
        loss_history[t] = loss
        accuracy_history[t] = acc
        g = net.grad
        if config.optimizer == "sgd":
            np.multiply(g, lr, out=scratch)
            net.theta -= scratch
        elif config.optimizer == "momentum":
            velocity *= mu
            np.multiply(g, lr, out=scratch)
            velocity -= scratch
            net.theta += velocity
        else:
            # m ← β1 m + (1 - β1) g,  v ← β2 v + (1 - β2) g²,  θ ← θ - η m̂ / (sqrt(v̂) + ε)
            velocity *= ADAM_BETA1
            velocity += (1.0 - ADAM_BETA1) * g
            second *= ADAM_BETA2
            np.multiply(g, g, out=scratch)
            scratch *= 1.0 - ADAM_BETA2
            second += scratch
            step_size = lr * math.sqrt(1.0 - ADAM_BETA2 ** (t + 1)) / (1.0 - ADAM_BETA1 ** (t + 1))
            np.sqrt(second, out=scratch)
            scratch += ADAM_EPS * math.sqrt(1.0 - ADAM_BETA2 ** (t + 1))
            np.divide(velocity, scratch, out=scratch)
            scratch *= step_size
            net.theta -= scratch

    train_loss, train_acc, grad_norms, delta_norms = _evaluate(kept, x_train, k_train, act, with_grads=True)
    test_loss = test_acc = None
    confusion_test = ties_test = None
    if data.has_test:
        x_test = _as_inputs(data.x_test, 2)
        k_test = as_class_index(data.y_test, data.n_classes, data.y_test.shape)
        test_loss, test_acc, _, _ = _evaluate(kept, x_test, k_test, act, with_grads=False)
        confusion_test, ties_test = _confusion_and_ties(kept[-1], x_test, k_test, data.n_classes, act)
    confusion_train, ties_train = _confusion_and_ties(kept[-1], x_train, k_train, data.n_classes, act)
    bounds = data.bounds()
    grid = _grid(kept, bounds, config.grid_resolution, act) if config.grid_resolution else None
    return Training(
        config=config,
        sizes=sizes,
        n_classes=data.n_classes,
        steps=keep,
        params=tuple(kept),
        train_loss=train_loss,
        train_accuracy=train_acc,
        test_loss=test_loss,
        test_accuracy=test_acc,
        grad_norms=grad_norms,
        delta_norms=delta_norms,
        loss_history=loss_history,
        accuracy_history=accuracy_history,
        grid=grid,
        confusion_train=confusion_train,
        confusion_test=confusion_test,
        ties_train=ties_train,
        ties_test=ties_test,
        bounds=bounds,
    )
