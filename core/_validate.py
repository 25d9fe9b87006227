"""Input checks shared by the core functions: each raises ``ValueError`` saying what is wrong."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

#: A probability vector may miss a total of 1 by at most this much.
TARGET_SUM_TOLERANCE = 1e-9


def as_logits(z: ArrayLike) -> Array:
    """Return ``z`` as a float64 array of at least 2 finite logits on the last axis."""
    arr = np.asarray(z, dtype=np.float64)
    if arr.ndim == 0:
        raise ValueError("logits must be a vector: got a single number")
    if arr.shape[-1] < 2:
        raise ValueError(f"softmax needs at least 2 classes: got {arr.shape[-1]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("logits must be finite: got NaN or infinity")
    return arr


def as_temperature(temperature: float) -> float:
    """Return the temperature as a float, checking it is finite and positive."""
    t = float(temperature)
    if not np.isfinite(t) or t <= 0.0:
        raise ValueError(f"temperature must be a finite number > 0: got {temperature!r}")
    return t


def as_class_index(target: ArrayLike, n_classes: int, batch_shape: tuple[int, ...]) -> NDArray[np.intp]:
    """Return integer class indices (0-based) broadcast to ``batch_shape``."""
    idx = np.asarray(target)
    if idx.dtype == np.bool_ or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"a class index must be an integer: got {idx.dtype}")
    if np.any(idx < 0) or np.any(idx >= n_classes):
        raise ValueError(f"class index out of range: must be 0 to {n_classes - 1} for {n_classes} classes")
    try:
        return np.broadcast_to(idx.astype(np.intp), batch_shape)
    except ValueError:
        raise ValueError(
            f"class indices of shape {idx.shape} do not match logits of batch shape {batch_shape}"
        ) from None


def as_distribution(target: ArrayLike, shape: tuple[int, ...]) -> Array:
    """Return a probability vector (soft target) broadcast to the logits' ``shape``."""
    y = np.asarray(target, dtype=np.float64)
    if y.ndim == 0 or y.shape[-1] != shape[-1]:
        raise ValueError(f"a target distribution needs one probability per class ({shape[-1]}): got shape {y.shape}")
    if not np.all(np.isfinite(y)) or np.any(y < 0.0):
        raise ValueError("a target distribution must hold finite probabilities >= 0")
    total = y.sum(axis=-1)
    if np.any(np.abs(total - 1.0) > TARGET_SUM_TOLERANCE):
        raise ValueError(
            f"a target distribution must sum to 1: got {np.ravel(total)[0]!r}"
            if total.size == 1
            else "every target distribution must sum to 1"
        )
    try:
        return np.broadcast_to(y, shape)
    except ValueError:
        raise ValueError(f"target of shape {y.shape} does not match logits of shape {shape}") from None


def is_class_index(target: ArrayLike) -> bool:
    """True when ``target`` is meant as class indices (integers, booleans or a scalar).

    Anything else is a distribution over the last axis. Booleans and float
    scalars count as (invalid) indices, so the error says an integer is needed.
    """
    arr = np.asarray(target)
    return arr.ndim == 0 or arr.dtype == np.bool_ or np.issubdtype(arr.dtype, np.integer)
