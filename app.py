"""Softmax, cross-entropy and the gradient p − y: an interactive explainer.

Run with ``streamlit run app.py``. This file only wires controls → core → components.
"""

from __future__ import annotations

import streamlit as st

from components import compare_page, controls, derivation_page, display, explorer, learning_page, quiz_page, share
from components.runtime import freeze_imported_objects
from core.explanation import explain

freeze_imported_objects()  # once per process: keeps Streamlit's after-run garbage collection cheap
st.set_page_config(page_title="Softmax & cross-entropy, live", page_icon="∂", layout="wide")

url_notices = controls.url_notices()  # before any widget: widgets drop the URL values they cannot use
controls.render_presenter_toggle()
display.apply_presenter_style()
for notice in url_notices:
    st.warning(notice, icon="⚠️")
state, name_notices = controls.render_controls()
for notice in name_notices:
    st.warning(notice, icon="⚠️")
explanation = explain(state)

st.title("Softmax, cross-entropy and ∂E/∂z = p − y")
if not display.presenting():
    st.markdown(
        "Drag a logit in the sidebar: every probability, the loss and every gradient arrow follow at once. "
        "The page opens on the tutorial's worked example: outputs **[0.2, 0.6, 0.2]**, true class **1**."
    )
renderers = (explorer.render, derivation_page.render, learning_page.render, compare_page.render, quiz_page.render)
for tab, render in zip(st.tabs(controls.VIEWS, key="view", bind="query-params"), renderers, strict=True):
    if tab.open:  # only the open tab is computed and drawn
        with tab:
            render(explanation)
share.render_share(controls.link_params(state.n_classes))
