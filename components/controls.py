"""The controls and the URL: widgets bound to query parameters, checked before use.

Streamlit drops a bound query parameter it cannot use without a word; the page
must say so instead. So on a session's first run the raw parameters are checked
here, with the same rules the widgets apply, and each value that cannot be used
becomes a notice that names it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from core import grad_logits
from core.derivation import DEFAULT_X
from core.explanation import WORKED_EXAMPLE_TARGET, WORKED_EXAMPLE_Z, State

N_MIN, N_MAX, N_DEFAULT = 2, 10, len(WORKED_EXAMPLE_Z)
Z_MIN, Z_MAX, Z_STEP = -10.0, 10.0, 0.1
#: `huge=true` multiplies every logit slider by this: logits in the hundreds, for stability.
HUGE_SCALE = 100.0
#: Class names: at most this many characters each (longer ones are shortened).
NAME_MAX_CHARS = 20
BOOLEAN_OPTIONS = ("true", "false")
#: Default logits: the worked example's, then 0 for classes 4 to 10.
Z_DEFAULTS: tuple[float, ...] = WORKED_EXAMPLE_Z + (0.0,) * (N_MAX - len(WORKED_EXAMPLE_Z))
Y_DEFAULT = WORKED_EXAMPLE_TARGET + 1  # on screen and in the URL, classes count from 1

#: The views of the page: tab labels, and the values of the `view` parameter.
VIEWS = ("Explore", "Derivation", "Learning", "Compare", "Quiz")
#: Derivation steps: `all`, or one step at a time.
N_STEPS = 7
STEP_ALL = "all"
STEP_OPTIONS = (STEP_ALL, *(str(k) for k in range(1, N_STEPS + 1)))
X_MIN, X_MAX, X_STEP = -3.0, 3.0, 0.5
#: Learning view: learning rate, number of steps, the two logits of the landscape.
LR_MIN, LR_MAX, LR_STEP, LR_DEFAULT = 0.1, 5.0, 0.1, 1.0
STEPS_MIN, STEPS_MAX, STEPS_STEP, STEPS_DEFAULT = 10, 300, 10, 100
AXES_DEFAULT = (1, 2)  # z1 across, z2 up
#: Compare view: temperature, label smoothing, the shift of the log-sum-exp demo.
TEMPERATURE_OPTIONS = ("0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "20")
T_DEFAULT = "1"
EPS_MIN, EPS_MAX, EPS_STEP, EPS_DEFAULT = 0.0, 0.3, 0.01, 0.1
SHIFT_MIN, SHIFT_MAX, SHIFT_DEFAULT = -1000, 1000, 720

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
            "huge",
            "names",
            "present",
            "lr",
            "steps",
            "zi",
            "zj",
            "T",
            "eps",
            "c",
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


def parse_int(values: Sequence[str], low: int, high: int) -> int | None:
    """A whole number from the URL within [low, high], or None."""
    value = _single(values)
    if value is None or not re.fullmatch(r"-?[0-9]{1,6}", value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def parse_z(values: Sequence[str]) -> float | None:
    """A logit slider's value from the URL, or None if it cannot be used."""
    return parse_number(values, Z_MIN, Z_MAX)


def logit_scale() -> float:
    """What the logit sliders are multiplied by: 100 with `huge` on, else 1."""
    return HUGE_SCALE if st.session_state.get("huge") else 1.0


