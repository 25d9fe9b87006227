"""Accuracy of the loss and gradient against a 50-digit mpmath reference, side by side.

For each case: the relative error of the loss E and the largest relative error of a
gradient component (values below 1e-300, which float64 cannot hold to full precision,
count to 1e-300 absolute), for our ``core``, a naive NumPy implementation
(``p = e^z / sum e^z``, ``E = -ln p_k``, ``dE/dz = p - y``), ``scipy.special``
(``log_softmax`` and ``softmax``) and PyTorch (``cross_entropy`` with autograd, CPU)
when it is installed.

    python bench/accuracy.py
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import cross_entropy, grad_logits
from tests.reference import reference

Array = np.ndarray
Impl = Callable[[Array, int, float], tuple[float, Array]]
TINY = 1e-300


def ours(z: Array, k: int, t: float) -> tuple[float, Array]:
    return float(cross_entropy(z, k, t)), grad_logits(z, k, t)


def naive(z: Array, k: int, t: float) -> tuple[float, Array]:
    with np.errstate(all="ignore"):
        e = np.exp(z / t)
        p = e / e.sum()
        y = np.zeros_like(p)
        y[k] = 1.0
        return float(-np.log(p[k])), (p - y) / t


def scipy_special(z: Array, k: int, t: float) -> tuple[float, Array]:
    from scipy.special import log_softmax, softmax

    p = softmax(z / t)
    y = np.zeros_like(p)
    y[k] = 1.0
    return float(-log_softmax(z / t)[k]), (p - y) / t


def torch_cpu(z: Array, k: int, t: float) -> tuple[float, Array]:
    import torch

    x = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.cross_entropy((x / t)[None, :], torch.tensor([k]))
    loss.backward()
    assert x.grad is not None
    return float(loss.item()), x.grad.numpy().copy()


def implementations() -> tuple[list[tuple[str, Impl]], list[str]]:
    impls: list[tuple[str, Impl]] = [("ours (core)", ours), ("naive NumPy", naive)]
    notes = []
    try:
        import scipy

        impls.append((f"scipy.special {scipy.__version__}", scipy_special))
    except ImportError:
        notes.append("scipy is not installed: its column is left out (pip install scipy).")
    try:
        import torch

        impls.append((f"PyTorch {torch.__version__} CPU", torch_cpu))
    except ImportError:
        notes.append("PyTorch is not installed: its column is left out (pip install torch, CPU build).")
    return impls, notes


def cases() -> list[tuple[str, Array, int, float]]:
    rng = np.random.default_rng(20261127)
    big = rng.normal(0.0, 10.0, 10_000)
    big_true = int(np.argmax(big))
    return [
        ("worked example [0, ln 3, 0], class 1", np.array([0.0, math.log(3.0), 0.0]), 0, 1.0),
        ("confident and right [40, 0, 0], class 1", np.array([40.0, 0.0, 0.0]), 0, 1.0),
        ("confident and wrong [0, 40, 0], class 1", np.array([0.0, 40.0, 0.0]), 0, 1.0),
        ("huge logits [800, 790, -800], class 2", np.array([800.0, 790.0, -800.0]), 1, 1.0),
        ("huge and right [1000, 0, -1000], class 1", np.array([1000.0, 0.0, -1000.0]), 0, 1.0),
        ("10,000 classes N(0, 10), the largest true", big, big_true, 1.0),
        ("10,000 classes N(0, 10), class 1", big, 0, 1.0),
        ("T = 0.001, [1, 1.5, 0], class 2", np.array([1.0, 1.5, 0.0]), 1, 1e-3),
        ("T = 10000, [1, 1.5, 0], class 1", np.array([1.0, 1.5, 0.0]), 0, 1e4),
    ]


def relative_error(got: float | Array, want: float | Array) -> float:
    g = np.asarray(got, dtype=np.float64)
    w = np.asarray(want, dtype=np.float64)
    with np.errstate(all="ignore"):
        err = np.abs(g - w) / np.maximum(np.abs(w), TINY)
    if not np.all(np.isfinite(g)):
        return math.nan
    return float(err.max())


def shown(err: float) -> str:
    if math.isnan(err):
        return "NaN/inf"
    return "0" if err == 0.0 else f"{err:.1e}"


def main() -> None:
    impls, notes = implementations()
    rows = []
    worst = {name: (0.0, 0.0) for name, _ in impls}
    for label, z, k, t in cases():
        want_loss, want_grad, _ = reference(z.tolist(), k, t)
        row = [label]
        for name, impl in impls:
            loss, grad = impl(z, k, t)
            e_loss, e_grad = relative_error(loss, want_loss), relative_error(grad, want_grad)
            row.append(f"{shown(e_loss)} / {shown(e_grad)}")
            previous = worst[name]
            worst[name] = (
                math.nan if math.isnan(e_loss) or math.isnan(previous[0]) else max(previous[0], e_loss),
                math.nan if math.isnan(e_grad) or math.isnan(previous[1]) else max(previous[1], e_grad),
            )
        rows.append(row)
    rows.append(["worst over all cases", *(f"{shown(a)} / {shown(b)}" for a, b in worst.values())])
    header = ["case (relative error: loss / gradient)", *(name for name, _ in impls)]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("| " + " | ".join("-" * w for w in widths) + " |")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    for note in notes:
        print(f"\nNote: {note}")


if __name__ == "__main__":
    main()
