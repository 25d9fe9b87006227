"""Compute time of the learning and compare views' numbers, as the app computes them per rerun.

Learning view: ``core.dynamics.learn`` = two 200-step descents (all logits; the two landscape
logits only), the 101 x 101 landscape and the simplex path. Compare view: the temperature sweep,
the one-hot vs smoothed descents (400 steps each), the squared-error curve and the log-sum-exp sweep.

Prints medians and their ratio to a baseline measured in the same run (one softmax + loss +
gradient of the worked example), since this machine is shared and absolute times move.
Target (issue 4): landscape, simplex and a 200-step trajectory together well under 50 ms.

    python bench/views.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import cross_entropy, grad_logits, softmax
from core.comparisons import compare_smoothing, shift_sweep, temperature_sweep
from core.dynamics import gradient_norms_when_wrong, landscape, learn

WORKED = [0.0, math.log(3.0), 0.0]
TEN = [0.0, math.log(3.0), *np.linspace(-2.0, 2.0, 8)]


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    def baseline() -> None:
        softmax(WORKED)
        cross_entropy(WORKED, 0)
        grad_logits(WORKED, 0)

    cases: list[tuple[str, Callable[[], object]]] = [
        ("learning view, 3 classes, 200 steps (issue 4 target)", lambda: learn(WORKED, 0, 1.0, 200, 0, 1)),
        ("learning view, 10 classes, 200 steps", lambda: learn(TEN, 0, 1.0, 200, 0, 1)),
        ("learning view, 3 classes, 300 steps (the slider's most)", lambda: learn(WORKED, 0, 1.0, 300, 0, 1)),
        ("  of which: landscape 101 x 101 alone", lambda: landscape(WORKED, 0, 0, 1, points=101)),
        (
            "compare view, 3 classes",
            lambda: (
                temperature_sweep(WORKED),
                compare_smoothing(WORKED, 0, 0.1),
                gradient_norms_when_wrong(np.linspace(0.0, 10.0, 201)),
                shift_sweep(WORKED, 0),
            ),
        ),
    ]
    base = median_ms(baseline, args.repeats * 10)
    print(f"baseline (softmax + loss + gradient, 3 classes): {base:.3f} ms median\n")
    print(f"{'numbers of the view':<58} {'median ms':>10} {'x baseline':>11}")
    for name, fn in cases:
        ms = median_ms(fn, args.repeats)
        print(f"{name:<58} {ms:>10.2f} {ms / base:>11.0f}")
    print("\ntarget: the learning view's numbers (first row) well under 50 ms")


if __name__ == "__main__":
    main()
