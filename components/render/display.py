"""How things reach the screen: charts, captions and tables, in reading or presenter mode.

Presenter mode (the `present` toggle) is read from this session's state, never from a
module global, so one visitor's projector never enlarges another visitor's page.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import streamlit as st

from components.render.spec import Spec, prebuilt

#: Charts in presenter mode: fonts and heights grow by these factors.
PRESENTER_FONT_SCALE = 1.4
PRESENTER_HEIGHT_SCALE = 1.25
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}

PRESENTER_CSS = """
<style>
.stMainBlockContainer { max-width: 100%; padding-left: 2.5rem; padding-right: 2.5rem; padding-top: 2rem; }
.stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.45rem; line-height: 1.5; }
.stMainBlockContainer .katex-display .katex { font-size: 1.65em; }
.stMainBlockContainer h1 { font-size: 3.1rem; }
.stMainBlockContainer h2, .stMainBlockContainer h3 { font-size: 2.3rem; }
.stMainBlockContainer [data-testid="stMetricValue"], .stMainBlockContainer [data-testid="stMetricValue"] p,
.stMainBlockContainer [data-testid="stMetricValue"] div { font-size: 3.4rem; line-height: 1.2; }
.stMainBlockContainer [data-testid="stMetricLabel"] p,
.stMainBlockContainer [data-testid="stMetricDelta"] p { font-size: 1.45rem; }
.stTabs [data-baseweb="tab"] p { font-size: 1.5rem; }
header[data-testid="stHeader"] { display: none; }
</style>
"""


def presenting() -> bool:
    return bool(st.session_state.get("present", False))


def apply_presenter_style() -> None:
    if presenting():
        st.html(PRESENTER_CSS)


def _scale_fonts(node: Any, factor: float) -> None:
    """Multiply every font size in a figure dictionary (layout, traces, frames, annotations)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and isinstance(value.get("size"), int | float):
                value["size"] = round(value["size"] * factor, 1)
            _scale_fonts(value, factor)
    elif isinstance(node, list):
        for item in node:
            _scale_fonts(item, factor)


def for_projector(fig: Spec) -> Spec:
    """The figure with larger fonts and more height (a copy)."""
    spec: Spec = copy.deepcopy(fig)
    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {}).setdefault("size", 16)
    _scale_fonts(spec, PRESENTER_FONT_SCALE)
    if isinstance(layout.get("height"), int | float):
        layout["height"] = round(layout["height"] * PRESENTER_HEIGHT_SCALE)
    return spec


def show_chart(fig: Spec, key: str) -> None:
    """Send a figure spec to the browser as it is, enlarged on the projector."""
    st.plotly_chart(prebuilt(for_projector(fig) if presenting() else fig), config=PLOT_CONFIG, key=key)


def caption(text: str) -> None:
    """A reading aid under a chart or formula; left out on the projector."""
    if not presenting():
        st.caption(text)


def table(frame: pd.DataFrame) -> None:
    """A table of numbers; left out on the projector, where the charts say it larger."""
    if not presenting():
        st.table(frame, hide_index=True)
