"""Softmax, its logarithm and its Jacobian, in float64, accurate to the last digits.

Everything works on the last axis and broadcasts over leading axes.

How the digits are kept
-----------------------
With ``m`` the index of the largest logit, every output is written as

    p_i = w_i / (1 + s),   w_i = exp((z_i - z_m) / T),   s = sum_{i != m} w_i,

so ``w_m = 1`` exactly and ``s`` holds everything the other classes contribute.
Then ``ln p_m = -log1p(s)`` and ``1 - p_m = s / (1 + s)`` keep their digits even
when ``s`` is 1e-300, where ``1 - p_m`` computed directly would be 0. The
difference ``z_i - z_m`` is carried with its rounding error (an exact two-sum),
and so is its division by ``T``, so ``w_i`` is accurate to about one ulp.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core._validate import Array, as_logits, as_temperature

_SPLIT = 134217729.0  # 2**27 + 1, Dekker's splitter for float64
# Exponents below this give exp(q) == 0: no correction is needed there.
_EXP_FLOOR = -760.0
# Temperatures inside this range are safe to split without overflow.
_T_SAFE = (1e-280, 1e280)


@dataclass(frozen=True)
class SoftmaxParts:
    """Softmax in factored form: ``p_i = w_i / (1 + s)``.

    Attributes
    ----------
    q : scaled shifted logits ``(z_i - z_m) / T`` (<= 0; exactly 0 at ``m``)
    c : the rounding error of ``q`` (``q + c`` is the exact value to ~1e-30)
    w : ``exp(q + c)``, with ``w_m = 1``
    s : ``sum_{i != m} w_i``, shape of the leading axes
    argmax : ``m``, shape of the leading axes
    temperature : ``T``
    """

    q: Array
    c: Array
    w: Array
    s: Array
    argmax: NDArray[np.intp]
    temperature: float

    @property
    def n_classes(self) -> int:
        return int(self.q.shape[-1])

    def is_argmax(self) -> NDArray[np.bool_]:
        """Boolean mask of the (first) largest logit along the last axis."""
        mask: NDArray[np.bool_] = np.arange(self.n_classes) == self.argmax[..., None]
        return mask

    def probabilities(self) -> Array:
        """``p = w / (1 + s)``."""
        result: Array = self.w / (1.0 + self.s)[..., None]
        return result

    def one_minus_probabilities(self) -> Array:
        """``1 - p_i``, exact in its digits also where ``p_i`` rounds to 1."""
        p = self.probabilities()
        top = (self.s / (1.0 + self.s))[..., None]
        result: Array = np.where(self.is_argmax(), top, 1.0 - p)
        return result

    def log_probabilities(self) -> Array:
        """``ln p_i = q_i + c_i - log1p(s)``."""
        result: Array = (self.q + self.c) - np.log1p(self.s)[..., None]
        return result


def _two_sum(a: Array, b: Array) -> tuple[Array, Array]:
    """Knuth's two-sum: ``a + b == hi + lo`` exactly."""
    hi = a + b
    b_virtual = hi - a
    a_virtual = hi - b_virtual
    lo = (a - a_virtual) + (b - b_virtual)
    return hi, lo


def _split(a: Array) -> tuple[Array, Array]:
    c = _SPLIT * a
    high = c - (c - a)
    return high, a - high


def _two_product_error(a: Array, b: float) -> tuple[Array, Array]:
    """Dekker's two-product: ``a * b == prod + err`` exactly (no overflow assumed)."""
    prod = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(np.asarray(b, dtype=np.float64))
    err = ((a_hi * b_hi - prod) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return prod, err


def softmax_parts(z: ArrayLike, temperature: float = 1.0) -> SoftmaxParts:
    """Factor ``softmax(z / T)`` as ``w / (1 + s)`` (see the module docstring)."""
    logits = as_logits(z)
    t = as_temperature(temperature)
    argmax = np.argmax(logits, axis=-1)
    z_max = np.take_along_axis(logits, argmax[..., None], axis=-1)
    hi, lo = _two_sum(logits, -z_max)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        if t == 1.0:
            q, c = hi, lo
        else:
            q = hi / t
            c = np.zeros_like(q)
            if _T_SAFE[0] <= t <= _T_SAFE[1]:
                live = q > _EXP_FLOOR
                q_live = np.where(live, q, 0.0)
                prod, err = _two_product_error(q_live, t)
                exact_rest = ((hi - prod) - err + lo) / t  # (hi + lo) / t - q, to ~1 ulp of c
                c = np.where(live, exact_rest, 0.0)
        w = np.exp(q) * (1.0 + c)
    is_top = np.arange(logits.shape[-1]) == argmax[..., None]
    w = np.where(is_top, 1.0, w)
    s = np.where(is_top, 0.0, w).sum(axis=-1)
    return SoftmaxParts(q=q, c=c, w=w, s=s, argmax=argmax, temperature=t)


def softmax(z: ArrayLike, temperature: float = 1.0) -> Array:
    """``p_i = e^{z_i / T} / sum_k e^{z_k / T}``: outputs in [0, 1] that sum to 1."""
    return softmax_parts(z, temperature).probabilities()


def log_softmax(z: ArrayLike, temperature: float = 1.0) -> Array:
    """``ln p_i = z_i / T - ln sum_k e^{z_k / T}``, computed without forming ``p``."""
    return softmax_parts(z, temperature).log_probabilities()


def logsumexp(z: ArrayLike) -> Array:
    """``ln sum_k e^{z_k} = z_m + log1p(sum_{k != m} e^{z_k - z_m})`` with ``z_m`` the largest."""
    parts = softmax_parts(z)
    z_max = np.take_along_axis(as_logits(z), parts.argmax[..., None], axis=-1)[..., 0]
    result: Array = z_max + np.log1p(parts.s)
    return result


def softmax_jacobian(z: ArrayLike, temperature: float = 1.0) -> Array:
    """``J[..., i, j] = dp_i/dz_j = (p_i (delta_ij - p_j)) / T``.

    The diagonal is ``p_i (1 - p_i) / T`` (the ``i = j`` case), the rest
    ``-p_i p_j / T`` (the ``i != j`` case); in matrix form ``(diag(p) - p p^T) / T``.
    """
    return jacobian_from_parts(softmax_parts(z, temperature))


def jacobian_from_parts(parts: SoftmaxParts) -> Array:
    """:func:`softmax_jacobian` from an already factored softmax."""
    p = parts.probabilities()
    jac = -p[..., :, None] * p[..., None, :]
    diag = p * parts.one_minus_probabilities()
    idx = np.arange(parts.n_classes)
    jac[..., idx, idx] = diag
    result: Array = jac / parts.temperature
    return result
