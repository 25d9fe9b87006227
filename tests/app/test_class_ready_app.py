"""Issue 12 through AppTest: ties are called ties, the intro says what is on screen, a descent step
leaves a link that reproduces the page, and presets set widgets without Streamlit's warning."""

from __future__ import annotations

import logging
import math
import re
import tomllib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from streamlit import config
from streamlit.elements.lib import policies
from streamlit.testing.v1 import AppTest

from components.controls.presets import PRESETS
from components.render.numbers import fmt
from core import cross_entropy
from tests.app import live
from tests.app.test_app import metric, run_app

LN3 = math.log(3.0)
ROOT = Path(__file__).resolve().parents[2]


def headline(at: AppTest) -> tuple[str, str]:
    value, under, _ = live.headline(at)["Network predicts"]
    return value, under


def headline_help(at: AppTest) -> str:
    return live.headline(at)["Network predicts"][2]


# --- ties ----------------------------------------------------------------------------------------


def test_equal_logits_are_a_tie_never_right() -> None:
    at = run_app(z1="0", z2="0", z3="0")
    value, delta = headline(at)
    assert value == "Tie: all 3 classes"
    assert "tie" in value.lower()
    assert "right" not in (value + delta).lower()
    assert "wrong" not in (value + delta).lower()
    assert delta == "share the top p = 0.3333"
    assert "Tie: all 3 classes share the top p = 0.3333: the network predicts no single class." in headline_help(at)
    assert "The true class, Class 1, is one of them." in headline_help(at)
    captions = " ".join(c.value for c in at.caption)
    assert "Highest: none alone. Tie: all 3 classes share the top p = 0.3333." in captions


def test_a_tie_of_two_names_them_and_says_the_true_class_is_not_among_them() -> None:
    at = run_app(n="4", z1="2", z2="1", z3="2", y="2", names="cat,dog,bird,fish")
    value, delta = headline(at)
    assert value == "Tie: cat and bird"
    assert "The true class, dog, is not one of them." in headline_help(at)
    assert "right" not in (value + delta + headline_help(at)).lower()


def test_a_unique_top_class_is_still_right_or_wrong() -> None:
    assert headline(run_app()) == ("Class 2", "wrong: true class is Class 1")
    assert headline(run_app(y="2")) == ("Class 2", "right: true class is Class 2")


def quiz_radio(at: AppTest, key: str) -> Any:
    return next(r for r in at.radio if r.key == key)


@pytest.mark.parametrize("choice", [2, 3])
def test_the_quiz_accepts_either_class_of_a_tie(choice: int) -> None:
    # Classes 3 and 4 have equal logits: after one step they gain exactly the same, more than the true class.
    at = run_app(view="Quiz", n="4", z1="0", z2="10", z3="5", z4="5", y="1")
    quiz_radio(at, "quiz_step").set_value(choice).run()
    next(b for b in at.button if b.key == "quiz_step_button").click().run()
    assert at.success[0].value.startswith("Right")
    assert "**Class 3** and **Class 4** (a tie)" in at.success[0].value
    assert "Class 3 and Class 4 tie, each gaining most" in " ".join(m.value for m in at.markdown)


# --- the intro says what is on screen ---------------------------------------------------------


def intro_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Drag a logit"))


def test_the_intro_names_the_worked_example_only_when_it_is_shown() -> None:
    assert "This is the tutorial's worked example: outputs **[0.2, 0.6, 0.2]**, true class **1**." in intro_text(
        run_app()
    )
    at = run_app(z1="2", y="3")
    p = [fmt(float(v)) for v in np.exp([2.0, LN3, 0.0]) / np.exp([2.0, LN3, 0.0]).sum()]
    text = intro_text(at)
    assert f"On screen now: outputs **[{', '.join(p)}]**, true class **3**." in text
    assert "**[0.2, 0.6, 0.2]**" not in text


# --- a descent step leaves a link that reproduces the page --------------------------------------


