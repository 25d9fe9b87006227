"""The network view's figures: decision regions (animated over training), learning curves, confusion matrices.

Numbers come from :func:`core.network.train` and :mod:`core.datasets`; these functions only draw them.

The decision regions are one heatmap per frame whose cells carry two things in one byte:
the predicted class ``c`` and how sure the network is, ``shade`` (0 to ``SHADES - 1``, from
``p = 1/K`` to ``p = 1``), as ``c · SHADES + shade``. A colour scale with one band per class,
from nearly transparent to the class's colour, turns that byte into "colour = class, depth =
probability"; sent as a typed array of unsigned bytes, a 100 × 100 frame is 13 KB of base64.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from components.render import theme
from components.render.numbers import fmt
from components.render.spec import Spec, SpecFigure, finish, merge, title, trace
from components.render.text import plotly_text
from core.datasets import Dataset
from core.network import DecisionGrid, Training

#: Okabe & Ito's palette (safe for colour-blind readers), one colour per class (at most 5); its orange
#: darkened as the theme's (#E69F00 is 2.2:1 on white), so that every class is at least 3:1 on both pages.
CLASS_COLOURS = ("#0072B2", theme.TRUE_CLASS, "#009E73", "#CC79A7", "#D55E00")
CLASS_RGB = tuple(tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in CLASS_COLOURS)
#: A marker shape per class: colour is never the only signal. Training points filled, test points hollow.
CLASS_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "star")
#: Depths of colour per class in the regions; the opacity runs from LOW_ALPHA (p = 1/K) to HIGH_ALPHA (p = 1).
SHADES = 50
LOW_ALPHA, HIGH_ALPHA = 0.04, 0.62
FRAME_MS = 140
REGIONS_HEIGHT = 660
CURVES_HEIGHT = 600
PICKED_HEIGHT = 420
#: The picked point's ring: white under black, visible on every region colour and in both themes.
RING_OUTER, RING_INNER = "#FFFFFF", "#000000"
#: Each point's rim, and the casing under a test point's hollow mark: the theme's text colour (dark on the
#: light page, light on the dark one), so a point stands out on the page and on every region, its own class's
#: included, where its colour alone would not (a blue ring on the deep blue region: 1.4:1).
POINT_RIM = theme.TEXT
TEST_SIZE, TEST_LINE, TEST_CASING = 10, 2, 3.5


def class_labels(n_classes: int) -> list[str]:
    """Classes as the legend names them, under its title "class": numbered from 1, short enough for a phone."""
    return [str(k + 1) for k in range(n_classes)]


def region_codes(predicted: NDArray[np.integer[Any]], probability: ArrayLike, n_classes: int) -> NDArray[np.uint8]:
    """``c · SHADES + shade`` per cell: the predicted class ``c`` and its probability mapped from [1/K, 1] to shades."""
    p = np.asarray(probability, dtype=np.float64)
    sure = (p - 1.0 / n_classes) / (1.0 - 1.0 / n_classes)
    shade = np.clip(np.rint(sure * (SHADES - 1)), 0, SHADES - 1).astype(np.uint8)
    codes: NDArray[np.uint8] = (np.asarray(predicted).astype(np.uint8) * SHADES + shade).astype(np.uint8)
    return codes


def decode_regions(codes: ArrayLike) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The inverse of :func:`region_codes`: (predicted class, shade) per cell."""
    c = np.asarray(codes, dtype=np.intp)
    return c // SHADES, c % SHADES


