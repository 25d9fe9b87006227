"""One gradient-descent step on the sidebar's logits, and its undo: session state only."""

from __future__ import annotations

import re

import numpy as np
import streamlit as st

from components.controls.presets import DESCENT_KEY, set_logits
from components.controls.sidebar import logit_scale
from components.params import Z_MAX, Z_MIN, param
from core import grad_logits


def _shown_decimals(display_format: str | None) -> int:
    found = re.fullmatch(r"%\.(\d+)f", display_format or "")
    if found is None:
        raise ValueError(f"a logit slider must show a fixed number of decimals: got {display_format!r}")
    return int(found.group(1))


#: A stepped logit is rounded to what its slider shows (``%.2f``): the page, the share link and a
#: reload of it then hold the same number (not 0.4986122886681097 under a slider reading 0.50).
SLIDER_DECIMALS = _shown_decimals(param("z1").display_format)


def stepped_sliders(z: tuple[float, ...], target: int, learning_rate: float, scale: float) -> list[float]:
    """The slider values after one step ``z <- z - lr (p - y)``: within the sliders' range, rounded to
    the decimals they show (with huge logits, ×100, that is whole logits)."""
    stepped = (np.asarray(z) - learning_rate * grad_logits(z, target)) / scale
    return [round(min(max(v, Z_MIN), Z_MAX), SLIDER_DECIMALS) for v in stepped.tolist()]


def take_step(z: tuple[float, ...], target: int, learning_rate: float) -> None:
    """One step on the sidebar's logits; a step too small for the sliders' decimals moves nothing."""
    start, taken, last = st.session_state.get(DESCENT_KEY, (z, 0, z))
    if tuple(last) != z:  # the logits were moved by hand since: count from here
        start, taken = z, 0
    scale = logit_scale()
    sliders = stepped_sliders(z, target, learning_rate, scale)
    if tuple(scale * v for v in sliders) == z:
        st.toast(f"This step is smaller than the sliders' {10.0**-SLIDER_DECIMALS:g}: the logits stay.", icon="ℹ️")
        return
    set_logits(sliders)
    st.session_state[DESCENT_KEY] = (start, taken + 1, tuple(scale * v for v in sliders))


def undo_steps() -> None:
    start, _, _ = st.session_state.pop(DESCENT_KEY)
    set_logits([v / logit_scale() for v in start])


def steps_taken(z: tuple[float, ...]) -> int:
    """How many single steps led to the logits ``z`` (0 once they are moved by hand)."""
    _, taken, last = st.session_state.get(DESCENT_KEY, (z, 0, z))
    return int(taken) if tuple(last) == z else 0
