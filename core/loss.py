"""The cross-entropy loss and its gradient with respect to the logits.

``target`` is either a class index (an integer, 0-based; an integer array for a
batch) or a probability vector on the last axis (a soft target, floats).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core._validate import Array, as_class_index, as_distribution, is_class_index
from core.softmax import SoftmaxParts, softmax_parts


def one_hot(target: int, n_classes: int) -> Array:
    """The one-hot vector ``y`` with ``y_target = 1``."""
    if not 0 <= target < n_classes:
        raise ValueError(f"class index out of range: must be 0 to {n_classes - 1}: got {target}")
    y = np.zeros(n_classes, dtype=np.float64)
    y[target] = 1.0
    return y


def _batch_shape(parts: SoftmaxParts) -> tuple[int, ...]:
    return tuple(parts.q.shape[:-1])


def cross_entropy(z: ArrayLike, target: ArrayLike, temperature: float = 1.0) -> Array:
    """``E = -sum_i y_i ln p_i`` with ``p = softmax(z / T)``.

    For a class index ``k`` this is ``E = -ln p_k``. It is never computed as
    ``ln(p + eps)``: ``ln p`` comes from log-sum-exp, so a confident, correct
    prediction keeps its tiny, non-zero loss (``z = [40, 0, 0]``, ``k = 0``:
    ``E = 2 e^{-40} = 8.4967e-18``).
    """
    parts = softmax_parts(z, temperature)
    log_p = parts.log_probabilities()
    if is_class_index(target):
        k = as_class_index(target, parts.n_classes, _batch_shape(parts))
        loss: Array = -np.take_along_axis(log_p, k[..., None], axis=-1)[..., 0]
        return loss
    y = as_distribution(target, log_p.shape)
    terms = np.where(y > 0.0, y * log_p, 0.0)  # 0 * ln p is 0, also where p underflows
    soft_loss: Array = -terms.sum(axis=-1)
    return soft_loss


def grad_logits(z: ArrayLike, target: ArrayLike, temperature: float = 1.0) -> Array:
    """``dE/dz_i = (p_i - y_i) / T``.

    For the true class of a hard target, ``p_k - 1`` is computed as ``-(1 - p_k)``
    from the factored softmax, so it stays tiny and negative (never 0) when the
    prediction is confident and right.
    """
    return grad_from_parts(softmax_parts(z, temperature), target)


def grad_from_parts(parts: SoftmaxParts, target: ArrayLike) -> Array:
    """:func:`grad_logits` from an already factored softmax."""
    if is_class_index(target):
        return grad_hard_from_parts(parts, as_class_index(target, parts.n_classes, _batch_shape(parts)))
    return grad_soft_from_parts(parts, as_distribution(target, parts.q.shape))


def grad_hard_from_parts(parts: SoftmaxParts, k: NDArray[np.intp]) -> Array:
    """The gradient for class indices ``k`` that are already checked (see :func:`as_class_index`)."""
    is_true = np.arange(parts.n_classes) == k[..., None]
    grad: Array = np.where(is_true, -parts.one_minus_probabilities(), parts.probabilities())
    result: Array = grad / parts.temperature
    return result


def grad_soft_from_parts(parts: SoftmaxParts, y: Array) -> Array:
    """The gradient for target distributions ``y`` that are already checked (see :func:`as_distribution`)."""
    p = parts.probabilities()
    # At the largest logit p rounds towards 1: use (1 - y) - (1 - p) where 1 - y is exact.
    near_one = parts.is_argmax() & (y >= 0.5)
    grad: Array = np.where(near_one, (1.0 - y) - parts.one_minus_probabilities(), p - y)
    result: Array = grad / parts.temperature
    return result
