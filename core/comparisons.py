"""Numbers for the comparisons: temperature, shift invariance, label smoothing, log-sum-exp."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from core._validate import Array, as_logits, as_temperature
from core.dynamics import Trajectory, descend_batch, naive_softmax, smoothed_target, squared_error_grad
from core.loss import grad_logits, one_hot
from core.softmax import logsumexp, softmax

#: Temperatures of the sweep, from nearly argmax (0.01) to nearly uniform (100).
TEMPERATURES: Array = np.logspace(-2.0, 2.0, 161)
#: ``e^x`` overflows to infinity above this (``ln`` of the largest float64).
EXP_OVERFLOW = math.log(np.finfo(np.float64).max)
#: ``e^x`` rounds to 0 below this (half the smallest subnormal float64, 2^-1075).
EXP_UNDERFLOW = -1075.0 * math.log(2.0)
#: Shifts of the log-sum-exp sweep.
SHIFTS: Array = np.linspace(-1000.0, 1000.0, 2001)
#: Descent used to compare one-hot and smoothed targets.
SMOOTHING_LEARNING_RATE = 2.0
SMOOTHING_STEPS = 400


def temperature_sweep(z: ArrayLike, temperatures: ArrayLike = TEMPERATURES) -> Array:
    """``softmax(z / T)`` for every ``T``: one row per temperature."""
    base = as_logits(z)
    temps = np.asarray(temperatures, dtype=np.float64)
    if temps.ndim != 1 or not np.all(np.isfinite(temps)) or np.any(temps <= 0.0):
        raise ValueError("temperatures must be a 1-d array of finite numbers > 0")
    return softmax(base[None, :] / temps[:, None])


def argmax_limit(z: ArrayLike) -> Array:
    """The limit of ``softmax(z / T)`` as ``T -> 0``: 1 on the largest logit, shared equally by ties."""
    base = as_logits(z)
    winners = (base == base.max(axis=-1, keepdims=True)).astype(np.float64)
    result: Array = winners / winners.sum(axis=-1, keepdims=True)
    return result


def shift_difference(z: ArrayLike, shift: float, temperature: float = 1.0) -> float:
    """``max_i |softmax(z + c) - softmax(z)|``: zero up to rounding, since only differences matter."""
    base = as_logits(z)
    t = as_temperature(temperature)
    return float(np.max(np.abs(softmax(base + shift, t) - softmax(base, t))))


def smoothing_gap(epsilon: float, n_classes: int) -> float:
    """The logit gap (true class minus any other) at which ``p = y'``: ``ln((1 - eps + eps/H) / (eps/H))``.

    Infinite for ``eps = 0``: a one-hot target is never reached.
    """
    y = smoothed_target(0, n_classes, epsilon)
    return math.inf if epsilon == 0.0 else math.log(float(y[0]) / float(y[1]))


def smoothing_descents(z: ArrayLike, target: int, epsilon: float) -> tuple[Trajectory, Trajectory]:
    """Descent towards the one-hot ``y`` and towards the smoothed ``y'`` from the same logits."""
    base = as_logits(z)
    n = base.shape[-1]
    # Both runs in one batch, each target as a distribution (the one-hot keeps its exact -(1 - p)).
    targets = np.stack([one_hot(target, n), smoothed_target(target, n, epsilon)])
    both = descend_batch(
        np.stack([base, base]), targets, SMOOTHING_LEARNING_RATE, SMOOTHING_STEPS, 1.0, np.ones(2 * n).reshape(2, n)
    )
    return both.run(0), both.run(1)


def naive_nan_shifts(z: ArrayLike) -> tuple[float, float]:
    """The shifts ``c`` outside which the naive ``e^(z+c) / sum e^(z+c)`` is NaN.

    Below the first every ``e^(z_i + c)`` rounds to 0 (0/0); above the second the largest
    overflows to infinity (inf/inf).
    """
    top = float(as_logits(z).max())
    return EXP_UNDERFLOW - top, EXP_OVERFLOW - top


def shift_sweep(z: ArrayLike, target: int, shifts: ArrayLike = SHIFTS) -> tuple[Array, Array]:
    """``p_target`` of ``z + c`` for every shift ``c``: naive (NaN where it breaks) and stable."""
    base = as_logits(z)
    c = np.asarray(shifts, dtype=np.float64)[:, None]
    naive: Array = naive_softmax(base[None, :] + c)[:, target]
    stable: Array = softmax(base[None, :] + c)[:, target]
    return naive, stable


@dataclass(frozen=True)
class SmoothingComparison:
    """One-hot against smoothed targets from the same logits: gaps and gradient sizes over the steps."""

    epsilon: float
    target_gap: float  # where p = y' (infinite for eps = 0)
    hard: Trajectory
    soft: Trajectory
    gap_hard: Array  # z_true - max other z, per step
    gap_soft: Array
    norm_hard: Array  # |dE/dz|, per step
    norm_soft: Array


def logit_gap(z: ArrayLike, target: int) -> Array:
    """``z_target - max_{i != target} z_i`` along the last axis."""
    base = as_logits(z)
    others = np.delete(base, target, axis=-1)
    result: Array = base[..., target] - others.max(axis=-1)
    return result


def compare_smoothing(z: ArrayLike, target: int, epsilon: float) -> SmoothingComparison:
    hard, soft = smoothing_descents(z, target, epsilon)
    return SmoothingComparison(
        epsilon=epsilon,
        target_gap=smoothing_gap(epsilon, hard.z.shape[-1]),
        hard=hard,
        soft=soft,
        gap_hard=logit_gap(hard.z, target),
        gap_soft=logit_gap(soft.z, target),
        norm_hard=np.linalg.norm(hard.grad, axis=-1),
        norm_soft=np.linalg.norm(soft.grad, axis=-1),
    )


def gradient_norms(z: ArrayLike, target: int) -> tuple[float, float]:
    """``|dE/dz|`` of cross-entropy and of the squared error ``sum (p - y)^2`` at ``z``."""
    return (
        float(np.linalg.norm(grad_logits(z, target))),
        float(np.linalg.norm(squared_error_grad(z, target))),
    )


@dataclass(frozen=True)
class LogSumExpDemo:
    """Naive and stable softmax of ``z + c``."""

    shift: float
    shifted: Array  # z + c
    naive_exp: Array  # e^(z + c) as float64 computes it: may be inf or 0
    naive_p: Array  # may hold NaN
    largest: float  # m = max(z + c)
    lse: float  # ln sum e^(z + c) = m + ln sum e^(z + c - m)
    stable_p: Array


def log_sum_exp_demo(z: ArrayLike, shift: float) -> LogSumExpDemo:
    shifted = as_logits(z) + float(shift)
    with np.errstate(over="ignore", under="ignore"):
        naive_exp = np.exp(shifted)
    return LogSumExpDemo(
        shift=float(shift),
        shifted=shifted,
        naive_exp=naive_exp,
        naive_p=naive_softmax(shifted),
        largest=float(shifted.max()),
        lse=float(logsumexp(shifted)),
        stable_p=softmax(shifted),
    )
