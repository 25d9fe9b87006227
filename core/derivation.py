"""The numbers of the step-by-step derivation of dE/dz = p - y, and of its continuation to a layer.

Everything here is computed once per view from an Explanation; the derivation
text, the Jacobian heatmap and the finite-difference checks all read it.

Numbers beyond float64
----------------------
With huge logits the textbook lines leave float64: ``e^{800}`` overflows to inf,
``e^{-1600}`` underflows to 0, and ``1 / p`` of such a ``p`` overflows again. The
derivation then takes the stable form (subtract the largest logit ``m`` first:
every ``e^{z_i - m} <= 1`` and the ratio is unchanged), and every number that can
still leave float64's range is also kept as its natural logarithm
(:class:`LogNumbers`), which stays finite and exact. Text writes such a number
from its logarithm as ``mantissa × 10^exponent`` (:func:`decimal_exponent`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core._validate import Array
from core.explanation import Explanation
from core.loss import cross_entropy

#: Step of the central finite differences: balances truncation (h^2) and rounding (eps / h).
FD_STEP = 1e-5
N_INPUTS = 3
DEFAULT_X: tuple[float, ...] = (1.0, 2.0, -1.0)
_WEIGHT_PATTERN = (1.0, -0.5, 0.5, 0.0, -1.0, 0.5, 1.0, 0.5, -0.5, 0.0, 0.5, 1.0)

#: float64's range, as natural logarithms: its largest number (1.8e308; beyond, inf) and its smallest
#: normal one (2.2e-308; below, digits are lost, and under 4.9e-324 the number reads 0).
LN_MAX = math.log(sys.float_info.max)  # 709.78
LN_MIN = math.log(sys.float_info.min)  # -708.40
#: Below this a float64 reads 0 (its smallest subnormal number is 4.9e-324).
LN_ZERO = math.log(5e-324)  # -744.44


def decimal_exponent(log_abs: float) -> tuple[float, int]:
    """``e^{log_abs} = mantissa · 10^exponent`` with ``1 <= mantissa < 10``, for any finite ``log_abs``.

    ``e^{-1600} = 10^{-694.87} = 1.3532 · 10^{-695}``: the logarithm carries the number where
    float64 cannot (its relative error, about 1e-16 · |log_abs|, stays far below the 4 digits shown).
    """
    if not math.isfinite(log_abs):
        raise ValueError(f"the logarithm must be finite: got {log_abs!r}")
    log10 = log_abs / math.log(10.0)
    exponent = math.floor(log10)
    mantissa = 10.0 ** (log10 - exponent)
    if mantissa >= 10.0:  # log10 a hair below an integer
        mantissa, exponent = mantissa / 10.0, exponent + 1
    return mantissa, exponent


@dataclass(frozen=True)
class LogNumber:
    """One number as its float64 ``value`` and as ``sign · e^{log_abs}``."""

    value: float
    sign: float  # -1, 0 or +1
    log_abs: float  # ln|x|; -inf when x is exactly 0

    @property
    def writable(self) -> bool:
        """True when the float64 value holds the number to full precision: 0, or a normal float64."""
        return self.sign == 0.0 or LN_MIN <= self.log_abs < LN_MAX

    def __neg__(self) -> LogNumber:
        return LogNumber(-self.value, -self.sign, self.log_abs)


def log_number(log_abs: float, sign: float = 1.0) -> LogNumber:
    """The number ``sign · e^{log_abs}``; its float64 value is 0 or ±inf where it leaves float64's range."""
    if sign == 0.0:
        return LogNumber(0.0, 0.0, -math.inf)
    with np.errstate(over="ignore", under="ignore"):
        value = float(sign * np.exp(log_abs))
    return LogNumber(value, float(np.sign(sign)), float(log_abs))


@dataclass(frozen=True)
class LogNumbers:
    """Numbers as float64 ``value`` and as ``sign · e^{log_abs}``, element by element.

    The logarithm stays finite and exact where the value does not: ``e^{800}`` (inf as a
    float64), ``p = e^{-1600}`` (0 as a float64), ``1/p`` of that ``p``.
    """

    value: Array
    sign: Array  # -1, 0 or +1
    log_abs: Array  # ln|x|; -inf where x is exactly 0

    def at(self, *index: int) -> LogNumber:
        return LogNumber(float(self.value[index]), float(self.sign[index]), float(self.log_abs[index]))


def _positive(value: Array, log_abs: Array) -> LogNumbers:
    return LogNumbers(value=value, sign=np.ones_like(value), log_abs=log_abs)


