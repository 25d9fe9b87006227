"""What dE/dz = p - y does over time and across logit space: descent, landscapes, comparisons.

All vectorised: the landscape evaluates a whole grid of logit vectors in one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from core._validate import Array, as_class_index, as_distribution, as_logits, as_temperature, is_class_index
from core.loss import cross_entropy, grad_hard_from_parts, grad_logits, grad_soft_from_parts, one_hot
from core.softmax import SoftmaxParts, softmax, softmax_jacobian, softmax_parts


def smoothed_target(target: int, n_classes: int, epsilon: float) -> Array:
    """Label smoothing: ``y' = (1 - eps) y + eps / H``."""
    if not 0.0 <= epsilon < 1.0:
        raise ValueError(f"label smoothing epsilon must be in [0, 1): got {epsilon!r}")
    result: Array = (1.0 - epsilon) * one_hot(target, n_classes) + epsilon / n_classes
    return result


@dataclass(frozen=True)
class Trajectory:
    """Gradient descent on the logits: ``z_{t+1} = z_t - lr * dE/dz(z_t)``; row ``t`` is step ``t``."""

    z: Array  # (steps + 1, H)
    p: Array  # (steps + 1, H)
    one_minus_p: Array  # (steps + 1, H): 1 - p, exact also where p rounds to 1
    loss: Array  # (steps + 1,)
    grad: Array  # (steps + 1, H)

    def run(self, r: int) -> Trajectory:
        """Run ``r`` of a batch of descents started together (:func:`descend_batch` with 2-d ``z0``)."""
        return Trajectory(self.z[:, r], self.p[:, r], self.one_minus_p[:, r], self.loss[:, r], self.grad[:, r])


def descend(
    z0: ArrayLike,
    target: ArrayLike,
    learning_rate: float,
    steps: int,
    temperature: float = 1.0,
    free: Sequence[int] | None = None,
) -> Trajectory:
    """Run ``steps`` steps of gradient descent on the logits from ``z0``.

    ``target`` is a class index or a (soft) distribution, as in :func:`cross_entropy`.
    ``free`` lists the logits that move (all of them when None); the others are
    held, as on a landscape over two logits. ``grad`` is always the full gradient.
    """
    base = as_logits(z0)
    moves = np.ones(base.shape[-1], dtype=np.float64)
    if free is not None:
        if not all(0 <= k < base.shape[-1] for k in free):
            raise ValueError(f"free logits must be class indices 0 to {base.shape[-1] - 1}: got {list(free)}")
        moves[:] = 0.0
        moves[list(free)] = 1.0
    return descend_batch(base, target, learning_rate, steps, temperature, moves)


def descend_batch(
    z0: Array, target: ArrayLike, learning_rate: float, steps: int, temperature: float, moves: Array
) -> Trajectory:
    """Descent for a batch of starts at once; ``moves`` (0 or 1, broadcast to ``z0``) says which logits move."""
    if not (np.isfinite(learning_rate) and learning_rate > 0.0):
        raise ValueError(f"learning rate must be a finite number > 0: got {learning_rate!r}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0: got {steps}")
    t = as_temperature(temperature)
    z = np.empty((steps + 1, *z0.shape), dtype=np.float64)
    z[0] = z0
    grad = np.empty_like(z)
    step_size = learning_rate * moves
    # The target is checked once; each step then only factors the softmax and forms p - y.
    if is_class_index(target):
        k = as_class_index(target, z0.shape[-1], z0.shape[:-1])

        def gradient(parts: SoftmaxParts) -> Array:
            return grad_hard_from_parts(parts, k)
    else:
        y = as_distribution(target, z0.shape)

        def gradient(parts: SoftmaxParts) -> Array:
            return grad_soft_from_parts(parts, y)

    for step in range(steps + 1):
        grad[step] = gradient(softmax_parts(z[step], t))
        if step < steps:
            z[step + 1] = z[step] - step_size * grad[step]
    parts = softmax_parts(z, t)
    return Trajectory(
        z=z,
        p=parts.probabilities(),
        one_minus_p=parts.one_minus_probabilities(),
        loss=cross_entropy(z, target, t),
        grad=grad,
    )


@dataclass(frozen=True)
class Landscape:
    """The loss over two logits ``z_i``, ``z_j`` (the others held), on a square grid."""

    axis_i: Array  # (m,) values of z_i
    axis_j: Array  # (m,) values of z_j
    loss: Array  # (m, m): [row = z_j, column = z_i]
    descent_i: Array  # (m, m): -dE/dz_i
    descent_j: Array  # (m, m): -dE/dz_j


def landscape(
    z: ArrayLike,
    target: int,
    i: int,
    j: int,
    half_width: float = 6.0,
    points: int = 200,
    temperature: float = 1.0,
    span_i: tuple[float, float] | None = None,
    span_j: tuple[float, float] | None = None,
) -> Landscape:
    """Evaluate ``E`` and its descent direction on a ``points`` x ``points`` grid.

    The grid spans ``z_i +- half_width`` and ``z_j +- half_width`` unless ``span_i``
    or ``span_j`` give the range of that axis.
    """
    base = as_logits(z)
    if i == j or not (0 <= i < base.size and 0 <= j < base.size):
        raise ValueError(f"need two different logits among {base.size}: got {i + 1} and {j + 1}")
    low_i, high_i = span_i if span_i is not None else (base[i] - half_width, base[i] + half_width)
    low_j, high_j = span_j if span_j is not None else (base[j] - half_width, base[j] + half_width)
    axis_i = np.linspace(low_i, high_i, points)
    axis_j = np.linspace(low_j, high_j, points)
    grid = np.broadcast_to(base, (points, points, base.size)).copy()
    grid[:, :, i] = axis_i[None, :]
    grid[:, :, j] = axis_j[:, None]
    grad = grad_logits(grid, target, temperature)
    return Landscape(
        axis_i=axis_i,
        axis_j=axis_j,
        loss=cross_entropy(grid, target, temperature),
        descent_i=-grad[:, :, i],
        descent_j=-grad[:, :, j],
    )


