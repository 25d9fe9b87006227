"""The numbers of the step-by-step derivation of dE/dz = p - y, and of its continuation to a layer.

Everything here is computed once per view from an Explanation; the derivation
text, the Jacobian heatmap and the finite-difference checks all read it.
"""

from __future__ import annotations

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
    """Every number of the derivation for one Explanation."""

    expl: Explanation
    exp_z: Array  # e^{z_i}
    exp_sum: float  # sum_k e^{z_k}
    dE_dp: Array  # -y_i / p_i
    chain_terms: Array  # [i, j] = dE/dp_i * dp_i/dz_j
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


def derive(expl: Explanation, x: tuple[float, ...] = DEFAULT_X) -> Derivation:
    """Compute the derivation's numbers for ``expl`` (and a layer with inputs ``x``)."""
    exp_z = np.exp(expl.z)
    with np.errstate(divide="ignore"):
        dE_dp = np.where(expl.y > 0.0, -expl.y / expl.p, 0.0)
    target = expl.target
    return Derivation(
        expl=expl,
        exp_z=exp_z,
        exp_sum=float(np.sum(exp_z)),
        dE_dp=dE_dp,
        chain_terms=dE_dp[:, None] * expl.jacobian,
        fd_grad=finite_difference(lambda z: float(cross_entropy(z, target)), expl.z),
        layer=linear_layer(expl, x),
    )
