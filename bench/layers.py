"""Accuracy and speed of core.layers' forward/backward pairs.

1. Every backward against PyTorch's autograd when ``import torch`` works, else against central
   finite differences (step 1e-6) on small inputs: the largest absolute difference per layer.
2. Time of each forward + backward pair at realistic sizes, as a median, next to a plain loop-free
   NumPy baseline of the same size measured in the same run (``x * 2``, and ``x.max`` over the
   pooled axes for max pooling), since this machine is shared and absolute times move.

    python bench/layers.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.layers import (
    batch_norm_backward,
    batch_norm_forward,
    dropout_backward,
    dropout_forward,
    linear_backward,
    linear_forward,
    max_pool2d_backward,
    max_pool2d_forward,
    relu_backward,
    relu_forward,
    tanh_backward,
    tanh_forward,
)

Array = np.ndarray
FD_STEP = 1e-6


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def numeric_grad(f: Callable[[Array], Array], x: Array, dout: Array) -> Array:
    """Central differences of ``sum(f(x) * dout)``."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + FD_STEP
        plus = float(np.sum(f(x) * dout))
        x[idx] = old - FD_STEP
        minus = float(np.sum(f(x) * dout))
        x[idx] = old
        grad[idx] = (plus - minus) / (2.0 * FD_STEP)
    return grad


def accuracy_rows(rng: np.random.Generator) -> list[tuple[str, float]]:
    """Largest |analytic - numeric| per layer and input, on small inputs away from kinks and ties."""
    rows: list[tuple[str, float]] = []
    x, W, b = rng.normal(size=(6, 5)), rng.normal(size=(4, 5)), rng.normal(size=4)
    dout = rng.normal(size=(6, 4))
    dx, dW, db = linear_backward(dout, linear_forward(x, W, b)[1])
    rows.append(("linear dx", float(np.abs(dx - numeric_grad(lambda v: linear_forward(v, W, b)[0], x, dout)).max())))
    rows.append(("linear dW", float(np.abs(dW - numeric_grad(lambda v: linear_forward(x, v, b)[0], W, dout)).max())))
    rows.append(("linear db", float(np.abs(db - numeric_grad(lambda v: linear_forward(x, W, v)[0], b, dout)).max())))

    x = rng.normal(size=(6, 5))
    x = np.where(np.abs(x) < 0.05, 0.5, x)
    dout = rng.normal(size=x.shape)
    dx = relu_backward(dout, relu_forward(x)[1])
    rows.append(("relu dx", float(np.abs(dx - numeric_grad(lambda v: relu_forward(v)[0], x, dout)).max())))
    dx = tanh_backward(dout, tanh_forward(x)[1])
    rows.append(("tanh dx", float(np.abs(dx - numeric_grad(lambda v: tanh_forward(v)[0], x, dout)).max())))

    for kernel, stride in ((2, 2), (3, 2)):
        x = rng.permutation(2 * 3 * 7 * 7).reshape(2, 3, 7, 7) * 0.01  # distinct values: no ties
        out, cache = max_pool2d_forward(x, kernel, stride)
        dout = rng.normal(size=out.shape)
        dx = max_pool2d_backward(dout, cache)
        want = numeric_grad(lambda v, k=kernel, s=stride: max_pool2d_forward(v, k, s)[0], x, dout)
        rows.append((f"max pool k={kernel} s={stride} dx", float(np.abs(dx - want).max())))

    x = rng.normal(size=(6, 5))
    dout = rng.normal(size=x.shape)
    _, cache = dropout_forward(x, 0.4, seed=3)
    dx = dropout_backward(dout, cache)
    want = numeric_grad(lambda v: dropout_forward(v, 0.4, mask=cache.mask)[0], x, dout)
    rows.append(("dropout p=0.4 dx", float(np.abs(dx - want).max())))

    x, gamma, beta = rng.normal(1.0, 2.0, size=(8, 4)), rng.normal(size=4), rng.normal(size=4)
    dout = rng.normal(size=x.shape)
    dx, dgamma, dbeta = batch_norm_backward(dout, batch_norm_forward(x, gamma, beta)[1])
    rows.append(
        (
            "batch norm (train) dx",
            float(np.abs(dx - numeric_grad(lambda v: batch_norm_forward(v, gamma, beta)[0], x, dout)).max()),
        )
    )
    rows.append(
        (
            "batch norm (train) dgamma",
            float(np.abs(dgamma - numeric_grad(lambda v: batch_norm_forward(x, v, beta)[0], gamma, dout)).max()),
        )
    )
    rows.append(
        (
            "batch norm (train) dbeta",
            float(np.abs(dbeta - numeric_grad(lambda v: batch_norm_forward(x, gamma, v)[0], beta, dout)).max()),
        )
    )
    stats = {"training": False, "running_mean": rng.normal(size=4), "running_var": rng.uniform(0.5, 2.0, 4)}
    dx, _, _ = batch_norm_backward(dout, batch_norm_forward(x, gamma, beta, **stats)[1])  # type: ignore[arg-type]
    want = numeric_grad(lambda v: batch_norm_forward(v, gamma, beta, **stats)[0], x, dout)  # type: ignore[arg-type]
    rows.append(("batch norm (eval) dx", float(np.abs(dx - want).max())))
    return rows


