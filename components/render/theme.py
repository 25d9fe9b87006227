"""Colours and chart styling shared by every figure.

The palette is Okabe & Ito's, safe for the common forms of colour blindness;
colour is never the only signal: the true class also carries a hatch pattern,
a heavier line and a text label.

Every colour that draws a line or a mark is at least 3:1 against both of
Streamlit's page backgrounds (white, and the dark theme's #171614), the WCAG 2.1
minimum for graphics (1.4.11); `tests/components/test_contrast.py` checks it.
No single colour can also give text 4.5:1 on both (1.4.3), so text takes the
theme's own colour: :data:`TEXT` and :data:`PAGE` are Streamlit's placeholders,
which its Plotly theme replaces in the browser with the active theme's colours.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

#: Okabe–Ito's orange, darkened from #E69F00 (2.2:1 on white) to reach 3.7:1 on white and 4.9:1 on dark.
TRUE_CLASS = "#B97700"
#: Okabe–Ito's bluish green: the strongest rival of the true class.
RIVAL_CLASS = "#009E73"
OTHER_CLASS = "#0072B2"  # blue
ACCENT = "#D55E00"  # vermillion: the current point
NEUTRAL = "#7F7F7F"
TRUE_PATTERN = "/"

#: Streamlit's Plotly theme replaces these placeholder colours with the active theme's colours
#: (``streamlit.elements.lib.streamlit_plotly_theme``: GRAY_90 and BG_COLOR), in the browser,
#: and again when the reader switches between light and dark.
TEXT = "#000037"  # the theme's body text: #262730 on light, #FAFAFA on dark
PAGE = "#000038"  # the theme's background: #FFFFFF on light, #171614 on dark
#: What the placeholders become in each theme (checked in the browser by tests/browser/test_flawless_browser.py).
THEMES: dict[str, dict[str, str]] = {
    "light": {TEXT: "#262730", PAGE: "#FFFFFF"},
    "dark": {TEXT: "#EDEBE8", PAGE: "#171614"},  # --st-text-color, as the live charts resolve it
}
#: Text drawn on top of a chart's own colours (a contour, a heatmap cell): white on a dark box.
LABEL_TEXT = "#FFFFFF"
LABEL_BOX = "#1B1A18"

FONT_SIZE = 16
TITLE_SIZE = 18
CHART_HEIGHT = 380
#: From this many classes on, value labels are written vertically.
MANY_CLASSES = 6


def class_colour(k: int, target: int, rival: int | None = None) -> str:
    """The true class amber, its strongest rival green, every other class blue."""
    if k == target:
        return TRUE_CLASS
    return RIVAL_CLASS if k == rival else OTHER_CLASS


def class_colours(n_classes: int, target: int, rival: int | None = None) -> list[str]:
    return [class_colour(k, target, rival) for k in range(n_classes)]


def class_line(k: int, target: int, rival: int | None = None) -> dict[str, Any]:
    """A class's line: the true class thick and solid, the rival medium and solid, the others thin and dashed."""
    if k == target:
        return {"color": TRUE_CLASS, "width": 4.5, "dash": "solid"}
    if k == rival:
        return {"color": RIVAL_CLASS, "width": 3, "dash": "solid"}
    return {"color": OTHER_CLASS, "width": 1.5, "dash": ["dot", "dash", "dashdot", "longdash"][k % 4]}


def axis_text() -> dict[str, Any]:
    """Tick labels and axis titles in the theme's text colour (Streamlit's own grey is 3.7:1 on white)."""
    return {"tickfont": {"color": TEXT}, "title": {"font": {"color": TEXT}}}


_AXIS_KEY = re.compile(r"^[xy]axis\d*$")


def themed_text(spec: dict[str, Any]) -> dict[str, Any]:
    """Give every axis of a figure (cartesian, ternary, colour bars) the theme's text colour and a readable
    size where it has none, in place, and return the figure: Streamlit's template would make them a grey
    of 3.7:1 on white, at 12 px."""
    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {}).setdefault("color", TEXT)
    axes = [value for key, value in layout.items() if _AXIS_KEY.match(key) and isinstance(value, dict)]
    ternary = layout.get("ternary")
    if isinstance(ternary, dict):
        axes += [ternary[key] for key in ("aaxis", "baxis", "caxis") if isinstance(ternary.get(key), dict)]
    axes += [t["colorbar"] for t in spec.get("data", []) if isinstance(t.get("colorbar"), dict)]
    for axis in axes:
        tickfont = axis.setdefault("tickfont", {})
        tickfont.setdefault("color", TEXT)
        tickfont.setdefault("size", FONT_SIZE - 2)
        axis_title = axis.setdefault("title", {})
        if isinstance(axis_title, dict):
            axis_title.setdefault("font", {}).setdefault("color", TEXT)
            axis_title["font"].setdefault("size", FONT_SIZE)
    return spec


def base_layout(title: str, height: int = CHART_HEIGHT) -> dict[str, Any]:
    """Layout shared by all figures: readable fonts, no clutter, transparent for both themes."""
    return {
        "title": {"text": title, "font": {"size": TITLE_SIZE}, "x": 0.0, "xanchor": "left"},
        "font": {"size": FONT_SIZE, "color": TEXT},
        "xaxis": {
            "tickfont": {"size": FONT_SIZE - 1, "color": TEXT},
            "title": {"font": {"size": FONT_SIZE, "color": TEXT}},
            "automargin": True,
        },
        "yaxis": {
            "tickfont": {"size": FONT_SIZE - 2, "color": TEXT},
            "title": {"font": {"size": FONT_SIZE, "color": TEXT}},
            "automargin": True,
        },
        "hoverlabel": {"font": {"size": FONT_SIZE - 1, "color": TEXT}},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }


# --- contrast (WCAG 2.1), to choose a legible text colour for a cell of a heatmap --------------------


def rgb(colour: str) -> tuple[float, float, float]:
    """``#RRGGBB`` or ``rgb(r, g, b)`` as three numbers from 0 to 255."""
    if colour.startswith("#") and len(colour) == 7:
        return tuple(float(int(colour[i : i + 2], 16)) for i in (1, 3, 5))  # type: ignore[return-value]
    match = re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*[\d.]+\s*)?\)", colour)
    if match is None:
        raise ValueError(f"not a colour: {colour!r}")
    return float(match[1]), float(match[2]), float(match[3])


def hex_colour(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(c):02X}" for c in (r, g, b))


def luminance(colour: str) -> float:
    """WCAG relative luminance: 0 for black, 1 for white."""

    def linear(c: float) -> float:
        c /= 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb(colour)
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio, from 1 (the same) to 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def scale_colour(scale: Sequence[tuple[float, str]], t: float) -> str:
    """The colour of a colorscale at ``t`` in [0, 1], interpolated in RGB as Plotly does."""
    t = min(max(t, 0.0), 1.0)
    for (t0, c0), (t1, c1) in itertools.pairwise(scale):
        if t <= t1:
            f = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            return hex_colour(*(a + f * (b - a) for a, b in zip(rgb(c0), rgb(c1), strict=True)))
    return scale[-1][1]


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour``."""
    return "#000000" if contrast("#000000", colour) >= contrast("#FFFFFF", colour) else "#FFFFFF"