def squared_error(z: ArrayLike, target: int) -> Array:
    """``sum_i (p_i - y_i)^2`` on the softmax outputs (the loss cross-entropy is compared with)."""
    p = softmax(z)
    y = one_hot(target, p.shape[-1])
    result: Array = np.sum((p - y) ** 2, axis=-1)
    return result


def squared_error_grad(z: ArrayLike, target: int) -> Array:
    """``d/dz sum_i (p_i - y_i)^2 = J^T 2 (p - y)``: the Jacobian damps it when p saturates."""
    p = softmax(z)
    y = one_hot(target, p.shape[-1])
    jac = softmax_jacobian(z)
    result: Array = np.einsum("...ij,...i->...j", jac, 2.0 * (p - y))
    return result


def gradient_norms_when_wrong(gaps: ArrayLike, n_classes: int = 3) -> tuple[Array, Array]:
    """Gradient norms of cross-entropy and squared error as the model grows confidently wrong.

    Logits ``[0, gap, 0, ...]`` with true class 0 (class 1 on screen): class 2 wins by ``gap``.
    """
    g = np.asarray(gaps, dtype=np.float64)
    z = np.zeros((*g.shape, n_classes))
    z[..., 1] = g
    ce = np.linalg.norm(grad_logits(z, 0), axis=-1)
    se = np.linalg.norm(squared_error_grad(z, 0), axis=-1)
    return ce, se


def naive_softmax(z: ArrayLike) -> Array:
    """``e^z / sum e^z`` as written: overflows to NaN for logits beyond ~709. For the demo only."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float64))
        result: Array = e / np.sum(e, axis=-1, keepdims=True)
    return result


#: Losses of the iso-loss lines drawn on the simplex.
ISO_LOSS_LEVELS: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0)
#: Grid points per axis of the landscape sent to the browser (the field arrows use every 10th).
LANDSCAPE_POINTS = 101
#: Room around the current point and the path on the landscape, in logit units.
LANDSCAPE_MARGIN = 4.0


@dataclass(frozen=True)
class Simplex:
    """A trajectory of probability vectors drawn on a triangle: true class, its rival, the rest.

    With 3 classes the corners are the three classes. With more, the third corner
    holds the sum of all the other classes; with 2 it is empty and every point
    lies on one edge. Iso-loss lines are straight: ``E = -ln p_true`` is constant
    where ``p_true`` is.
    """

    true_class: int
    rival: int
    rest: tuple[int, ...]
    path: Array  # (steps + 1, 3): p_true, p_rival, p_rest
    iso_loss: Array  # the levels E
    iso_p_true: Array  # p_true = e^-E on each level


def simplex_path(p: ArrayLike, target: int) -> Simplex:
    """Place the rows of ``p`` on the triangle; the rival is the other class most likely in row 0."""
    probs = np.atleast_2d(np.asarray(p, dtype=np.float64))
    n = probs.shape[-1]
    if not 0 <= target < n:
        raise ValueError(f"class index out of range: must be 0 to {n - 1}: got {target}")
    others = [k for k in range(n) if k != target]
    rival = others[int(np.argmax(probs[0, others]))]
    rest = tuple(k for k in others if k != rival)
    path = np.stack([probs[:, target], probs[:, rival], probs[:, list(rest)].sum(axis=-1)], axis=-1)
    levels = np.asarray(ISO_LOSS_LEVELS, dtype=np.float64)
    return Simplex(target, rival, rest, path, levels, np.exp(-levels))


@dataclass(frozen=True)
class Learning:
    """The numbers of the learning view, from one call.

    ``descent`` moves every logit; ``path`` moves only ``z_i`` and ``z_j`` (the others
    held), so that it stays on the drawn ``landscape`` of those two logits.
    """

    i: int
    j: int
    learning_rate: float
    descent: Trajectory
    path: Trajectory
    landscape: Landscape
    simplex: Simplex


def _window(values: Array, centre: float) -> tuple[float, float]:
    low = min(float(values.min()), centre - LANDSCAPE_MARGIN) - 0.5
    high = max(float(values.max()), centre + LANDSCAPE_MARGIN) + 0.5
    return low, high


def learn(
    z: ArrayLike,
    target: int,
    learning_rate: float,
    steps: int,
    i: int,
    j: int,
    points: int = LANDSCAPE_POINTS,
) -> Learning:
    """Descent from ``z``, the landscape over ``z_i``, ``z_j`` around its path, and the simplex."""
    base = as_logits(z)
    if base.ndim != 1:
        raise ValueError("learn() takes one logit vector")
    moves = np.ones((2, base.size), dtype=np.float64)
    moves[1] = 0.0
    moves[1, [i, j]] = 1.0
    # Both descents in one batch: row 0 moves every logit, row 1 only z_i and z_j.
    both = descend_batch(np.stack([base, base]), target, learning_rate, steps, 1.0, moves)
    full, path = both.run(0), both.run(1)
    land = landscape(
        base,
        target,
        i,
        j,
        points=points,
        span_i=_window(path.z[:, i], float(base[i])),
        span_j=_window(path.z[:, j], float(base[j])),
    )
    return Learning(i, j, learning_rate, full, path, land, simplex_path(full.p, target))