def u1_array(values: NDArray[np.uint8]) -> Spec:
    """An array of bytes in Plotly.js's typed-array form (``typed_array`` writes float32)."""
    arr = np.ascontiguousarray(values, dtype=np.uint8)
    spec: Spec = {"dtype": "u1", "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}
    if arr.ndim > 1:
        spec["shape"] = ", ".join(str(k) for k in arr.shape)
    return spec


def _rgba(k: int, alpha: float) -> str:
    r, g, b = CLASS_RGB[k]
    return f"rgba({r},{g},{b},{alpha:.3f})"


def region_colorscale(n_classes: int) -> list[list[float | str]]:
    """One band per class on ``[0, n_classes · SHADES - 1]``: faint where the network is unsure, deep where sure."""
    top = n_classes * SHADES - 1
    scale: list[list[float | str]] = []
    for k in range(n_classes):
        scale.append([k * SHADES / top, _rgba(k, LOW_ALPHA)])
        scale.append([(k * SHADES + SHADES - 1) / top, _rgba(k, HIGH_ALPHA)])
    return scale


def _regions_trace(grid: DecisionGrid, codes: NDArray[np.uint8], n_classes: int) -> Spec:
    return trace(
        "heatmap",
        z=u1_array(codes),
        x0=float(grid.x1[0]),
        dx=float(grid.x1[1] - grid.x1[0]),
        y0=float(grid.x2[0]),
        dy=float(grid.x2[1] - grid.x2[0]),
        zmin=0,
        zmax=n_classes * SHADES - 1,
        zsmooth=False,
        colorscale=region_colorscale(n_classes),
        showscale=False,
        hoverinfo="skip",
        name="decision regions",
    )


def point_traces(data: Dataset, labels: Sequence[str]) -> list[Spec]:
    """The points: per class, training points filled and test points hollow, each class its colour and shape."""
    traces: list[Spec] = []
    for k in range(data.n_classes):
        name = plotly_text(labels[k])
        for split, x, y, filled in (
            ("training", data.x_train, data.y_train, True),
            ("test", data.x_test, data.y_test, False),
        ):
            rows = np.flatnonzero(y == k)
            if split == "test" and rows.size == 0:
                continue
            symbol = CLASS_SYMBOLS[k] if filled else f"{CLASS_SYMBOLS[k]}-open"
            marker: Spec = {"symbol": symbol, "size": 8 if filled else TEST_SIZE, "color": CLASS_COLOURS[k]}
            marker["line"] = {"width": 1, "color": POINT_RIM} if filled else {"width": TEST_LINE}
            if not filled:
                casing = {"symbol": symbol, "size": TEST_SIZE, "color": POINT_RIM, "line": {"width": TEST_CASING}}
                traces.append(
                    trace("scatter", x=x[rows, 0].tolist(), y=x[rows, 1].tolist(), mode="markers", marker=casing,
                          name=f"{name} (casing)", showlegend=False, hoverinfo="skip")
                )  # fmt: skip
            traces.append(
                trace(
                    "scatter",
                    x=x[rows, 0].tolist(),
                    y=x[rows, 1].tolist(),
                    mode="markers",
                    marker=marker,
                    customdata=(rows + 1).tolist(),
                    name=name,
                    legendgroup=name,
                    showlegend=filled,
                    hovertemplate=f"{split} point %{{customdata}}, class {name}<br>(%{{x:.3f}}, %{{y:.3f}})"
                    "<extra></extra>",
                )
            )
    return traces


#: The regions keep x₁ and x₂ to one scale unless the points are far wider than tall (or taller than wide):
#: then the short side is stretched to this aspect ratio, and its axis says so.
MIN_ASPECT = 0.5


def _regions_layout(training: Training, title_text: str, height: int) -> Spec:
    x_lo, x_hi, y_lo, y_hi = training.bounds
    aspect = (y_hi - y_lo) / (x_hi - x_lo)
    stretch = (
        MIN_ASPECT / aspect if aspect < MIN_ASPECT else (1 / MIN_ASPECT) / aspect if aspect > 1 / MIN_ASPECT else 1
    )
    x_title, y_title = "x₁", "x₂"
    if stretch > 1:
        y_title = f"x₂ (stretched ×{stretch:.1f})"
    elif stretch < 1:
        x_title = f"x₁ (stretched ×{1 / stretch:.1f})"
    layout = theme.base_layout(title_text, height)
    return merge(
        layout,
        {
            # The title at the very top, the legend (which wraps on a phone) between it and the plot.
            "title": {"y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": 10}, "font": {"size": 15}},
            "xaxis": {
                **title(x_title), "range": [x_lo, x_hi], "fixedrange": True, "showgrid": False, "zeroline": False,
                "constrain": "domain", "constraintoward": "left",  # the regions fill the axis, under the legend
            },
            "yaxis": {
                **title(y_title), "range": [y_lo, y_hi], "fixedrange": True, "showgrid": False, "zeroline": False,
                "scaleanchor": "x", "scaleratio": stretch, "constrain": "domain",
                "constraintoward": "bottom",  # the x axis stays at the bottom, above the buttons, at any width
            },
            "showlegend": True,
            "legend": {
                "orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom", "font": {"size": theme.FONT_SIZE - 1},
                "title": {"text": "class", "font": {"size": theme.FONT_SIZE - 1}},
            },
            "margin": {"l": 50, "r": 10, "t": 90, "b": 50},  # room for a title and two rows of legend, also ×1.4
        },
    )  # fmt: skip


def frame_title(training: Training, s: int) -> str:
    """What frame ``s`` shows, in numbers: the step, the training loss and accuracy (and the test accuracy)."""
    text = (
        f"step {int(training.steps[s])}: loss {fmt(float(training.train_loss[s]), 3)}, "
        f"{100.0 * float(training.train_accuracy[s]):.0f}% right"
    )
    if training.test_accuracy is not None:
        text += f" (test {100.0 * float(training.test_accuracy[s]):.0f}%)"
    return text


