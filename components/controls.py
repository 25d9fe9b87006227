"""The controls and the URL: widgets bound to query parameters, checked before use.

Streamlit drops a bound query parameter it cannot use without a word; the page
must say so instead. So on a session's first run the raw parameters are checked
here, with the same rules the widgets apply, and each value that cannot be used
becomes a notice that names it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.derivation import DEFAULT_X
from core.explanation import WORKED_EXAMPLE_TARGET, WORKED_EXAMPLE_Z, State

N_MIN, N_MAX, N_DEFAULT = 2, 10, len(WORKED_EXAMPLE_Z)
Z_MIN, Z_MAX, Z_STEP = -10.0, 10.0, 0.1
#: Default logits: the worked example's, then 0 for classes 4 to 10.
Z_DEFAULTS: tuple[float, ...] = WORKED_EXAMPLE_Z + (0.0,) * (N_MAX - len(WORKED_EXAMPLE_Z))
Y_DEFAULT = WORKED_EXAMPLE_TARGET + 1  # on screen and in the URL, classes count from 1

#: The views of the page: tab labels, and the values of the `view` parameter.
VIEWS = ("Explore", "Derivation")
#: Derivation steps: `all`, or one step at a time.
N_STEPS = 7
STEP_ALL = "all"
STEP_OPTIONS = (STEP_ALL, *(str(k) for k in range(1, N_STEPS + 1)))
X_MIN, X_MAX, X_STEP = -3.0, 3.0, 0.5

#: Parameters Streamlit itself reads (embedding); never reported as unknown.
STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})
NOTICES_KEY = "_url_notices"
SHOWN_VALUE_CHARS = 40


def z_key(i: int) -> str:
    """URL/widget key of logit ``i`` (0-based): ``z1`` … ``z10``."""
    return f"z{i + 1}"


def x_key(j: int) -> str:
    """URL/widget key of the layer input ``j`` (0-based): ``x1`` … ``x3``."""
    return f"x{j + 1}"


def known_params() -> frozenset[str]:
    return frozenset(
        {
            "n",
            "y",
            "view",
            "step",
            *(z_key(i) for i in range(N_MAX)),
            *(x_key(j) for j in range(len(DEFAULT_X))),
        }
    )


def shown(value: str) -> str:
    """A URL value quoted for a Markdown notice: as inline code, shortened, never interpreted."""
    text = re.sub(r"[\x00-\x1f\x7f]", "\N{REPLACEMENT CHARACTER}", value)
    if len(text) > SHOWN_VALUE_CHARS:
        text = text[:SHOWN_VALUE_CHARS] + "…"
    if not text:
        return "(empty)"
    longest_run = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest_run + 1)
    return f"{fence} {text} {fence}"


def _single(values: Sequence[str]) -> str | None:
    return values[0] if len(values) == 1 and values[0] != "" else None


def parse_n(values: Sequence[str]) -> int | None:
    """The number of classes from the URL, or None if it cannot be used."""
    value = _single(values)
    if value is None or not re.fullmatch(r"[1-9][0-9]?", value):
        return None
    n = int(value)
    return n if N_MIN <= n <= N_MAX else None


def parse_number(values: Sequence[str], low: float, high: float) -> float | None:
    """A slider's number from the URL, or None if it cannot be used (as Streamlit's slider decides)."""
    value = _single(values)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def parse_z(values: Sequence[str]) -> float | None:
    """A logit from the URL, or None if it cannot be used."""
    return parse_number(values, Z_MIN, Z_MAX)


def parse_choice(values: Sequence[str], options: Sequence[str]) -> str | None:
    """One of ``options`` given verbatim, or None."""
    value = _single(values)
    return value if value in options else None


def parse_y(values: Sequence[str], n_classes: int) -> int | None:
    """The true class (1-based) from the URL, a class number; None if unusable."""
    value = _single(values)
    if value is None or not re.fullmatch(r"[1-9][0-9]?", value):
        return None
    k = int(value)
    return k if 1 <= k <= n_classes else None


def _problem(values: Sequence[str]) -> str:
    if len(values) > 1:
        return f"was given {len(values)} times"
    return f"= {shown(values[0])} cannot be used"


def check_query_params(params: Mapping[str, Sequence[str]]) -> list[str]:
    """Notices, one per URL parameter the page cannot use, each naming it and what is shown instead."""
    notices: list[str] = []
    n = N_DEFAULT
    if "n" in params:
        parsed_n = parse_n(params["n"])
        if parsed_n is None:
            notices.append(
                f"Link parameter `n` {_problem(params['n'])}: the number of classes must be a whole "
                f"number from {N_MIN} to {N_MAX}. Showing {N_DEFAULT} classes."
            )
        else:
            n = parsed_n
    for i in range(N_MAX):
        key = z_key(i)
        if key not in params:
            continue
        if i >= n:
            notices.append(f"Link parameter `{key}` was ignored: the link shows only {n} classes.")
        elif parse_z(params[key]) is None:
            notices.append(
                f"Link parameter `{key}` {_problem(params[key])}: a logit must be a number from "
                f"{Z_MIN:g} to {Z_MAX:g}. Showing the default {key} = {Z_DEFAULTS[i]:.4g}."
            )
    if "y" in params and parse_y(params["y"], n) is None:
        notices.append(
            f"Link parameter `y` {_problem(params['y'])}: the true class must be a class "
            f"number from 1 to {n}. Showing class {Y_DEFAULT} as the true class."
        )
    if "view" in params and parse_choice(params["view"], VIEWS) is None:
        notices.append(
            f"Link parameter `view` {_problem(params['view'])}: it must be one of "
            f"{', '.join(VIEWS)}. Showing {VIEWS[0]}."
        )
    if "step" in params and parse_choice(params["step"], STEP_OPTIONS) is None:
        notices.append(
            f"Link parameter `step` {_problem(params['step'])}: it must be {STEP_ALL} or a step "
            f"from 1 to {N_STEPS}. Showing all steps."
        )
    for j, default in enumerate(DEFAULT_X):
        key = x_key(j)
        if key in params and parse_number(params[key], X_MIN, X_MAX) is None:
            notices.append(
                f"Link parameter `{key}` {_problem(params[key])}: a layer input must be a number from "
                f"{X_MIN:g} to {X_MAX:g}. Showing the default {key} = {default:g}."
            )
    unknown = sorted(set(params) - known_params() - STREAMLIT_PARAMS)
    if unknown:
        listed = ", ".join(shown(name) for name in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        notices.append(f"Unknown link parameters were ignored: {listed}.")
    return notices


def url_notices() -> list[str]:
    """Check the URL once per session (the first run sees the link as it was opened)."""
    if NOTICES_KEY not in st.session_state:
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        st.session_state[NOTICES_KEY] = check_query_params(params)
    notices: list[str] = st.session_state[NOTICES_KEY]
    return notices


@dataclass(frozen=True)
class Preset:
    """A named set of control values that one click applies."""

    label: str
    n: int
    z: tuple[float, ...]
    y: int  # 1-based

    def apply(self) -> None:
        st.session_state["n"] = self.n
        for i, value in enumerate(self.z):
            st.session_state[z_key(i)] = value
        st.session_state["y"] = self.y


WORKED_EXAMPLE = Preset("Tutorial's worked example", N_DEFAULT, WORKED_EXAMPLE_Z, Y_DEFAULT)


def _keep_true_class_in_range() -> None:
    """When the number of classes shrinks below the true class, make the last class the true one."""
    if st.session_state.get("y", Y_DEFAULT) > st.session_state["n"]:
        st.session_state["y"] = st.session_state["n"]


def render_controls(on_reset: Callable[[], None] = WORKED_EXAMPLE.apply) -> State:
    """The sidebar: number of classes, true class, one slider per logit. Returns the chosen State."""
    sidebar: Any = st.sidebar
    sidebar.header("Controls")
    sidebar.button(
        "Reset to the worked example",
        on_click=on_reset,
        help="Three classes, outputs [0.2, 0.6, 0.2], true class 1: the tutorial's example.",
        width="stretch",
    )
    n = int(
        sidebar.select_slider(
            "Number of classes H",
            options=list(range(N_MIN, N_MAX + 1)),
            value=N_DEFAULT,
            key="n",
            bind="query-params",
            on_change=_keep_true_class_in_range,
        )
    )
    y = int(
        sidebar.radio(
            "True class (the one-hot y has its 1 here)",
            options=list(range(1, n + 1)),
            index=Y_DEFAULT - 1,
            # The browser writes the option's label to the URL: keep it the bare number, y=3.
            format_func=str,
            key="y",
            bind="query-params",
            horizontal=True,
        )
    )
    sidebar.markdown("**Logits z** (inputs of the softmax)")
    z = tuple(
        float(
            sidebar.slider(
                f"z{i + 1}",
                min_value=Z_MIN,
                max_value=Z_MAX,
                value=Z_DEFAULTS[i],
                step=Z_STEP,
                format="%.2f",
                key=z_key(i),
                bind="query-params",
            )
        )
        for i in range(n)
    )
    return State(z=z, target=y - 1)


def _move_step(delta: int) -> None:
    current = STEP_OPTIONS.index(st.session_state.get("step", STEP_ALL))
    st.session_state["step"] = STEP_OPTIONS[min(max(current + delta, 0), N_STEPS)]


def render_step_controls() -> int:
    """Previous / step / next, for a lecture; returns the step shown (0 for all of them)."""
    previous, choice, following = st.columns([1, 5, 1], vertical_alignment="bottom")
    step = str(
        choice.radio(
            "Step (all at once for reading, one at a time for a lecture)",
            options=STEP_OPTIONS,
            key="step",
            bind="query-params",
            horizontal=True,
        )
    )
    index = STEP_OPTIONS.index(step)
    previous.button("◀ Previous", on_click=_move_step, args=(-1,), disabled=index == 0, width="stretch")
    following.button("Next ▶", on_click=_move_step, args=(1,), disabled=index == N_STEPS, width="stretch")
    return index


def render_layer_inputs() -> tuple[float, ...]:
    """The inputs ``x`` of the layer in step 7."""
    columns = st.columns(len(DEFAULT_X))
    return tuple(
        float(
            column.slider(
                f"input x{j + 1}",
                min_value=X_MIN,
                max_value=X_MAX,
                value=default,
                step=X_STEP,
                key=x_key(j),
                bind="query-params",
            )
        )
        for j, (column, default) in enumerate(zip(columns, DEFAULT_X, strict=True))
    )
