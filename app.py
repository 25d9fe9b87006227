"""Softmax, cross-entropy and the gradient p − y: an interactive explainer.

Run with ``streamlit run app.py``. This file only wires controls → core → components.
"""

from __future__ import annotations

import streamlit as st

from components import controls, derivation_page, explorer
from core.explanation import explain

st.set_page_config(page_title="Softmax & cross-entropy, live", page_icon="∂", layout="wide")

for notice in controls.url_notices():
    st.warning(notice, icon="⚠️")
state = controls.render_controls()
explanation = explain(state)

st.title("Softmax, cross-entropy and ∂E/∂z = p − y")
st.markdown(
    "Drag a logit in the sidebar: every probability, the loss and every gradient arrow follow at once. "
    "The page opens on the tutorial's worked example: outputs **[0.2, 0.6, 0.2]**, true class **1**."
)
explore_tab, derivation_tab = st.tabs(controls.VIEWS, key="view", bind="query-params")
if explore_tab.open:
    with explore_tab:
        explorer.render(explanation)
if derivation_tab.open:
    with derivation_tab:
        derivation_page.render(explanation)
