"""Widgets made from the parameter table: one call draws a declared control, bound to the URL."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.params import Param, param


def _options(p: Param, n_classes: int | None) -> list[Any]:
    if p.kind == "class":
        if n_classes is None:
            raise ValueError(f"{p.name} lists the classes: give n_classes")
        return list(range(1, n_classes + 1))
    if p.options:
        return list(p.options)
    return list(range(int(p.low), int(p.high) + 1))


def widget(name: str, where: Any = None, *, n_classes: int | None = None, **extra: Any) -> Any:
    """Draw the control declared as ``name`` in ``where`` (the main area by default) and return its value.

    The widget's key is the parameter's name and it is bound to the URL; ``extra`` adds widget
    arguments that are behaviour, not declaration (``on_change``, ``placeholder``, ``label_visibility``).
    """
    p = param(name)
    where = st if where is None else where
    common: dict[str, Any] = {"key": p.name, "bind": "query-params", "help": p.help or None, **extra}
    if p.widget == "slider":
        cast = int if p.kind == "whole" else float
        return where.slider(
            p.label, min_value=cast(p.low), max_value=cast(p.high), value=cast(p.default), step=cast(p.step),
            format=p.display_format, **common,
        )  # fmt: skip
    if p.widget == "select_slider":
        return where.select_slider(p.label, options=_options(p, n_classes), value=p.default, **common)
    if p.widget in ("radio", "selectbox"):
        options = _options(p, n_classes)
        draw = where.radio if p.widget == "radio" else where.selectbox
        if p.widget == "radio":
            common.setdefault("horizontal", True)
        # format_func=str: the browser writes the option's label to the URL, so keep it the bare value (y=3).
        return draw(p.label, options=options, index=options.index(p.default), format_func=str, **common)
    if p.widget == "toggle":
        return where.toggle(p.label, **common)
    if p.widget == "text_input":
        return where.text_input(p.label, **common)
    raise ValueError(f"{p.name}: the {p.widget} widget is drawn by the page itself")
