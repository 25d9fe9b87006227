"""The URL, checked against the parameter table: notices for what cannot be used, and the share link.

Streamlit drops a bound query parameter it cannot use without a word; the page must say
so instead. So on a session's first run the raw parameters are checked here, with the
rules declared in ``components.params``, and each value that cannot be used becomes a
notice that names it and says what is shown instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import streamlit as st

from components.controls.names import names_for_link
from components.params import BOOLEAN_OPTIONS, N_DEFAULT, PARAMS, Param, Value, known_params, param
from components.render.text import shown

#: Parameters Streamlit itself reads (embedding); never reported as unknown.
STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})
NOTICES_KEY = "_url_notices"


def _single(values: Sequence[str]) -> str | None:
    return values[0] if len(values) == 1 and values[0] != "" else None


def parse(p: Param, values: Sequence[str], n_classes: int = N_DEFAULT) -> Value | None:
    """The value of parameter ``p`` from its raw URL values, or None when the widget could not use it.

    The rules are those of the widget that the declaration makes: a slider takes a finite number
    within its range, a whole-number slider an integer, an option list its options verbatim.
    """
    value = _single(values)
    if value is None:
        return "" if p.kind == "text" and values == [""] else None
    if p.kind == "number":
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) and p.low <= number <= p.high else None
    if p.kind == "whole":
        if p.widget == "select_slider":  # options are the whole numbers, written as such
            options = [str(k) for k in range(int(p.low), int(p.high) + 1)]
            return int(value) if value in options else None
        if not re.fullmatch(r"-?[0-9]{1,6}", value):
            return None
        whole = int(value)
        return whole if p.low <= whole <= p.high else None
    if p.kind == "class":
        return int(value) if value in [str(k) for k in range(1, n_classes + 1)] else None
    if p.kind == "bool":
        return value == "true" if value in BOOLEAN_OPTIONS else None
    if p.kind == "choice":
        return value if value in p.options else None
    return value


def parse_n(values: Sequence[str]) -> int | None:
    """The number of classes from the URL, or None if it cannot be used."""
    n = parse(param("n"), values)
    return int(n) if n is not None else None


def parse_z(values: Sequence[str]) -> float | None:
    """A logit slider's value from the URL, or None if it cannot be used."""
    z = parse(param("z1"), values)
    return float(z) if z is not None else None


def parse_y(values: Sequence[str], n_classes: int) -> int | None:
    """The true class (1-based) from the URL, a class number; None if unusable."""
    y = parse(param("y"), values, n_classes)
    return int(y) if y is not None else None


def _problem(values: Sequence[str]) -> str:
    if len(values) > 1:
        return f"was given {len(values)} times"
    return f"= {shown(values[0])} cannot be used"


def notice(p: Param, values: Sequence[str], n_classes: int) -> str | None:
    """The notice for parameter ``p`` given ``values`` in the URL, or None when they can be used."""
    if p.class_index is not None and p.class_index >= n_classes:
        return f"Link parameter `{p.name}` was ignored: the link shows only {n_classes} classes."
    if parse(p, values, n_classes) is not None:
        return None
    if p.kind == "text":
        return f"Link parameter `{p.name}` {_problem(values)}: {p.shows_instead()}"
    return f"Link parameter `{p.name}` {_problem(values)}: {p.rule(n_classes)}. {p.shows_instead()}"


def check_query_params(params: Mapping[str, Sequence[str]]) -> list[str]:
    """Notices, one per URL parameter the page cannot use, each naming it and what is shown instead."""
    n = parse_n(params["n"]) if "n" in params else None
    n_classes = n if n is not None else N_DEFAULT
    # `n` first, then the logits it decides on, then the rest in the table's order.
    in_order = sorted(PARAMS, key=lambda p: (p.name != "n", p.class_index is None))
    notices = [text for p in in_order if p.name in params if (text := notice(p, params[p.name], n_classes))]
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


def url_text(value: object) -> str:
    """A value as the URL writes it: ``true``, ``1.5`` (not ``1.50``), ``3``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def link_params(n_classes: int) -> list[tuple[str, str]]:
    """Every setting that differs from its default, as URL parameters: the state of the page.

    Values come from the widgets; a setting of a tab not drawn this run comes from the URL
    if it is valid there. Class names are those in use (short enough for a QR code).
    """
    found: list[tuple[str, str]] = []
    # one copy of the session state: `name in st.session_state` costs a KeyError for each of the ~80
    # parameters not drawn this run (1.2 ms a rerun)
    state = st.session_state.to_dict()
    for p in PARAMS:
        if p.name == "names" or (p.class_index is not None and p.class_index >= n_classes):
            continue
        if p.name in state:
            value = state[p.name]
        elif p.name in st.query_params and notice(p, st.query_params.get_all(p.name), n_classes) is None:
            value = st.query_params[p.name]
        else:
            continue
        if value != p.default and url_text(value) != url_text(p.default):
            found.append((p.name, url_text(value)))
    names = names_for_link()
    return [*found, ("names", names)] if names else found
