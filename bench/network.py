"""Speed and accuracy of core.network: training time, time to learn the spiral, gradient checks.

1. Time to train 1,000 full-batch steps on 300 points (3-class spiral), two hidden layers of 16,
   as a median of a few runs, without and with the snapshots' 100 x 100 decision grids; next to
   a same-run baseline: one bare NumPy forward pass of the same network over the same points,
   1,000 times (a step's forward alone, so a step costs some multiple of it).
2. With the default settings (core.network.DEFAULT_CONFIG on core.datasets.make_dataset()):
   the first step whose training accuracy reaches 97%, for data seeds 0-9, and the time to
   train that many steps.
3. The network's gradients against PyTorch's autograd if it is installed, and against central
   finite differences always: the largest absolute difference per activation.

    python bench/network.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.datasets import make_dataset
from core.network import DEFAULT_CONFIG, TrainConfig, decision_grid, init_mlp, mlp_loss_and_grads, train

TARGET = 0.97
FD_STEP = 1e-6


def times_ms(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median and fastest of ``repeats`` runs, in ms (the fastest shows the cost when the shared machine is quiet)."""
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, min(times) * 1e3


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    return times_ms(fn, repeats)[0]


def training_times(repeats: int) -> None:
    data = make_dataset("spiral", 3, 100, test_fraction=0.0, seed=0)  # 300 training points
    x = data.x_train
    params = init_mlp([2, 16, 16, 3], seed=0)

    def forward_1000() -> None:
        for _ in range(1000):
            h = np.maximum(x @ params[0][0].T + params[0][1], 0.0)
            h = np.maximum(h @ params[1][0].T + params[1][1], 0.0)
            h @ params[2][0].T + params[2][1]

    base, base_best = times_ms(forward_1000, repeats)
    print(f"300 points, [2, 16, 16, 3]; baseline: 1,000 bare NumPy forward passes: median {base:.1f} ms, "
          f"fastest {base_best:.1f} ms\n")  # fmt: skip
    print(f"{'1,000 full-batch steps':<52} {'median ms':>10} {'x baseline':>11} {'fastest ms':>11}")
    cases = [
        ("ReLU, Adam, no grid", TrainConfig(steps=1000, grid_resolution=0)),
        ("ReLU, Adam, 41 snapshots with 100 x 100 grids", TrainConfig(steps=1000)),
        ("ReLU, SGD, no grid", TrainConfig(steps=1000, optimizer="sgd", learning_rate=0.5, grid_resolution=0)),
        (
            "ReLU, momentum, no grid",
            TrainConfig(steps=1000, optimizer="momentum", learning_rate=0.1, grid_resolution=0),
        ),
        ("tanh, Adam, no grid", TrainConfig(steps=1000, activation="tanh", grid_resolution=0)),
        ("ReLU, Adam, mini-batches of 32, no grid", TrainConfig(steps=1000, batch_size=32, grid_resolution=0)),
    ]
    for name, cfg in cases:
        ms, best = times_ms(lambda cfg=cfg: train(data, cfg), repeats)
        print(f"{name:<52} {ms:>10.1f} {ms / base:>11.1f} {best:>11.1f}")
    run = train(data, TrainConfig(steps=1000, grid_resolution=0))
    ms, best = times_ms(lambda: decision_grid(list(run.params), run.bounds, 100), repeats)
    print(f"{'  of which: 41 decision grids of 100 x 100 alone':<52} {ms:>10.1f} {ms / base:>11.1f} {best:>11.1f}")
    print("\ntarget: 1,000 full-batch steps well under 300 ms; the grids a few tens of ms")


def time_to_target(repeats: int) -> None:
    cfg = DEFAULT_CONFIG
    print(
        f"\ndefaults: spiral, 3 classes, 100 points a class, 20% held out; hidden {list(cfg.hidden)}, "
        f"{cfg.activation}, {cfg.optimizer} lr {cfg.learning_rate}, full batch, {cfg.init} init, {cfg.steps} steps\n"
    )
    print(f"{'data seed':>9} {'first step >= 97%':>18} {'train acc at end':>17} {'test acc at end':>16}")
    reached: list[int] = []
    for seed in range(10):
        run = train(make_dataset(seed=seed), cfg)
        step = run.steps_to_accuracy(TARGET)
        reached.append(step if step is not None else -1)
        test = run.test_accuracy[-1] if run.test_accuracy is not None else float("nan")
        print(f"{seed:>9} {step if step is not None else 'never':>18} {run.train_accuracy[-1]:>17.3f} {test:>16.3f}")
    data = make_dataset(seed=0)
    steps = max(reached[0], 1)
    quick = TrainConfig(steps=steps, grid_resolution=0)
    ms = median_ms(lambda: train(data, quick), repeats)
    full = median_ms(lambda: train(data, cfg), repeats)
    print(f"\nseed 0: {steps} steps to 97% training accuracy take {ms:.1f} ms (median, no grid); "
          f"the default {cfg.steps} steps with grids {full:.1f} ms")  # fmt: skip
    print(f"steps to 97% over the 10 seeds: median {statistics.median(reached):.0f}, most {max(reached)}")


def gradient_checks() -> None:
    print()
    rng = np.random.default_rng(0)
    sizes = [2, 16, 16, 3]
    x = rng.normal(size=(20, 2))
    t = rng.integers(0, 3, size=20)
    params = [(W, b + 0.1 * rng.normal(size=b.shape)) for W, b in init_mlp(sizes, seed=1)]
    try:
        import torch  # type: ignore[import-not-found]
    except ImportError:
        torch = None
        print("PyTorch is not installed: no autograd comparison")
    for activation in ("relu", "tanh"):
        _, grads = mlp_loss_and_grads(params, x, t, activation)
        worst = 0.0
        for i, (W, b) in enumerate(params):
            for arr, grad in ((W, grads[i][0]), (b, grads[i][1])):
                for idx in np.ndindex(arr.shape):
                    old = arr[idx]
                    arr[idx] = old + FD_STEP
                    plus = mlp_loss_and_grads(params, x, t, activation)[0]
                    arr[idx] = old - FD_STEP
                    minus = mlp_loss_and_grads(params, x, t, activation)[0]
                    arr[idx] = old
                    worst = max(worst, abs(grad[idx] - (plus - minus) / (2.0 * FD_STEP)))
        print(f"{activation}: gradients vs central finite differences (h = {FD_STEP:g}): max |difference| {worst:.2e}")
        if torch is not None:
            tensors = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in params]
            h = torch.tensor(x)
            for j, (w_t, b_t) in enumerate(tensors):
                h = h @ w_t.T + b_t
                if j < len(tensors) - 1:
                    h = torch.relu(h) if activation == "relu" else torch.tanh(h)
            torch.nn.functional.cross_entropy(h, torch.tensor(t)).backward()
            diff = max(
                max(float(np.abs(gw - w_t.grad.numpy()).max()), float(np.abs(gb - b_t.grad.numpy()).max()))
                for (gw, gb), (w_t, b_t) in zip(grads, tensors, strict=True)
            )
            print(f"{activation}: gradients vs torch.autograd: max |difference| {diff:.2e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    training_times(args.repeats)
    time_to_target(args.repeats)
    gradient_checks()


if __name__ == "__main__":
    main()
