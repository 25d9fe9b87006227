"""Colours and chart styling shared by every figure.

The palette is Okabe & Ito's, safe for the common forms of colour blindness;
colour is never the only signal: the true class also carries a hatch pattern
and a text label.
"""

from __future__ import annotations

from typing import Any

TRUE_CLASS = "#E69F00"  # orange
OTHER_CLASS = "#0072B2"  # blue
ACCENT = "#D55E00"  # vermillion: the current point
NEUTRAL = "#7F7F7F"
TRUE_PATTERN = "/"

FONT_SIZE = 16
TITLE_SIZE = 18
CHART_HEIGHT = 380
#: From this many classes on, value labels are written vertically.
MANY_CLASSES = 6


def class_colours(n_classes: int, target: int) -> list[str]:
    return [TRUE_CLASS if i == target else OTHER_CLASS for i in range(n_classes)]


def base_layout(title: str, height: int = CHART_HEIGHT) -> dict[str, Any]:
    """Layout shared by all figures: readable fonts, no clutter, transparent for both themes."""
    return {
        "title": {"text": title, "font": {"size": TITLE_SIZE}, "x": 0.0, "xanchor": "left"},
        "font": {"size": FONT_SIZE},
        "xaxis": {"tickfont": {"size": FONT_SIZE - 1}, "title": {"font": {"size": FONT_SIZE}}},
        "yaxis": {"tickfont": {"size": FONT_SIZE - 2}, "title": {"font": {"size": FONT_SIZE}}},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
