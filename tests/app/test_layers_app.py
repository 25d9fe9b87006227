"""The Layers view through AppTest: each layer, its controls, the numbers on screen equal core's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.figures.layers import CELL_DIGITS
from components.render.numbers import fmt
from components.render.text import md
from core.layer_examples import (
    EXAMPLES,
    LAYERS,
    base_input,
    explain_batch_norm,
    explain_dropout,
    explain_linear,
    explain_max_pool,
    explain_relu,
    upstream,
)
from tests.app import live
from tests.app.test_app import run_app

CHARTS = {"linear": 6, "relu": 4, "maxpool": 4, "dropout": 5, "batchnorm": 8}
TITLE_START = {
    "linear": "Linear",
    "relu": "ReLU",
    "maxpool": "Max-pool",
    "dropout": "Dropout",
    "batchnorm": "Batch norm",
}
LAYER_PARAMS = ["layer", "lin", "lseed", "dout", "cell", "pool", "drop", "mode", "mseed", "bn", "bf"]


def charts(at: AppTest) -> dict[str, dict[str, Any]]:
    """Every chart on the page by its title."""
    specs = [live.chart_spec(chart) for chart in live.charts(at)]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


def chart(at: AppTest, title_start: str) -> dict[str, Any]:
    found = [spec for title, spec in charts(at).items() if title.startswith(title_start)]
    assert len(found) == 1, (title_start, list(charts(at)))
    return found[0]


def cells(spec: dict[str, Any]) -> np.ndarray:
    """The numbers written in the cells (first line of each annotation), as a grid of strings."""
    z = spec["data"][0]["z"]
    grid = np.empty((len(z), len(z[0])), dtype=object)
    for a in spec["layout"]["annotations"]:
        grid[a["y"], a["x"]] = a["text"].split("<br>")[0]
    return grid


def written(values: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: fmt(float(v), CELL_DIGITS), otypes=[object])(np.atleast_2d(values))


def text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def latex(at: AppTest) -> str:
    return "\n".join(el.value for el in at.latex)


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_renders_its_heatmaps_formulas_and_check(layer: str) -> None:
    at = run_app(view="Layers", layer=layer)
    assert at.subheader[0].value.startswith(TITLE_START[layer])
    assert len(live.charts(at)) == CHARTS[layer]
    assert not at.warning
    assert "Check: finite differences" in text(at)
    assert r"E = \sum out \odot dout" in latex(at)
    assert "sidebar's logits and classes are for the other tabs" in text(at)
    for spec in charts(at).values():
        assert all("nan" not in a["text"] for a in spec["layout"]["annotations"])


def test_default_linear_layer_shows_core_gradients() -> None:
    at = run_app(view="Layers")
    x, dout = EXAMPLES["linear"], upstream("random", (3, 3), 0)
    ex = explain_linear(x, dout)
    np.testing.assert_array_equal(cells(chart(at, "dx")), written(ex.dx))
    np.testing.assert_array_equal(cells(chart(at, "dW")), written(ex.dW))
    np.testing.assert_array_equal(cells(chart(at, "db")), written(ex.db))
    assert f"is {fmt(ex.fd_error, 2)} (rounding)" in text(at)


def test_a_new_seed_draws_a_new_input_and_dout_and_dx_follows() -> None:
    at = run_app(view="Layers", layer="relu")
    example_dx = cells(chart(at, "dx"))
    at.radio(key="lin").set_value("random").run()
    random_dx = cells(chart(at, "dx"))
    want = explain_relu(base_input("relu", "random", 0, (4, 4)), upstream("random", (4, 4), 0))
    np.testing.assert_array_equal(random_dx, written(want.dx))
    assert not np.array_equal(random_dx, example_dx)
    at.slider(key="lseed").set_value(7).run()
    seven = explain_relu(base_input("relu", "random", 7, (4, 4)), upstream("random", (4, 4), 7))
    np.testing.assert_array_equal(cells(chart(at, "x")), written(seven.x))
    np.testing.assert_array_equal(cells(chart(at, "dx")), written(seven.dx))
    assert not np.array_equal(seven.dx, want.dx)


def test_relu_example_shows_the_kink_and_half_a_dout_in_the_check() -> None:
    at = run_app(view="Layers", layer="relu")
    assert "At an input of exactly 0" in text(at)
    assert r"\cdot (-0.8) = -0.4" in latex(at)  # x[1,3] = 0, dout = -0.8: the central difference gives half
    flagged = at.table[0].value
    assert list(flagged["entry"]) == ["dx[1, 3]", "dx[2, 2]", "dx[3, 4]"]
    assert list(flagged["backward"]) == ["0", "0", "0"]


def test_max_pool_kernels_and_one_hot_dout() -> None:
    at = run_app(view="Layers", layer="maxpool", dout="onehot", cell="1,2")
    x = EXAMPLES["maxpool"]
    dout = np.array([[0.0, 1.0], [0.0, 0.0]])
    np.testing.assert_array_equal(cells(chart(at, "dout")), written(dout))
    two = explain_max_pool(x, dout, 2)
    np.testing.assert_array_equal(cells(chart(at, "dx")), written(two.dx))
    assert "no window covers row 5 or column 5" in text(at)
    at.radio(key="pool").set_value("3").run()
    three = explain_max_pool(x, dout, 3)
    np.testing.assert_array_equal(cells(chart(at, "dx")), written(three.dx))
    assert "Overlapping windows" in text(at)
    assert "Window (2, 2) has a tie" in text(at)
    at.selectbox(key="cell").set_value("8,4").run()  # beyond the 2 x 2 output: moved inside it
    assert "the one-hot 1 is in cell 2,2" in text(at)
    np.testing.assert_array_equal(cells(chart(at, "dout")), written(np.array([[0.0, 0.0], [0.0, 1.0]])))


def test_dropout_train_and_eval() -> None:
    at = run_app(view="Layers", layer="dropout", drop="0.5", mseed="3")
    x, dout = EXAMPLES["dropout"], upstream("random", (4, 4), 0)
    ex = explain_dropout(x, dout, 0.5, True, 3)
    np.testing.assert_array_equal(cells(chart(at, "m / (1 − p)")), written(ex.scaled_mask))
    np.testing.assert_array_equal(cells(chart(at, "dx")), written(ex.dx))
    schemes = at.table[0].value
    assert list(schemes["same scale?"]) == ["yes", "yes", "no", "yes"]  # ConvNetJS is right at p = 0.5 only
    at.slider(key="drop").set_value(0.2).run()
    assert list(at.table[0].value["same scale?"]) == ["yes", "yes", "no", "no"]
    at.radio(key="mode").set_value("eval").run()
    np.testing.assert_array_equal(cells(chart(at, "out = x")), written(x))
    np.testing.assert_array_equal(cells(chart(at, "dx = dout")), written(dout))
    assert len(live.charts(at)) == 4


def test_batch_norm_uniform_dout_gives_zero_dx() -> None:
    at = run_app(view="Layers", layer="batchnorm", dout="ones")
    dx = cells(chart(at, "dx"))
    assert set(dx.ravel()) == {"0"}
    assert "A uniform upstream gradient gives dx = 0" in text(at)
    at.radio(key="dout").set_value("random").run()
    ex = explain_batch_norm(EXAMPLES["batchnorm"][:4, :3], upstream("random", (4, 3), 0), True)
    np.testing.assert_array_equal(cells(chart(at, "dx")), written(ex.dx))
    assert ex.terms is not None
    np.testing.assert_array_equal(cells(chart(at, "N · dx̂")), written(ex.terms.n_dx_hat))
    np.testing.assert_array_equal(cells(chart(at, "Σₙ dx̂ₙ")), written(ex.terms.sum_dx_hat))
    assert "A uniform upstream gradient" not in text(at)


def test_batch_norm_with_one_example_explains_why_it_cannot_train() -> None:
    at = run_app(view="Layers", layer="batchnorm")
    at.slider(key="bn").set_value(1).run()
    notices = [w.value for w in at.warning]
    assert len(notices) == 1
    assert "cannot train on a batch of one" in notices[0]
    assert md("needs more than one example per feature: got N = 1") in notices[0]  # core's message, escaped
    assert len(live.charts(at)) == 1
    at.radio(key="mode").set_value("eval").run()
    assert not at.warning
    ex = explain_batch_norm(EXAMPLES["batchnorm"][:1, :3], upstream("random", (1, 3), 0), False)
    np.testing.assert_array_equal(cells(chart(at, "dx")), written(ex.dx))
    np.testing.assert_allclose(ex.dx, ex.dout * ex.eval_factor)


def test_batch_norm_size_follows_the_sliders() -> None:
    at = run_app(view="Layers", layer="batchnorm", bn="6", bf="2", lin="random", lseed="5")
    ex = explain_batch_norm(base_input("batchnorm", "random", 5, (6, 2)), upstream("random", (6, 2), 5), True)
    np.testing.assert_array_equal(cells(chart(at, "x (N × F)")), written(ex.x))
    np.testing.assert_array_equal(cells(chart(at, "dx")), written(ex.dx))
    assert f"is {fmt(ex.fd_error, 2)}." in text(at)


BAD = [(p, v) for p in LAYER_PARAMS for v in ("<script>alert(1)</script>", "-1")] + [
    (p, v) for p in ("drop", "lseed", "bn") for v in ("nan", "1e400", "", "1000")
]


@pytest.mark.parametrize(("param", "value"), BAD)
def test_a_bad_layers_value_gives_one_notice_and_a_working_view(param: str, value: str) -> None:
    at = run_app(**{"view": "Layers", "layer": "maxpool", param: value})
    notices = [w.value for w in at.warning]
    assert len(notices) == 1, notices
    assert f"`{param}`" in notices[0]
    assert len(live.charts(at)) >= 4


def test_the_share_link_keeps_the_layer_settings() -> None:
    at = run_app(view="Layers")
    at.radio(key="layer").set_value("dropout").run()
    at.slider(key="drop").set_value(0.35).run()
    link = str(at.code[0].value)
    assert "view=Layers" in link
    assert "layer=dropout" in link
    assert "drop=0.35" in link


def test_presenter_mode_enlarges_the_heatmaps_and_drops_the_intro() -> None:
    at = run_app(view="Layers", layer="maxpool", present="true")
    assert "sidebar's logits" not in text(at)
    spec = chart(at, "dx")
    assert {a["font"]["size"] for a in spec["layout"]["annotations"]} == {round(14 * 1.4, 1)}
    assert not at.table  # reading aids are left out on the projector
