"""The baseline for the benchmarks: three sliders and one Plotly bar chart, nothing else."""

import plotly.graph_objects as go
import streamlit as st

values = [st.slider(f"z{i + 1}", -10.0, 10.0, 0.0, 0.1, key=f"z{i + 1}") for i in range(3)]
st.plotly_chart(go.Figure(go.Bar(x=["1", "2", "3"], y=values)), key="chart")