def learning_animation(training: Training, data: Dataset, labels: Sequence[str] | None = None) -> Spec:
    """Decision regions at every snapshot as animation frames (▶ Play, ❚❚ Pause, a step scrubber), with the points.

    Frame ``s`` replaces the heatmap's ``z`` (trace 0) and the title; the points stay.
    """
    grid = training.grid
    if grid is None:
        raise ValueError("the training run has no decision grid (grid_resolution = 0)")
    k = training.n_classes
    labels = list(labels) if labels is not None else class_labels(k)
    codes = region_codes(grid.predicted, grid.probability, k)
    data_traces = [_regions_trace(grid, codes[0], k), *point_traces(data, labels)]
    names = [str(int(t)) for t in training.steps]
    layout = _regions_layout(training, frame_title(training, 0), REGIONS_HEIGHT)
    layout["margin"] = {**layout["margin"], "b": 150}  # the axis title, then ▶ Play / ❚❚ Pause, then the scrubber
    frames = [
        {
            "name": name,
            "data": [{"type": "heatmap", "z": u1_array(codes[s])}],
            "traces": [0],
            "layout": {"title": {**layout["title"], "text": frame_title(training, s)}},  # all of it: keeps its style
        }
        for s, name in enumerate(names)
    ]
    play = {"frame": {"duration": FRAME_MS, "redraw": True}, "transition": {"duration": 0}, "fromcurrent": True,
            "mode": "immediate"}  # fmt: skip
    layout["updatemenus"] = [
        {
            "type": "buttons", "direction": "left", "x": 0.0, "y": -0.17, "xanchor": "left", "yanchor": "top",
            "showactive": False, "pad": {"t": 0, "r": 10},
            "font": {"color": theme.TEXT}, "bgcolor": theme.PAGE, "bordercolor": theme.NEUTRAL,
            "buttons": [
                {"label": "▶ Play", "method": "animate", "args": [None, play]},
                {"label": "❚❚ Pause", "method": "animate",
                 "args": [[None], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}]},
            ],
        }
    ]  # fmt: skip
    layout["sliders"] = [
        {
            "active": 0, "x": 0.0, "len": 1.0, "y": -0.28, "yanchor": "top", "pad": {"t": 0},
            "currentvalue": {"visible": False},  # the title says the step and its numbers
            "font": {"color": "rgba(0,0,0,0)"},  # one tick per frame: too many labels to read
            "ticklen": 3, "tickcolor": theme.NEUTRAL,
            "bgcolor": theme.PAGE, "bordercolor": theme.TEXT, "borderwidth": 1.5, "activebgcolor": theme.ACCENT,
            "steps": [
                {"label": name, "method": "animate",
                 "args": [[name], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate",
                                   "transition": {"duration": 0}}]}
                for name in names
            ],
        }
    ]  # fmt: skip
    return finish(data_traces, layout, frames)


def picked_figure(
    training: Training, data: Dataset, index: int, snapshot: int, labels: Sequence[str] | None = None
) -> Spec:
    """The decision regions of one snapshot, with training point ``index`` (0-based) ringed and named."""
    grid = training.grid
    if grid is None:
        raise ValueError("the training run has no decision grid (grid_resolution = 0)")
    k = training.n_classes
    labels = list(labels) if labels is not None else class_labels(k)
    codes = region_codes(grid.predicted[snapshot], grid.probability[snapshot], k)
    x, y = (float(v) for v in data.x_train[index])
    ring = trace(
        "scatter",
        x=[x, x],
        y=[y, y],
        mode="markers",
        marker={
            "symbol": "circle-open",
            "size": [30, 26],
            "color": [RING_OUTER, RING_INNER],
            "line": {"width": [7, 3]},
        },
        hoverinfo="skip",
        showlegend=False,
        name="picked point",
    )
    step = int(training.steps[snapshot])
    heading = "after training" if snapshot == len(training.steps) - 1 else f"at step {step}"
    layout = _regions_layout(training, f"Training point {index + 1}, regions {heading}", PICKED_HEIGHT)
    layout["annotations"] = [
        {
            "x": x, "y": y, "text": f"point {index + 1}", "showarrow": True, "arrowhead": 0, "arrowwidth": 2,
            "arrowcolor": theme.TEXT, "ax": 40 if x < (training.bounds[0] + training.bounds[1]) / 2 else -40,
            "ay": -36 if y < (training.bounds[2] + training.bounds[3]) / 2 else 36,
            "bgcolor": "rgba(255,255,255,0.9)", "bordercolor": RING_INNER, "borderpad": 3,
            "font": {"color": RING_INNER, "size": theme.FONT_SIZE - 1},
        }
    ]  # fmt: skip
    return finish([_regions_trace(grid, codes, k), *point_traces(data, labels), ring], layout)


