"""Compute time of the learning views' numbers: landscape (200 x 200), simplex trajectory, 200-step descent.

Prints medians and their ratio to a baseline measured in the same run (one
softmax + loss + gradient of the worked example), since this machine is shared
and absolute times move. Target: all views together well under 50 ms.

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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import cross_entropy, grad_logits, softmax
from core.dynamics import descend, landscape, smoothed_target

WORKED = [0.0, math.log(3.0), 0.0]


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    def baseline() -> None:
        softmax(WORKED)
        cross_entropy(WORKED, 0)
        grad_logits(WORKED, 0)

    cases: list[tuple[str, Callable[[], object]]] = [
        ("landscape 200 x 200 (E and descent field)", lambda: landscape(WORKED, 0, 0, 1, points=200)),
        ("descent, 200 steps (one-hot)", lambda: descend(WORKED, 0, 0.5, 200)),
        (
            "descent, 200 steps (label smoothing, simplex path)",
            lambda: descend(WORKED, smoothed_target(0, 3, 0.1), 0.5, 200),
        ),
    ]
    base = median_ms(baseline, args.repeats * 10)
    print(f"baseline (softmax + loss + gradient, 3 classes): {base:.3f} ms median\n")
    print(f"{'view':<52} {'median ms':>10} {'x baseline':>11}")
    total = 0.0
    for name, fn in cases:
        ms = median_ms(fn, args.repeats)
        total += ms
        print(f"{name:<52} {ms:>10.2f} {ms / base:>11.0f}")
    print(f"{'all together':<52} {total:>10.2f} {total / base:>11.0f}   (target: well under 50 ms)")


if __name__ == "__main__":
    main()