def sliders(at: AppTest) -> list[float]:
    return [float(s.value) for s in at.slider if s.label.startswith("z")]


def test_a_step_is_rounded_to_the_sliders_and_the_link_reproduces_it() -> None:
    at = run_app(view="Learning")
    next(b for b in at.button if b.label.startswith("Take one step")).click().run()
    z = sliders(at)
    assert z == [0.8, 0.5, -0.2]  # (0, ln 3, 0) - (p - y) = (0.8, 0.4986…, -0.2), as the sliders show it
    for v in z:
        assert float(f"{v:.2f}") == v  # what the slider shows ("%.2f") is the value itself
    assert at.query_params["z2"] in ("0.5", ["0.5"])
    link = str(at.code[0].value)
    assert "z1=0.8&z2=0.5&z3=-0.2" in link
    again = run_app(**{k: at.query_params[k] for k in at.query_params if k != "view"})  # on Explore
    assert sliders(again) == z
    assert metric(again, "Cross-entropy loss") == fmt(float(cross_entropy(z, 0)))


def test_a_step_below_the_sliders_resolution_moves_nothing_and_says_so() -> None:
    # Huge logits: a slider's 0.01 is a whole logit; a step of 0.3 * (p - y) rounds away.
    at = run_app(view="Learning", huge="true", z1="1", z2="1.01", z3="0", lr="0.3")
    before = sliders(at)
    next(b for b in at.button if b.label.startswith("Take one step")).click().run()
    assert sliders(at) == before
    assert next(b for b in at.button if b.label.startswith("Undo")).disabled
    assert "smaller than the sliders' 0.01" in at.toast[0].value


# --- presets set widgets without Streamlit's duplicate-value warning -----------------------------


@pytest.fixture
def policy_warnings() -> Iterator[list[str]]:
    """Streamlit's widget-policy warnings logged from now on (it logs the first one per process only)."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger(policies.__name__)
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    policies._shown_default_value_warning = False  # type: ignore[attr-defined]
    yield records
    logger.removeHandler(handler)


def click_everything(at: AppTest) -> None:
    for preset in PRESETS:
        at.get("button_group")[0].set_value(preset.label).run()
    at.query_params["view"] = "Learning"
    next(b for b in at.button if b.label.startswith("Take one step")).click().run()
    next(b for b in at.button if b.label.startswith("Undo")).click().run()


def test_the_project_config_turns_the_duplicate_value_warning_off() -> None:
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["global"]["disableWidgetStateDuplicationWarning"] is True
    assert config.get_option("global.disableWidgetStateDuplicationWarning") is True  # read from that file


def test_presets_and_steps_log_no_warning(policy_warnings: list[str]) -> None:
    at = run_app(view="Learning")
    click_everything(at)
    assert not at.exception
    assert policy_warnings == []


def test_without_the_setting_streamlit_would_warn(policy_warnings: list[str]) -> None:
    """The check above can fail: with the option off, a preset makes Streamlit log its warning."""
    config.set_option("global.disableWidgetStateDuplicationWarning", False)
    try:
        at = run_app()
        at.get("button_group")[0].set_value("Ten classes").run()
    finally:
        config.set_option("global.disableWidgetStateDuplicationWarning", True)
    assert any("created with a default value but also had its value set" in w for w in policy_warnings)


# --- huge logits: the derivation page is finite and core warns of nothing -------------------------


def test_the_huge_preset_derivation_has_no_inf_or_nan_and_no_runtime_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        at = run_app(view="Derivation", n="3", z1="8", z2="7.9", z3="-8", y="2", huge="true")
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == []
    shown = "\n".join([m.value for m in at.markdown] + [el.value for el in at.latex])
    assert re.findall(r"\binf\b|\bnan\b|infinity|∞|\\infty", shown, flags=re.IGNORECASE) == []
    assert "subtract the largest logit" in shown
    assert r"e^{z_{3} - m} &= e^{-800 - 800} = e^{-1600} = 1.3453 \times 10^{-695}" in shown
    assert len(at.get("download_button")) == 1
