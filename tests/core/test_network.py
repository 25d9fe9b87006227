"""The MLP of core.network: gradients against finite differences and mpmath, training, snapshots, bad input."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable

import mpmath
import numpy as np
import pytest

from core.datasets import Dataset, make_dataset, parse_points_csv, split
from core.network import (
    DEFAULT_CONFIG,
    TIE,
    Params,
    TrainConfig,
    _FlatNet,
    _step_gradients,
    _Workspace,
    check_params,
    confusion_matrix,
    decision_grid,
    explain_example,
    export_weights,
    init_mlp,
    mlp_logits,
    mlp_loss_and_grads,
    predict,
    predicted_classes,
    sizes_of,
    snapshot_steps,
    tied_top,
    train,
)
from core.softmax import softmax
from tests.reference import DIGITS, reference

pytestmark = pytest.mark.filterwarnings("error")  # no overflow or invalid-value warnings anywhere


def numeric_param_grads(params: Params, x: np.ndarray, t: np.ndarray, activation: str, h: float = 1e-6) -> Params:
    grads: Params = []
    for W, b in params:
        pair = []
        for arr in (W, b):
            g = np.zeros_like(arr)
            for idx in np.ndindex(arr.shape):
                old = arr[idx]
                arr[idx] = old + h
                plus = mlp_loss_and_grads(params, x, t, activation)[0]
                arr[idx] = old - h
                minus = mlp_loss_and_grads(params, x, t, activation)[0]
                arr[idx] = old
                g[idx] = (plus - minus) / (2.0 * h)
            pair.append(g)
        grads.append((pair[0], pair[1]))
    return grads


def random_params(sizes: list[int], seed: int) -> Params:
    r = np.random.default_rng(seed)
    return [(r.normal(size=(m, d)), 0.3 * r.normal(size=m)) for d, m in itertools.pairwise(sizes)]


def training_kernel(params: Params, x: np.ndarray, t: np.ndarray, activation: str) -> tuple[float, float, Params]:
    """Loss, accuracy and gradients from train's inner loop (examples as columns, [W | b] blocks)."""
    net = _FlatNet(params)
    work = _Workspace(sizes_of(params), x.shape[0])
    work.body[0][...] = x.T
    loss, accuracy = _step_gradients(net, work, t, t * x.shape[0] + np.arange(x.shape[0]), activation)  # type: ignore[arg-type]
    return loss, accuracy, net.gradients()


def pre_activations(params: Params, x: np.ndarray, activation: str) -> list[np.ndarray]:
    out, h = [], x
    for W, b in params:
        a = h @ W.T + b
        out.append(a)
        h = np.maximum(a, 0.0) if activation == "relu" else np.tanh(a)
    return out


# ----------------------------------------------------------------------------- init


def test_init_shapes_scale_and_determinism() -> None:
    params = init_mlp([2, 16, 16, 3], seed=4)
    assert [W.shape for W, _ in params] == [(16, 2), (16, 16), (3, 16)]
    assert all(np.array_equal(b, np.zeros(W.shape[0])) for W, b in params)
    again = init_mlp([2, 16, 16, 3], seed=4)
    other = init_mlp([2, 16, 16, 3], seed=5)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(params, again, strict=True))
    assert not np.array_equal(params[0][0], other[0][0])
    big = init_mlp([400, 500, 300, 2], seed=0)
    assert big[0][0].std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)  # He
    assert big[1][0].std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)
    xavier = init_mlp([400, 500, 2], seed=0, init="xavier")
    assert xavier[0][0].std() == pytest.approx(math.sqrt(2 / 900), rel=0.02)
    small = init_mlp([400, 500, 2], seed=0, init="normal", scale=0.01)
    assert small[0][0].std() == pytest.approx(0.01, rel=0.02)


