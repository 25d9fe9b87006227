"""One gradient-descent step on the sidebar's logits, and its undo: session state only."""

from __future__ import annotations

import numpy as np
import streamlit as st

from components.controls.presets import DESCENT_KEY, set_logits
from components.controls.sidebar import logit_scale
from components.params import Z_MAX, Z_MIN
from core import grad_logits


def take_step(z: tuple[float, ...], target: int, learning_rate: float) -> None:
    """One step ``z <- z - lr (p - y)`` on the sidebar's logits, kept within the sliders' range."""
    start, taken, last = st.session_state.get(DESCENT_KEY, (z, 0, z))
    if tuple(last) != z:  # the logits were moved by hand since: count from here
        start, taken = z, 0
    scale = logit_scale()
    stepped = (np.asarray(z) - learning_rate * grad_logits(z, target)) / scale
    sliders = [min(max(v, Z_MIN), Z_MAX) for v in stepped.tolist()]
    set_logits(sliders)
    st.session_state[DESCENT_KEY] = (start, taken + 1, tuple(scale * v for v in sliders))


def undo_steps() -> None:
    start, _, _ = st.session_state.pop(DESCENT_KEY)
    set_logits([v / logit_scale() for v in start])


def steps_taken(z: tuple[float, ...]) -> int:
    """How many single steps led to the logits ``z`` (0 once they are moved by hand)."""
    _, taken, last = st.session_state.get(DESCENT_KEY, (z, 0, z))
    return int(taken) if tuple(last) == z else 0