def _log_sum_except_self(log_x: Array) -> Array:
    """``ln sum_{j != i} x_j`` for every ``i``, from ``ln x`` (log-sum-exp over the others)."""
    n = log_x.shape[-1]
    others = np.where(np.eye(n, dtype=bool), -np.inf, log_x[None, :])
    top = others.max(axis=1)
    result: Array = top + np.log(np.exp(others - top[:, None]).sum(axis=1))
    return result


def finite_difference(f: Callable[[Array], float], at: Array, h: float = FD_STEP) -> Array:
    """Central differences ``(f(a + h e_k) - f(a - h e_k)) / 2h`` for every entry ``k`` of ``at``."""
    grad = np.empty_like(at, dtype=np.float64)
    for index in np.ndindex(at.shape):
        step = np.zeros_like(at, dtype=np.float64)
        step[index] = h
        grad[index] = (f(at + step) - f(at - step)) / (2.0 * h)
    return grad


def default_weights(n_classes: int, n_inputs: int = N_INPUTS) -> Array:
    """A fixed, readable weight matrix ``W`` (``n_classes`` x ``n_inputs``) of halves and ones."""
    flat = [_WEIGHT_PATTERN[(i * n_inputs + j) % len(_WEIGHT_PATTERN)] for i in range(n_classes)
            for j in range(n_inputs)]  # fmt: skip
    return np.array(flat, dtype=np.float64).reshape(n_classes, n_inputs)


@dataclass(frozen=True)
class LinearLayer:
    """A layer ``z = W x + b`` whose output is the page's logits, with the chain rule continued.

    ``b`` is chosen as ``z - W x`` so that the layer produces exactly the logits
    set above; changing ``x`` changes ``b`` and the weight gradient, never ``p - y``.
    """

    W: Array
    x: Array
    b: Array
    z: Array
    delta: Array  # dE/dz = p - y, the signal arriving from the softmax
    dW: Array  # (p - y) x^T
    db: Array  # p - y
    dx: Array  # W^T (p - y)
    fd_dW: Array
    fd_db: Array
    fd_dx: Array

    @property
    def fd_error(self) -> float:
        """Largest difference between the analytic gradients of W, b, x and their finite differences."""
        return max(
            float(np.max(np.abs(self.dW - self.fd_dW))),
            float(np.max(np.abs(self.db - self.fd_db))),
            float(np.max(np.abs(self.dx - self.fd_dx))),
        )


@dataclass(frozen=True)
class Derivation:
    """Every number of the derivation for one Explanation.

    ``stable`` says whether the forward pass is written in its stable form, with the largest
    logit ``shift = m`` subtracted first: it is, whenever a textbook line would leave float64's range
    (an ``e^{z_i}``, their sum or a ``p_i``); else ``shift`` is 0 and the lines are the textbook's.
    """

    expl: Explanation
    stable: bool
    too_large: bool  # some e^{z_i}, or their sum, is above float64's largest number: it overflows
    too_small: bool  # some e^{z_i} or p_i is below float64's smallest normal number: it loses digits or reads 0
    shift: float  # m, subtracted from every logit before e^z in the stable form; 0 in the textbook form
    exp_z: LogNumbers  # e^{z_i - shift}
    exp_sum: float  # sum_k e^{z_k - shift}
    log_exp_sum: float  # ln sum_k e^{z_k - shift}
    log_rest: float  # ln of the sum without its largest term (that term is 1 in the stable form)
    p: LogNumbers  # p_i, with ln p_i exact
    one_minus_p: LogNumbers  # 1 - p_i = sum_{j != i} p_j, with its logarithm exact
    dE_dp: LogNumbers  # -y_i / p_i (its value is -inf where 1/p overflows; its logarithm is -ln p)
    jacobian: LogNumbers  # dp_i/dz_j: p_i (1 - p_i) on the diagonal, -p_i p_j off it
    grad: LogNumbers  # dE/dz_j = p_j - y_j
    chain_terms: Array  # [i, j] = dE/dp_i * dp_i/dz_j = y_i (p_j - delta_ij): finite also where 1/p_i is not
    fd_grad: Array  # central finite differences of E in z
    layer: LinearLayer

    @property
    def fd_differences(self) -> Array:
        """Analytic ``p - y`` minus its finite-difference estimate, per logit."""
        result: Array = self.expl.grad - self.fd_grad
        return result

    @property
    def fd_error(self) -> float:
        return float(np.max(np.abs(self.fd_differences)))


