"""Presets: named sets of control values that one click applies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.params import N_DEFAULT, N_MAX, Y_DEFAULT, Z_DEFAULTS, z_key
from core.explanation import WORKED_EXAMPLE_Z

PRESET_KEY = "preset"
DESCENT_KEY = "_descent"  # (start logits, steps taken, logits after the last step): see controls.descent


def set_logits(z: Sequence[float]) -> None:
    """Set the logit sliders (slider values, before any ×100) from the first to the ``len(z)``-th."""
    for i, value in enumerate(z):
        st.session_state[z_key(i)] = float(value)


@dataclass(frozen=True)
class Preset:
    """A named set of control values that one click applies."""

    label: str
    n: int
    z: tuple[float, ...]  # slider values: multiplied by 100 when huge
    y: int  # 1-based
    huge: bool = False
    help: str = ""

    def apply(self) -> None:
        st.session_state["n"] = self.n
        st.session_state["huge"] = self.huge
        st.session_state["y"] = self.y
        set_logits(self.z)
        st.session_state.pop(DESCENT_KEY, None)


WORKED_EXAMPLE = Preset(
    "Worked example",
    N_DEFAULT,
    WORKED_EXAMPLE_Z,
    Y_DEFAULT,
    help="Three classes, outputs [0.2, 0.6, 0.2], true class 1: the tutorial's example.",
)
PRESETS = (
    WORKED_EXAMPLE,
    Preset("Confident, wrong", 3, (-2.0, 6.0, 0.0), 1, help="Class 2 gets p ≈ 0.997 but class 1 is true: a big loss."),
    Preset("Confident, right", 3, (6.0, -2.0, 0.0), 1, help="Class 1 gets p ≈ 0.997 and is true: a tiny loss."),
    Preset("Uniform", 3, (0.0, 0.0, 0.0), 1, help="All logits equal: every p = 1/3 and E = ln 3."),
    Preset(
        "Ten classes",
        N_MAX,
        (1.5, 2.5, 0.3, -0.8, 1.9, -1.5, 0.0, 0.9, -2.2, 1.2),
        5,
        help="Ten classes; class 5 is true but class 2 leads.",
    ),
    Preset(
        "Huge logits",
        3,
        (8.0, 7.9, -8.0),
        2,
        huge=True,
        help="Logits 800, 790, −800 (sliders ×100): e^800 overflows float64, yet every number stays exact.",
    ),
)
assert all(len(preset.z) == preset.n <= len(Z_DEFAULTS) for preset in PRESETS)


def _apply_chosen_preset() -> None:
    """A preset pill was clicked: set its controls, then clear the pill (a preset is an action)."""
    label = st.session_state.get(PRESET_KEY)
    for preset in PRESETS:
        if preset.label == label:
            preset.apply()
    st.session_state[PRESET_KEY] = None


def render_presets(where: Any) -> None:
    """The presets as a row of pills: compact, so the sliders stay near the top of the sidebar."""
    where.pills(
        "Presets (one click sets every control)",
        options=[preset.label for preset in PRESETS],
        selection_mode="single",
        default=None,
        key=PRESET_KEY,
        on_change=_apply_chosen_preset,
        help=" · ".join(f"{preset.label}: {preset.help}" for preset in PRESETS),
    )
