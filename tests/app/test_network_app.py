"""The network view through AppTest: every data set, settings from the link, notices, CSV, core's numbers, caching."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.content import backprop
from components.render.numbers import tex
from components.views import network as view
from core.datasets import DEFAULT_NOISE, make_points, parse_points_csv, split
from core.network import TrainConfig, explain_example, train
from tests.app.live import chart_spec, charts
from tests.app.test_app import run_app

#: Small and quick: 20 points a class, 50 steps (still 41 frames).
FAST = {"view": "Network", "pts": "20", "nsteps": "50"}


def chart_specs(at: AppTest) -> list[dict[str, Any]]:
    return [chart_spec(chart) for chart in charts(at)]


def text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def latex(at: AppTest) -> str:
    return "\n".join(el.value for el in at.latex)


def expected_run(
    kind: str = "spiral", k: int = 3, pts: int = 20, steps: int = 50, test: float = 0.2, seed: int = 0, **cfg: Any
) -> tuple[Any, Any]:
    points = make_points(kind, k, pts, DEFAULT_NOISE[kind], seed)
    data = split(points, test, seed)
    config = TrainConfig(steps=steps, seed=seed, snapshots=41, grid_resolution=100, **cfg)
    return data, train(data, config)


@pytest.mark.parametrize("act", ["relu", "tanh"])
@pytest.mark.parametrize("data", ["spiral", "blobs", "circles", "moons", "xor"])
def test_the_view_draws_for_every_data_set_and_activation(data: str, act: str) -> None:
    at = run_app(**FAST, data=data, act=act, k="4", width="6")
    assert not at.warning
    assert not at.error
    specs = chart_specs(at)
    assert len(specs) == 4  # regions (animated), curves, confusion, the picked point
    assert len(specs[0]["frames"]) == 41
    assert f"The network 2 → 6 → 6 → 4 ({act})" in text(at)
    assert r"\delta_{3} = \frac{\partial E}{\partial z} = p - y" in latex(at)
    assert len(at.latex) == 1 + 2 + 2 * 2  # forward; top δ and its gradients; two hidden layers


def test_the_link_sets_every_control_and_the_run_follows_it() -> None:
    at = run_app(
        view="Network", data="moons", k="2", pts="30", noise="0.5", test="0.3", seed="7", layers="1", width="5",
        act="tanh", init="xavier", opt="momentum", nlr="0.1", nsteps="100", batch="16", pick="4", at="initial",
    )  # fmt: skip
    assert not at.warning
    assert at.selectbox(key="data").value == "moons"
    assert at.select_slider(key="layers").value == 1
    assert at.radio(key="opt").value == "momentum"
    assert at.select_slider(key="nlr").value == "0.1"
    assert at.slider(key="pick").value == 4
    points = make_points("moons", 2, 30, 0.5 * DEFAULT_NOISE["moons"], 7)
    data = split(points, 0.3, 7)
    cfg = TrainConfig(
        hidden=(5,), activation="tanh", optimizer="momentum", learning_rate=0.1, steps=100, batch_size=16,
        init="xavier", seed=7, snapshots=41,
    )  # fmt: skip
    training = train(data, cfg)
    shown = text(at)
    assert "The network 2 → 5 → 2 (tanh)" in shown
    assert f"learnt from {len(data.y_train)} points in 100 steps" in shown
    assert f"**{view.percent(float(training.train_accuracy[-1]))}**" in shown
    ex = explain_example(training.params[0], data.x_train[3], int(data.y_train[3]), "tanh")  # the initial weights
    assert backprop.top_delta(ex) in latex(at)
    assert "**Training point 4**" in shown


def test_the_backward_pass_on_the_page_is_cores() -> None:
    at = run_app(**FAST, pick="9")
    data, training = expected_run()
    ex = explain_example(training.final_params, data.x_train[8], int(data.y_train[8]), "relu")
    formulas = latex(at)
    delta_top = ex.p - ex.y
    np.testing.assert_allclose(ex.layers[-1].delta, delta_top, atol=1e-16)
    assert "= " + backprop.vector(ex.layers[-1].delta, [ex.target]) in formulas  # δ at the top is p − y
    for v in ex.layers[-1].delta:
        assert tex(float(v)) in formulas
    assert tex(ex.loss) in formulas
    for i in range(len(ex.layers) - 1):
        assert backprop.hidden_delta(ex, i) in formulas
    for i in range(len(ex.layers)):
        assert backprop.weight_gradient(ex, i) in formulas
    table = at.table[0].value
    assert list(table["weight"]) == [f"W{c.layer + 1}[{c.row + 1}, {c.col + 1}]" for c in ex.checks]
    assert list(table["back-propagation ∂E/∂w"]) == [r.analytic for r in backprop.check_rows(ex)]
    assert all(c.difference < 1e-7 for c in ex.checks)


def test_changing_what_is_shown_does_not_train_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counting_train(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return train(*args, **kwargs)

    monkeypatch.setattr(view, "train", counting_train)
    view.run_training.clear()
    at = run_app(**FAST, seed="3")
    assert len(calls) == 1
    at.slider(key="pick").set_value(5).run()
    at.radio(key="at").set_value("initial").run()
    at.run()
    assert not at.exception
    assert "**Training point 5**" in text(at)
    assert len(calls) == 1  # the picked point and the weights shown come from the cached run
    at.slider(key="seed").set_value(4).run()
    assert len(calls) == 2  # a setting of the run trains again


def test_a_misclassified_point_can_be_picked() -> None:
    at = run_app(**{**FAST, "nsteps": "100"}, data="xor", k="2", layers="0")  # a linear model cannot learn XOR
    missed = at.selectbox(key=view.MISSED_KEY)
    assert missed.options
    first = missed.options[0]
    number = int(first.split()[1].rstrip(":"))
    missed.set_value(missed.options[0]).run()  # the option's label, as AppTest sets it
    assert at.slider(key="pick").value == number
    assert "(**wrong**)" in text(at)


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"data": "mnist"}, ["data"]),
        ({"k": "6", "pts": "5"}, ["k", "pts"]),
        ({"noise": "nan", "test": "0.9"}, ["noise", "test"]),
        ({"layers": "4", "width": "64"}, ["layers", "width"]),
        ({"act": "sigmoid", "init": "zeros", "opt": "lbfgs"}, ["act", "init", "opt"]),
        ({"nlr": "0.03", "nsteps": "1e9", "batch": "0"}, ["nlr", "nsteps", "batch"]),
        ({"pick": "0", "at": "later", "seed": "-1"}, ["pick", "at", "seed"]),
        ({"data": "<script>alert(1)</script>"}, ["data"]),
    ],
)
def test_bad_link_values_give_one_notice_each_and_a_working_view(params: dict[str, str], names: list[str]) -> None:
    at = run_app(view="Network", pts=params.pop("pts", "20"), nsteps=params.pop("nsteps", "50"), **params)
    warnings = [w.value for w in at.warning]
    for name in names:
        assert sum(f"`{name}`" in w for w in warnings) == 1, (name, warnings)
    assert len(warnings) == len(names), warnings
    assert len(charts(at)) == 4
    assert not at.error


def test_a_pick_beyond_the_training_points_is_told_and_point_1_shown() -> None:
    at = run_app(**FAST, pick="900")
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1
    assert "`pick`" in warnings[0]
    assert "there are 48 training points" in warnings[0]
    assert at.slider(key="pick").value == 1


def test_fewer_points_keep_the_picked_point_in_range() -> None:
    at = run_app(**FAST, pick="40")
    at.slider(key="pts").set_value(10).run()
    assert not at.exception
    assert at.slider(key="pick").value == 24  # the last of 24 training points


EXAMPLE = "x1,x2,label\n0,0,1\n0.1,0.2,1\n1,1,2\n0.9,1.1,2\n-1,1,3\n-0.9,1.2,3\n"


def test_own_points_from_csv_are_read_and_learnt() -> None:
    at = run_app(view="Network", data="csv", nsteps="50", test="0")
    assert "Read 50 points in 2 classes" in at.success[0].value  # the example in the box
    at.text_area(key=view.CSV_KEY).input(EXAMPLE).run()
    assert not at.error
    assert at.success[0].value == "Read 6 points in 3 classes (labels 1 to 3, shown as classes 1 to 3)."
    points = parse_points_csv(EXAMPLE)
    data = split(points, 0.0, 0)
    training = train(data, TrainConfig(steps=50, snapshots=41))
    assert f"**{view.percent(float(training.train_accuracy[-1]))}**" in text(at)
    assert "(no test points held out)" in text(at)
    assert at.select_slider(key="k").disabled  # the pattern's own settings do not apply


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("x1,x2,label\n0,0,1\n1,abc,2\n", "line 3: x2 is not a number: 'abc'"),
        ("0,0,1\n1,1,1\n", "too few classes"),
        ("0,0,1\n1,1,3\n", "labels must be consecutive: no point has label 2"),
        ("0,0,0\n1,1,7\n", "the label 7 is out of range"),
        ("", "no points found"),
        ("0,0,1\n1,1,<b>2</b>\n", "the label must be an integer"),
    ],
)
def test_csv_that_cannot_be_used_says_why_as_plain_text(csv: str, message: str) -> None:
    at = run_app(view="Network", data="csv", nsteps="50")
    at.text_area(key=view.CSV_KEY).input(csv).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("Your points could not be read: ")
    assert errors[0].endswith("Showing the spiral instead.")
    plain = errors[0].replace("\\", "")
    assert message in plain
    assert "<b>" not in errors[0]  # markup is escaped, never interpreted
    assert len(charts(at)) == 4  # the page goes on with the default pattern


def test_the_vanishing_gradients_preset_shows_the_signal_fading_layer_by_layer() -> None:
    at = run_app(view="Network")
    at.get("button_group")[0].set_value("Vanishing gradients").run()
    assert at.select_slider(key="layers").value == 3
    assert at.radio(key="act").value == "tanh"
    assert at.radio(key="init").value == "small"
    assert at.radio(key="opt").value == "sgd"
    assert at.select_slider(key="nlr").value == "0.5"
    assert "**Vanishing gradients**" in text(at)
    curves = chart_specs(at)[1]
    norms = [trace["y"][-1] for trace in curves["data"] if str(trace.get("name", "")).startswith("layer")]
    assert len(norms) == 4
    assert norms == sorted(norms)  # layer 1 gets the least
    assert norms[0] < 1e-3 * norms[-1]
    assert curves["layout"]["yaxis3"]["type"] == "log"


def test_the_weights_download_as_json_with_the_settings() -> None:
    data, training = expected_run()
    settings = view.NetSettings("spiral", 3, 20, 1.0, 0.2, 0, 2, 16, "relu", "he", "adam", 0.02, 50, None)
    run = view.NetworkRun(data, training, {}, {}, {})
    exported = json.loads(view.weights_json(run, settings, "?view=Network&nsteps=50"))
    assert exported["sizes"] == [2, 16, 16, 3]
    assert exported["activation"] == "relu"
    np.testing.assert_array_equal(exported["layers"][0]["W"], training.final_params[0][0])
    assert exported["settings"]["steps"] == 50
    assert exported["settings"]["link"] == "?view=Network&nsteps=50"


def test_presenter_mode_writes_shorter_vectors_and_drops_the_reading_aids() -> None:
    reading = run_app(**FAST)
    presenting = run_app(**FAST, present="true")
    assert not presenting.warning
    assert len(presenting.latex) == len(reading.latex)
    assert sum(len(el.value) for el in presenting.latex) < sum(len(el.value) for el in reading.latex)
    assert not presenting.table  # the finite-difference table is a reading aid
    assert len(charts(presenting)) == 4


def test_points_that_cannot_be_read_fall_back_to_the_spiral_with_the_reason() -> None:
    settings = view.NetSettings("csv", 3, 100, 1.0, 0.2, 5, 2, 16, "relu", "he", "adam", 0.02, 300, None)
    points, problem = view.load_points(settings, view.OwnPoints(problem="the file is not UTF-8 text"))
    assert problem == "the file is not UTF-8 text"
    np.testing.assert_array_equal(points.x, make_points("spiral", 3, 100, None, 5).x)
    _, problem = view.load_points(settings, view.OwnPoints("0,0,1\n" * 20_000))
    assert problem is not None
    assert problem.startswith("the file is too large: 120,000 bytes")
    points, problem = view.load_points(settings, view.OwnPoints(EXAMPLE))
    assert problem is None
    assert len(points) == 6


def test_a_tie_at_the_top_is_called_a_tie_never_right() -> None:
    """With the initial weights (biases 0) every ReLU of layer 1 is off for training point 9, so all
    three logits are 0: a tie. Its true class is class 1, the first of the tied: argmax alone would
    have called it right."""
    at = run_app(**FAST, width="4", at="initial", pick="9")
    points = make_points("spiral", 3, 20, DEFAULT_NOISE["spiral"], 0)
    data = split(points, 0.2, 0)
    training = train(data, TrainConfig(hidden=(4, 4), steps=50, snapshots=41, grid_resolution=0))
    ex = explain_example(training.params[0], data.x_train[8], int(data.y_train[8]))
    assert ex.target == 0
    assert ex.top_classes == (0, 1, 2)  # the premise: a three-way tie that includes the true class
    summary = next(m.value for m in at.markdown if m.value.startswith("**Training point 9**"))
    assert "predicts no single class: **a tie**, all 3 classes share the top p = 0.3333" in summary
    assert "not right (the true class is one of them)" in summary
    assert "(right)" not in summary
    assert "(**wrong**)" not in summary
    # The list of points it does not get right names the ties as ties, and counts them.
    missed = at.selectbox(key=view.MISSED_KEY)
    assert "point 9: class 1, a tie" in missed.options
    n_ties = sum("a tie" in option for option in missed.options)
    assert n_ties >= 1
    assert missed.label.endswith(" tied")
    # The frame title's accuracy at step 0 counts no tie as right.
    frame0 = chart_specs(at)[0]["layout"]["title"]["text"]
    assert f"{100.0 * float(training.train_accuracy[0]):.0f}% right" in frame0