def torch_rows(rng: np.random.Generator) -> list[tuple[str, float]] | None:
    """The same comparisons against torch.autograd in float64, or None without PyTorch."""
    try:
        import torch  # type: ignore[import-not-found]
    except ImportError:
        return None
    rows: list[tuple[str, float]] = []

    def check(name: str, ours: Array, x: Array, fn: Callable[[object], object], dout: Array) -> None:
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        fn(xt).backward(torch.tensor(dout, dtype=torch.float64))  # type: ignore[attr-defined]
        rows.append((name, float(np.abs(ours - xt.grad.numpy()).max())))

    x = rng.normal(size=(64, 32))
    dout = rng.normal(size=x.shape)
    check("relu dx", relu_backward(dout, relu_forward(x)[1]), x, torch.relu, dout)
    check("tanh dx", tanh_backward(dout, tanh_forward(x)[1]), x, torch.tanh, dout)
    for kernel, stride in ((2, 2), (3, 2)):
        xp = rng.integers(0, 4, size=(4, 3, 9, 9)).astype(float)  # many ties: PyTorch's rule is the test
        out, cache = max_pool2d_forward(xp, kernel, stride)
        dp = rng.normal(size=out.shape)
        check(f"max pool k={kernel} s={stride} dx (ties)", max_pool2d_backward(dp, cache), xp,
              lambda v, k=kernel, s=stride: torch.nn.functional.max_pool2d(v, k, s), dp)  # fmt: skip
    gamma, beta = rng.normal(size=32), rng.normal(size=32)
    dx, _, _ = batch_norm_backward(dout, batch_norm_forward(x, gamma, beta)[1])
    g_t, b_t = torch.tensor(gamma), torch.tensor(beta)
    check("batch norm (train) dx", dx, x,
          lambda v: torch.nn.functional.batch_norm(v, None, None, g_t, b_t, training=True, eps=1e-5), dout)  # fmt: skip
    return rows


