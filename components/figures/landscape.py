"""The learning view's surfaces: the loss landscape with its descent field, and the probability simplex.

Numbers come from :func:`core.dynamics.learn`; these functions only draw them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from components.render import theme
from components.render.numbers import fmt
from components.render.spec import Spec, SpecFigure, title, trace, typed_array
from components.render.text import plotly_text
from core.dynamics import Learning
from core.explanation import State

#: The landscape's arrows sit on every ARROW_STRIDE-th grid point.
ARROW_STRIDE = 10
#: The darker half of Viridis, from the valley (low loss, teal) up to high loss (deep purple): white
#: arrows, contour labels and marks read on every colour of it (at least 5:1), and a dark room is not lit
#: up by a pale yellow block. Viridis's bright end is 1.1:1 against white.
LANDSCAPE_COLOURS: list[tuple[float, str]] = [
    (0.0, "#2A788E"),
    (0.25, "#31688E"),
    (0.5, "#3E4989"),
    (0.75, "#482878"),
    (1.0, "#440154"),
]
MARK = "#FFFFFF"  # arrows, contour labels, the outline of the points and the casing of the path


def _arrow_trace(learning: Learning) -> Spec:
    """The descent field as arrows: one shaft and head per arrow, lengths to scale, None between arrows."""
    land = learning.landscape
    rows = slice(0, None, ARROW_STRIDE)
    xs, ys = np.meshgrid(land.axis_i[rows], land.axis_j[rows])
    di, dj = land.descent_i[rows, rows], land.descent_j[rows, rows]
    spacing_i = float(land.axis_i[ARROW_STRIDE] - land.axis_i[0])
    spacing_j = float(land.axis_j[ARROW_STRIDE] - land.axis_j[0])
    norm = np.hypot(di / spacing_i, dj / spacing_j)
    scale = 0.85 / max(float(norm.max()), 1e-300)
    x_path: list[float | None] = []
    y_path: list[float | None] = []
    sizes: list[float] = []
    for x0, y0, dx, dy, size in zip(
        xs.ravel(), ys.ravel(), (di * scale).ravel(), (dj * scale).ravel(), (norm * scale).ravel(), strict=True
    ):
        x_path += [float(x0), float(x0 + dx), None]
        y_path += [float(y0), float(y0 + dy), None]
        sizes += [0.0, 9.0 if size > 0.08 else 0.0, 0.0]
    return trace(
        "scatter",
        x=x_path,
        y=y_path,
        mode="lines+markers",
        line={"color": MARK, "width": 1.5},
        marker={"symbol": "arrow", "angleref": "previous", "size": sizes, "color": MARK},
        hoverinfo="skip",
        name="descent direction",
    )


def _point_label(text: str, x: float, y: float, x_range: tuple[float, float], y_range: tuple[float, float]) -> Spec:
    """A label for a point on the landscape, pointing at it from the side with more room, on a dark box."""
    right = (x - x_range[0]) > 0.55 * (x_range[1] - x_range[0])
    high = (y - y_range[0]) > 0.55 * (y_range[1] - y_range[0])
    return {
        "text": text,
        "x": x,
        "y": y,
        "xref": "x",
        "yref": "y",
        "showarrow": True,
        "arrowhead": 0,
        "arrowwidth": 1.5,
        "arrowcolor": MARK,
        "ax": -28 if right else 28,
        "ay": 30 if high else -30,
        "xanchor": "right" if right else "left",
        "yanchor": "top" if high else "bottom",
        "font": {"size": theme.FONT_SIZE - 1, "color": theme.LABEL_TEXT},
        "bgcolor": theme.LABEL_BOX,
        "bordercolor": MARK,
        "borderwidth": 1,
        "borderpad": 3,
    }


def landscape_figure(state: State, learning: Learning) -> Spec:
    """Contours of ``E`` over ``z_i`` and ``z_j``, the descent field, the current point and the path."""
    land = learning.landscape
    i, j = learning.i, learning.j
    path = learning.path
    fig = SpecFigure()
    fig.add_trace(
        trace(
            "contour",
            x=typed_array(land.axis_i),
            y=typed_array(land.axis_j),
            z=typed_array(land.loss),
            colorscale=[[t, c] for t, c in LANDSCAPE_COLOURS],
            ncontours=18,
            contours={"showlabels": True, "labelfont": {"size": 12, "color": MARK}},
            line={"color": "rgba(255,255,255,0.35)", "width": 1},
            colorbar={
                "title": {"text": "E", "font": {"color": theme.TEXT}},
                "tickfont": {"color": theme.TEXT},
                "thickness": 14,
            },
            hovertemplate="z"
            + str(i + 1)
            + " = %{x:.2f}<br>z"
            + str(j + 1)
            + " = %{y:.2f}<br>E = %{z:.4g}<extra></extra>",
            name="E",
        )
    )
    fig.add_trace(_arrow_trace(learning))
    path_x, path_y = path.z[:, i].tolist(), path.z[:, j].tolist()
    fig.add_trace(
        trace("scatter", x=path_x, y=path_y, mode="lines", line={"color": MARK, "width": 8}, hoverinfo="skip",
              name="descent path (casing)")
    )  # fmt: skip
    fig.add_trace(
        trace(
            "scatter",
            x=path_x,
            y=path_y,
            mode="lines",
            line={"color": theme.ACCENT, "width": 4},
            hovertemplate="step path: z" + str(i + 1) + " = %{x:.3f}, z" + str(j + 1) + " = %{y:.3f}<extra></extra>",
            name="descent path",
        )
    )
    steps = path.z.shape[0] - 1
    start, end = (float(path.z[0, i]), float(path.z[0, j])), (float(path.z[-1, i]), float(path.z[-1, j]))
    fig.add_trace(
        trace(
            "scatter",
            x=[start[0], end[0]],
            y=[start[1], end[1]],
            mode="markers",
            marker={
                "size": [16, 14],
                "symbol": ["circle", "x"],
                "color": [theme.ACCENT, MARK],
                "line": {"width": [2.5, 1.5], "color": [MARK, "#000000"]},
            },
            hoverinfo="skip",
            name="points",
        )
    )
    x_range = (float(land.axis_i[0]), float(land.axis_i[-1]))
    y_range = (float(land.axis_j[0]), float(land.axis_j[-1]))
    fig.add_annotation(**_point_label("now", *start, x_range, y_range))
    fig.add_annotation(**_point_label(f"after {steps} steps", *end, x_range, y_range))

    def axis_title(k: int) -> str:
        role = ", true" if k == state.target else ""
        return f"z{k + 1} ({plotly_text(state.label(k))}{role})"

    fig.update_layout(theme.base_layout(f"Loss landscape over z{i + 1} and z{j + 1}", 520))
    fig.update_layout(
        xaxis={**title(axis_title(i)), "range": list(x_range), "fixedrange": True},
        yaxis={**title(axis_title(j)), "range": list(y_range), "fixedrange": True},
        margin={"l": 70, "r": 10, "t": 50, "b": 60},
    )
    return fig.spec()


def _ternary_line(a: list[float], b: list[float], c: list[float], **kwargs: Any) -> Spec:
    return trace("scatterternary", a=a, b=b, c=c, mode="lines", hoverinfo="skip", **kwargs)


def _ternary_title(text: str) -> Spec:
    return {"title": {"text": text, "font": {"size": theme.FONT_SIZE, "color": theme.TEXT}}}


def simplex_figure(state: State, learning: Learning) -> Spec:
    """The triangle of (p_true, p_rival, p_rest) with iso-loss lines and the descent trajectory."""
    sx = learning.simplex
    fig = SpecFigure()
    for level, a in zip(sx.iso_loss.tolist(), sx.iso_p_true.tolist(), strict=True):
        fig.add_trace(
            _ternary_line(
                [a, a], [1.0 - a, 0.0], [0.0, 1.0 - a], line={"color": theme.NEUTRAL, "width": 1, "dash": "dot"}
            )
        )
        fig.add_trace(
            trace(
                "scatterternary",
                a=[a],
                b=[1.0 - a],
                c=[0.0],
                mode="text",
                text=[f"E={fmt(level)}"],
                textposition="middle left",
                textfont={"size": 12, "color": theme.TEXT},
                hoverinfo="skip",
                cliponaxis=False,
            )
        )
    if len(sx.rest) == 1:  # three classes: the boundaries where the predicted class changes
        third = 1.0 / 3.0
        for end in ([0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [0.0, 0.5, 0.5]):
            fig.add_trace(
                _ternary_line(
                    [third, end[0]],
                    [third, end[1]],
                    [third, end[2]],
                    line={"color": theme.NEUTRAL, "width": 2, "dash": "dash"},
                )
            )
    path = sx.path
    fig.add_trace(
        trace(
            "scatterternary",
            a=path[:, 0].tolist(),
            b=path[:, 1].tolist(),
            c=path[:, 2].tolist(),
            mode="lines",
            line={"color": theme.ACCENT, "width": 4},
            hovertemplate="p true %{a:.4f}<br>p rival %{b:.4f}<br>rest %{c:.4f}<extra></extra>",
            name="trajectory",
        )
    )
    fig.add_trace(
        trace(
            "scatterternary",
            a=[float(path[0, 0]), float(path[-1, 0])],
            b=[float(path[0, 1]), float(path[-1, 1])],
            c=[float(path[0, 2]), float(path[-1, 2])],
            mode="markers+text",
            marker={
                "size": [16, 13],
                "symbol": ["circle", "x"],
                "color": [theme.ACCENT, theme.NEUTRAL],
                "line": {"width": 2, "color": theme.PAGE},
            },
            text=["now", ""],
            textposition="middle right",
            textfont={"size": theme.FONT_SIZE - 1, "color": theme.TEXT},
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    true_label = plotly_text(state.label(sx.true_class))
    rival_label = plotly_text(state.label(sx.rival))
    if len(sx.rest) == 1:
        rest_label = plotly_text(state.label(sx.rest[0]))
    elif sx.rest:
        rest_label = f"the other {len(sx.rest)} classes"
    else:
        rest_label = "(no third class)"
    axis = {"showticklabels": False, "showgrid": False, "linewidth": 2, "linecolor": theme.NEUTRAL, "ticks": ""}
    fig.update_layout(theme.base_layout("Probability simplex", 520))
    fig.update_layout(
        ternary={
            "sum": 1,
            "aaxis": {**axis, **_ternary_title(f"{true_label} (true)")},
            "baxis": {**axis, **_ternary_title(rival_label)},
            "caxis": {**axis, **_ternary_title(rest_label)},
            "bgcolor": "rgba(0,0,0,0)",
        },
        margin={"l": 70, "r": 70, "t": 80, "b": 50},
    )
    return fig.spec()
