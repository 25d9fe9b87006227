"""Figures as plain dictionaries: built without Plotly's validation, which costs more than the maths.

Plotly's object API validates every property on every call (``bench/rerun.py`` measured 8 to
11 ms a chart, against 0.5 ms for the dictionary). The builders write the figure's JSON
structure directly, in the canonical form Plotly.js reads (for example
``{"title": {"text": ...}}``, never the string shorthand); :func:`prebuilt` hands it to
``st.plotly_chart`` as it is. The tests check every builder against Plotly's schema
(:func:`validate`).
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import math
from typing import Any

import numpy as np
import plotly.graph_objects as go

Spec = dict[str, Any]


def merge(base: Spec, *updates: Spec) -> Spec:
    """A deep merge: nested dictionaries combine, anything else is replaced (inputs are not changed)."""
    result = copy.deepcopy(base)
    for update in updates:
        for key, value in update.items():
            if isinstance(value, dict) and isinstance(result.get(key), dict):
                result[key] = merge(result[key], value)
            else:
                result[key] = copy.deepcopy(value)
    return result


def title(text: str | None) -> Spec:
    return {"title": {"text": text}} if text is not None else {}


def hline(y: float, line: Spec, yref: str = "y") -> Spec:
    """A horizontal line across the plot at ``y`` (a layout shape)."""
    return {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": yref, "y0": y, "y1": y, "line": line}


def vline(x: float, line: Spec, xref: str = "x") -> Spec:
    return {"type": "line", "yref": "paper", "y0": 0, "y1": 1, "xref": xref, "x0": x, "x1": x, "line": line}


def finish(data: list[Spec], layout: Spec, frames: list[Spec] | None = None) -> Spec:
    spec: Spec = {"data": data, "layout": layout}
    if frames:
        spec["frames"] = frames
    return spec


class _Prebuilt(go.Figure):
    """A figure whose JSON is already written. ``st.plotly_chart`` asks a figure for
    ``to_dict()`` and serialises the answer; this one answers with its spec, unvalidated."""

    def __init__(self, spec: Spec) -> None:  # no super().__init__: nothing to validate or copy
        self._prebuilt_spec = spec

    def to_dict(self) -> Spec:
        return self._prebuilt_spec


def prebuilt(spec: Spec) -> go.Figure:
    return _Prebuilt(spec)


def validate(spec: Spec) -> go.Figure:
    """Plotly's full validation: raises on any property Plotly.js would not read."""
    return go.Figure(spec)


