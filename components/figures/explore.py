"""Figure builders: an Explanation in, a Plotly figure out. No maths here, only drawing."""

from __future__ import annotations

import math

from components.render import theme
from components.render.numbers import fmt, fmt_probability, fmt_signed
from components.render.spec import Spec, finish, hline, merge, title
from components.render.text import plotly_text
from core.explanation import LOSS_CURVE_E, LOSS_CURVE_P, Explanation


def tick_labels(expl: Explanation) -> list[str]:
    """Class names for an axis; the true class says so in words, not only in colour.

    With many classes the default names shorten to their numbers, so they stay level.
    """
    many = expl.n_classes > theme.MANY_CLASSES and not expl.state.names
    labels = [str(i + 1) if many else plotly_text(label) for i, label in enumerate(expl.state.labels)]
    return [f"<b>{label}</b><br>true" if i == expl.target else label for i, label in enumerate(labels)]


def _class_axis(expl: Explanation) -> Spec:
    return {
        "tickmode": "array",
        "tickvals": list(range(expl.n_classes)),
        "ticktext": tick_labels(expl),
        "range": [-0.6, expl.n_classes - 0.4],
        "tickangle": 0,
        **title("class" if expl.n_classes > theme.MANY_CLASSES else None),
        "fixedrange": True,
    }


def probability_figure(expl: Explanation) -> Spec:
    """Bars of ``p_i`` on a fixed 0-to-1 axis, each labelled, the true class hatched."""
    n = expl.n_classes
    many = n > theme.MANY_CLASSES
    labels = [fmt_probability(p, q) for p, q in zip(expl.p, expl.one_minus_p, strict=True)]
    bars = {
        "type": "bar",
        "x": list(range(n)),
        "y": expl.p.tolist(),
        "text": labels,
        "textposition": "outside",
        "textangle": -90 if many else 0,
        "constraintext": "none",
        "textfont": {"size": theme.FONT_SIZE - 2 if many else theme.FONT_SIZE},
        "cliponaxis": False,
        "marker": {
            "color": theme.class_colours(n, expl.target),
            "pattern": {"shape": [theme.TRUE_PATTERN if i == expl.target else "" for i in range(n)]},
        },
        "customdata": [plotly_text(label) for label in expl.state.labels],
        "hovertemplate": "%{customdata}: p = %{text}<extra></extra>",
        "name": "p",
    }
    layout = merge(
        theme.base_layout("Softmax outputs p = softmax(z)"),
        {
            "xaxis": _class_axis(expl),
            "yaxis": {
                "range": [0.0, 1.3 if many else 1.12],
                "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1.0],
                **title("p"),
                "fixedrange": True,
            },
        },
    )
    return finish([bars], layout)


def gradient_figure(expl: Explanation) -> Spec:
    """One arrow per logit: ``-dE/dz_i``, the way a gradient-descent step moves ``z_i``.

    The true class points up (by ``1 - p``), the others down (by ``p_i``).
    """
    n = expl.n_classes
    xs = list(range(n))
    colours = theme.class_colours(n, expl.target)
    descent = expl.descent.tolist()
    vertical = n > theme.MANY_CLASSES
    shafts = {
        "type": "bar",
        "x": xs,
        "y": descent,
        "width": 0.08,
        "marker": {"color": colours},
        "hoverinfo": "skip",
        "name": "shaft",
    }
    heads = {
        "type": "scatter",
        "x": xs,
        "y": descent,
        "mode": "markers",
        "marker": {
            "symbol": ["triangle-up" if d > 0 else "triangle-down" if d < 0 else "circle" for d in descent],
            "size": 18,
            "color": colours,
        },
        "text": [fmt_signed(d) for d in descent],
        "customdata": [plotly_text(label) for label in expl.state.labels],
        "hovertemplate": "%{customdata}: −∂E/∂z = %{text}<extra></extra>",
        "name": "−∂E/∂z",
    }
    annotations = [
        {
            "x": x,
            "y": d,
            "text": fmt_signed(d),
            "showarrow": False,
            "textangle": -90 if vertical else 0,
            "yanchor": "bottom" if d >= 0 else "top",
            "yshift": 12 if d >= 0 else -12,
            "font": {"size": theme.FONT_SIZE - 2 if vertical else theme.FONT_SIZE},
        }
        for x, d in zip(xs, descent, strict=True)
    ]
    layout = merge(
        theme.base_layout("Gradient-descent direction −∂E/∂z = y − p"),
        {
            "xaxis": _class_axis(expl),
            "yaxis": {
                "range": [-1.9, 1.9] if vertical else [-1.4, 1.4],
                "tickvals": [-1, -0.5, 0, 0.5, 1],
                **title("−∂E/∂z"),
                "zeroline": False,
                "fixedrange": True,
            },
            "annotations": annotations,
            "shapes": [hline(0.0, {"color": theme.NEUTRAL, "width": 1})],
        },
    )
    return finish([shafts, heads], layout)


#: The curve E = -ln p is the same for every state: its points are listed once.
_LOSS_CURVE = {
    "type": "scatter",
    "x": LOSS_CURVE_P.tolist(),
    "y": LOSS_CURVE_E.tolist(),
    "mode": "lines",
    "line": {"color": theme.OTHER_CLASS, "width": 3},
    "hoverinfo": "skip",
    "name": "E = −ln p",
}


def loss_axis_top(loss: float) -> float:
    """The top of the loss axis: 5, or the next multiple of 5 above the loss with 15 % room.

    In steps, so a hand dragging a logit changes the axis only now and then (a changed axis can
    only be drawn by a full Plotly.react; ``frontend/live.js`` ``PATCHES.loss`` is its twin).
    """
    return 5.0 * max(1, math.ceil(loss * 1.15 / 5.0))


def loss_curve_figure(expl: Explanation) -> Spec:
    """The curve ``E = -ln p`` against the true class's probability, with the current point on it."""
    p_true = expl.p_target
    top = loss_axis_top(expl.loss)
    point = {
        "type": "scatter",
        "x": [p_true],
        "y": [expl.loss],
        "mode": "markers+text",
        "marker": {"size": 16, "color": theme.ACCENT, "symbol": "diamond", "line": {"width": 1}},
        "text": [f"E = {fmt(expl.loss)}"],
        "textposition": "top right" if p_true < 0.6 else "top left",
        "cliponaxis": False,
        "hovertemplate": "p = %{x}<br>E = %{y}<extra></extra>",
        "name": "current",
    }
    true_label = plotly_text(expl.state.label(expl.target))
    layout = merge(
        theme.base_layout("Loss E = −ln p of the true class"),
        {
            "xaxis": {"range": [0.0, 1.02], **title(f"p of the true class ({true_label})"), "fixedrange": True},
            "yaxis": {"range": [0.0, top], **title("E"), "fixedrange": True},
        },
    )
    return finish([_LOSS_CURVE, point], layout)