# ----------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("sizes", [[3, 5, 4, 3], [2, 3], [4, 6, 2]])
def test_gradients_match_finite_differences(activation: str, sizes: list[int]) -> None:
    # the first seed whose pre-activations all keep 1e-3 away from ReLU's kink (h = 1e-6 never crosses it)
    for seed in range(100):
        params = random_params(sizes, seed)
        r = np.random.default_rng(seed)
        x = r.normal(size=(6, sizes[0]))
        t = r.integers(0, sizes[-1], size=6)
        if min(np.abs(a).min() for a in pre_activations(params, x, "relu")) > 1e-3:
            break
    loss, grads = mlp_loss_and_grads(params, x, t, activation)
    z = mlp_logits(params, x, activation)
    assert loss == pytest.approx(
        float(np.mean([reference(zn, int(k))[0] for zn, k in zip(z, t, strict=True)])), rel=1e-13
    )
    fd = numeric_param_grads(params, x, t, activation)
    for (dW, db), (fd_dW, fd_db), (W, b) in zip(grads, fd, params, strict=True):
        assert dW.shape == W.shape
        assert db.shape == b.shape
        np.testing.assert_allclose(dW, fd_dW, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(db, fd_db, rtol=1e-6, atol=1e-9)


def confident_network() -> tuple[Params, np.ndarray, np.ndarray]:
    """A ReLU network whose logits are [40, 0, 0] and [0, 38.5, 1] for the two inputs."""
    hidden = (np.eye(2), np.zeros(2))
    top = (np.array([[40.0, 0.0], [0.0, 38.5], [0.0, 1.0]]), np.zeros(3))
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    return [hidden, top], x, np.array([0, 1])


def test_mean_loss_of_confident_examples_matches_mpmath() -> None:
    params, x, t = confident_network()
    z = mlp_logits(params, x)
    np.testing.assert_array_equal(z, [[40.0, 0.0, 0.0], [0.0, 38.5, 1.0]])
    loss, grads = mlp_loss_and_grads(params, x, t)
    with mpmath.workdps(DIGITS):
        terms = []
        for row, k in zip(z, t, strict=True):
            zs = [mpmath.mpf(float(v)) for v in row]
            terms.append(mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs)) - zs[int(k)])
        want = float(mpmath.fsum(terms) / 2)
    assert 0.0 < loss < 1e-16  # about 2.4e-17: tiny, and not 0
    assert loss == pytest.approx(want, rel=1e-13)
    # the gradient of the true class's weight is tiny and negative, not 0
    dW_top = grads[1][0]
    assert dW_top[0, 0] < 0.0
    assert dW_top[0, 0] == pytest.approx(-reference([40.0, 0.0, 0.0], 0)[0] / 2, rel=1e-12)