def typed_array(values: Any) -> Spec:
    """A numeric array as Plotly.js's typed-array form: float32, base64 (a quarter of the JSON text)."""
    arr = np.ascontiguousarray(values, dtype="<f4")
    spec: Spec = {"dtype": "f4", "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}
    if arr.ndim > 1:
        spec["shape"] = ", ".join(str(k) for k in arr.shape)
    return spec


def trace(kind: str, **props: Any) -> Spec:
    """A trace as a dictionary: ``trace("scatter", x=..., y=...)``."""
    return {"type": kind, **props}


def _axis_key(ref: str) -> str:
    """``"x2"`` → ``"xaxis2"``, ``"y"`` → ``"yaxis"``."""
    return ("xaxis" if ref[0] == "x" else "yaxis") + ref[1:]


def _canonical_axis(props: Spec) -> Spec:
    return {**props, **title(props["title"])} if isinstance(props.get("title"), str) else props


@functools.lru_cache(maxsize=32)
def _grid(key: str) -> tuple[Spec, dict[tuple[int, int], tuple[str, str]]]:
    from plotly.subplots import make_subplots

    grid = make_subplots(**json.loads(key))
    refs: dict[tuple[int, int], tuple[str, str]] = {}
    for r, row in enumerate(grid._grid_ref):  # plotly's only map from cells to axes
        for c, cell in enumerate(row):
            if cell:
                kwargs = cell[0].trace_kwargs
                refs[(r + 1, c + 1)] = (kwargs["xaxis"], kwargs["yaxis"])
    return grid.to_dict()["layout"], refs


class SpecFigure:
    """The few parts of ``go.Figure`` the builders use, writing a plain dictionary.

    Subplot grids come from ``make_subplots`` once per shape (cached): its layout (axis
    domains, subplot titles) and which axes each cell uses.
    """

    def __init__(self, **subplots: Any) -> None:
        self.data: list[Spec] = []
        self.frames: list[Spec] = []
        self.layout: Spec = {}
        self._refs: dict[tuple[int, int], tuple[str, str]] = {(1, 1): ("x", "y")}
        if subplots:
            layout, refs = _grid(json.dumps(subplots, sort_keys=True))
            self.layout, self._refs = copy.deepcopy(layout), refs

    def refs(self, row: int, col: int) -> tuple[str, str]:
        return self._refs[(row, col)]

    def add_trace(self, spec: Spec, row: int = 1, col: int = 1) -> None:
        x, y = self._refs[(row, col)]
        self.data.append({**spec, "xaxis": x, "yaxis": y} if (x, y) != ("x", "y") else spec)

    def update_layout(self, *updates: Spec, **props: Any) -> None:
        self.layout = merge(self.layout, *updates, props)

    def add_annotation(self, **props: Any) -> None:
        self.layout.setdefault("annotations", []).append(props)

    def add_shape(self, **props: Any) -> None:
        self.layout.setdefault("shapes", []).append(props)

    def update_annotations(self, **props: Any) -> None:
        self.layout["annotations"] = [merge(a, props) for a in self.layout.get("annotations", [])]

    def _update_axis(self, letter: str, row: int | None, col: int | None, props: Spec) -> None:
        cells = [self._refs[(row, col)]] if row is not None and col is not None else list(self._refs.values())
        for cell in cells:
            key = _axis_key(cell[0] if letter == "x" else cell[1])
            self.layout[key] = merge(self.layout.get(key, {}), _canonical_axis(props))

    def update_xaxes(self, row: int | None = None, col: int | None = None, **props: Any) -> None:
        self._update_axis("x", row, col, props)

    def update_yaxes(self, row: int | None = None, col: int | None = None, **props: Any) -> None:
        self._update_axis("y", row, col, props)

    def add_hline(
        self, y: float, line: Spec, annotation_text: str | None = None, annotation_position: str = "top right",
        row: int = 1, col: int = 1,
    ) -> None:  # fmt: skip
        xref, yref = self._refs[(row, col)]
        self.add_shape(**{**hline(y, line, yref), "xref": f"{xref} domain"})
        if annotation_text is not None:
            below = annotation_position.startswith("bottom")
            self.add_annotation(
                text=annotation_text, x=1, xref=f"{xref} domain", xanchor="right", y=y, yref=yref,
                yanchor="top" if below else "bottom", showarrow=False,
            )  # fmt: skip

    def add_vline(
        self, x: float, line: Spec, annotation_text: str | None = None, annotation_position: str = "top",
        log_x: bool = False,
    ) -> None:  # fmt: skip
        """A vertical line; on a log axis (``log_x``) shapes take the value, annotations its log10."""
        self.add_shape(**{**vline(x, line), "yref": "y domain"})
        if annotation_text is not None:
            bottom = annotation_position.startswith("bottom")
            self.add_annotation(
                text=annotation_text, x=math.log10(x) if log_x else x, xref="x", y=0 if bottom else 1, yref="y domain",
                xanchor="left" if annotation_position.endswith("right") else "center",
                yanchor="bottom", showarrow=False,
            )  # fmt: skip

    def add_vrect(
        self, x0: float, x1: float, fillcolor: str, opacity: float, annotation_text: str | None = None,
        annotation_position: str = "top left", annotation_font_size: float | None = None,
    ) -> None:  # fmt: skip
        self.add_shape(
            type="rect", x0=x0, x1=x1, xref="x", y0=0, y1=1, yref="y domain",
            fillcolor=fillcolor, opacity=opacity, line={"width": 0}, layer="below",
        )  # fmt: skip
        if annotation_text is not None:
            right = annotation_position.endswith("right")
            self.add_annotation(
                text=annotation_text, x=x1 if right else x0, xref="x", xanchor="right" if right else "left",
                y=1, yref="y domain", yanchor="top", showarrow=False,
                **({"font": {"size": annotation_font_size}} if annotation_font_size else {}),
            )  # fmt: skip

    def spec(self) -> Spec:
        return finish(self.data, self.layout, self.frames)
