"""One state in, every number the page shows out: computed once, read by every component."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core._validate import Array, as_class_index, as_logits
from core.loss import grad_from_parts, one_hot
from core.softmax import jacobian_from_parts, softmax_parts

#: The tutorial's worked example: S(Z) = [0.2, 0.6, 0.2] from Z = [0, ln 3, 0], true class 1.
WORKED_EXAMPLE_Z: tuple[float, ...] = (0.0, math.log(3.0), 0.0)
WORKED_EXAMPLE_TARGET = 0

#: Points of the loss curve E = -ln p for the chart, from p = 1e-300 up to 1.
LOSS_CURVE_P: Array = np.concatenate([np.logspace(-300.0, -3.0, 240), np.linspace(1e-3, 1.0, 400)[1:]])
LOSS_CURVE_E: Array = -np.log(LOSS_CURVE_P)


@dataclass(frozen=True)
class State:
    """What the user chose: the logits ``z`` and the true class ``target`` (0-based)."""

    z: tuple[float, ...]
    target: int
    names: tuple[str, ...] = ()

    @property
    def n_classes(self) -> int:
        return len(self.z)

    def label(self, i: int) -> str:
        """The name of class ``i`` (0-based) as shown: its given name, else ``Class i+1``."""
        return self.names[i] if i < len(self.names) and self.names[i] else f"Class {i + 1}"

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.label(i) for i in range(self.n_classes))


@dataclass(frozen=True)
class Explanation:
    """All numbers of one view of the page, from one computation.

    ``p`` softmax outputs, ``one_minus_p`` their complements (exact also where
    ``p`` rounds to 1), ``y`` the one-hot target, ``log_p`` = ``ln p``,
    ``loss`` = ``E = -ln p_target``, ``grad`` = ``dE/dz = p - y``,
    ``descent`` = ``-grad`` (the way gradient descent moves each logit),
    ``jacobian`` = ``dp_i/dz_j``.

    ``top_classes`` are all classes with the largest output. The softmax is strictly
    increasing in each logit, so ``p_i = p_j`` exactly when ``z_i = z_j``: the top classes are
    those whose logit equals the largest (and their factored ``p`` are then equal bit for bit).
    Comparing the float64 ``p`` instead would call logits that differ by less than a rounding
    (``z = [1e-17, 0]``) a tie. ``predicted`` is the first of them.
    """

    state: State
    z: Array
    p: Array
    one_minus_p: Array
    y: Array
    log_p: Array
    loss: float
    grad: Array
    descent: Array
    jacobian: Array
    predicted: int
    top_classes: tuple[int, ...]
    p_sum: float
    grad_sum: float

    @property
    def n_classes(self) -> int:
        return self.state.n_classes

    @property
    def target(self) -> int:
        return self.state.target

    @property
    def p_target(self) -> float:
        return float(self.p[self.target])

    @property
    def is_tie(self) -> bool:
        """More than one class shares the largest output: the network predicts none of them alone."""
        return len(self.top_classes) > 1

    @property
    def is_correct(self) -> bool:
        """Right only when one class alone has the largest output and it is the true class."""
        return not self.is_tie and self.predicted == self.target


def explain(state: State) -> Explanation:
    """Compute every number the page shows for ``state``."""
    z = as_logits(state.z)
    target = int(as_class_index(state.target, z.shape[-1], ()))
    parts = softmax_parts(z)
    p = parts.probabilities()
    log_p = parts.log_probabilities()
    grad = grad_from_parts(parts, target)
    return Explanation(
        state=state,
        z=z,
        p=p,
        one_minus_p=parts.one_minus_probabilities(),
        y=one_hot(target, z.shape[-1]),
        log_p=log_p,
        loss=float(-log_p[target]),
        grad=grad,
        descent=-grad,
        jacobian=jacobian_from_parts(parts),
        predicted=int(parts.argmax),
        top_classes=tuple(int(i) for i in np.flatnonzero(z == z[parts.argmax])),
        p_sum=math.fsum(p.tolist()),
        grad_sum=math.fsum(grad.tolist()),
    )
