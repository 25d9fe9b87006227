"""Figures of the compare view: temperature, label smoothing, squared error, log-sum-exp."""

from __future__ import annotations

import math

import numpy as np

from components.figures.descent import END_LABEL_MARGIN, end_labels, labelled_classes, strongest_rival
from components.render import theme
from components.render.numbers import fmt
from components.render.spec import Spec, SpecFigure, title, trace
from components.render.text import plotly_text
from core.comparisons import TEMPERATURES, SmoothingComparison
from core.explanation import State

HEIGHT = 420


def temperature_figure(state: State, sweep: np.ndarray, limit: np.ndarray, temperature: float) -> Spec:
    """``p_k`` against ``T`` (log axis), the chosen ``T`` marked, both limits labelled.

    The true class and its strongest rival (the largest wrong logit) have their own colour and width and
    are named at the right end of their lines (every class when there are few); every line names its
    class on hover.
    """
    n = state.n_classes
    k_true = state.target
    rival = strongest_rival(state.z, k_true)
    fig = SpecFigure()
    temps = TEMPERATURES.tolist()
    labels = [plotly_text(state.label(k)) for k in range(n)]
    for k in sorted(range(n), key=lambda k: (k == k_true, k == rival)):  # true class and rival on top
        role = " (true)" if k == k_true else " (strongest rival)" if k == rival else ""
        fig.add_trace(
            trace(
                "scatter",
                x=temps,
                y=sweep[:, k].tolist(),
                mode="lines",
                line=theme.class_line(k, k_true, rival),
                name=labels[k],
                hovertemplate=f"{labels[k]}{role}: p = %{{y:.4f}} at T = %{{x:.3g}}<extra></extra>",
            )
        )
    fig.add_trace(
        trace(
            "scatter",
            x=[TEMPERATURES[0]] * n,
            y=limit.tolist(),
            mode="markers",
            marker={"size": 11, "symbol": "square", "color": theme.class_colours(n, k_true, rival)},
            hoverinfo="skip",
            name="argmax limit",
        )
    )
    fig.add_hline(y=1.0 / n, line={"color": theme.NEUTRAL, "dash": "dot"})
    fig.add_annotation(  # at the left, where the lines have not yet gathered at 1/H
        text=f"uniform 1/H = {fmt(1.0 / n)}", x=0, xref="x domain", xanchor="left", xshift=14,
        y=1.0 / n, yref="y", yanchor="bottom", showarrow=False,
    )  # fmt: skip
    fig.add_vline(
        x=temperature,
        line={"color": theme.ACCENT, "width": 3},
        annotation_text=f"T = {fmt(temperature)}",
        annotation_position="top",
        log_x=True,
    )
    fig.add_annotation(
        x=math.log10(TEMPERATURES[0]),
        y=1.08,
        text="T → 0: all on the argmax",
        showarrow=False,
        xanchor="left",
    )
    y_range = (-0.03, 1.15)
    margin = {"l": 60, "r": END_LABEL_MARGIN, "t": 60, "b": 60}
    plot_px = HEIGHT - margin["t"] - margin["b"]
    for annotation in end_labels(
        sweep[-1].tolist(), state.labels, labelled_classes(n, k_true, rival), k_true, rival, y_range, plot_px, "x", "y"
    ):
        fig.add_annotation(**annotation)
    fig.update_layout(theme.base_layout("p = softmax(z / T) as the temperature changes", HEIGHT))
    fig.update_layout(
        xaxis={"type": "log", "dtick": 1, **title("temperature T (log scale)"), "fixedrange": True},
        yaxis={"range": list(y_range), "tickvals": [0, 0.25, 0.5, 0.75, 1], **title("p"), "fixedrange": True},
        margin=margin,
    )
    return fig.spec()


def smoothing_figure(state: State, comparison: SmoothingComparison) -> Spec:
    """Side by side: the logit gap over the steps, and the size of the gradient (log scale)."""
    steps = list(range(comparison.hard.z.shape[0]))
    eps = fmt(comparison.epsilon)
    fig = SpecFigure(
        rows=1,
        cols=2,
        horizontal_spacing=0.12,
        subplot_titles=["logit gap: true minus largest other", "size of the gradient |p − y| (log scale)"],
    )
    hard_style = {"color": theme.OTHER_CLASS, "width": 3}
    soft_style = {"color": theme.TRUE_CLASS, "width": 3, "dash": "dash"}
    for col, (hard, soft) in enumerate(
        ((comparison.gap_hard, comparison.gap_soft), (comparison.norm_hard, comparison.norm_soft)), start=1
    ):
        floor = 1e-17 if col == 2 else None
        for values, style, name in ((hard, hard_style, "one-hot y"), (soft, soft_style, f"smoothed y′, ε = {eps}")):
            shown = values.tolist() if floor is None else [max(float(v), floor) for v in values]
            fig.add_trace(
                trace(
                    "scatter",
                    x=steps,
                    y=shown,
                    mode="lines",
                    line=style,
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    hovertemplate=f"{name}: %{{y:.4g}} at step %{{x}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
    if math.isfinite(comparison.target_gap):
        fig.add_hline(
            y=comparison.target_gap,
            line={"color": theme.TRUE_CLASS, "dash": "dot"},
            annotation_text=f"p = y′ at gap {fmt(comparison.target_gap)}",
            annotation_position="bottom right",
            row=1,
            col=1,
        )
    fig.update_layout(theme.base_layout("One-hot against smoothed targets, same start, η = 2", HEIGHT))
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "x": 0.0, "y": -0.2, "xanchor": "left", "font": {"color": theme.TEXT}},
        margin={"l": 60, "r": 20, "t": 80, "b": 90},
    )
    fig.update_xaxes(title="step", fixedrange=True, automargin=True)
    fig.update_yaxes(fixedrange=True, automargin=True)
    fig.update_yaxes(type="log", dtick=2, exponentformat="power", row=1, col=2)
    fig.update_annotations(font={"size": theme.FONT_SIZE - 1, "color": theme.TEXT})
    return fig.spec()


