"""The descent animation of the learning view: bars of p at each shown step, z, p and E over all steps.

Numbers come from :func:`core.dynamics.learn`; these functions only draw them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from components.render import theme
from components.render.numbers import fmt, fmt_probability
from components.render.spec import Spec, SpecFigure, trace
from components.render.text import plotly_text
from core.dynamics import Trajectory
from core.explanation import State

#: At most this many animation frames are sent; longer runs show every k-th step (and the last).
MAX_FRAMES = 60
FRAME_MS = 80
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
