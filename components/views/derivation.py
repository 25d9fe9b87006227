"""The derivation view: step navigation, the steps with live numbers, the download."""

from __future__ import annotations

import streamlit as st

from components.content.derivation_steps import Step, steps, to_markdown
from components.controls import widget
from components.params import N_STEPS, STEP_ALL, STEP_OPTIONS, x_key
from components.render import display
from core.derivation import DEFAULT_X, derive
from core.explanation import Explanation

LAYER_STEP = 7
#: Streamlit clips a display formula's box vertically (overflow: auto hidden) and KaTeX sizes that
#: box to the TeX heights, so the overshoot of a round glyph or a delimiter at the very top or
#: bottom (the "0" of a numerator over a vector) lost a pixel or two. A little padding inside the
#: box keeps every stroke; the page is this tab's only while it is open.
FORMULA_CSS = "<style>.stMainBlockContainer .katex-display { padding: 0.3em 0; }</style>"


def _move_step(delta: int) -> None:
    current = STEP_OPTIONS.index(st.session_state.get("step", STEP_ALL))
    st.session_state["step"] = STEP_OPTIONS[min(max(current + delta, 0), N_STEPS)]


def render_step_controls() -> int:
    """Previous / step / next, for a lecture; returns the step shown (0 for all of them)."""
    previous, choice, following = st.columns([1, 5, 1], vertical_alignment="bottom")
    index = STEP_OPTIONS.index(str(widget("step", choice)))
    previous.button("◀ Previous", on_click=_move_step, args=(-1,), disabled=index == 0, width="stretch")
    following.button("Next ▶", on_click=_move_step, args=(1,), disabled=index == N_STEPS, width="stretch")
    return index


def render_layer_inputs() -> tuple[float, ...]:
    """The inputs ``x`` of the layer in step 7."""
    columns = st.columns(len(DEFAULT_X))
    return tuple(float(widget(x_key(j), column)) for j, column in enumerate(columns))


def render_step(step: Step, key: str) -> None:
    st.subheader(step.title)
    for i, (kind, content) in enumerate(step.blocks):
        if kind == "text":
            st.markdown(str(content))
        elif kind == "latex":
            st.latex(str(content))
        elif kind == "table":
            st.table(content, hide_index=True)
        elif kind == "figure":
            display.show_chart(content, key=f"{key}_figure_{i}")


def render(expl: Explanation) -> None:
    """Draw the derivation for the current logits and true class: all steps, or the one chosen."""
    st.html(FORMULA_CSS)
    shown = render_step_controls()
    visible = range(1, N_STEPS + 1) if shown == 0 else [shown]
    boxes = {k: st.container() for k in visible}
    x = DEFAULT_X
    if LAYER_STEP in boxes:
        # The layer's inputs x are needed before the numbers exist, yet sit below step 7's text:
        # reserve the text's place first, draw the inputs under it, fill the text in afterwards.
        with boxes[LAYER_STEP]:
            content = st.container()
            display.caption("Change the layer's inputs x: b follows so that z stays the logits set in the sidebar.")
            x = render_layer_inputs()
        boxes[LAYER_STEP] = content
    derivation = derive(expl, x)
    for k, step in enumerate(steps(derivation), start=1):
        if k in boxes:
            with boxes[k]:
                render_step(step, key=f"step{k}")
    st.download_button(
        "Download this derivation (Markdown with LaTeX)",
        data=to_markdown(derivation),
        file_name="softmax-cross-entropy-derivation.md",
        mime="text/markdown",
        icon="⬇️",
    )
