"""How things reach the screen: charts, captions and tables, in reading or presenter mode.

Presenter mode (the `present` toggle) is read from this session's state, never from a
module global, so one visitor's projector never enlarges another visitor's page.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from components.live import live_chart
from components.render import theme
from components.render.spec import Spec

#: Charts in presenter mode: fonts (and the margins and gaps that hold text) and heights grow by these factors.
PRESENTER_FONT_SCALE = 1.4
PRESENTER_HEIGHT_SCALE = 1.25
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}
#: Below this width (px) the projector shows one chart per row: two side by side would be too
#: narrow for presenter-size text (1024×768 and 1366×768 projectors, 1280×800 laptops).
PRESENTER_ONE_COLUMN_BELOW = 1500

#: Presenter mode, for a projector from 1024×768 to 1920×1080. Sizes grow with the viewport
#: (``clamp``) so that the same page fits both; nothing is cut: labels, badges and buttons wrap,
#: wide formulas scroll inside their box, and a chart is never taller than the screen.
PRESENTER_CSS = f"""
<style>
/* The header keeps the button that brings a collapsed sidebar back, but takes no room. */
header[data-testid="stHeader"] {{ background: transparent; pointer-events: none; }}
header[data-testid="stHeader"] button, header[data-testid="stHeader"] a {{ pointer-events: auto; }}
/* A narrower sidebar on a small projector, a larger one (everything in it scaled) on a large one. */
@media (min-width: 768px) {{
  section[data-testid="stSidebar"][data-collapsed="false"] {{
    width: clamp(15rem, 20vw, 25rem) !important; min-width: 0 !important; max-width: none !important;
  }}
}}
@media (min-width: 1600px) {{ [data-testid="stSidebarUserContent"] {{ zoom: 1.3; }} }}
.stMainBlockContainer {{ max-width: 100%; padding: 1.25rem clamp(1rem, 2.5vw, 3rem) 3rem; }}
.stMainBlockContainer [data-testid="stMarkdown"] p,
.stMainBlockContainer [data-testid="stMarkdown"] li {{ font-size: clamp(1.15rem, 1.3vw, 1.45rem); line-height: 1.45; }}
.stMainBlockContainer .katex-display {{ overflow-x: auto; overflow-y: hidden; }}
.stMainBlockContainer .katex-display .katex {{ font-size: clamp(1.2em, 0.4em + 1.1vw, 1.65em); }}
.stMainBlockContainer h1 {{ font-size: clamp(1.8rem, 2.8vw, 3.1rem); }}
.stMainBlockContainer h2, .stMainBlockContainer h3 {{ font-size: clamp(1.5rem, 1.9vw, 2.3rem); }}
.stMainBlockContainer h4 {{ font-size: clamp(1.3rem, 1.5vw, 1.8rem); }}
.stMainBlockContainer [data-testid="stMetricValue"], .stMainBlockContainer [data-testid="stMetricValue"] p,
.stMainBlockContainer [data-testid="stMetricValue"] div {{ font-size: clamp(2.2rem, 3vw, 3.4rem); line-height: 1.2; }}
@media (min-width: 1800px) {{
  .stMainBlockContainer [data-testid="stMetricValue"], .stMainBlockContainer [data-testid="stMetricValue"] p,
  .stMainBlockContainer [data-testid="stMetricValue"] div {{ font-size: 3.4rem; }}
}}
.stMainBlockContainer [data-testid="stMetricLabel"] p,
.stMainBlockContainer [data-testid="stMetricDelta"] p {{ font-size: clamp(1.1rem, 1.3vw, 1.45rem); }}
/* Metric labels, the verdict badge and button labels wrap rather than end in "…". */
.stMainBlockContainer [data-testid="stMetricLabel"] *, .stMainBlockContainer [data-testid="stMetricDelta"] *,
.stMainBlockContainer [data-testid="stButton"] p {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
.stMainBlockContainer [data-testid="stMetricDelta"] {{ height: auto; max-width: 100%; }}
.stTabs [data-testid="stTab"] p {{ font-size: clamp(1.2rem, 1.4vw, 1.5rem); }}
.stMainBlockContainer [data-testid="stTable"] :is(td, th) {{ font-size: clamp(1rem, 1.1vw, 1.3rem); }}
/* Widgets in the page: the same widget, drawn larger (the value above a slider stays above its track). */
.stMainBlockContainer [data-testid="stSlider"], .stMainBlockContainer [data-testid="stSelectbox"],
.stMainBlockContainer [data-testid="stButton"], .stMainBlockContainer [data-testid="stRadio"] {{ zoom: 1.15; }}
@media (min-width: 1600px) {{
  .stMainBlockContainer [data-testid="stSlider"], .stMainBlockContainer [data-testid="stSelectbox"],
  .stMainBlockContainer [data-testid="stButton"], .stMainBlockContainer [data-testid="stRadio"] {{ zoom: 1.35; }}
}}
/* One chart per row on a small projector; a chart never taller than the screen. */
@media (max-width: {PRESENTER_ONE_COLUMN_BELOW - 1}px) {{
  .stMainBlockContainer [data-testid="stHorizontalBlock"]:has(.stPlotlyChart, .sxl-chart) {{ flex-wrap: wrap; }}
  .stMainBlockContainer [data-testid="stHorizontalBlock"]:has(.stPlotlyChart, .sxl-chart) > [data-testid="stColumn"] {{
    flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important;
  }}
}}
.stMainBlockContainer .stElementContainer:has(> .stPlotlyChart),
.stMainBlockContainer .stPlotlyChart {{ max-height: calc(100vh - 1.5rem); }}
</style>
"""


def presenting() -> bool:
    return bool(st.session_state.get("present", False))


#: Room kept for the sidebar's widgets before their code has loaded: Streamlit shows a 40-px
#: placeholder for a widget until the widget's JavaScript chunk arrives, and each one grew and pushed
#: the sidebar down as it loaded (the live headline keeps its own room: components/live/component.py;
#: with both, Explore's layout shift on load went from 0.37 to 0.03 at 1280 x 800, measured by
#: tests/browser/test_flawless_browser.py). The heights are the drawn ones at the default sidebar
#: width (300 px); a widget taller than its room (10 classes' radio buttons) still grows, from there.
PAGE_CSS = """
<style>
section[data-testid="stSidebar"] :is(.st-key-n, .st-key-y, .st-key-z1, .st-key-z2, .st-key-z3, .st-key-z4,
  .st-key-z5, .st-key-z6, .st-key-z7, .st-key-z8, .st-key-z9, .st-key-z10) { min-height: 68px; }
section[data-testid="stSidebar"] .st-key-names { min-height: 89px; }
section[data-testid="stSidebar"] .st-key-preset { min-height: 168px; }
</style>
"""

#: In presenter mode the sidebar's width follows the screen, and the presets' pills wrap differently.
PRESENTER_ROOM_CSS = """
<style>
section[data-testid="stSidebar"] .st-key-preset { min-height: 0; }
</style>
"""


def apply_presenter_style() -> None:
    """The page's own CSS (one element): room for what loads late, and presenter mode's styles.

    Call it last: it goes at the foot of the sidebar. Until Streamlit's Markdown code has loaded,
    every Markdown element is a 24-px placeholder; there it pushes nothing down as it goes (at the
    top of the page the whole page moved up by 24 px on load). Its styles apply from the moment
    that code has loaded, wherever the element is.
    """
    st.sidebar.markdown(PAGE_CSS + (PRESENTER_CSS + PRESENTER_ROOM_CSS if presenting() else ""), unsafe_allow_html=True)


def _scale_fonts(node: Any, factor: float, done: set[int] | None = None) -> None:
    """Multiply every font size in a figure dictionary (layout, traces, frames, annotations), each
    font once even where one dictionary is shared by several parts of the figure."""
    done = set() if done is None else done
    if isinstance(node, dict):
        for key, value in node.items():
            sized = key.endswith("font") and isinstance(value, dict) and isinstance(value.get("size"), int | float)
            if sized and id(value) not in done:
                done.add(id(value))
                value["size"] = round(value["size"] * factor, 1)
            _scale_fonts(value, factor, done)
    elif isinstance(node, list):
        for item in node:
            _scale_fonts(item, factor, done)


def _scale_pixels(box: Any, factor: float) -> None:
    """Multiply the pixel sizes of a margin or pad dictionary (they hold text, which grows)."""
    if isinstance(box, dict):
        for side in ("l", "r", "t", "b"):
            if isinstance(box.get(side), int | float):
                box[side] = round(box[side] * factor)


def for_projector(fig: Spec) -> Spec:
    """The figure with larger fonts, and more room for them, and more height (a copy).

    Margins and the pads of buttons and sliders hold text, so they grow with the fonts: the
    step scrubber starts where the larger Play and Pause buttons end.
    """
    spec: Spec = copy.deepcopy(fig)
    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {}).setdefault("size", 16)
    _scale_fonts(spec, PRESENTER_FONT_SCALE)
    _scale_pixels(layout.get("margin"), PRESENTER_FONT_SCALE)
    for control in [*layout.get("updatemenus", []), *layout.get("sliders", [])]:
        _scale_pixels(control.get("pad"), PRESENTER_FONT_SCALE)
    for annotation in layout.get("annotations", []):
        for offset in ("ax", "ay", "xshift", "yshift"):
            if isinstance(annotation.get(offset), int | float):
                annotation[offset] = round(annotation[offset] * PRESENTER_FONT_SCALE)
    if isinstance(layout.get("height"), int | float):
        layout["height"] = round(layout["height"] * PRESENTER_HEIGHT_SCALE)
    return spec


def prepare(fig: Spec, presenter: bool) -> Spec:
    """The figure as it is sent: text in the theme's colour, and enlarged on the projector."""
    spec = theme.themed_text(fig)
    return for_projector(spec) if presenter else spec


def _title(fig: Spec) -> str:
    title = fig.get("layout", {}).get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return text if isinstance(text, str) else ""


def show_chart(fig: Spec, key: str, follow: str | None = None) -> None:
    """Send a figure spec to the browser, enlarged on the projector, drawn by the live chart: a rerun
    updates it in place (``Plotly.react``: no blank frame, zoom and pan kept, animation frames kept).

    ``follow``: ``"p"``, ``"grad"`` or ``"loss"`` for the Explore charts that follow the live logit
    sliders while a hand moves them (see components/live).
    """
    live_chart(prepare(fig, presenting()), key=key, follow=follow, label=_title(fig))


def caption(text: str) -> None:
    """A reading aid under a chart or formula; left out on the projector."""
    if not presenting():
        st.caption(text)


def reading(text: str) -> None:
    """Markdown for reading (a view's opening sentences, a chart told in words); left out on the projector."""
    if not presenting():
        st.markdown(text)


def table(frame: pd.DataFrame | Mapping[str, Sequence[str]]) -> None:
    """A table of numbers; left out on the projector, where the charts say it larger.

    Columns of text (a mapping) go to the browser as an Arrow table built directly: 0.15 ms,
    where a DataFrame costs 2 ms on every rerun to convert.
    """
    if presenting():
        return
    if isinstance(frame, pd.DataFrame):
        st.table(frame, hide_index=True)
    else:
        st.table(
            pa.table({name: pa.array(list(column), pa.string()) for name, column in frame.items()}), hide_index=True
        )