def squared_error_figure(gaps: np.ndarray, ce: np.ndarray, se: np.ndarray) -> Spec:
    """Gradient norms of both losses as the wrong class's logit gap grows (log scale)."""
    fig = SpecFigure()
    for values, name, style in (
        (ce, "cross-entropy", {"color": theme.OTHER_CLASS, "width": 4}),
        (se, "squared error Σ(p − y)²", {"color": theme.ACCENT, "width": 4, "dash": "dash"}),
    ):
        fig.add_trace(
            trace(
                "scatter",
                x=gaps.tolist(),
                y=values.tolist(),
                mode="lines",
                line=style,
                name=name,
                hovertemplate=f"{name}: |∂/∂z| = %{{y:.4g}} at gap %{{x:.1f}}<extra></extra>",
            )
        )
        fig.add_annotation(
            x=float(gaps[-1]),
            y=math.log10(float(values[-1])),
            text=f"{name}: {fmt(float(values[-1]))}",
            showarrow=True,
            arrowhead=2,
            arrowcolor=theme.NEUTRAL,
            arrowwidth=1.5,
            ax=-110,
            ay=-30 if name == "cross-entropy" else 30,
            font={"size": theme.FONT_SIZE - 1},
        )
    fig.update_layout(theme.base_layout("How hard each loss pushes a confidently wrong model", HEIGHT))
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "x": 0.0, "y": -0.22, "xanchor": "left", "font": {"color": theme.TEXT}},
        xaxis={**title("logit gap: wrong class minus true class, z = (0, gap, 0)"), "fixedrange": True},
        yaxis={"type": "log", "dtick": 1, "exponentformat": "power", "fixedrange": True, **title("size |∂L/∂z|")},
        margin={"l": 70, "r": 20, "t": 60, "b": 100},
    )
    return fig.spec()


def log_sum_exp_figure(
    shifts: np.ndarray,
    naive: np.ndarray,
    stable: np.ndarray,
    nan_below: float,
    nan_above: float,
    shift: float,
    label: str,
) -> Spec:
    """``p`` of the true class for ``z + c``: the naive formula breaks outside a window, the stable one never.

    The notes on the broken regions sit in a band above the curves, and the line marking ``c`` stops
    below that band with its label on top, so no line runs through any text.
    """
    fig = SpecFigure()
    low, high = float(shifts[0]), float(shifts[-1])
    top = max(float(np.nanmax(stable)), 0.05)
    marker_top = top + 0.12 * max(top, 0.25)  # the c line ends here, its label just above
    y_top = marker_top + 0.45 * max(top, 0.25)  # the notes hang from the top, above the c label
    for x0, x1, text, right in (
        (low, nan_below, "naive: every e^z → 0<br>0/0 = NaN", False),
        (nan_above, high, "naive: e^z → ∞<br>p = NaN or a wrong 0", True),
    ):
        if x1 > x0:
            fig.add_vrect(
                x0=max(x0, low),
                x1=min(x1, high),
                fillcolor=theme.ACCENT,
                opacity=0.1,
            )
            fig.add_annotation(
                text=text, x=1 if right else 0, xref="x domain", xanchor="right" if right else "left",
                y=1, yref="y domain", yanchor="top", showarrow=False, align="right" if right else "left",
                font={"size": theme.FONT_SIZE - 3},
            )  # fmt: skip
    naive_shown = [None if math.isnan(v) else float(v) for v in naive]
    fig.add_trace(
        trace(
            "scatter",
            x=shifts.tolist(),
            y=stable.tolist(),
            mode="lines",
            line={"color": theme.OTHER_CLASS, "width": 6},
            name="stable (log-sum-exp)",
            hovertemplate="stable: p = %{y:.6g} at c = %{x}<extra></extra>",
        )
    )
    fig.add_trace(
        trace(
            "scatter",
            x=shifts.tolist(),
            y=naive_shown,
            mode="lines",
            line={"color": theme.TRUE_CLASS, "width": 3, "dash": "dash"},
            name="naive e^z / Σ e^z",
            connectgaps=False,
            hovertemplate="naive: p = %{y:.6g} at c = %{x}<extra></extra>",
        )
    )
    fig.add_shape(
        type="line", x0=shift, x1=shift, xref="x", y0=0, y1=marker_top, yref="y",
        line={"color": theme.ACCENT, "width": 2},
    )  # fmt: skip
    edge = (shift - low) / (high - low)
    fig.add_annotation(
        text=f"c = {shift:g}", x=shift, xref="x", y=marker_top, yref="y", yanchor="bottom", showarrow=False,
        xanchor="left" if edge < 0.15 else "right" if edge > 0.85 else "center",
        font={"size": theme.FONT_SIZE - 2, "color": theme.TEXT},
    )  # fmt: skip
    fig.update_layout(theme.base_layout(f"p of {plotly_text(label)} for z + c: the same for every c", HEIGHT))
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "x": 0.0, "y": -0.22, "xanchor": "left", "font": {"color": theme.TEXT}},
        xaxis={**title("shift c added to every logit"), "range": [low, high], "fixedrange": True},
        yaxis={"range": [0.0, y_top], **title("p"), "fixedrange": True, "tickformat": ".2~f"},
        margin={"l": 60, "r": 20, "t": 60, "b": 100},
    )
    return fig.spec()
