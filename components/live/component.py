"""The live components: Python's side of ``frontend/live.js`` (a Streamlit components-v2 component).

Three kinds share one registered component and one JavaScript module:

* :func:`live_chart`: a Plotly figure updated in place on every rerun (``Plotly.react``
  with a short transition, never removed: no blank frame, zoom and pan kept). With
  ``follow`` it also draws the in-between states of a group's logits while a hand
  moves a slider, computed in the browser (``frontend/softmax.js``, the twin of ``core``).
* :func:`live_headline`: the loss, p of the true class and the prediction, as text
  (never HTML); follows like a chart.
* :func:`live_logits`: one compact slider per logit. It commits the values to Python
  on release or after a 150 ms pause (a trigger); ``on_commit`` then stores them
  where the page keeps its state, and the rerun draws core's numbers.

Every instance needs a stable ``key``: a keyed v2 component keeps its identity when
its data change (``key_as_main_identity``), so Streamlit keeps the element and calls
the module again with the new data, and the module updates what it drew.

``seq`` counts commits: Python answers commit ``seq`` with figures for those logits;
an instance whose hand is ahead (a newer ``seq``) keeps drawing the browser's numbers
until Python's answer for it arrives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import streamlit as st

from components.live import assets

_COMPONENT = st.components.v2.component("softmax_live", js=assets.stub_js(), isolate_styles=False)

Spec = dict[str, Any]

#: The room kept for the live headline (px) until live.js has drawn it, so that nothing below jumps
#: on load: its height as drawn (live.css) in a browser window, and in presenter mode on a 1024-px
#: projector. Once drawn it takes its own height (on a phone, where its labels wrap, 126 px).
HEADLINE_HEIGHT = 91
HEADLINE_HEIGHT_PRESENT = 100


def _mount(
    key: str, data: Mapping[str, Any], on_commit: Callable[[], None] | None = None, height: int | None = None
) -> Any:
    assets.declare()  # serve the files from this run's server (each runtime has its own registry)
    size: dict[str, Any] = {"height": height} if height is not None else {}
    # The data go as JSON bytes written by orjson: Streamlit forwards bytes as they are and hashes them
    # for the element's identity, where a dict would be written twice by the stdlib's json (once
    # sorted, for the identity): 1.1 ms each for the loss curve, on every rerun. live.js parses them.
    payload = orjson.dumps(dict(data), option=orjson.OPT_SERIALIZE_NUMPY)
    if on_commit is None:
        return _COMPONENT(key=key, data=payload, **size)
    return _COMPONENT(key=key, data=payload, on_commit_change=on_commit, **size)


def seq_key(group: str) -> str:
    return f"_live_seq_{group}"


def live_seq(group: str) -> int:
    """The last commit of ``group``'s sliders that Python has applied (0 before any)."""
    return int(st.session_state.get(seq_key(group), 0))


def live_chart(spec: Spec, *, key: str, follow: str | None = None, group: str = "explore", label: str = "") -> None:
    """Draw a Plotly figure spec, updated in place on reruns.

    ``follow``: ``"p"``, ``"grad"`` or ``"loss"`` — the figure is that builder's of
    ``components/charts.py`` and follows ``group``'s logits while they move.
    ``label``: the chart's text alternative (``aria-label``).
    """
    data = {"kind": "chart", "spec": spec, "follow": follow, "group": group, "seq": live_seq(group), "label": label}
    # The chart's height is reserved before Plotly.js has loaded, so nothing below it jumps on load.
    height = spec.get("layout", {}).get("height")
    _mount(key, data, height=int(height) if isinstance(height, int | float) else None)


@dataclass(frozen=True)
class Headline:
    """The numbers of the headline, formatted by Python (components.numbers) from core's values, and
    the prediction in words (components.content.prediction.plain_verdict): all plain text."""

    loss: str
    p_true: str
    target: int
    predicted: int
    labels: tuple[str, ...]  # class names as plain text
    verdict: tuple[str, str, str]  # the prediction, the line under it, its tooltip
    tone: str  # "right", "wrong" or "tie": the line's colour
    named: tuple[bool, ...]  # which classes have a name of their own (else "Class i")


def live_headline(headline: Headline, *, key: str, group: str = "explore", present: bool = False) -> None:
    """The loss, p of the true class and the prediction, drawn as text (never HTML). While a hand moves
    the group's logits it shows the browser's numbers (``softmax.js``), then Python's again."""
    value, under, why = headline.verdict
    data = {
        "kind": "headline",
        "group": group,
        "seq": live_seq(group),
        "text": {"loss": headline.loss, "p_true": headline.p_true, "value": value, "under": under, "why": why},
        "tone": headline.tone,
        "target": headline.target,
        "predicted": headline.predicted,
        "labels": list(headline.labels),
        "named": list(headline.named),
        "present": present,
    }
    # Its height is reserved before live.js has loaded (as a chart's), so nothing below it jumps on load.
    _mount(key, data, height=HEADLINE_HEIGHT_PRESENT if present else HEADLINE_HEIGHT)


@dataclass(frozen=True)
class Sliders:
    """The logit sliders: their values, range and step, and what multiplies them into logits."""

    values: tuple[float, ...]
    low: float = -10.0
    high: float = 10.0
    step: float = 0.1
    decimals: int = 2
    scale: float = 1.0

    def check(self, raw: object) -> tuple[float, ...] | None:
        """Values sent by the browser: as many as there are sliders, finite, within range; else None.

        Not snapped to the step: a slider the hand did not touch keeps its value (ln 3 stays ln 3).
        """
        if not isinstance(raw, list | tuple) or len(raw) != len(self.values):
            return None
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in raw):
            return None
        return tuple(min(max(float(v), self.low), self.high) + 0.0 for v in raw)


def live_logits(
    sliders: Sliders,
    *,
    target: int,
    labels: Sequence[str],
    key: str,
    on_commit: Callable[[tuple[float, ...]], None],
    group: str = "explore",
    present: bool = False,
) -> None:
    """One slider per logit, beside the charts that follow them.

    ``labels``: what each slider is called (user text is shown as text only).
    ``on_commit(values)`` runs as a callback, before the script, when the hand stops:
    store the slider values where the page keeps them (session state, the URL).
    """

    def committed() -> None:
        event = st.session_state[key].get("commit")
        if not isinstance(event, dict) or not isinstance(event.get("seq"), int):
            return
        values = sliders.check(event.get("sliders"))
        if values is None:
            return
        st.session_state[seq_key(group)] = event["seq"]
        on_commit(values)

    data = {
        "kind": "logits",
        "group": group,
        "seq": live_seq(group),
        "n": len(sliders.values),
        "sliders": list(sliders.values),
        "low": sliders.low,
        "high": sliders.high,
        "step": sliders.step,
        "decimals": sliders.decimals,
        "scale": sliders.scale,
        "target": target,
        "labels_short": list(labels),
        "group_label": "Logits z (the inputs of the softmax)",
        "present": present,
    }
    _mount(key, data, on_commit=committed)