LAYER_DASHES = ("solid", "dash", "dot", "dashdot")
#: The confusion matrices' last column when some points tie at the top (no single class predicted).
TIE_COLUMN = "tie"


def layer_name(layer: int, n_layers: int) -> str:
    """Layer ``layer`` (0-based) as the page names it: 1 is next to the inputs, the last makes the logits."""
    return f"layer {layer + 1} (z)" if layer == n_layers - 1 else f"layer {layer + 1}"


def curves_figure(training: Training) -> Spec:
    """Loss (log scale) and accuracy, training and test, and the error signal ``‖δ_l‖`` of every layer (log scale)."""
    steps = training.steps.tolist()
    fig = SpecFigure(
        rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09,
        subplot_titles=["loss E (log scale)", "accuracy", "‖δ‖ per layer (log scale)"],
    )  # fmt: skip
    train_style = {"color": theme.OTHER_CLASS, "width": 3}
    test_style = {"color": theme.TRUE_CLASS, "width": 3, "dash": "dash"}
    series = [(1, "training", training.train_loss, train_style), (2, "training", training.train_accuracy, train_style)]
    if training.test_loss is not None and training.test_accuracy is not None:
        series += [(1, "test", training.test_loss, test_style), (2, "test", training.test_accuracy, test_style)]
    for row, name, values, style in series:
        fmt_y = "%{y:.4g}" if row == 1 else "%{y:.1%}"
        fig.add_trace(
            trace("scatter", x=steps, y=values.tolist(), mode="lines", line=style, name=name,
                  hovertemplate=f"{name}: {fmt_y} at step %{{x}}<extra></extra>"),
            row=row, col=1,
        )  # fmt: skip
        if row == 1 and values[-1] > 0.0:  # the lines are named at their ends: no legend to look up
            x_ref, y_ref = fig.refs(1, 1)
            fig.add_annotation(
                text=end_label(name, str(style["color"])), x=steps[-1], y=float(np.log10(values[-1])), xref=x_ref,
                yref=y_ref, xanchor="left", yshift=_label_shift(training, name), showarrow=False,
                font={"size": theme.FONT_SIZE - 3, "color": theme.TEXT},
            )  # fmt: skip
    n_layers = training.delta_norms.shape[1]
    shades = _layer_colours(n_layers)
    for layer in range(n_layers):
        name = layer_name(layer, n_layers)
        values = training.delta_norms[:, layer]
        positive = [float(v) if v > 0.0 else None for v in values]
        fig.add_trace(
            trace("scatter", x=steps, y=positive, mode="lines",
                  line={"color": shades[layer], "width": 3, "dash": LAYER_DASHES[(n_layers - 1 - layer) % 4]},
                  name=name, showlegend=False, hovertemplate=f"{name}: ‖δ‖ = %{{y:.3g}} at step %{{x}}<extra></extra>"),
            row=3, col=1,
        )  # fmt: skip
        last = positive[-1]
        if last is not None:
            x_ref, y_ref = fig.refs(3, 1)
            fig.add_annotation(
                text=end_label(name, shades[layer]), x=steps[-1], y=float(np.log10(last)), xref=x_ref, yref=y_ref,
                xanchor="left", showarrow=False, font={"size": theme.FONT_SIZE - 3, "color": theme.TEXT},
            )  # fmt: skip
    layout = theme.base_layout("Learning curves", CURVES_HEIGHT)
    layout["margin"] = {"l": 60, "r": 110, "t": 70, "b": 50}
    fig.update_layout(layout)
    fig.update_annotations(font={"size": theme.FONT_SIZE - 2})
    fig.update_xaxes(fixedrange=True, range=[0, steps[-1]])
    fig.update_xaxes(title="step", row=3, col=1)
    losses = [training.train_loss, *([training.test_loss] if training.test_loss is not None else [])]
    log_axis = {"type": "log", "exponentformat": "power", "dtick": "D2", "fixedrange": True}  # minor labels: 2, 5
    fig.update_yaxes(range=log_range(*losses), row=1, col=1, **log_axis)
    fig.update_yaxes(range=[0.0, 1.04], tickformat=".0%", tickvals=[0, 0.5, 1], fixedrange=True, row=2, col=1)
    fig.update_yaxes(range=log_range(training.delta_norms), row=3, col=1, **log_axis)
    fig.update_xaxes(tickfont={"size": theme.FONT_SIZE - 3})  # set on every axis, so that presenter mode scales it
    fig.update_yaxes(tickfont={"size": theme.FONT_SIZE - 3})
    return fig.spec()


