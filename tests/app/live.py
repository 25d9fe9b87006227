"""The app's charts as AppTest sees them: live charts (components/live), one components-v2 element each."""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest

COMPONENT = "softmax_live"


def _payload(element: Any) -> dict[str, Any]:
    # components/live sends its data as JSON bytes (orjson); json.loads reads bytes as UTF-8
    data: dict[str, Any] = json.loads(element.proto.bytes or element.proto.json)
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


def headline(at: AppTest) -> dict[str, tuple[str, str, str]]:
    """The live headline as it is drawn: label → (value, the line under it, tooltip), plain text."""
    found = live_elements(at, "headline")
    assert len(found) == 1, f"{len(found)} headlines on the page"
    data = _payload(found[0])
    text = data["text"]
    true_label = data["labels"][data["target"]]
    return {
        "Cross-entropy loss E": (text["loss"], "", ""),
        f"p of the true class ({true_label})": (text["p_true"], "", ""),
        "Network predicts": (text["value"], text["under"], text["why"]),
    }
