"""Figures of the learning view: the descent animation, the loss landscape and the simplex.

Numbers come from :func:`core.dynamics.learn`; these functions only draw them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from components import theme
from components.figure import Spec, SpecFigure, title, trace, typed_array
from components.numbers import fmt, fmt_probability
from components.text import plotly_text
from core.dynamics import Learning, Trajectory
from core.explanation import State

#: At most this many animation frames are sent; longer runs show every k-th step (and the last).
MAX_FRAMES = 60
FRAME_MS = 80
#: The landscape's arrows sit on every ARROW_STRIDE-th grid point.
ARROW_STRIDE = 10
ANIMATION_HEIGHT = 560


def frame_steps(steps: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """The steps shown as frames: evenly spread from 0 to ``steps``, always both ends."""
    if steps + 1 <= max_frames:
        return list(range(steps + 1))
    return sorted({round(float(k)) for k in np.linspace(0, steps, max_frames)})


def class_line_style(state: State, k: int) -> dict[str, Any]:
    true = k == state.target
    return {
        "color": theme.TRUE_CLASS if true else theme.OTHER_CLASS,
        "width": 4 if true else 2,
        "dash": "solid" if true else ["dot", "dash", "dashdot", "longdash"][k % 4],
    }


def descent_figure(state: State, tr: Trajectory, learning_rate: float) -> Spec:
    """Bars of ``p`` at the shown step (animated), beside ``z``, ``p`` and ``E`` (log scale) over all steps."""
    n = state.n_classes
    steps = tr.z.shape[0] - 1
    shown = frame_steps(steps)
    labels = [plotly_text(label) for label in state.labels]
    fig = SpecFigure(
        rows=3,
        cols=2,
        column_widths=[0.36, 0.64],
        specs=[[{"rowspan": 3}, {}], [None, {}], [None, {}]],
        shared_xaxes=False,
        horizontal_spacing=0.09,
        vertical_spacing=0.1,
        subplot_titles=["p at the step shown", "logits z", "probabilities p", "loss E (log scale)"],
    )

    def bar_text(t: int) -> list[str]:
        return [fmt_probability(float(p), float(q)) for p, q in zip(tr.p[t], tr.one_minus_p[t], strict=True)]

    def bar(t: int) -> Spec:
        return trace(
            "bar",
            x=list(range(n)),
            y=tr.p[t].tolist(),
            text=bar_text(t) if n <= theme.MANY_CLASSES else None,
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": theme.class_colours(n, state.target),
                "pattern": {"shape": [theme.TRUE_PATTERN if k == state.target else "" for k in range(n)]},
            },
            customdata=labels,
            hovertemplate="%{customdata}: p = %{y}<extra></extra>",
        )

    def caption(t: int) -> Spec:
        return trace(
            "scatter",
            x=[(n - 1) / 2],
            y=[1.16],
            mode="text",
            text=[f"step {t}: E = {fmt(float(tr.loss[t]))}"],
            textfont={"size": theme.FONT_SIZE},
            hoverinfo="skip",
        )

    def markers(t: int) -> list[Spec]:
        loss = float(tr.loss[t])
        colours = theme.class_colours(n, state.target)
        dots = {"mode": "markers", "hoverinfo": "skip", "marker": {"size": 9, "color": colours}}
        return [
            trace("scatter", x=[t] * n, y=tr.z[t].tolist(), **dots),
            trace("scatter", x=[t] * n, y=tr.p[t].tolist(), **dots),
            trace(
                "scatter",
                x=[t],
                y=[loss if loss > 0.0 else None],
                mode="markers",
                marker={"size": 11, "color": theme.ACCENT, "symbol": "diamond"},
                hoverinfo="skip",
            ),
        ]

    animated = [bar(0), caption(0), *markers(0)]
    for spec, (row, col) in zip(animated, [(1, 1), (1, 1), (1, 2), (2, 2), (3, 2)], strict=True):
        fig.add_trace(spec, row=row, col=col)
    x_steps = list(range(steps + 1))
    for k in range(n):
        style = class_line_style(state, k)
        for row, values in ((1, tr.z[:, k]), (2, tr.p[:, k])):
            fig.add_trace(
                trace(
                    "scatter",
                    x=x_steps,
                    y=values.tolist(),
                    mode="lines",
                    line=style,
                    name=labels[k],
                    hovertemplate=f"{labels[k]}: %{{y:.4g}} at step %{{x}}<extra></extra>",
                ),
                row=row,
                col=2,
            )
    positive = [float(e) if e > 0.0 else None for e in tr.loss]
    fig.add_trace(
        trace(
            "scatter",
            x=x_steps,
            y=positive,
            mode="lines",
            line={"color": theme.ACCENT, "width": 3},
            hovertemplate="E = %{y:.4g} at step %{x}<extra></extra>",
        ),
        row=3,
        col=2,
    )
    fig.frames = [{"data": [bar(t), caption(t), *markers(t)], "traces": [0, 1, 2, 3, 4], "name": str(t)} for t in shown]
    layout = theme.base_layout(f"Gradient descent on the logits, η = {fmt(learning_rate)}", ANIMATION_HEIGHT)
    layout["margin"] = {"l": 60, "r": 20, "t": 70, "b": 130}
    fig.update_layout(layout)
    fig.update_annotations(font={"size": theme.FONT_SIZE - 1})
    fig.update_xaxes(
        tickmode="array",
        tickvals=list(range(n)),
        ticktext=[str(k + 1) if n > theme.MANY_CLASSES else labels[k] for k in range(n)],
        fixedrange=True,
        row=1,
        col=1,
    )
    fig.update_yaxes(range=[0.0, 1.25], tickvals=[0, 0.5, 1], fixedrange=True, row=1, col=1)
    fig.update_xaxes(range=[-0.02 * steps, steps * 1.02], showticklabels=False, fixedrange=True, row=1, col=2)
    fig.update_xaxes(range=[-0.02 * steps, steps * 1.02], showticklabels=False, fixedrange=True, row=2, col=2)
    fig.update_xaxes(range=[-0.02 * steps, steps * 1.02], title="step", fixedrange=True, row=3, col=2)
    fig.update_yaxes(range=[-0.05, 1.05], tickvals=[0, 0.5, 1], fixedrange=True, row=2, col=2)
    fig.update_yaxes(type="log", dtick=1, exponentformat="power", fixedrange=True, row=3, col=2)
    fig.update_yaxes(fixedrange=True, row=1, col=2)
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.16,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "pad": {"t": 0, "r": 10},
                "buttons": [
                    {
                        "label": "▶ Play",
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": FRAME_MS, "redraw": False},
                                "transition": {"duration": 0},
                                "fromcurrent": True,
                                "mode": "immediate",
                            },
                        ],
                    },
                    {
                        "label": "❚❚ Pause",
                        "method": "animate",
                        "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.2,
                "len": 0.8,
                "y": -0.15,
                "yanchor": "top",
                "pad": {"t": 0},
                "currentvalue": {"visible": False},  # the bar panel writes the step and its loss
                "font": {"color": "rgba(0,0,0,0)"},  # one tick per frame: too many labels to read
                "ticklen": 3,
                "steps": [
                    {
                        "label": str(t),
                        "method": "animate",
                        "args": [
                            [str(t)],
                            {
                                "frame": {"duration": 0, "redraw": False},
                                "mode": "immediate",
                                "transition": {"duration": 0},
                            },
                        ],
                    }
                    for t in shown
                ],
            }
        ],
    )
    return fig.spec()


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
        line={"color": "rgba(255,255,255,0.85)", "width": 1.5},
        marker={"symbol": "arrow", "angleref": "previous", "size": sizes, "color": "rgba(255,255,255,0.95)"},
        hoverinfo="skip",
        name="descent direction",
    )


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
            colorscale="Viridis",
            reversescale=True,
            ncontours=18,
            contours={"showlabels": True, "labelfont": {"size": 12, "color": "white"}},
            colorbar={"title": {"text": "E"}, "thickness": 14},
            hovertemplate="z"
            + str(i + 1)
            + " = %{x:.2f}<br>z"
            + str(j + 1)
            + " = %{y:.2f}<br>E = %{z:.4g}<extra></extra>",
            name="E",
        )
    )
    fig.add_trace(_arrow_trace(learning))
    fig.add_trace(
        trace(
            "scatter",
            x=path.z[:, i].tolist(),
            y=path.z[:, j].tolist(),
            mode="lines",
            line={"color": theme.ACCENT, "width": 4},
            hovertemplate="step path: z" + str(i + 1) + " = %{x:.3f}, z" + str(j + 1) + " = %{y:.3f}<extra></extra>",
            name="descent path",
        )
    )
    steps = path.z.shape[0] - 1
    fig.add_trace(
        trace(
            "scatter",
            x=[float(path.z[0, i]), float(path.z[-1, i])],
            y=[float(path.z[0, j]), float(path.z[-1, j])],
            mode="markers+text",
            marker={
                "size": [16, 13],
                "symbol": ["circle", "x"],
                "color": [theme.ACCENT, "white"],
                "line": {"width": 2, "color": "black"},
            },
            text=["now", f"after {steps} steps"],
            textposition=["bottom center", "top left"],
            textfont={"size": theme.FONT_SIZE - 1, "color": "white"},
            hoverinfo="skip",
            name="points",
        )
    )

    def axis_title(k: int) -> str:
        role = ", true" if k == state.target else ""
        return f"z{k + 1} ({plotly_text(state.label(k))}{role})"

    fig.update_layout(theme.base_layout(f"Loss landscape over z{i + 1} and z{j + 1}", 520))
    fig.update_layout(
        xaxis={**title(axis_title(i)), "range": [float(land.axis_i[0]), float(land.axis_i[-1])], "fixedrange": True},
        yaxis={**title(axis_title(j)), "range": [float(land.axis_j[0]), float(land.axis_j[-1])], "fixedrange": True},
        margin={"l": 70, "r": 10, "t": 50, "b": 60},
    )
    return fig.spec()


def _ternary_line(a: list[float], b: list[float], c: list[float], **kwargs: Any) -> Spec:
    return trace("scatterternary", a=a, b=b, c=c, mode="lines", hoverinfo="skip", **kwargs)


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
                textfont={"size": 12, "color": theme.NEUTRAL},
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
                "line": {"width": 2},
            },
            text=["now", ""],
            textposition="middle right",
            textfont={"size": theme.FONT_SIZE - 1},
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
    axis = {"showticklabels": False, "showgrid": False, "linewidth": 2, "ticks": ""}
    fig.update_layout(theme.base_layout("Probability simplex", 520))
    fig.update_layout(
        ternary={
            "sum": 1,
            "aaxis": {**axis, "title": {"text": f"{true_label} (true)", "font": {"size": theme.FONT_SIZE}}},
            "baxis": {**axis, "title": {"text": rival_label, "font": {"size": theme.FONT_SIZE}}},
            "caxis": {**axis, "title": {"text": rest_label, "font": {"size": theme.FONT_SIZE}}},
            "bgcolor": "rgba(0,0,0,0)",
        },
        margin={"l": 70, "r": 70, "t": 80, "b": 50},
    )
    return fig.spec()
