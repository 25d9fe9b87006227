"""User text (class names) made safe for each place it is shown: Markdown, LaTeX, Plotly.

Nothing the user types is ever interpreted: not as HTML, not as Markdown, not as LaTeX.
"""

from __future__ import annotations

import html
import re

#: Characters Markdown (and Streamlit's extensions: directives, math) would read as syntax.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'])")
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def md(text: str) -> str:
    """Text for ``st.markdown`` and widget labels: every syntax character backslash-escaped.

    >>> md("**cat** <b>$x$</b>")
    '\\\\*\\\\*cat\\\\*\\\\* \\\\<b\\\\>\\\\$x\\\\$\\\\</b\\\\>'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def tex_text(text: str) -> str:
    r"""Text for LaTeX: ``\text{...}`` with the special characters escaped.

    >>> tex_text("a_b {c} 100%")
    '\\text{a\\_b \\{c\\} 100\\%}'
    """
    return r"\text{" + "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text) + "}"


def plotly_text(text: str) -> str:
    """Text for Plotly labels, which would otherwise read tags such as ``<b>`` or ``<a href>``."""
    return html.escape(text, quote=False)


#: A quoted value (from the URL or typed) is cut to this many characters in a notice.
SHOWN_VALUE_CHARS = 40


def shown(value: str) -> str:
    """A value quoted for a Markdown notice: as inline code, shortened, never interpreted."""
    text = re.sub(r"[\x00-\x1f\x7f]", "\N{REPLACEMENT CHARACTER}", value)
    if len(text) > SHOWN_VALUE_CHARS:
        text = text[:SHOWN_VALUE_CHARS] + "…"
    if not text:
        return "(empty)"
    longest_run = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest_run + 1)
    return f"{fence} {text} {fence}"
