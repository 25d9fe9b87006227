"""Annotated heatmaps of the Layers view: a small grid of numbers, each cell coloured and written in.

Colour runs from blue (negative) through light grey (0) to orange (positive), symmetric about 0,
so a 0 gradient reads as "nothing" in both themes. The number in each cell is written in black or
white, whichever contrasts more with that cell's colour (WCAG contrast, at least 4.5:1 on any cell
of this scale), so it is readable in the light and the dark theme alike. Marks (a window, the cell
a window's gradient goes to) are outlines and words in the cell, never colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from numpy.typing import ArrayLike

from components.render import theme
from components.render.numbers import ROUNDING_ZERO, fmt
from components.render.spec import Spec, finish, merge
from core.layer_examples import MaxPoolExample

NEGATIVE, MIDDLE, POSITIVE = theme.OTHER_CLASS, "#F2F2F2", theme.TRUE_CLASS
COLORSCALE = [[0.0, NEGATIVE], [0.5, MIDDLE], [1.0, POSITIVE]]
DARK_TEXT, LIGHT_TEXT = "#000000", "#FFFFFF"
#: A marked cell's number sits on a white label with a black border (contrast 21:1).
MARK_BACKGROUND, MARK_BORDER = "#FFFFFF", "#000000"
CELL_DIGITS = 3
CELL_FONT = 14
#: A cell's note ("max", "tie", "dropped") in smaller type under its number (relative: it follows presenter mode).
NOTE_OPEN = '<span style="font-size:0.8em">'
ROW_HEIGHT = 50
#: Max-pool windows, in row-major order: outline colour and dash (light Okabe-Ito colours; the dash
#: tells them apart without colour), each drawn over a wider black casing. The casing stands out on
#: every cell (at least 4:1, on the deepest blue) and the light line on the dark page; a white casing
#: under dark lines was under 3:1 on the mid-blue and mid-amber cells, where both are as light.
WINDOW_STYLES = (("#FFFFFF", "solid"), ("#E69F00", "dash"), ("#56B4E9", "dot"), ("#CC79A7", "dashdot"))
WINDOW_CASING = "#000000"

RGB = tuple[float, float, float]


# ----------------------------------------------------------------------------- colour and contrast


def hex_rgb(colour: str) -> RGB:
    """``"#0072B2"`` → ``(0, 114, 178)``."""
    text = colour.lstrip("#")
    return float(int(text[0:2], 16)), float(int(text[2:4], 16)), float(int(text[4:6], 16))


def colour_at(t: float) -> RGB:
    """The colour of the scale at ``t`` in [0, 1], interpolated per sRGB channel as Plotly.js does."""
    t = min(max(t, 0.0), 1.0)
    stops = [(float(pos), hex_rgb(str(c))) for pos, c in COLORSCALE]
    for (t0, c0), (t1, c1) in pairwise(stops):
        if t <= t1:
            w = (t - t0) / (t1 - t0)
            return c0[0] + w * (c1[0] - c0[0]), c0[1] + w * (c1[1] - c0[1]), c0[2] + w * (c1[2] - c0[2])
    return stops[-1][1]


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour (channels 0-255)."""

    def linear(channel: float) -> float:
        c = channel / 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio, from 1 (same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: RGB) -> str:
    """Black or white text, whichever contrasts more with ``background``."""
    dark = contrast_ratio(background, hex_rgb(DARK_TEXT))
    light = contrast_ratio(background, hex_rgb(LIGHT_TEXT))
    return DARK_TEXT if dark >= light else LIGHT_TEXT


def scale_position(value: float, limit: float) -> float:
    """Where ``value`` sits on the colour scale running from ``-limit`` to ``limit``."""
    return 0.5 + 0.5 * value / limit


# ----------------------------------------------------------------------------- the heatmap


def shown_values(values: ArrayLike, zero_scale: float | None = None) -> np.ndarray:
    """The values as drawn: a 2-D float array; with ``zero_scale``, sums that are 0 up to float64
    rounding of terms that size are drawn as 0 (their colour and their number)."""
    grid = np.atleast_2d(np.asarray(values, dtype=np.float64)).copy()
    if zero_scale is not None:
        grid[np.abs(grid) <= ROUNDING_ZERO * max(zero_scale, 1e-300)] = 0.0
    return grid


def cell_text(value: float) -> str:
    """The number written in a cell."""
    return fmt(value, CELL_DIGITS)


