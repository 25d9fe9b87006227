"""The softmax's Jacobian as an annotated heatmap (Derivation, step 3)."""

from __future__ import annotations

import numpy as np

from components.render import theme
from components.render.numbers import fmt
from components.render.spec import Spec, finish, merge, title
from components.render.text import plotly_text
from core.derivation import Derivation

#: Negative entries blue, zero light grey, positive amber (the true class's colour).
JACOBIAN_COLOURS: list[tuple[float, str]] = [(0.0, theme.OTHER_CLASS), (0.5, "#F2F2F2"), (1.0, theme.TRUE_CLASS)]
#: The diagonal's frame: a dark line on a light casing, so that one of the two stands out on any cell
#: colour and on either theme's background (black and white are at least 4.58:1 from every colour).
FRAME = "#000000"
FRAME_CASING = "#FFFFFF"


def jacobian_figure(d: Derivation) -> Spec:
    """``dp_i/dz_j`` as an annotated heatmap; the ``i = j`` diagonal outlined and labelled.

    Each cell's numbers are black or white, whichever reads better on that cell's colour.
    """
    e = d.expl
    n = e.n_classes
    jac = e.jacobian
    limit = max(float(np.max(np.abs(jac))), 1e-12)
    cell_text = [
        [f"{fmt(float(jac[i, j]), 3)}<br>{'i = j' if i == j else 'i ≠ j'}" if n <= 6 else fmt(float(jac[i, j]), 2)
         for j in range(n)]
        for i in range(n)
    ]  # fmt: skip
    labels = [plotly_text(label) for label in e.state.labels]
    cells = list(range(n))
    heatmap = {
        "type": "heatmap",
        "z": jac.tolist(),
        "x": cells,
        "y": cells,
        "text": cell_text,
        "customdata": [[[labels[i], labels[j]] for j in range(n)] for i in range(n)],
        "colorscale": [[t, c] for t, c in JACOBIAN_COLOURS],
        "zmin": -limit,
        "zmax": limit,
        "colorbar": {"title": {"text": "∂pᵢ/∂zⱼ"}},
        "hovertemplate": "∂p(%{customdata[0]})/∂z(%{customdata[1]}) = %{z:.4g}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
        "name": "Jacobian",
    }
    cell_colours = [
        theme.text_on(theme.scale_colour(JACOBIAN_COLOURS, (float(jac[i, j]) + limit) / (2 * limit)))
        for i in range(n)
        for j in range(n)
    ]
    numbers = {
        "type": "scatter",
        "x": [j for _ in range(n) for j in range(n)],
        "y": [i for i in range(n) for _ in range(n)],
        "mode": "text",
        "text": [cell_text[i][j] for i in range(n) for j in range(n)],
        "textfont": {"size": theme.FONT_SIZE - (0 if n <= 6 else 5), "color": cell_colours},
        "hoverinfo": "skip",
        "name": "entries",
    }
    casing_x: list[float | None] = []
    casing_y: list[float | None] = []
    for i in range(n):
        casing_x += [i - 0.5, i + 0.5, i + 0.5, i - 0.5, i - 0.5, None]
        casing_y += [i - 0.5, i - 0.5, i + 0.5, i + 0.5, i - 0.5, None]
    casing = {
        "type": "scatter",
        "x": casing_x,
        "y": casing_y,
        "mode": "lines",
        "line": {"color": FRAME_CASING, "width": 6},
        "hoverinfo": "skip",
        "name": "diagonal (casing)",
    }
    diagonal = [
        {
            "type": "rect",
            "x0": i - 0.5,
            "x1": i + 0.5,
            "y0": i - 0.5,
            "y1": i + 0.5,
            "line": {"color": FRAME, "width": 2.5, "dash": "solid"},
        }
        for i in range(n)
    ]
    layout = merge(
        theme.base_layout("Jacobian ∂pᵢ/∂zⱼ: diagonal p(1 − p), off-diagonal −pᵢpⱼ", height=460),
        {
            "xaxis": {
                **title("logit zⱼ"),
                "side": "bottom",
                "fixedrange": True,
                "tickmode": "array",
                "tickvals": cells,
                "ticktext": labels,
                "autotickangles": [0, 90],
                "range": [-0.5, n - 0.5],
                "showgrid": False,
                "zeroline": False,
            },
            "yaxis": {
                **title("output pᵢ"),
                "fixedrange": True,
                "tickmode": "array",
                "tickvals": cells,
                "ticktext": labels,
                "range": [n - 0.5, -0.5],
                "showgrid": False,
                "zeroline": False,
            },
            "margin": {"l": 90, "r": 20, "t": 50, "b": 60},
            "shapes": diagonal,
        },
    )
    return finish([heatmap, casing, numbers], layout)