def timing_rows(repeats: int, rng: np.random.Generator) -> list[tuple[str, float, float, str, float]]:
    """(pair, median ms of forward + backward, ``x * 2`` of the input's size, another baseline, its ms)."""
    img = rng.normal(size=(32, 16, 32, 32))
    mat = rng.normal(size=(256, 512))
    W, b = rng.normal(size=(512, 512)) / 20.0, rng.normal(size=512)
    gamma, beta = rng.normal(size=512), rng.normal(size=512)
    d_mat = rng.normal(size=mat.shape)
    d_img = rng.normal(size=img.shape)
    times_two = {"mat": median_ms(lambda: mat * 2.0, repeats), "img": median_ms(lambda: img * 2.0, repeats), "": 0.0}
    matmul = median_ms(lambda: mat @ W.T, repeats)
    # the quickest plain NumPy 2 x 2 max pooling (forward only): the elementwise maximum of four strided views
    pool = median_ms(
        lambda: np.maximum(
            np.maximum(img[..., ::2, ::2], img[..., ::2, 1::2]), np.maximum(img[..., 1::2, ::2], img[..., 1::2, 1::2])
        ),
        repeats,
    )

    def pair(
        forward: Callable[[], tuple[Array, object]], backward: Callable[[Array, Any], object], d: Array
    ) -> Callable[[], None]:
        def run() -> None:
            _, cache = forward()
            backward(d, cache)

        return run

    d_p2 = rng.normal(size=max_pool2d_forward(img, 2, 2)[0].shape)
    d_p3 = rng.normal(size=max_pool2d_forward(img, 3, 2)[0].shape)
    cases: list[tuple[str, Callable[[], None], str, str, float]] = [
        ("linear 256x512 -> 512", pair(lambda: linear_forward(mat, W, b), linear_backward, d_mat), "", "x @ W.T",
         matmul),
        ("relu 256x512", pair(lambda: relu_forward(mat), relu_backward, d_mat), "mat", "", 0.0),
        ("tanh 256x512", pair(lambda: tanh_forward(mat), tanh_backward, d_mat), "mat", "", 0.0),
        ("dropout p=0.5 256x512 (mask drawn)", pair(lambda: dropout_forward(mat, 0.5, seed=1), dropout_backward,
                                                    d_mat), "mat", "", 0.0),
        ("batch norm 256x512 (training)", pair(lambda: batch_norm_forward(mat, gamma, beta), batch_norm_backward,
                                               d_mat), "mat", "", 0.0),
        ("relu 32x16x32x32", pair(lambda: relu_forward(img), relu_backward, d_img), "img", "", 0.0),
        ("dropout p=0.5 32x16x32x32 (mask drawn)", pair(lambda: dropout_forward(img, 0.5, seed=1),
                                                        dropout_backward, d_img), "img", "", 0.0),
        ("max pool k=2 s=2 32x16x32x32", pair(lambda: max_pool2d_forward(img, 2, 2), max_pool2d_backward, d_p2),
         "img", "2x2 max fwd", pool),
        ("max pool k=3 s=2 32x16x32x32", pair(lambda: max_pool2d_forward(img, 3, 2), max_pool2d_backward, d_p3),
         "img", "2x2 max fwd", pool),
    ]  # fmt: skip
    return [(name, median_ms(fn, repeats), times_two[size], other, ms) for name, fn, size, other, ms in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)

    reference = torch_rows(rng)
    if reference is None:
        print("PyTorch is not installed: backward checked against central finite differences (h = 1e-6)\n")
        reference = accuracy_rows(rng)
    else:
        print("backward checked against torch.autograd (float64)\n")
    print(f"{'gradient':<40} {'max |difference|':>17}")
    for name, diff in reference:
        print(f"{name:<40} {diff:>17.2e}")

    print(f"\nforward + backward, medians of {args.repeats} runs; baselines of the same size in the same run\n")
    print(f"{'pair':<40} {'ms':>7} {'x*2 ms':>7} {'ratio':>6}   {'plain NumPy':<12} {'ms':>6} {'ratio':>6}")
    for name, ms, base, other, other_ms in timing_rows(args.repeats, rng):
        plain = f"{base:>7.2f} {ms / base:>6.1f}" if base else f"{'-':>7} {'-':>6}"
        extra = f"{other:<12} {other_ms:>6.2f} {ms / other_ms:>6.1f}" if other else ""
        print(f"{name:<40} {ms:>7.2f} {plain}   {extra}".rstrip())


if __name__ == "__main__":
    main()
