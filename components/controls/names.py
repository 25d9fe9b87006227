"""Class names: typed or linked text, cleaned, shortened and counted, never interpreted."""

from __future__ import annotations

import re

import streamlit as st

from components.params import N_MAX
from components.render.text import shown

#: Class names: at most this many characters each (longer ones are shortened).
NAME_MAX_CHARS = 20


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


def names_for_link() -> str:
    """The class names as the page uses them (at most 10, each shortened): short enough for a QR code."""
    names, _ = parse_names(str(st.session_state.get("names", "")), N_MAX)
    return ",".join(names)