def log_range(*values: np.ndarray, min_decades: float = 1.0) -> list[float] | None:
    """A log axis's range (in decades) for the positive ``values``, at least ``min_decades`` tall: a loss that
    hardly moves then looks flat, instead of filling the panel with its last digits."""
    positive = np.concatenate([np.ravel(v) for v in values])
    positive = positive[positive > 0.0]
    if positive.size == 0:
        return None
    lo, hi = float(np.log10(positive.min())), float(np.log10(positive.max()))
    pad = max(0.05 * (hi - lo), (min_decades - (hi - lo)) / 2.0)
    return [lo - pad, hi + pad]


def _label_shift(training: Training, name: str) -> int:
    """Pixels to move the end label of the training or test loss so that the two do not overlap."""
    if training.test_loss is None or training.train_loss[-1] <= 0.0 or training.test_loss[-1] <= 0.0:
        return 0
    gap = float(np.log10(training.test_loss[-1]) - np.log10(training.train_loss[-1]))
    if abs(gap) > 0.25:  # decades; the panel spans a few
        return 0
    higher = "test" if gap >= 0 else "training"
    return 8 if name == higher else -8


def end_label(name: str, colour: str) -> str:
    """A line's name at its end: a stroke in the line's colour, then the name in the theme's text colour
    (no one colour is 4.5:1 on both pages)."""
    return f'<span style="color:{colour}">━</span> {name}'


def _layer_colours(n_layers: int) -> list[str]:
    """One colour per layer (each at least 3:1 on both pages; the dashes tell them apart too), the logits'
    layer always vermillion."""
    if n_layers == 1:
        return [theme.ACCENT]
    palette = [theme.TRUE_CLASS, "#009E73", theme.OTHER_CLASS, theme.ACCENT]
    return palette[-n_layers:]


def confusion_figure(training: Training, labels: Sequence[str] | None = None) -> Spec:
    """``C[i, j]`` = points of true class ``i`` predicted as ``j`` (final weights): training and test side by side.

    Points whose largest output is shared by two or more classes are predicted as no single class: when
    there are any, a last column "tie" counts them (per true class), so every row still adds up to its class.
    """
    k = training.n_classes
    names = [plotly_text(label) for label in (labels if labels is not None else [str(c + 1) for c in range(k)])]
    panels = [("training points", training.confusion_train, training.ties_train)]
    if training.confusion_test is not None:
        ties_test = training.ties_test if training.ties_test is not None else np.zeros(k, dtype=np.int64)
        panels.append(("test points", training.confusion_test, ties_test))
    with_ties = any(int(ties.sum()) > 0 for _, _, ties in panels)
    columns = [*names, TIE_COLUMN] if with_ties else names
    fig = SpecFigure(rows=1, cols=len(panels), horizontal_spacing=0.16, subplot_titles=[name for name, _, _ in panels])
    for col, (name, single, ties) in enumerate(panels, start=1):
        counts = np.column_stack([single, ties]) if with_ties else single
        totals = np.maximum(counts.sum(axis=1, keepdims=True), 1)
        share = counts / totals
        text = [[str(int(v)) for v in row] for row in counts]
        fig.add_trace(
            trace(
                "heatmap", z=share.tolist(), x=columns, y=names, text=text, texttemplate="%{text}",
                textfont={"size": theme.FONT_SIZE}, colorscale=[[0.0, "#E8F0F7"], [1.0, "#0072B2"]],
                zmin=0.0, zmax=1.0, showscale=False, xgap=2, ygap=2,
                hovertemplate=f"{name}: %{{text}} of true class %{{y}} predicted as %{{x}}<extra></extra>",
            ),
            row=1, col=col,
        )  # fmt: skip
    layout = theme.base_layout("Confusion matrices after training", 320 + 30 * k)
    layout["margin"] = {"l": 60, "r": 10, "t": 70, "b": 60}
    fig.update_layout(layout)
    for col in range(1, len(panels) + 1):
        axis = {"type": "category", "fixedrange": True, "tickfont": {"size": theme.FONT_SIZE - 2}}
        fig.update_xaxes(row=1, col=col, title="predicted class", tickangle=0, **axis)
        fig.update_yaxes(row=1, col=col, title="true class" if col == 1 else None, autorange="reversed", **axis)
    fig.update_annotations(font={"size": theme.FONT_SIZE - 1})
    return fig.spec()