def linear_layer(expl: Explanation, x: tuple[float, ...] = DEFAULT_X) -> LinearLayer:
    """The layer before the softmax, its gradients and their finite-difference checks."""
    n = expl.n_classes
    W = default_weights(n, len(x))
    xv = np.array(x, dtype=np.float64)
    b = expl.z - W @ xv
    target = expl.target
    delta = expl.grad

    def loss_of_w(w: Array) -> float:
        return float(cross_entropy(w @ xv + b, target))

    def loss_of_b(bias: Array) -> float:
        return float(cross_entropy(W @ xv + bias, target))

    def loss_of_x(inputs: Array) -> float:
        return float(cross_entropy(W @ inputs + b, target))

    return LinearLayer(
        W=W,
        x=xv,
        b=b,
        z=W @ xv + b,
        delta=delta,
        dW=np.outer(delta, xv),
        db=delta.copy(),
        dx=W.T @ delta,
        fd_dW=finite_difference(loss_of_w, W),
        fd_db=finite_difference(loss_of_b, b),
        fd_dx=finite_difference(loss_of_x, xv),
    )


def out_of_range(z: Array, log_p: Array) -> tuple[bool, bool]:
    """Whether the textbook forward pass leaves float64's range: (some ``e^{z_i}`` or ``sum e^{z}`` overflows,
    some ``e^{z_i}`` or ``p_i`` is too small). ``log_p`` is ``ln softmax(z)``."""
    m = int(np.argmax(z))
    log_sum = float(z[m] - log_p[m])  # ln sum_k e^{z_k} = z_m + log1p(s) = z_m - ln p_m
    too_large = bool(np.max(z) >= LN_MAX or log_sum >= LN_MAX)
    too_small = bool(np.min(z) < LN_MIN or np.min(log_p) < LN_MIN)
    return too_large, too_small


def derive(expl: Explanation, x: tuple[float, ...] = DEFAULT_X) -> Derivation:
    """Compute the derivation's numbers for ``expl`` (and a layer with inputs ``x``)."""
    z, y, log_p = expl.z, expl.y, expl.log_p
    m = int(np.argmax(z))
    too_large, too_small = out_of_range(z, log_p)
    stable = too_large or too_small
    shift = float(z[m]) if stable else 0.0
    log_exp_z = z - shift
    with np.errstate(under="ignore"):  # e^{z - m} below 1e-308 loses digits or reads 0: its log is kept
        exp_z = np.exp(log_exp_z)
    log_exp_sum = float(log_exp_z[m] - log_p[m])
    log_rest = float(_log_sum_except_self(log_exp_z)[m])
    # ln(1 - p_i) = ln sum_{j != i} p_j: exact from the factored 1 - p where that is a normal number
    with np.errstate(divide="ignore"):
        log_one_minus_p = np.where(
            expl.one_minus_p >= sys.float_info.min,
            np.log(np.maximum(expl.one_minus_p, sys.float_info.min)),
            _log_sum_except_self(log_p),
        )
    is_true = y > 0.0
    eye = np.eye(expl.n_classes, dtype=bool)
    with np.errstate(over="ignore"):  # 1/p of a p below 1e-308 overflows: its log, -ln p, is kept
        minus_inverse_p = np.where(is_true, -np.exp(-log_p), 0.0)
    jacobian = LogNumbers(
        value=expl.jacobian,
        sign=np.where(eye, 1.0, -1.0),
        log_abs=np.where(eye, np.diag(log_p + log_one_minus_p), log_p[:, None] + log_p[None, :]),
    )
    chain_terms = y[:, None] * expl.p[None, :]
    chain_terms[eye] = -y * expl.one_minus_p  # y_i (p_i - 1), with 1 - p_i exact
    target = expl.target
    return Derivation(
        expl=expl,
        stable=stable,
        too_large=too_large,
        too_small=too_small,
        shift=shift,
        exp_z=_positive(exp_z, log_exp_z),
        exp_sum=float(np.sum(exp_z)),
        log_exp_sum=log_exp_sum,
        log_rest=log_rest,
        p=_positive(expl.p, log_p),
        one_minus_p=_positive(expl.one_minus_p, log_one_minus_p),
        dE_dp=LogNumbers(minus_inverse_p, np.where(is_true, -1.0, 0.0), np.where(is_true, -log_p, -np.inf)),
        jacobian=jacobian,
        grad=LogNumbers(expl.grad, np.where(is_true, -1.0, 1.0), np.where(is_true, log_one_minus_p, log_p)),
        chain_terms=chain_terms,
        fd_grad=finite_difference(lambda v: float(cross_entropy(v, target)), z),
        layer=linear_layer(expl, x),
    )
