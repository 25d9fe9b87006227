"""The softmax's Jacobian as an annotated heatmap (Derivation, step 3)."""

from __future__ import annotations

import numpy as np

from components.render import theme
from components.render.numbers import fmt
from components.render.spec import Spec, finish, merge, title
from components.render.text import plotly_text
from core.derivation import Derivation


def jacobian_figure(d: Derivation) -> Spec:
    """``dp_i/dz_j`` as an annotated heatmap; the ``i = j`` diagonal outlined and labelled."""
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
    heatmap = {
        "type": "heatmap",
        "z": jac.tolist(),
        "x": labels,
        "y": labels,
        "text": cell_text,
        "texttemplate": "%{text}",
        "textfont": {"size": theme.FONT_SIZE - (0 if n <= 6 else 5)},
        "colorscale": [[0.0, theme.OTHER_CLASS], [0.5, "#F2F2F2"], [1.0, theme.TRUE_CLASS]],
        "zmin": -limit,
        "zmax": limit,
        "colorbar": {"title": {"text": "∂pᵢ/∂zⱼ"}},
        "hovertemplate": "∂p(%{y})/∂z(%{x}) = %{z:.4g}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
    }
    diagonal = [
        {
            "type": "rect",
            "x0": i - 0.5,
            "x1": i + 0.5,
            "y0": i - 0.5,
            "y1": i + 0.5,
            "line": {"color": "#000000", "width": 3, "dash": "solid"},
        }
        for i in range(n)
    ]
    layout = merge(
        theme.base_layout("Jacobian ∂pᵢ/∂zⱼ: diagonal p(1 − p), off-diagonal −pᵢpⱼ", height=460),
        {
            "xaxis": {**title("logit zⱼ"), "side": "bottom", "fixedrange": True, "tickangle": 0},
            "yaxis": {**title("output pᵢ"), "autorange": "reversed", "fixedrange": True},
            "margin": {"l": 90, "r": 20, "t": 50, "b": 60},
            "shapes": diagonal,
        },
    )
    return finish([heatmap], layout)
