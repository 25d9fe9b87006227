"""The page as a whole, through Streamlit's AppTest: default view, interaction, URL state."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.render.numbers import fmt
from components.render.text import shown
from core import cross_entropy, softmax
from tests.app import live
from tests.app.live import charts

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LN3 = math.log(3.0)


def run_app(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label_start: str) -> str:
    """A number of the headline (the live headline of components/live) by the start of its label."""
    shown = live.headline(at)
    for label, (value, _, _) in shown.items():
        if label.startswith(label_start):
            return value
    raise AssertionError(f"no headline number {label_start!r} among {list(shown)}")


def loss_shown(at: AppTest) -> str:
    return metric(at, "Cross-entropy loss")


def table_column(at: AppTest, column: str) -> list[str]:
    return [str(v) for v in at.table[0].value[column].tolist()]


def test_default_view_is_the_worked_example() -> None:
    at = run_app()
    assert loss_shown(at) == "1.6094"
    assert metric(at, "p of the true class") == "0.2"
    assert metric(at, "Network predicts") == "Class 2"
    assert table_column(at, "p = softmax(z)") == ["0.2", "0.6", "0.2"]
    assert table_column(at, "∂E/∂z = p − y") == ["-0.8", "0.6", "0.2"]
    assert table_column(at, "step direction −∂E/∂z") == ["+0.8", "-0.6", "-0.2"]
    latex = " ".join(el.value for el in at.latex)
    assert "0.2 + 0.6 + 0.2" in latex
    assert r"-\ln 0.2 = 1.6094" in latex
    assert len(charts(at)) == 3
    assert not at.warning


@pytest.mark.parametrize(("z1", "y"), [(2.0, 1), (-3.5, 1), (0.0, 2), (7.2, 3)])
def test_moving_a_logit_and_the_true_class_changes_the_loss(z1: float, y: int) -> None:
    at = run_app()
    at.slider(key="z1").set_value(z1)
    at.radio(key="y").set_value(y)
    at.run()
    assert not at.exception
    z = np.array([z1, LN3, 0.0])
    assert loss_shown(at) == fmt(float(cross_entropy(z, y - 1)))
    assert table_column(at, "p = softmax(z)") == [fmt(float(v)) for v in softmax(z)]


def test_true_class_two_gives_minus_ln_point_six() -> None:
    at = run_app()
    at.radio(key="y").set_value(2).run()
    assert loss_shown(at) == "0.5108"  # -ln 0.6


def test_more_classes_add_sliders_and_the_table_follows() -> None:
    at = run_app()
    at.select_slider(key="n").set_value(5).run()
    assert [s.key for s in at.slider] == ["z1", "z2", "z3", "z4", "z5"]
    assert len(table_column(at, "y")) == 5
    assert loss_shown(at) == fmt(float(cross_entropy([0.0, LN3, 0.0, 0.0, 0.0], 0)))


def test_fewer_classes_than_the_true_class_moves_the_true_class() -> None:
    at = run_app(n="5", y="5")
    at.select_slider(key="n").set_value(3).run()
    assert not at.exception
    assert at.radio(key="y").value == 3
    assert table_column(at, "y") == ["0", "0", "1"]


def test_reset_restores_the_worked_example() -> None:
    at = run_app(n="4", z1="3", y="2")
    assert loss_shown(at) != "1.6094"
    at.get("button_group")[0].set_value("Worked example").run()  # the presets' pills
    assert loss_shown(at) == "1.6094"
    assert len(at.slider) == 3


def test_link_reproduces_the_view() -> None:
    at = run_app(n="4", z1="1.5", z4="-2", y="4")
    z = [1.5, LN3, 0.0, -2.0]
    assert loss_shown(at) == fmt(float(cross_entropy(z, 3)))
    assert at.slider(key="z4").value == -2.0
    assert not at.warning


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"z1": "abc"}, "z1"),
        ({"z2": "nan"}, "z2"),
        ({"z3": "inf"}, "z3"),
        ({"z1": "1e308"}, "z1"),
        ({"z1": "-10.5"}, "z1"),
        ({"z1": ""}, "z1"),
        ({"z1": ["1", "2"]}, "z1"),
        ({"n": "11"}, "n"),
        ({"n": "1"}, "n"),
        ({"n": "4.5"}, "n"),
        ({"n": "-3"}, "n"),
        ({"n": "three"}, "n"),
        ({"y": "4"}, "y"),
        ({"y": "0"}, "y"),
        ({"y": "1.0"}, "y"),
        ({"y": "<script>alert(1)</script>"}, "y"),
        ({"z5": "1"}, "z5"),
        ({"foo": "bar"}, "foo"),
    ],
)
def test_bad_url_values_give_a_notice_and_the_default(params: dict[str, str], named: str) -> None:
    at = run_app(**params)
    notices = [w.value for w in at.warning]
    assert len(notices) == 1, notices
    assert named in notices[0]
    assert loss_shown(at) == "1.6094"  # the default view, not an exception


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "[click](http://example.com)", "**bold** $x$"])
def test_a_typed_value_is_quoted_as_code_in_the_notice(value: str) -> None:
    at = run_app(z1=value)
    notices = [w.value for w in at.warning]
    assert len(notices) == 1
    assert shown(value) in notices[0]  # inside a code span: never HTML, Markdown or LaTeX
    assert notices[0].count(value) == 1


def test_notice_survives_a_rerun_of_the_session() -> None:
    at = run_app(z1="abc")
    at.slider(key="z2").set_value(2.0).run()
    assert any("z1" in w.value for w in at.warning)
