"""The Explore view drawn with the live components: charts that follow the hand, never blink.

The sidebar is the app's own (components.controls): presets, classes, true class, names and the
URL-bound logit sliders. The live sliders beside the charts commit into those same session keys
(z1 … z10), so the sidebar sliders, the URL and every Python number follow on release.

    streamlit run bench/apps/live_demo.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from components import controls
from components.controls.presets import set_logits
from components.controls.sidebar import logit_scale
from components.figures import compare
from components.figures import explore as charts
from components.live import Sliders, live_chart, live_headline, live_logits
from components.render import display
from components.render.numbers import fmt
from components.render.spec import merge
from components.views.explore import headline_numbers
from core.comparisons import argmax_limit, temperature_sweep
from core.explanation import explain

st.set_page_config(page_title="Live explorer (prototype)", page_icon="∂", layout="wide")
url_notices = controls.url_notices()
controls.render_presenter_toggle()
display.apply_presenter_style()
for notice in url_notices:
    st.warning(notice, icon="⚠️")
state, name_notices = controls.render_controls()
for notice in name_notices:
    st.warning(notice, icon="⚠️")
expl = explain(state)
present = display.presenting()
scale = logit_scale()


def figure(spec: dict) -> dict:
    return display.for_projector(spec) if present else spec


t = expl.target
live_headline(
    headline_numbers(expl),
    key="live_headline",
    present=present,
)
left, right = st.columns(2, gap="large")
with left:
    live_chart(figure(charts.probability_figure(expl)), key="live_p", follow="p", label="Softmax outputs")
    live_logits(
        Sliders(values=tuple(v / scale for v in state.z), scale=scale),
        target=t,
        labels=[f"z{i + 1} · {label}" if state.names else f"z{i + 1}" for i, label in enumerate(state.labels)],
        key="live_logits",
        on_commit=set_logits,  # the sidebar's sliders (bound to the URL) take them, as a preset's
        present=present,
    )
with right:
    live_chart(figure(charts.gradient_figure(expl)), key="live_grad", follow="grad", label="Gradient arrows")
live_chart(figure(charts.loss_curve_figure(expl)), key="live_loss", follow="loss", label="Loss curve")
st.caption(f"core: p = {[round(float(v), 6) for v in expl.p]}, E = {fmt(expl.loss)}")

# Any other chart: drawn by the same component without `follow`, so a rerun updates it in place
# (no blank frame, zoom and pan kept): here the Compare tab's temperature chart, made zoomable
# across (the app's charts are all fixedrange today) to show that a zoom survives an update.
st.subheader("Another chart, updated in place")
temperature = float(controls.widget("T"))
z = np.asarray(state.z)
temperature_spec = compare.temperature_figure(state, temperature_sweep(z), argmax_limit(z), temperature)
live_chart(
    figure(merge(temperature_spec, {"layout": {"xaxis": {"fixedrange": False}}})),
    key="live_temperature",
    label="Softmax outputs against the temperature",
)
