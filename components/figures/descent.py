"""The descent animation of the learning view: bars of p at each shown step, z, p and E over all steps.

Numbers come from :func:`core.dynamics.learn`; these functions only draw them.
"""

from __future__ import annotations

from collections.abc import Sequence
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
ANIMATION_HEIGHT = 640
#: Play and Pause sit above the charts, the step scrubber on its own row below them, across the whole
#: width: the two never overlap, on a phone or on a projector (where fonts, margins and pads grow).
BUTTON_FONT = 15
#: Lines named at their right end: every class up to this many, else the true class and its rival.
LABEL_ALL_UP_TO = 4
#: End labels are cut to this many characters (class names may have 20).
LABEL_CHARS = 10
END_LABEL_MARGIN = 118


def frame_steps(steps: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """The steps shown as frames: evenly spread from 0 to ``steps``, always both ends."""
    if steps + 1 <= max_frames:
        return list(range(steps + 1))
    return sorted({round(float(k)) for k in np.linspace(0, steps, max_frames)})


def strongest_rival(values: Sequence[float] | np.ndarray, target: int) -> int | None:
    """The wrong class with the largest value (the first of equals), as :func:`core.dynamics.simplex_path` picks it."""
    others = [k for k in range(len(values)) if k != target]
    return max(others, key=lambda k: (float(values[k]), -k)) if others else None


def class_line_style(state: State, k: int, rival: int | None = None) -> dict[str, Any]:
    return theme.class_line(k, state.target, rival)


def short_label(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


def spread(values: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Positions for labels wanted at ``values``: as close to them as possible, at least ``gap`` apart,
    inside ``[low, high]`` (when there is room). Order is kept."""
    order = sorted(range(len(values)), key=lambda k: values[k])
    placed = [min(max(float(values[k]), low), high) for k in order]
    for _ in range(50):
        moved = False
        for a in range(len(placed) - 1):  # push apart each pair that is too close, about their middle
            overlap = gap - (placed[a + 1] - placed[a])
            if overlap > 1e-12:
                placed[a] -= overlap / 2
                placed[a + 1] += overlap / 2
                moved = True
        shift_up = low - placed[0] if placed and placed[0] < low else 0.0
        shift_down = placed[-1] - high if placed and placed[-1] > high else 0.0
        if shift_up > 0:
            placed = [y + shift_up for y in placed]
        elif shift_down > 0:
            placed = [y - shift_down for y in placed]
        if not moved:
            break
    result = [0.0] * len(values)
    for k, y in zip(order, placed, strict=True):
        result[k] = y
    return result


def end_labels(
    ends: Sequence[float],
    names: Sequence[str],
    shown: Sequence[int],
    target: int,
    rival: int | None,
    axis_range: tuple[float, float],
    plot_px: float,
    xref: str,
    yref: str,
) -> list[Spec]:
    """Class names (as typed: shortened, then escaped) at the right end of their lines, spread so that none
    overlap. A short stroke in the line's colour leads each name; the name itself is in the theme's text
    colour (no line colour is 4.5:1, as text needs, on both a white and a dark page)."""
    low, high = axis_range
    gap = (theme.FONT_SIZE + 3) / plot_px * (high - low)
    ys = spread([ends[k] for k in shown], gap, low + gap / 2, high - gap / 2)
    return [
        {
            "text": f'<span style="color:{theme.class_colour(k, target, rival)}">━</span> '
            + plotly_text(short_label(names[k]))
            + (" (true)" if k == target else ""),
            "x": 1.0,
            "xref": f"{xref} domain",
            "xanchor": "left",
            "xshift": 6,
            "y": y,
            "yref": yref,
            "yanchor": "middle",
            "showarrow": False,
            "font": {"size": theme.FONT_SIZE - 2, "color": theme.TEXT},
        }
        for k, y in zip(shown, ys, strict=True)
    ]


def labelled_classes(n: int, target: int, rival: int | None) -> list[int]:
    if n <= LABEL_ALL_UP_TO:
        return list(range(n))
    return [target] if rival is None else [target, rival]


def descent_figure(state: State, tr: Trajectory, learning_rate: float, rival: int | None = None) -> Spec:
    """Bars of ``p`` at the shown step (animated), beside ``z``, ``p`` and ``E`` (log scale) over all steps.

    Play, Pause and the step scrubber sit above the charts. The true class and its strongest rival
    (``rival``, by default the most likely wrong class at step 0) are drawn in their own colours and
    widths and named at the end of their lines; every line names its class on hover.
    """
    n = state.n_classes
    k_true = state.target
    rival = strongest_rival(tr.p[0], k_true) if rival is None else rival
    many = n > theme.MANY_CLASSES
    steps = tr.z.shape[0] - 1
    shown = frame_steps(steps)
    labels = [plotly_text(label) for label in state.labels]
    colours = theme.class_colours(n, k_true, rival)
    fig = SpecFigure(
        rows=3,
        cols=2,
        column_widths=[0.36, 0.64],
        specs=[[{"rowspan": 3}, {}], [None, {}], [None, {}]],
        shared_xaxes=False,
        horizontal_spacing=0.13,
        vertical_spacing=0.1,
        subplot_titles=["p at the step shown", "logits z", "probabilities p", "loss E (log scale)"],
    )
    bar_top = 1.45 if many else 1.28

    def bar_text(t: int) -> list[str]:
        digits = 2 if many else 4
        return [fmt_probability(float(p), float(q), digits) for p, q in zip(tr.p[t], tr.one_minus_p[t], strict=True)]

    def bar(t: int) -> Spec:
        return trace(
            "bar",
            x=list(range(n)),
            y=tr.p[t].tolist(),
            text=bar_text(t),
            textposition="outside",
            textangle=-90 if many else 0,
            textfont={"size": theme.FONT_SIZE - 4 if many else theme.FONT_SIZE - 1, "color": theme.TEXT},
            constraintext="none",
            cliponaxis=False,
            marker={
                "color": colours,
                "pattern": {"shape": [theme.TRUE_PATTERN if k == k_true else "" for k in range(n)]},
            },
            customdata=labels,
            hovertemplate="%{customdata}: p = %{text}<extra></extra>",
            name="p",
        )

    def caption(t: int) -> Spec:
        return trace(
            "scatter",
            x=[(n - 1) / 2],
            y=[bar_top - 0.1],
            mode="text",
            text=[f"step {t}<br>E = {fmt(float(tr.loss[t]))}"],
            textfont={"size": theme.FONT_SIZE - 1, "color": theme.TEXT},
            cliponaxis=False,
            hoverinfo="skip",
            name="step",
        )

    def markers(t: int) -> list[Spec]:
        loss = float(tr.loss[t])
        dots = {"mode": "markers", "hoverinfo": "skip", "marker": {"size": 9, "color": colours}}
        return [
            trace("scatter", x=[t] * n, y=tr.z[t].tolist(), name="z at the step shown", **dots),
            trace("scatter", x=[t] * n, y=tr.p[t].tolist(), name="p at the step shown", **dots),
            trace(
                "scatter",
                x=[t],
                y=[loss if loss > 0.0 else None],
                mode="markers",
                marker={"size": 11, "color": theme.ACCENT, "symbol": "diamond"},
                hoverinfo="skip",
                name="E at the step shown",
            ),
        ]

    animated = [bar(0), caption(0), *markers(0)]
    for spec, (row, col) in zip(animated, [(1, 1), (1, 1), (1, 2), (2, 2), (3, 2)], strict=True):
        fig.add_trace(spec, row=row, col=col)
    x_steps = list(range(steps + 1))
    # The others first, so that the true class and its rival are drawn on top of them.
    for k in sorted(range(n), key=lambda k: (k == k_true, k == rival)):
        role = " (true)" if k == k_true else " (strongest rival)" if k == rival else ""
        for row, values in ((1, tr.z[:, k]), (2, tr.p[:, k])):
            fig.add_trace(
                trace(
                    "scatter",
                    x=x_steps,
                    y=values.tolist(),
                    mode="lines",
                    line=theme.class_line(k, k_true, rival),
                    name=labels[k],
                    hovertemplate=f"{labels[k]}{role}: %{{y:.4g}} at step %{{x}}<extra></extra>",
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
            name="loss E",
            hovertemplate="E = %{y:.4g} at step %{x}<extra></extra>",
        ),
        row=3,
        col=2,
    )
    fig.frames = [{"data": [bar(t), caption(t), *markers(t)], "traces": [0, 1, 2, 3, 4], "name": str(t)} for t in shown]
    layout = theme.base_layout(f"Gradient descent on the logits, η = {fmt(learning_rate)}", ANIMATION_HEIGHT)
    layout["title"].update({"y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": 8}})
    margin = {"l": 60, "r": END_LABEL_MARGIN, "t": 150, "b": 60}
    layout["margin"] = margin
    fig.update_layout(layout)
    fig.update_annotations(font={"size": theme.FONT_SIZE - 1, "color": theme.TEXT})
    fig.update_xaxes(**theme.axis_text(), automargin=True)
    fig.update_yaxes(**theme.axis_text(), automargin=True)
    fig.update_xaxes(
        tickmode="array",
        tickvals=list(range(n)),
        ticktext=[str(k + 1) if many else labels[k] for k in range(n)],
        autotickangles=[0, 90],  # crowded names turn upright, never to a slant where they still touch
        title="class" if many else None,
        fixedrange=True,
        row=1,
        col=1,
    )
    fig.update_yaxes(range=[0.0, bar_top], tickvals=[0, 0.5, 1], fixedrange=True, row=1, col=1)
    x_range = [-0.02 * steps, steps * 1.02]
    fig.update_xaxes(range=x_range, showticklabels=False, fixedrange=True, row=1, col=2)
    fig.update_xaxes(range=x_range, showticklabels=False, fixedrange=True, row=2, col=2)
    fig.update_xaxes(range=x_range, title="step", fixedrange=True, row=3, col=2)
    p_range = (-0.05, 1.05)
    fig.update_yaxes(range=list(p_range), tickvals=[0, 0.5, 1], fixedrange=True, row=2, col=2)
    fig.update_yaxes(type="log", dtick=1, exponentformat="power", fixedrange=True, row=3, col=2)
    z_low, z_high = float(np.min(tr.z)), float(np.max(tr.z))
    z_pad = 0.06 * max(z_high - z_low, 1e-9)
    z_range = (z_low - z_pad, z_high + z_pad)
    fig.update_yaxes(range=list(z_range), fixedrange=True, row=1, col=2)
    panel_px = (ANIMATION_HEIGHT - margin["t"] - margin["b"]) * (1 - 2 * 0.1) / 3
    named = labelled_classes(n, k_true, rival)
    for row, values, axis_range in ((1, tr.z[-1], z_range), (2, tr.p[-1], p_range)):
        xref, yref = fig.refs(row, 2)
        ends = values.tolist()
        for annotation in end_labels(ends, state.labels, named, k_true, rival, axis_range, panel_px, xref, yref):
            fig.add_annotation(**annotation)
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": 1.0,
                "xanchor": "left",
                "yanchor": "bottom",
                "showactive": False,
                "pad": {"b": 78, "r": 8},
                "font": {"size": BUTTON_FONT, "color": theme.TEXT},
                "bgcolor": theme.PAGE,
                "bordercolor": theme.NEUTRAL,
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
                "x": 0.0,
                "len": 1.0,
                "y": 1.0,
                "xanchor": "left",
                "yanchor": "bottom",
                "pad": {"l": 0, "r": 0, "t": 0, "b": 30},
                "currentvalue": {"visible": False},  # the bar panel writes the step and its loss
                "font": {"color": "rgba(0,0,0,0)", "size": 1},  # one tick per frame: too many labels to read
                "bgcolor": theme.PAGE,
                "bordercolor": theme.TEXT,
                "borderwidth": 1.5,
                "activebgcolor": theme.ACCENT,
                "tickcolor": theme.NEUTRAL,
                "ticklen": 4,
                "minorticklen": 0,
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
