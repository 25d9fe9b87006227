"""Pure NumPy core: softmax, cross-entropy and their derivatives, in float64."""

from core.loss import cross_entropy, grad_logits, one_hot
from core.softmax import SoftmaxParts, log_softmax, logsumexp, softmax, softmax_jacobian, softmax_parts

__all__ = [
    "SoftmaxParts",
    "cross_entropy",
    "grad_logits",
    "log_softmax",
    "logsumexp",
    "one_hot",
    "softmax",
    "softmax_jacobian",
    "softmax_parts",
]
