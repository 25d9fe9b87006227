"""The app's charts as AppTest sees them: live charts (components/live), one components-v2 element each."""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest

COMPONENT = "softmax_live"


def _payload(element: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(element.proto.json)
    return data


def live_elements(at: AppTest, kind: str) -> list[Any]:
    """The live components of ``kind`` ("chart", "logits", "headline") on the page, in page order."""
    return [
        el
        for el in at.get("bidi_component")
        if el.proto.component_name == COMPONENT and _payload(el).get("kind") == kind
    ]


def charts(at: AppTest) -> list[Any]:
    """Every chart on the page (each is a live chart)."""
    return live_elements(at, "chart")


def chart_spec(chart: Any) -> dict[str, Any]:
    """The Plotly figure spec a live chart draws."""
    figure: dict[str, Any] = _payload(chart)["spec"]
    return figure


def payload(element: Any) -> dict[str, Any]:
    """Everything a live element was sent (kind, spec or sliders, follow, seq, ...)."""
    return _payload(element)
