"""What dE/dz = p - y does over time and across logit space: descent, landscapes, comparisons.

All vectorised: the landscape evaluates a whole grid of logit vectors in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from core._validate import Array, as_logits, as_temperature
from core.loss import cross_entropy, grad_logits, one_hot
from core.softmax import softmax, softmax_jacobian


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
    loss: Array  # (steps + 1,)
    grad: Array  # (steps + 1, H)


def descend(
    z0: ArrayLike,
    target: ArrayLike,
    learning_rate: float,
    steps: int,
    temperature: float = 1.0,
) -> Trajectory:
    """Run ``steps`` steps of gradient descent on the logits from ``z0``.

    ``target`` is a class index or a (soft) distribution, as in :func:`cross_entropy`.
    """
    if not (np.isfinite(learning_rate) and learning_rate > 0.0):
        raise ValueError(f"learning rate must be a finite number > 0: got {learning_rate!r}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0: got {steps}")
    t = as_temperature(temperature)
    z = np.empty((steps + 1, *np.shape(as_logits(z0))), dtype=np.float64)
    z[0] = as_logits(z0)
    grad = np.empty_like(z)
    for step in range(steps + 1):
        grad[step] = grad_logits(z[step], target, t)
        if step < steps:
            z[step + 1] = z[step] - learning_rate * grad[step]
    return Trajectory(z=z, p=softmax(z, t), loss=cross_entropy(z, target, t), grad=grad)


@dataclass(frozen=True)
class Landscape:
    """The loss over two logits ``z_i``, ``z_j`` (the others held), on a square grid."""

    axis_i: Array  # (m,) values of z_i
    axis_j: Array  # (m,) values of z_j
    loss: Array  # (m, m): [row = z_j, column = z_i]
    descent_i: Array  # (m, m): -dE/dz_i
    descent_j: Array  # (m, m): -dE/dz_j


def landscape(
    z: ArrayLike, target: int, i: int, j: int, half_width: float = 6.0, points: int = 200, temperature: float = 1.0
) -> Landscape:
    """Evaluate ``E`` and its descent direction on a ``points`` x ``points`` grid around ``z``."""
    base = as_logits(z)
    if i == j or not (0 <= i < base.size and 0 <= j < base.size):
        raise ValueError(f"need two different logits among {base.size}: got {i + 1} and {j + 1}")
    axis_i = base[i] + np.linspace(-half_width, half_width, points)
    axis_j = base[j] + np.linspace(-half_width, half_width, points)
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
