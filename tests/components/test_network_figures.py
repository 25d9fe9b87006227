"""The network view's figures and formulas: valid Plotly, animated, and carrying core's numbers."""

from __future__ import annotations

import base64
import json
from functools import cache

import numpy as np
import pytest

from components.content import backprop
from components.figures import network as figures
from components.render.numbers import tex
from components.render.spec import validate
from core.datasets import Dataset, make_dataset
from core.network import TrainConfig, Training, explain_example, train


@cache
def run(
    kind: str = "spiral", k: int = 3, test: float = 0.2, hidden: tuple[int, ...] = (8, 8)
) -> tuple[Dataset, Training]:
    data = make_dataset(kind, k, 30, None, test, seed=1)
    return data, train(data, TrainConfig(hidden=hidden, steps=120, learning_rate=0.05))


def decoded(z: dict[str, str]) -> np.ndarray:
    assert z["dtype"] == "u1"
    shape = tuple(int(s) for s in z["shape"].split(","))
    return np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.uint8).reshape(shape)


CASES = [("spiral", 3, 0.2, (8, 8)), ("xor", 2, 0.0, (8,)), ("blobs", 5, 0.3, ()), ("moons", 4, 0.2, (4, 4, 4))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_every_figure_is_valid_plotly(case: tuple[str, int, float, tuple[int, ...]]) -> None:
    data, training = run(*case)
    validate(figures.learning_animation(training, data))
    validate(figures.curves_figure(training))
    validate(figures.confusion_figure(training))
    validate(figures.picked_figure(training, data, 3, 0))


def test_the_animation_has_a_frame_per_snapshot_whose_regions_are_cores() -> None:
    data, training = run()
    spec = figures.learning_animation(training, data)
    frames = spec["frames"]
    assert len(frames) == len(training.steps) == 41
    assert [f["name"] for f in frames] == [str(int(t)) for t in training.steps]
    assert frames[-1]["name"] == "120"
    grid = training.grid
    assert grid is not None
    assert grid.predicted.shape[1:] == (100, 100)
    for s in (0, 20, 40):
        classes, shades = figures.decode_regions(decoded(frames[s]["data"][0]["z"]))
        np.testing.assert_array_equal(classes, grid.predicted[s])  # colour: the class core predicts
        sure = (grid.probability[s] - 1 / 3) / (2 / 3)
        assert np.abs(shades / (figures.SHADES - 1) - sure).max() <= 0.5 / (figures.SHADES - 1) + 1e-12
    first, last = decoded(frames[0]["data"][0]["z"]), decoded(frames[-1]["data"][0]["z"])
    assert (first // figures.SHADES != last // figures.SHADES).mean() > 0.1  # the regions changed
    assert decoded(spec["data"][0]["z"]).tobytes() == first.tobytes()  # it opens on step 0
    assert frames[-1]["layout"]["title"]["text"] == figures.frame_title(training, 40)
    assert frames[-1]["layout"]["title"]["text"].startswith("step 120: loss ")
    assert len(spec["layout"]["sliders"][0]["steps"]) == 41
    assert [b["label"] for b in spec["layout"]["updatemenus"][0]["buttons"]] == ["▶ Play", "❚❚ Pause"]


def test_the_payload_of_41_frames_of_100_by_100_stays_small() -> None:
    data, training = run()
    size = len(json.dumps(figures.learning_animation(training, data)))
    assert size < 650_000  # one byte a cell, base64: 41 x 13.3 KB, plus the points


def test_points_train_filled_test_hollow_class_by_colour_and_shape() -> None:
    data, _training = run("blobs", 5, 0.3, ())
    traces = figures.point_traces(data, figures.class_labels(5))
    assert len(traces) == 15  # per class: training points, the casing of the test points, the test points
    for k in range(5):
        filled, casing, hollow = traces[3 * k], traces[3 * k + 1], traces[3 * k + 2]
        assert filled["marker"]["symbol"] == figures.CLASS_SYMBOLS[k]
        assert hollow["marker"]["symbol"] == casing["marker"]["symbol"] == figures.CLASS_SYMBOLS[k] + "-open"
        assert filled["marker"]["color"] == hollow["marker"]["color"] == figures.CLASS_COLOURS[k]
        assert casing["marker"]["color"] == filled["marker"]["line"]["color"] == figures.POINT_RIM
        assert casing["marker"]["line"]["width"] > hollow["marker"]["line"]["width"]  # a rim on both sides
        np.testing.assert_array_equal(casing["x"], hollow["x"])
        np.testing.assert_array_equal(filled["x"], data.x_train[data.y_train == k, 0])
        np.testing.assert_array_equal(hollow["y"], data.x_test[data.y_test == k, 1])
    assert len(set(figures.CLASS_SYMBOLS)) == len(set(figures.CLASS_COLOURS)) == 5


def test_region_codes_round_trip_and_the_colour_scale_has_a_band_per_class() -> None:
    predicted = np.array([[0, 1], [2, 4]], dtype=np.int8)
    probability = np.array([[0.2, 1.0], [0.6, 0.9999]])
    codes = figures.region_codes(predicted, probability, 5)
    classes, shades = figures.decode_regions(codes)
    np.testing.assert_array_equal(classes, predicted)
    assert shades.tolist() == [[0, 49], [24, 49]]
    scale = figures.region_colorscale(5)
    assert len(scale) == 10
    assert scale[0][0] == 0.0
    assert scale[-1][0] == 1.0
    assert [s[0] for s in scale] == sorted(s[0] for s in scale)


def test_class_labels_are_escaped_in_plotly_text() -> None:
    data, training = run()
    labels = ["<b>cat</b>", "dog & co", "<a href='x'>3</a>"]
    spec = figures.learning_animation(training, data, labels)
    names = [t.get("name") for t in spec["data"]]
    assert "&lt;b&gt;cat&lt;/b&gt;" in names
    assert "dog &amp; co" in names
    assert not any("<b>" in json.dumps(t) for t in spec["data"])
    confusion = figures.confusion_figure(training, labels)
    assert confusion["data"][0]["x"][0] == "&lt;b&gt;cat&lt;/b&gt;"


def test_curves_show_cores_losses_and_error_signals_on_log_axes() -> None:
    _, training = run("moons", 4, 0.2, (4, 4, 4))
    spec = figures.curves_figure(training)
    by_name = {t["name"]: t for t in spec["data"]}
    np.testing.assert_array_equal(spec["data"][0]["y"], training.train_loss)
    assert training.test_loss is not None
    np.testing.assert_array_equal(spec["data"][2]["y"], training.test_loss)
    for layer in range(4):
        want = [v if v > 0.0 else None for v in training.delta_norms[:, layer].tolist()]  # 0 has no place on a log axis
        assert by_name[figures.layer_name(layer, 4)]["y"] == want
    assert spec["layout"]["yaxis"]["type"] == "log"
    assert spec["layout"]["yaxis3"]["type"] == "log"


def test_the_confusion_matrix_counts_are_cores() -> None:
    _, training = run()
    spec = figures.confusion_figure(training)
    assert training.confusion_test is not None
    assert spec["data"][0]["text"] == [[str(v) for v in row] for row in training.confusion_train.tolist()]
    assert spec["data"][1]["text"] == [[str(v) for v in row] for row in training.confusion_test.tolist()]
    assert len(figures.confusion_figure(run("xor", 2, 0.0, (8,))[1])["data"]) == 1  # no test set: one panel


def test_the_picked_point_is_ringed_where_it_is() -> None:
    data, training = run()
    spec = figures.picked_figure(training, data, 7, 40)
    ring = spec["data"][-1]
    assert ring["x"] == [float(data.x_train[7, 0])] * 2
    assert ring["y"] == [float(data.x_train[7, 1])] * 2
    assert spec["layout"]["annotations"][0]["text"] == "point 8"
    grid = training.grid
    assert grid is not None
    classes, _ = figures.decode_regions(decoded(spec["data"][0]["z"]))
    np.testing.assert_array_equal(classes, grid.predicted[40])


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("hidden", [(), (6,), (16, 16, 16)])
def test_the_backward_pass_formulas_carry_cores_numbers(activation: str, hidden: tuple[int, ...]) -> None:
    data = make_dataset("spiral", 3, 20, None, 0.2, seed=2)
    training = train(data, TrainConfig(hidden=hidden, activation=activation, steps=60, grid_resolution=0))
    ex = explain_example(training.final_params, data.x_train[5], int(data.y_train[5]), activation)
    top = backprop.top_delta(ex)
    want = ex.p - ex.y
    for v in ex.layers[-1].delta:
        assert tex(float(v)) in top
    np.testing.assert_allclose(ex.layers[-1].delta, want, atol=1e-16)
    assert tex(ex.loss) in backprop.forward(ex)
    for i in range(len(ex.layers) - 1):
        layer = ex.layers[i]
        # the two factors written out multiply to core's δ
        np.testing.assert_allclose(backprop.back_signal(ex, i) * layer.f_prime, layer.delta, rtol=1e-12, atol=1e-300)
        text = backprop.hidden_delta(ex, i)
        biggest = int(np.argmax(np.abs(layer.delta)))
        assert tex(float(layer.delta[biggest])) in text
    for i, layer in enumerate(ex.layers):
        row, col = np.unravel_index(int(np.argmax(np.abs(layer.dW))), layer.dW.shape)
        assert tex(float(layer.dW[row, col])) in backprop.weight_gradient(ex, i)
    rows = backprop.check_rows(ex)
    assert len(rows) == len(ex.layers)
    assert all(float(r.difference) < 1e-6 for r in rows)


def test_a_matrix_is_elided_around_its_largest_entry() -> None:
    m = np.zeros((16, 16))
    m[9, 4] = 7.25
    text = backprop.matrix(m, 9, 4)
    assert "7.25" in text
    assert text.count(r"\\") == 4  # five rows shown: 1, ⋮, 10, ⋮, 16
    assert r"\ddots" in text
    small = backprop.matrix(np.arange(6.0).reshape(3, 2), 0, 0)
    assert r"\cdots" not in small
    assert "5" in small


def test_a_wide_pattern_is_stretched_and_says_so_a_square_one_is_not() -> None:
    data, training = run("spiral", 3, 0.2, (8, 8))
    layout = figures.learning_animation(training, data)["layout"]
    assert layout["yaxis"]["scaleratio"] == 1
    assert layout["yaxis"]["title"]["text"] == "x₂"
    data, training = run("moons", 4, 0.2, (4, 4, 4))  # a chain of moons: about 3.5 times wider than tall
    x_lo, x_hi, y_lo, y_hi = training.bounds
    layout = figures.picked_figure(training, data, 0, 0)["layout"]
    stretch = layout["yaxis"]["scaleratio"]
    assert stretch == pytest.approx(figures.MIN_ASPECT * (x_hi - x_lo) / (y_hi - y_lo))
    assert stretch > 1.5
    assert layout["yaxis"]["title"]["text"] == f"x₂ (stretched ×{stretch:.1f})"


@pytest.mark.parametrize("terms", [backprop.COMPACT_TERMS, 5])
def test_written_out_vectors_keep_at_most_their_terms_and_the_largest_entry(terms: int) -> None:
    data = make_dataset("spiral", 5, 20, None, 0.2, seed=2)
    training = train(data, TrainConfig(hidden=(16, 16), steps=40, grid_resolution=0))
    ex = explain_example(training.final_params, data.x_train[0], int(data.y_train[0]), "relu")
    text = backprop.hidden_delta(ex, 0, terms)
    last_line = text.split(r"\\")[-1]
    shown = [e for e in last_line.split(r",\ ") if r"\cdots" not in e]
    assert len(shown) <= terms + (0 if terms == backprop.COMPACT_TERMS else 1)
    assert tex(float(ex.layers[0].delta[int(np.argmax(np.abs(ex.layers[0].delta)))])) in last_line


def test_a_log_axis_spans_at_least_a_decade_so_a_flat_loss_looks_flat() -> None:
    lo, hi = figures.log_range(np.array([1.0986122, 1.0986123]))  # type: ignore[misc]
    assert hi - lo == pytest.approx(1.0)
    assert lo < np.log10(1.0986122) < np.log10(1.0986123) < hi
    lo, hi = figures.log_range(np.array([1e-6, 0.0, 1e-2]))  # type: ignore[misc]
    assert lo < -6
    assert hi > -2
    assert hi - lo == pytest.approx(4.4)
    assert figures.log_range(np.zeros(3)) is None
