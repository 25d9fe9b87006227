"""A 50-digit mpmath reference for softmax, cross-entropy and its gradient.

The float64 inputs are taken exactly; only the outputs are rounded, so this is
what a perfectly rounded float64 implementation would return.
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath
import numpy as np
from numpy.typing import NDArray

DIGITS = 50


def _log_probs(z: Sequence[float], temperature: float) -> list[mpmath.mpf]:
    """``ln p_i = (x_i - x_m) - log1p(sum_{i != m} e^{x_i - x_m})``, ``x = z / T``.

    Written with ``log1p`` so that a loss of 1e-150 next to logits of 1e3 keeps
    all of its 50 digits (``x_m + ln(...) - x_m`` would cancel them away).
    """
    x = [mpmath.mpf(float(v)) / mpmath.mpf(float(temperature)) for v in z]
    m = max(range(len(x)), key=lambda i: x[i])
    rest = mpmath.fsum(mpmath.exp(v - x[m]) for i, v in enumerate(x) if i != m)
    log_norm = mpmath.log1p(rest)
    return [(v - x[m]) - log_norm for v in x]


def brute_force_loss(z: Sequence[float], k: int, digits: int) -> mpmath.mpf:
    """``E = ln sum_i e^{z_i} - z_k`` evaluated naively with ``digits`` digits (for checking)."""
    with mpmath.workdps(digits):
        x = [mpmath.mpf(float(v)) for v in z]
        return mpmath.log(mpmath.fsum(mpmath.exp(v) for v in x)) - x[k]


def reference(
    z: Sequence[float], target: int | Sequence[float], temperature: float = 1.0
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    """Return ``(E, dE/dz, p)`` rounded to float64 from a 50-digit computation."""
    with mpmath.workdps(DIGITS):
        log_p = _log_probs(z, temperature)
        p = [mpmath.exp(v) for v in log_p]
        if isinstance(target, (int, np.integer)):
            y = [mpmath.mpf(1) if i == int(target) else mpmath.mpf(0) for i in range(len(z))]
        else:
            y = [mpmath.mpf(float(v)) for v in target]
        loss = -mpmath.fsum(yi * lp for yi, lp in zip(y, log_p, strict=True) if yi != 0)
        t = mpmath.mpf(float(temperature))
        # p_k - 1 as minus the sum of the other outputs: no cancellation at p_k ~ 1.
        grad = [(-mpmath.fsum(p[:i] + p[i + 1 :]) if yi == 1 else p[i] - yi) / t for i, yi in enumerate(y)]
        return (
            float(loss),
            np.array([float(g) for g in grad]),
            np.array([float(v) for v in p]),
        )


def within(
    got: NDArray[np.float64] | float, want: NDArray[np.float64] | float, rel: float, tiny: float = 1e-300
) -> NDArray[np.bool_]:
    """Elementwise: ``|got - want| <= rel * |want|``, or ``<= tiny`` where ``|want| < tiny``."""
    g = np.asarray(got, dtype=np.float64)
    w = np.asarray(want, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        err = np.abs(g - w)
    bound = np.where(np.abs(w) < tiny, tiny, rel * np.abs(w))
    ok: NDArray[np.bool_] = np.isfinite(g) & (err <= bound)
    return ok
