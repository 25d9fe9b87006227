"""The sidebar: presenter mode, presets, classes, true class, one slider per logit, class names."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.controls.names import parse_names
from components.controls.presets import render_presets
from components.controls.widgets import widget
from components.params import HUGE_SCALE, N_MAX, Y_DEFAULT, Z_DEFAULTS, z_key
from core.explanation import State


def logit_scale() -> float:
    """What the logit sliders are multiplied by: 100 with `huge` on, else 1."""
    return HUGE_SCALE if st.session_state.get("huge") else 1.0


def _keep_true_class_in_range() -> None:
    """When the number of classes shrinks below a chosen class, choose the last class instead."""
    n = st.session_state["n"]
    if st.session_state.get("y", Y_DEFAULT) > n:
        st.session_state["y"] = n
    for key, other in (("zi", "zj"), ("zj", "zi")):
        if key in st.session_state and st.session_state[key] > n:
            st.session_state[key] = n if st.session_state.get(other) != n else n - 1


def _register_hidden_logits(n: int) -> None:
    """Give the logits beyond ``n`` a value in the session, though their sliders are not drawn.

    A slider that a preset creates (more classes) only writes its value to the URL if its key
    was in the session on the run before; this puts it there.
    """
    for i in range(n, N_MAX):
        if z_key(i) not in st.query_params:
            st.session_state.setdefault(z_key(i), Z_DEFAULTS[i])


def render_presenter_toggle() -> bool:
    return bool(widget("present", st.sidebar))


def render_controls() -> tuple[State, list[str]]:
    """The sidebar: presets, classes, names, true class, one slider per logit.

    Returns the chosen State and notices about the class names typed.
    """
    sidebar: Any = st.sidebar
    sidebar.header("Controls")
    render_presets(sidebar)
    n = int(widget("n", sidebar, on_change=_keep_true_class_in_range))
    y = int(widget("y", sidebar, n_classes=n))
    sidebar.markdown("**Logits z** (inputs of the softmax)")
    huge = bool(widget("huge", sidebar))
    scale = HUGE_SCALE if huge else 1.0
    if huge:
        sidebar.caption(f"Each logit is its slider × {HUGE_SCALE:g}.")
    z = tuple(scale * float(widget(z_key(i), sidebar)) for i in range(n))
    names_text = str(widget("names", sidebar, placeholder="cat, dog, bird"))
    names, name_notices = parse_names(names_text, n)
    _register_hidden_logits(n)
    return State(z=z, target=y - 1, names=names[:n]), name_notices