def clean_name(name: str) -> str:
    """A class name as typed, without control characters and surrounding spaces."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", "", name).strip()


def parse_names(text: str, n_classes: int) -> tuple[tuple[str, ...], list[str]]:
    """Class names from comma-separated text, and notices for what was changed or left out.

    Empty entries keep the default name; long names are shortened; names beyond
    the 10th are ignored. Any characters are allowed: they are always shown as text.
    """
    if not text.strip():
        return (), []
    notices: list[str] = []
    raw = [clean_name(name) for name in text.split(",")]
    if len(raw) > N_MAX:
        notices.append(f"{len(raw)} class names were given; the first {N_MAX} are used, the rest ignored.")
        raw = raw[:N_MAX]
    long_names = [name for name in raw if len(name) > NAME_MAX_CHARS]
    if long_names:
        notices.append(
            f"Class names are shortened to {NAME_MAX_CHARS} characters: {shown(long_names[0])}"
            + (f" and {len(long_names) - 1} more." if len(long_names) > 1 else ".")
        )
    names = tuple(name[: NAME_MAX_CHARS - 1] + "…" if len(name) > NAME_MAX_CHARS else name for name in raw)
    if len(set(filter(None, names[:n_classes]))) < len([name for name in names[:n_classes] if name]):
        notices.append("Two classes have the same name; tell them apart by their numbers in the table.")
    return names, notices


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
    if "huge" in params and parse_choice(params["huge"], BOOLEAN_OPTIONS) is None:
        notices.append(
            f"Link parameter `huge` {_problem(params['huge'])}: it must be true or false. "
            "Showing the logits as set, not multiplied by 100."
        )
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
    # Slider values: (key, what it is, whole numbers only, range, default).
    ranged: list[tuple[str, str, bool, float, float, float]] = [
        *((x_key(j), "a layer input", False, X_MIN, X_MAX, x) for j, x in enumerate(DEFAULT_X)),
        ("lr", "the learning rate", False, LR_MIN, LR_MAX, LR_DEFAULT),
        ("steps", "the number of descent steps", True, STEPS_MIN, STEPS_MAX, STEPS_DEFAULT),
        ("eps", "the label smoothing ε", False, EPS_MIN, EPS_MAX, EPS_DEFAULT),
        ("c", "the shift c", True, SHIFT_MIN, SHIFT_MAX, SHIFT_DEFAULT),
    ]
    for key, what, whole, low, high, default in ranged:
        if key not in params:
            continue
        usable = parse_int(params[key], int(low), int(high)) if whole else parse_number(params[key], low, high)
        if usable is None:
            notices.append(
                f"Link parameter `{key}` {_problem(params[key])}: {what} must be a "
                f"{'whole number' if whole else 'number'} from {low:g} to {high:g}. "
                f"Showing the default {key} = {default:g}."
            )
    for key, default_axis in zip(("zi", "zj"), AXES_DEFAULT, strict=True):
        if key in params and parse_y(params[key], n) is None:
            notices.append(
                f"Link parameter `{key}` {_problem(params[key])}: an axis of the landscape must be a "
                f"logit number from 1 to {n}. Showing z{default_axis}."
            )
    if "present" in params and parse_choice(params["present"], BOOLEAN_OPTIONS) is None:
        notices.append(
            f"Link parameter `present` {_problem(params['present'])}: it must be true or false. Presenter mode is off."
        )
    if "names" in params and len(params["names"]) > 1:
        notices.append(f"Link parameter `names` {_problem(params['names'])}: using the default class names.")
    if "T" in params and parse_choice(params["T"], TEMPERATURE_OPTIONS) is None:
        notices.append(
            f"Link parameter `T` {_problem(params['T'])}: the temperature must be one of "
            f"{', '.join(TEMPERATURE_OPTIONS)}. Showing T = {T_DEFAULT}."
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
    z: tuple[float, ...]  # slider values: multiplied by 100 when huge
    y: int  # 1-based
    huge: bool = False
    help: str = ""

    def apply(self) -> None:
        st.session_state["n"] = self.n
        st.session_state["huge"] = self.huge
        st.session_state["y"] = self.y
        _set_logits(self.z)
        st.session_state.pop(DESCENT_KEY, None)


def _register_hidden_logits(n: int) -> None:
    """Give the logits beyond ``n`` a value in the session, though their sliders are not drawn.

    A slider that a preset creates (more classes) only writes its value to the URL if its key
    was in the session on the run before; this puts it there.
    """
    for i in range(n, N_MAX):
        if z_key(i) not in st.query_params:
            st.session_state.setdefault(z_key(i), Z_DEFAULTS[i])


WORKED_EXAMPLE = Preset(
    "Worked example",
    N_DEFAULT,
    WORKED_EXAMPLE_Z,
    Y_DEFAULT,
    help="Three classes, outputs [0.2, 0.6, 0.2], true class 1: the tutorial's example.",
)
PRESETS = (
    WORKED_EXAMPLE,
    Preset("Confident, wrong", 3, (-2.0, 6.0, 0.0), 1, help="Class 2 gets p ≈ 0.997 but class 1 is true: a big loss."),
    Preset("Confident, right", 3, (6.0, -2.0, 0.0), 1, help="Class 1 gets p ≈ 0.997 and is true: a tiny loss."),
    Preset("Uniform", 3, (0.0, 0.0, 0.0), 1, help="All logits equal: every p = 1/3 and E = ln 3."),
    Preset(
        "Ten classes",
        10,
        (1.5, 2.5, 0.3, -0.8, 1.9, -1.5, 0.0, 0.9, -2.2, 1.2),
        5,
        help="Ten classes; class 5 is true but class 2 leads.",
    ),
    Preset(
        "Huge logits",
        3,
        (8.0, 7.9, -8.0),
        2,
        huge=True,
        help="Logits 800, 790, −800 (sliders ×100): e^800 overflows float64, yet every number stays exact.",
    ),
)


def _keep_true_class_in_range() -> None:
    """When the number of classes shrinks below a chosen class, choose the last class instead."""
    n = st.session_state["n"]
    if st.session_state.get("y", Y_DEFAULT) > n:
        st.session_state["y"] = n
    for key, other in (("zi", "zj"), ("zj", "zi")):
        if key in st.session_state and st.session_state[key] > n:
            st.session_state[key] = n if st.session_state.get(other) != n else n - 1


def render_presenter_toggle() -> bool:
    sidebar: Any = st.sidebar
    return bool(
        sidebar.toggle(
            "Presenter mode",
            key="present",
            bind="query-params",
            help="Larger text and charts for a projector; hides captions, tables and other reading aids.",
        )
    )


PRESET_KEY = "preset"


def _apply_chosen_preset() -> None:
    """A preset pill was clicked: set its controls, then clear the pill (a preset is an action)."""
    label = st.session_state.get(PRESET_KEY)
    for preset in PRESETS:
        if preset.label == label:
            preset.apply()
    st.session_state[PRESET_KEY] = None


def render_presets() -> None:
    """The presets as a row of pills: compact, so the sliders stay near the top of the sidebar."""
    sidebar: Any = st.sidebar
    sidebar.pills(
        "Presets (one click sets every control)",
        options=[preset.label for preset in PRESETS],
        selection_mode="single",
        default=None,
        key=PRESET_KEY,
        on_change=_apply_chosen_preset,
        help=" · ".join(f"{preset.label}: {preset.help}" for preset in PRESETS),
    )


def render_controls() -> tuple[State, list[str]]:
    """The sidebar: presets, classes, names, true class, one slider per logit.

    Returns the chosen State and notices about the class names typed.
    """
    sidebar: Any = st.sidebar
    sidebar.header("Controls")
    render_presets()
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
    huge = bool(
        sidebar.toggle(
            f"×{HUGE_SCALE:g}: huge logits",
            key="huge",
            bind="query-params",
            help="Multiplies every slider by 100: logits up to ±1000, where e^z overflows float64.",
        )
    )
    scale = HUGE_SCALE if huge else 1.0
    if huge:
        sidebar.caption(f"Each logit is its slider × {HUGE_SCALE:g}.")
    sliders = tuple(
        float(
            sidebar.slider(
                f"z{i + 1}",  # the label is part of the widget's identity: it never changes
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
    z = tuple(scale * v for v in sliders)
    names_text = str(
        sidebar.text_input(
            "Class names (optional, comma-separated)",
            key="names",
            bind="query-params",
            placeholder="cat, dog, bird",
            help="Shown in every chart, table and formula; any text is shown as typed.",
        )
    )
    names, name_notices = parse_names(names_text, n)
    _register_hidden_logits(n)
    return State(z=z, target=y - 1, names=names[:n]), name_notices


def _url_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def link_params(n: int) -> list[tuple[str, str]]:
    """Every setting that differs from its default, as URL parameters: the state of the page.

    Values come from the widgets; a setting of a tab not drawn this run comes from the URL
    if it is valid there. Class names are those in use (short enough for a QR code).
    """
    defaults: dict[str, object] = {
        "view": VIEWS[0],
        "present": False,
        "n": N_DEFAULT,
        "y": Y_DEFAULT,
        "huge": False,
        **{z_key(i): Z_DEFAULTS[i] for i in range(n)},
        "step": STEP_ALL,
        **{x_key(j): x for j, x in enumerate(DEFAULT_X)},
        "lr": LR_DEFAULT,
        "steps": STEPS_DEFAULT,
        "zi": AXES_DEFAULT[0],
        "zj": AXES_DEFAULT[1],
        "T": T_DEFAULT,
        "eps": EPS_DEFAULT,
        "c": SHIFT_DEFAULT,
    }
    params: list[tuple[str, str]] = []
    for key, default in defaults.items():
        if key in st.session_state:
            value = st.session_state[key]
        elif key in st.query_params and not check_query_params({"n": [str(n)], key: st.query_params.get_all(key)}):
            value = st.query_params[key]
        else:
            continue
        if value != default and _url_text(value) != _url_text(default):
            params.append((key, _url_text(value)))
    names = names_for_link()
    return [*params, ("names", names)] if names else params


def names_for_link() -> str:
    """The class names as the page uses them (at most 10, each shortened): short enough for a QR code."""
    names, _ = parse_names(str(st.session_state.get("names", "")), N_MAX)
    return ",".join(names)


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


@dataclass(frozen=True)
class LearningSettings:
    """The learning view's choices: rate, steps, and the landscape's two logits (0-based)."""

    learning_rate: float
    steps: int
    i: int
    j: int
    axes_note: str | None = None  # why the axes shown differ from those chosen


DESCENT_KEY = "_descent"  # (start logits, steps taken, logits after the last step)


def _set_logits(z: Sequence[float]) -> None:
    for i, value in enumerate(z):
        st.session_state[z_key(i)] = float(value)


def _take_descent_step(z: tuple[float, ...], target: int, learning_rate: float) -> None:
    """One step ``z <- z - lr (p - y)`` on the sidebar's logits, kept within the sliders' range."""
    start, taken, last = st.session_state.get(DESCENT_KEY, (z, 0, z))
    if tuple(last) != z:  # the logits were moved by hand since: count from here
        start, taken = z, 0
    scale = logit_scale()
    stepped = (np.asarray(z) - learning_rate * grad_logits(z, target)) / scale
    sliders = [min(max(v, Z_MIN), Z_MAX) for v in stepped.tolist()]
    _set_logits(sliders)
    st.session_state[DESCENT_KEY] = (start, taken + 1, tuple(scale * v for v in sliders))


def _undo_descent_steps() -> None:
    start, _, _ = st.session_state.pop(DESCENT_KEY)
    _set_logits([v / logit_scale() for v in start])


def descent_steps_taken(z: tuple[float, ...]) -> int:
    """How many single steps led to the logits ``z`` (0 once they are moved by hand)."""
    _, taken, last = st.session_state.get(DESCENT_KEY, (z, 0, z))
    return int(taken) if tuple(last) == z else 0


def render_learning_controls(state: State) -> LearningSettings:
    """Learning rate, number of steps, one-step and undo buttons, and the landscape's axes."""
    n = state.n_classes
    rate_col, steps_col, step_col, undo_col = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
    learning_rate = float(
        rate_col.slider(
            "Learning rate η",
            min_value=LR_MIN,
            max_value=LR_MAX,
            value=LR_DEFAULT,
            step=LR_STEP,
            format="%.1f",
            key="lr",
            bind="query-params",
        )
    )
    steps = int(
        steps_col.slider(
            "Steps in the animation",
            min_value=STEPS_MIN,
            max_value=STEPS_MAX,
            value=STEPS_DEFAULT,
            step=STEPS_STEP,
            key="steps",
            bind="query-params",
        )
    )
    taken = descent_steps_taken(state.z)
    step_col.button(
        "Take one step ▶",
        on_click=_take_descent_step,
        args=(state.z, state.target, learning_rate),
        help="Moves the logits in the sidebar by −η (p − y); the link follows.",
        width="stretch",
    )
    undo_col.button(
        f"Undo {taken} step{'s' if taken != 1 else ''}" if taken else "Undo steps",
        on_click=_undo_descent_steps,
        disabled=taken == 0,
        help="Back to the logits before the first step.",
        width="stretch",
    )
    left, right = st.columns(2)
    options = list(range(1, n + 1))
    i = int(
        left.selectbox(
            "Landscape: across, logit",
            options=options,
            index=AXES_DEFAULT[0] - 1,
            format_func=str,
            key="zi",
            bind="query-params",
        )
    )
    j = int(
        right.selectbox(
            "Landscape: up, logit",
            options=options,
            index=AXES_DEFAULT[1] - 1,
            format_func=str,
            key="zj",
            bind="query-params",
        )
    )
    note = None
    if i == j:
        j = i % n + 1
        note = f"Both axes were logit {i}: showing z{i} across and z{j} up."
    return LearningSettings(learning_rate, steps, i - 1, j - 1, note)


def render_temperature_control() -> float:
    return float(
        st.select_slider(
            "Temperature T",
            options=TEMPERATURE_OPTIONS,
            value=T_DEFAULT,
            key="T",
            bind="query-params",
        )
    )


def render_smoothing_control() -> float:
    return float(
        st.slider(
            "Label smoothing ε",
            min_value=EPS_MIN,
            max_value=EPS_MAX,
            value=EPS_DEFAULT,
            step=EPS_STEP,
            format="%.2f",
            key="eps",
            bind="query-params",
        )
    )


def render_shift_control() -> int:
    return int(
        st.slider(
            "Shift every logit by c",
            min_value=SHIFT_MIN,
            max_value=SHIFT_MAX,
            value=SHIFT_DEFAULT,
            step=1,
            key="c",
            bind="query-params",
        )
    )