def test_loss_of_one_confident_example_matches_the_design_note() -> None:
    params, x, t = confident_network()
    loss, _ = mlp_loss_and_grads(params, x[:1], t[:1])
    assert loss == pytest.approx(8.4967e-18, rel=1e-4)
    assert loss == pytest.approx(reference([40.0, 0.0, 0.0], 0)[0], rel=1e-13)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_training_kernel_gives_the_same_loss_and_gradients_as_the_layer_walk(activation: str) -> None:
    data = make_dataset("spiral", 3, 30, seed=2)
    for params in (init_mlp([2, 8, 8, 3], seed=1), [(W, b + 0.1) for W, b in random_params([2, 8, 8, 3], 3)]):
        loss, grads = mlp_loss_and_grads(params, data.x_train, data.y_train, activation)
        fast_loss, accuracy, fast = training_kernel(params, data.x_train, data.y_train, activation)
        assert fast_loss == pytest.approx(loss, rel=1e-13)
        predicted = predicted_classes(params, data.x_train, activation)  # a tie is not right
        assert accuracy == np.mean(predicted == data.y_train)
        for (dW, db), (dW_fast, db_fast) in zip(grads, fast, strict=True):
            np.testing.assert_allclose(dW_fast, dW, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(db_fast, db, rtol=1e-12, atol=1e-15)


def test_training_kernel_with_tied_logits_and_tiny_losses() -> None:
    # All-zero weights: every logit ties; then the confident network: losses of 1e-17.
    zero = [(np.zeros((4, 2)), np.zeros(4)), (np.zeros((3, 4)), np.zeros(3))]
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    t = np.array([2, 0])
    for params, xs, ts in ((zero, x, t), (*confident_network()[:1], confident_network()[1], confident_network()[2])):
        loss, grads = mlp_loss_and_grads(params, xs, ts)
        fast_loss, accuracy, fast = training_kernel(params, xs, ts, "relu")
        assert fast_loss == pytest.approx(loss, rel=1e-13)
        assert accuracy == np.mean(predicted_classes(params, xs) == ts)
        for (dW, db), (dW_fast, db_fast) in zip(grads, fast, strict=True):
            np.testing.assert_allclose(dW_fast, dW, rtol=1e-12, atol=1e-300)
            np.testing.assert_allclose(db_fast, db, rtol=1e-12, atol=1e-300)
    assert loss < 1e-16  # the confident case came last


# ----------------------------------------------------------------------------- training


def small_data() -> Dataset:
    return make_dataset("spiral", 3, 40, seed=1)


def test_default_settings_learn_the_spiral_quickly() -> None:
    data = make_dataset()  # spiral, 3 classes, 100 points a class, 20% held out
    run = train(data)
    assert run.config == DEFAULT_CONFIG
    reached = run.steps_to_accuracy(0.97)
    assert reached is not None
    assert reached <= 100
    assert run.train_accuracy[-1] >= 0.97
    assert run.test_accuracy is not None
    assert run.test_accuracy[-1] >= 0.9
    assert run.train_loss[-1] < 0.1 * run.train_loss[0]
    assert run.train_loss[0] == pytest.approx(math.log(3.0), rel=0.1)  # He init starts near chance


def test_training_records_snapshots_that_agree_with_the_layer_walk() -> None:
    data = small_data()
    cfg = TrainConfig(steps=60, snapshots=7, grid_resolution=20)
    run = train(data, cfg)
    np.testing.assert_array_equal(run.steps, [0, 10, 20, 30, 40, 50, 60])
    assert len(run.params) == 7
    for got, want in zip(run.params[0], init_mlp([2, 16, 16, 3], cfg.seed), strict=True):
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    for s in (0, 3, 6):
        loss, grads = mlp_loss_and_grads(run.params[s], data.x_train, data.y_train)
        assert run.train_loss[s] == pytest.approx(loss, rel=1e-13)
        norms = [np.linalg.norm(dW) for dW, _ in grads]
        np.testing.assert_allclose(run.grad_norms[s], norms, rtol=1e-10)
        test_loss, _ = mlp_loss_and_grads(run.params[s], data.x_test, data.y_test)
        assert run.test_loss is not None
        assert run.test_loss[s] == pytest.approx(test_loss, rel=1e-13)
        assert run.train_accuracy[s] == np.mean(predicted_classes(run.params[s], data.x_train) == data.y_train)
    # the full-batch history is the training loss before each step
    assert run.loss_history.shape == (60,)
    assert run.loss_history[0] == pytest.approx(run.train_loss[0], rel=1e-13)
    assert run.loss_history[30] == pytest.approx(run.train_loss[3], rel=1e-13)
    assert run.delta_norms.shape == (7, 3)
    assert run.final_params is run.params[-1]


def test_delta_norms_are_the_signal_arriving_at_each_layer() -> None:
    data = small_data()
    run = train(data, TrainConfig(hidden=(8,), steps=0, grid_resolution=0))
    assert run.steps.tolist() == [0]
    (w1, b1), (w2, b2) = run.params[0]
    a1 = data.x_train @ w1.T + b1
    z = np.maximum(a1, 0.0) @ w2.T + b2
    n = data.y_train.size
    delta2 = (softmax(z) - np.eye(3)[data.y_train]) / n
    delta1 = (delta2 @ w2) * (a1 > 0)
    np.testing.assert_allclose(run.delta_norms[0], [np.linalg.norm(delta1), np.linalg.norm(delta2)], rtol=1e-12)
    assert run.loss_history.shape == (0,)


def test_small_init_with_tanh_shows_vanishing_gradients() -> None:
    data = make_dataset()
    cfg = TrainConfig(
        hidden=(16, 16, 16),
        activation="tanh",
        init="normal",
        init_scale=0.01,
        optimizer="sgd",
        learning_rate=0.5,
        steps=200,
        grid_resolution=0,
    )
    run = train(data, cfg)
    # the backward signal shrinks by ~100x per layer on its way down, and SGD hardly moves
    assert run.delta_norms[0, 0] < 1e-3 * run.delta_norms[0, -1]
    assert np.all(run.grad_norms < 1e-4)
    assert run.train_loss[-1] == pytest.approx(math.log(3.0), rel=1e-3)


def test_same_config_same_run_and_seed_changes_it() -> None:
    data = small_data()
    cfg = TrainConfig(steps=40, batch_size=16, optimizer="momentum", learning_rate=0.1, grid_resolution=10)
    a, b = train(data, cfg), train(data, cfg)
    np.testing.assert_array_equal(a.loss_history, b.loss_history)
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    assert a.grid is not None
    assert b.grid is not None
    np.testing.assert_array_equal(a.grid.probability, b.grid.probability)
    c = train(data, TrainConfig(steps=40, batch_size=16, optimizer="momentum", learning_rate=0.1, seed=1))
    assert not np.array_equal(a.loss_history, c.loss_history)


def test_mini_batches_use_part_of_the_data_and_a_batch_of_all_is_full_batch() -> None:
    data = small_data()
    n = data.y_train.size
    full = train(data, TrainConfig(steps=20, grid_resolution=0))
    whole = train(data, TrainConfig(steps=20, batch_size=n + 5, grid_resolution=0))
    np.testing.assert_array_equal(full.loss_history, whole.loss_history)
    mini = train(data, TrainConfig(steps=20, batch_size=10, grid_resolution=0))
    assert mini.loss_history[0] != full.loss_history[0]  # a batch of 10 is not the whole set
    assert np.all(np.isin(mini.accuracy_history * 10, np.arange(11)))  # accuracies of 10 points


def _grads_at(params: Params, data: Dataset) -> list[np.ndarray]:
    _, grads = mlp_loss_and_grads(params, data.x_train, data.y_train)
    return [g for pair in grads for g in pair]


def _flat(params: Params) -> list[np.ndarray]:
    return [a for pair in params for a in pair]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_each_optimizer_takes_its_documented_steps(optimizer: str) -> None:
    data = small_data()
    lr, mu = 0.05, 0.8
    run = train(data, TrainConfig(optimizer=optimizer, learning_rate=lr, momentum=mu, steps=2, snapshots=3))
    theta0, theta1, theta2 = (_flat(p) for p in run.params)
    g0, g1 = _grads_at(run.params[0], data), _grads_at(run.params[1], data)
    for i in range(len(theta0)):
        if optimizer == "sgd":
            want1, want2 = theta0[i] - lr * g0[i], theta1[i] - lr * g1[i]
        elif optimizer == "momentum":
            v1 = -lr * g0[i]
            want1, want2 = theta0[i] + v1, theta1[i] + (mu * v1 - lr * g1[i])
        else:
            b1, b2, eps = 0.9, 0.999, 1e-8
            m1, v1 = (1 - b1) * g0[i], (1 - b2) * g0[i] ** 2
            want1 = theta0[i] - lr * (m1 / (1 - b1)) / (np.sqrt(v1 / (1 - b2)) + eps)
            m2, v2 = b1 * m1 + (1 - b1) * g1[i], b2 * v1 + (1 - b2) * g1[i] ** 2
            want2 = theta1[i] - lr * (m2 / (1 - b1**2)) / (np.sqrt(v2 / (1 - b2**2)) + eps)
        np.testing.assert_allclose(theta1[i], want1, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(theta2[i], want2, rtol=1e-10, atol=1e-13)


def test_huge_weights_train_without_overflow_warnings() -> None:
    data = small_data()
    for activation, confidently_wrong in (("relu", 1e4), ("tanh", 10.0)):
        run = train(
            data,
            TrainConfig(
                activation=activation,
                init="normal",
                init_scale=30.0,
                steps=20,
                optimizer="sgd",
                learning_rate=1e-3,
                grid_resolution=10,
            ),
        )
        assert np.all(np.isfinite(run.train_loss))
        assert np.all(np.isfinite(run.loss_history))
        assert run.train_loss[0] > confidently_wrong  # logits of thousands (ReLU) or hundreds (saturated tanh)
        assert run.grid is not None
        assert np.all(run.grid.probability >= 1.0 / 3.0)


def test_snapshot_steps_include_the_ends() -> None:
    np.testing.assert_array_equal(snapshot_steps(1000, 41)[[0, 1, -1]], [0, 25, 1000])
    assert snapshot_steps(1000, 41).size == 41
    np.testing.assert_array_equal(snapshot_steps(3, 41), [0, 1, 2, 3])
    np.testing.assert_array_equal(snapshot_steps(0, 41), [0])


def test_steps_to_accuracy() -> None:
    run = train(small_data(), TrainConfig(steps=50, grid_resolution=0))
    hit = run.steps_to_accuracy(0.6)
    assert hit is not None
    assert run.accuracy_history[hit] >= 0.6
    assert np.all(run.accuracy_history[:hit] < 0.6)
    assert run.steps_to_accuracy(1.01) is None


# ----------------------------------------------------------------------------- grid, confusion, export


def test_decision_grid_matches_predict_pointwise() -> None:
    data = small_data()
    run = train(data, TrainConfig(steps=30, snapshots=4, grid_resolution=25, activation="tanh"))
    grid = run.grid
    assert grid is not None
    assert grid.predicted.shape == (4, 25, 25)
    assert grid.probability.shape == (4, 25, 25)
    lo1, hi1, lo2, hi2 = run.bounds
    assert (grid.x1[0], grid.x1[-1], grid.x2[0], grid.x2[-1]) == (lo1, hi1, lo2, hi2)
    xx1, xx2 = np.meshgrid(grid.x1, grid.x2)  # rows follow x2
    points = np.column_stack([xx1.ravel(), xx2.ravel()])
    for s in range(4):
        classes, p = predict(run.params[s], points, "tanh")
        np.testing.assert_array_equal(grid.predicted[s].ravel(), classes)
        np.testing.assert_allclose(grid.probability[s].ravel(), p.max(axis=1), rtol=1e-14)
    again = decision_grid([run.params[-1]], run.bounds, 25, "tanh")
    np.testing.assert_array_equal(again.predicted[0], grid.predicted[-1])


def test_confusion_matrix_counts_true_by_predicted() -> None:
    c = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    np.testing.assert_array_equal(c, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    run = train(small_data(), TrainConfig(steps=30, grid_resolution=0))
    rows = run.confusion_train.sum(axis=1) + run.ties_train
    np.testing.assert_array_equal(rows, np.bincount(small_data().y_train))
    assert np.trace(run.confusion_train) / rows.sum() == run.train_accuracy[-1]
    assert run.confusion_test is not None
    assert run.ties_test is not None
    assert run.test_accuracy is not None
    assert np.trace(run.confusion_test) / (run.confusion_test.sum() + run.ties_test.sum()) == run.test_accuracy[-1]


def test_no_test_set_gives_no_test_numbers() -> None:
    data = split(parse_points_csv("0,0,1\n1,1,2\n0,1,1\n1,0,2\n"), 0.0)
    run = train(data, TrainConfig(steps=5, grid_resolution=3))
    assert run.test_loss is None
    assert run.test_accuracy is None
    assert run.confusion_test is None


def test_export_is_json_and_round_trips() -> None:
    params = init_mlp([2, 4, 3], seed=2)
    exported = export_weights(params, "tanh")
    back = json.loads(json.dumps(exported))
    assert back["sizes"] == [2, 4, 3]
    assert back["activation"] == "tanh"
    for layer, (W, b) in zip(back["layers"], params, strict=True):
        np.testing.assert_array_equal(np.array(layer["W"]), W)
        np.testing.assert_array_equal(np.array(layer["b"]), b)


# ----------------------------------------------------------------------------- one example


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_one_example_backward_has_every_number(activation: str) -> None:
    params = [(W, b + 0.05) for W, b in init_mlp([2, 5, 4, 3], seed=3)]
    x = np.array([0.7, -0.4])
    ex = explain_example(params, x, 2, activation)
    assert len(ex.layers) == 3
    np.testing.assert_allclose(ex.layers[-1].delta, ex.p - ex.y, atol=1e-16)
    np.testing.assert_array_equal(ex.y, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(ex.layers[0].h_in, x)
    np.testing.assert_allclose(ex.z, mlp_logits(params, x[None, :], activation)[0], rtol=1e-15)
    _, grads = mlp_loss_and_grads(params, x[None, :], np.array([2]), activation)
    for i, layer in enumerate(ex.layers):
        assert layer.layer == i
        np.testing.assert_allclose(layer.dW, grads[i][0], rtol=1e-13, atol=1e-17)
        np.testing.assert_allclose(layer.db, grads[i][1], rtol=1e-13, atol=1e-17)
        np.testing.assert_array_equal(layer.dW, np.outer(layer.delta, layer.h_in))
        if i + 1 < len(ex.layers):
            below = (params[i + 1][0].T @ ex.layers[i + 1].delta) * layer.f_prime
            np.testing.assert_array_equal(layer.delta, below)
            np.testing.assert_array_equal(ex.layers[i + 1].h_in, layer.h)
    assert ex.loss == pytest.approx(-math.log(ex.p[2]), rel=1e-14)
    assert len(ex.checks) == 3
    for check in ex.checks:
        assert check.difference < 1e-8
        assert abs(check.analytic) > 1e-4  # the largest gradient of its layer: a real check
    mine = explain_example(params, x, 2, activation, checks=[(1, 2, 3), (0, 0, 1)])
    assert [(c.layer, c.row, c.col) for c in mine.checks] == [(1, 2, 3), (0, 0, 1)]
    assert mine.checks[0].analytic == ex.layers[1].dW[2, 3]
    assert mine.max_check_difference < 1e-8


# ----------------------------------------------------------------------------- bad input

GOOD = init_mlp([2, 3, 2], seed=0)
X = np.ones((4, 2))
T = np.array([0, 1, 1, 0])

BAD: list[tuple[str, Callable[[], object], str]] = [
    ("one size", lambda: init_mlp([2], 0), "at least 2 widths"),
    ("size 0", lambda: init_mlp([2, 0, 3], 0), "every layer width must be at least 1"),
    ("one class", lambda: init_mlp([2, 4, 1], 0), "number of classes and must be at least 2"),
    ("sizes text", lambda: init_mlp("23", 0), "sizes must be a list"),  # type: ignore[arg-type]
    ("size float", lambda: init_mlp([2, 3.5, 2], 0), "must be an integer"),  # type: ignore[list-item]
    ("init unknown", lambda: init_mlp([2, 2], 0, init="lecun"), "unknown init 'lecun'"),
    ("scale 0", lambda: init_mlp([2, 2], 0, scale=0.0), "scale must be > 0"),
    ("seed negative", lambda: init_mlp([2, 2], -3), "seed must be at least 0"),
    ("activation", lambda: mlp_loss_and_grads(GOOD, X, T, "sigmoid"), "unknown activation 'sigmoid'"),
    ("x columns", lambda: mlp_loss_and_grads(GOOD, np.ones((4, 3)), T), "x must have 2 columns"),
    ("x NaN", lambda: mlp_loss_and_grads(GOOD, np.full((4, 2), np.nan), T), "x must be finite"),
    ("x 1-D", lambda: mlp_loss_and_grads(GOOD, np.ones(2), T), "x must have 2 axes"),
    ("targets length", lambda: mlp_loss_and_grads(GOOD, X, T[:3]), "targets must be 4 class indices"),
    ("targets range", lambda: mlp_loss_and_grads(GOOD, X, np.array([0, 1, 2, 0])), "out of range: must be 0 to 1"),
    ("targets float", lambda: mlp_loss_and_grads(GOOD, X, T * 1.0), "must be an integer"),
    ("targets negative", lambda: mlp_loss_and_grads(GOOD, X, -T), "out of range"),
    ("params empty", lambda: mlp_loss_and_grads([], X, T), "non-empty list of"),
    (
        "params chain",
        lambda: check_params([(np.ones((3, 2)), np.zeros(3)), (np.ones((2, 4)), np.zeros(2))]),
        "W of layer 1 must have 3 columns",
    ),
    ("b length", lambda: check_params([(np.ones((3, 2)), np.zeros(2))]), "b of layer 0 must have 3 entries"),
    ("W inf", lambda: check_params([(np.full((3, 2), np.inf), np.zeros(3))]), "W of layer 0 must be finite"),
    ("pair", lambda: check_params([(np.ones((3, 2)),)]), r"params\[0\] must be a pair"),  # type: ignore[list-item]
    ("last width", lambda: check_params([(np.ones((1, 2)), np.zeros(1))]), "at least 2 outputs"),
    ("confusion range", lambda: confusion_matrix([0, 3], [0, 1], 3), "out of range"),
    ("confusion lengths", lambda: confusion_matrix([0, 1], [0], 3), "one length"),
    ("example target", lambda: explain_example(GOOD, [1.0, 2.0], 2), "out of range"),
    ("example x", lambda: explain_example(GOOD, [1.0, 2.0, 3.0], 0), "x must have 2 entries"),
    ("example check", lambda: explain_example(GOOD, [1.0, 2.0], 0, checks=[(1, 2, 0)]), r"no weight \(1, 2, 0\)"),
    ("example check shape", lambda: explain_example(GOOD, [1.0, 2.0], 0, checks=[(1, 2)]), "layer, row, col"),  # type: ignore[list-item]
    ("example h", lambda: explain_example(GOOD, [1.0, 2.0], 0, h=0.0), "step h must be > 0"),
    ("grid bounds", lambda: decision_grid([GOOD], (1.0, 0.0, 0.0, 1.0)), "min < max"),
    ("grid resolution", lambda: decision_grid([GOOD], (0.0, 1.0, 0.0, 1.0), 1000), "at most 400"),
    ("grid none", lambda: decision_grid([], (0.0, 1.0, 0.0, 1.0)), "at least one parameter set"),
    ("grid widths", lambda: decision_grid([GOOD, init_mlp([2, 4, 2], 0)], (0.0, 1.0, 0.0, 1.0)), "same widths"),
    ("grid inputs", lambda: decision_grid([init_mlp([3, 2], 0)], (0.0, 1.0, 0.0, 1.0)), "2 inputs"),
    ("config optimizer", lambda: TrainConfig(optimizer="rmsprop"), "unknown optimizer 'rmsprop'"),
    ("config lr", lambda: TrainConfig(learning_rate=0.0), "learning_rate must be > 0"),
    ("config lr nan", lambda: TrainConfig(learning_rate=float("nan")), "learning_rate must be finite"),
    ("config steps", lambda: TrainConfig(steps=-1), "steps must be at least 0"),
    ("config steps big", lambda: TrainConfig(steps=10**6), "steps must be at most 100000"),
    ("config batch", lambda: TrainConfig(batch_size=0), "batch_size must be at least 1"),
    ("config momentum", lambda: TrainConfig(momentum=1.0), r"momentum must be in \[0, 1\)"),
    ("config hidden", lambda: TrainConfig(hidden=(16, 0)), "a hidden width must be at least 1"),
    ("config hidden many", lambda: TrainConfig(hidden=(4,) * 7), "at most 6 widths"),
    ("config activation", lambda: TrainConfig(activation="gelu"), "unknown activation 'gelu'"),
    ("config grid", lambda: TrainConfig(grid_resolution=1), "grid_resolution must be 0"),
    ("config snapshots", lambda: TrainConfig(snapshots=1), "snapshots must be at least 2"),
    ("train data", lambda: train("spiral"), "data must be a Dataset"),  # type: ignore[arg-type]
    ("train config", lambda: train(small_data(), {"steps": 3}), "config must be a TrainConfig"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("case", "call", "message"), BAD, ids=[c for c, _, _ in BAD])
def test_bad_input_raises_value_error_saying_what_is_wrong(case: str, call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_hidden_widths_may_be_a_list_and_none_at_all() -> None:
    assert TrainConfig(hidden=[8, 8]).hidden == (8, 8)  # type: ignore[arg-type]
    run = train(small_data(), TrainConfig(hidden=(), steps=50, grid_resolution=5))
    assert run.sizes == (2, 3)
    assert run.train_accuracy[-1] < 0.8  # a linear classifier cannot follow the spiral


def test_a_tie_at_the_top_is_no_prediction_and_not_right() -> None:
    """At the origin, with the initial biases 0, every logit is 0: all classes tie. The first
    largest logit is the true class's, but the point is counted as a tie, never as right."""
    data = split(parse_points_csv("0,0,1\n1,1,2\n0,1,1\n1,0,2\n-1,1,1\n"), 0.0)
    run = train(data, TrainConfig(hidden=(4,), steps=0, snapshots=2, grid_resolution=0))
    z = mlp_logits(run.final_params, data.x_train)
    origin = int(np.flatnonzero((data.x_train == 0.0).all(axis=1))[0])
    np.testing.assert_array_equal(z[origin], [0.0, 0.0])
    assert predict(run.final_params, data.x_train)[0][origin] == data.y_train[origin] == 0  # argmax: the first
    predicted = predicted_classes(run.final_params, data.x_train)
    assert predicted[origin] == TIE
    assert tied_top(z).tolist() == (predicted == TIE).tolist()
    assert run.train_accuracy[-1] == np.mean(predicted == data.y_train)
    assert run.ties_train[0] >= 1
    assert run.confusion_train.sum() + run.ties_train.sum() == len(data.y_train)
    assert run.confusion_train[0].sum() + run.ties_train[0] == np.count_nonzero(data.y_train == 0)
    ex = explain_example(run.final_params, data.x_train[origin], 0)
    assert ex.top_classes == (0, 1)
    assert ex.is_tie
    assert not ex.is_correct
    # One class alone at the top: right exactly when it is the true one.
    single = explain_example([(np.zeros((2, 2)), np.array([1.0, 0.0]))], [0.0, 0.0], 0)
    assert single.top_classes == (0,)
    assert single.is_correct
    assert not explain_example([(np.zeros((2, 2)), np.array([1.0, 0.0]))], [0.0, 0.0], 1).is_correct