def heatmap(
    values: ArrayLike,
    title: str,
    *,
    notes: Sequence[Sequence[str]] | None = None,
    marked: ArrayLike | None = None,
    shapes: Sequence[Spec] = (),
    zero_scale: float | None = None,
    row_labels: Sequence[str] | None = None,
    col_labels: Sequence[str] | None = None,
) -> Spec:
    """A grid as an annotated heatmap, row 1 at the top.

    ``notes[r][c]`` adds a second line to a cell ("max", "tie", "x = 0"); ``marked`` cells carry
    their number on a white, black-bordered label; ``shapes`` are drawn over the cells (axis
    units: cell ``(r, c)`` spans ``c ± 0.5``, ``r ± 0.5``).
    """
    grid = shown_values(values, zero_scale)
    rows, cols = grid.shape
    limit = float(np.max(np.abs(grid)))
    limit = limit if limit > 0.0 else 1.0
    marks = np.zeros(grid.shape, dtype=bool) if marked is None else np.atleast_2d(np.asarray(marked, dtype=bool))
    row_names = list(row_labels) if row_labels is not None else [str(r + 1) for r in range(rows)]
    col_names = list(col_labels) if col_labels is not None else [str(c + 1) for c in range(cols)]
    annotations: list[Spec] = []
    for r, c in np.ndindex(grid.shape):
        value = float(grid[r, c])
        note = notes[r][c] if notes is not None else ""
        text = cell_text(value) + (f"<br>{NOTE_OPEN}{note}</span>" if note else "")
        annotation: Spec = {
            "x": c, "y": r, "xref": "x", "yref": "y", "text": text, "showarrow": False,
            "font": {"size": CELL_FONT, "color": text_colour(colour_at(scale_position(value, limit)))},
        }  # fmt: skip
        if marks[r, c]:
            annotation["font"] = {"size": CELL_FONT, "color": DARK_TEXT}
            annotation.update(bgcolor=MARK_BACKGROUND, bordercolor=MARK_BORDER, borderwidth=2, borderpad=2)
        annotations.append(annotation)
    hover = [[f"row {row_names[r]}, column {col_names[c]}" for c in range(cols)] for r in range(rows)]
    trace = {
        "type": "heatmap",
        "z": grid.tolist(),
        "x": list(range(cols)),
        "y": list(range(rows)),
        "customdata": hover,
        "hovertemplate": "%{customdata}: %{z:.6g}<extra></extra>",
        "colorscale": COLORSCALE,
        "zmin": -limit,
        "zmax": limit,
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
    }
    axis = {"showgrid": False, "zeroline": False, "fixedrange": True, "ticks": ""}
    layout = merge(
        theme.base_layout(title, height=rows * ROW_HEIGHT + 80),
        {
            "xaxis": {**axis, "tickvals": list(range(cols)), "ticktext": col_names, "range": [-0.5, cols - 0.5]},
            "yaxis": {**axis, "tickvals": list(range(rows)), "ticktext": row_names, "range": [rows - 0.5, -0.5]},
            "margin": {"l": 40, "r": 10, "t": 46, "b": 30},
            "annotations": annotations,
            "shapes": list(shapes),
        },
    )
    return finish([trace], layout)


def outline(r0: float, c0: float, r1: float, c1: float, colour: str, dash: str, inset: float = 0.0) -> list[Spec]:
    """A rectangle around cells ``r0..r1`` x ``c0..c1`` (inclusive): a coloured line over a black casing."""
    box = {
        "type": "rect", "xref": "x", "yref": "y",
        "x0": c0 - 0.5 + inset, "x1": c1 + 0.5 - inset, "y0": r0 - 0.5 + inset, "y1": r1 + 0.5 - inset,
    }  # fmt: skip
    return [
        {**box, "line": {"color": WINDOW_CASING, "width": 6}},
        {**box, "line": {"color": colour, "width": 3, "dash": dash}},
    ]


# ----------------------------------------------------------------------------- max pooling


def window_name(i: int, j: int) -> str:
    return f"window ({i + 1}, {j + 1})"


def window_shapes(ex: MaxPoolExample) -> list[Spec]:
    """Every window's outline on the input grid, each a little further inside than the one before,
    so the edges of overlapping windows stay apart."""
    shapes: list[Spec] = []
    for w, (i, j) in enumerate(np.ndindex(ex.out.shape)):
        r0, c0 = ex.window(i, j)
        colour, dash = WINDOW_STYLES[w % len(WINDOW_STYLES)]
        shapes += outline(r0, c0, r0 + ex.kernel - 1, c0 + ex.kernel - 1, colour, dash, inset=0.04 + 0.06 * w)
    return shapes


def output_cell_shapes(shape: tuple[int, ...]) -> list[Spec]:
    """Each output cell outlined in its window's style (the same as on the input)."""
    shapes: list[Spec] = []
    for w, (i, j) in enumerate(np.ndindex(shape)):
        colour, dash = WINDOW_STYLES[w % len(WINDOW_STYLES)]
        shapes += outline(i, j, i, j, colour, dash, inset=0.02)
    return shapes


def routed_note(count: int) -> str:
    return "max" if count == 1 else f"max ×{count}"


def max_pool_input_figure(ex: MaxPoolExample) -> Spec:
    """The input with each window outlined; the cell each window's gradient goes to is marked
    ("max", "max ×2" when two windows pick it), an equal maximum passed over says "tie"."""
    notes = [["" for _ in range(ex.x.shape[1])] for _ in range(ex.x.shape[0])]
    for r, c in np.ndindex(ex.x.shape):
        words = []
        if ex.routed[r, c]:
            words.append(routed_note(int(ex.routed[r, c])))
        if ex.tied[r, c]:
            words.append("tie")
        notes[r][c] = ", ".join(words)
    return heatmap(
        ex.x, f"x: {ex.kernel} × {ex.kernel} windows",
        notes=notes, marked=ex.routed > 0, shapes=window_shapes(ex),
    )  # fmt: skip


def max_pool_output_figure(ex: MaxPoolExample, values: ArrayLike, title: str) -> Spec:
    """``out`` or ``dout``: one cell per window, outlined in that window's style."""
    return heatmap(values, title, shapes=output_cell_shapes(ex.out.shape))


def max_pool_dx_figure(ex: MaxPoolExample) -> Spec:
    """``dx``: non-zero only where a window's maximum sits; "sum of 2" where two windows add up."""
    notes = [["" for _ in range(ex.x.shape[1])] for _ in range(ex.x.shape[0])]
    for r, c in np.ndindex(ex.x.shape):
        if ex.routed[r, c] > 1:
            notes[r][c] = f"sum of {ex.routed[r, c]}"
        elif ex.tied[r, c] and not ex.routed[r, c]:
            notes[r][c] = "tie"
    return heatmap(ex.dx, "dx: dout at each max", notes=notes, marked=ex.routed > 0)
