"""Softmax, cross-entropy and the gradient p − y: an interactive explainer.

Run with ``streamlit run app.py``. This file only wires controls → core → views.
"""

from __future__ import annotations

import streamlit as st

from components import controls
from components.content.intro import intro
from components.params import VIEW_NAMES
from components.render import display, share
from components.render.runtime import coalesce_send_wakeups, freeze_imported_objects
from components.views import VIEWS
from core.explanation import explain

freeze_imported_objects()  # once per process: keeps Streamlit's after-run garbage collection cheap
coalesce_send_wakeups()  # once per process: one wake-up of the sending loop per batch of messages
st.set_page_config(page_title="Softmax & cross-entropy, live", page_icon="∂", layout="wide")

url_notices = controls.url_notices()  # before any widget: widgets drop the URL values they cannot use
controls.render_presenter_toggle()
for notice in url_notices:
    st.warning(notice, icon="⚠️")
state, name_notices = controls.render_controls()
for notice in name_notices:
    st.warning(notice, icon="⚠️")
explanation = explain(state)

st.title("Softmax, cross-entropy and ∂E/∂z = p − y")
if not display.presenting():
    st.markdown(intro(explanation))
for tab, (_, render) in zip(st.tabs(VIEW_NAMES, key="view", bind="query-params"), VIEWS, strict=True):
    if tab.open:  # only the open tab is computed and drawn
        with tab:
            render(explanation)
share.render_share(controls.link_params(state.n_classes))
display.apply_presenter_style()  # last: see its docstring
