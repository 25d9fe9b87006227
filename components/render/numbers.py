"""How numbers are written on the page: one format for charts, tables and formulas."""

from __future__ import annotations

import math

DIGITS = 4
#: A sum of float64 terms this close to 0, relative to its terms, is 0 up to rounding.
ROUNDING_ZERO = 1e-12


def fmt(x: float, digits: int = DIGITS) -> str:
    """Plain text: ``digits`` decimals from 1 up, ``digits`` significant digits below 1,
    scientific below 1e-4 and from 1e6, trailing zeros dropped.

    >>> fmt(0.19999999999999998), fmt(1.6094379), fmt(0.00156834), fmt(8.496708510583178e-18), fmt(-0.0)
    ('0.2', '1.6094', '0.001568', '8.4967e-18', '0')
    """
    if not math.isfinite(x):
        return str(x)
    if x == 0.0:
        return "0"
    size = abs(x)
    if 1e-4 <= size < 1e6:
        decimals = digits if size >= 1.0 else digits - 1 - math.floor(math.log10(size))
        text = f"{x:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def fmt_signed(x: float, digits: int = DIGITS) -> str:
    """Like :func:`fmt` with an explicit ``+`` on positive values (for arrows and terms)."""
    text = fmt(x, digits)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def tex(x: float, digits: int = DIGITS) -> str:
    """LaTeX: as :func:`fmt`, with ``a \\times 10^{b}`` for scientific values and a true minus."""
    text = fmt(x, digits)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa} \\times 10^{{{exponent}}}"
    return text


def tex_term(x: float, digits: int = DIGITS) -> str:
    """A number as a term inside a sum: negative values in parentheses."""
    text = tex(x, digits)
    return f"({text})" if text.startswith("-") else text


def fmt_probability(p: float, one_minus_p: float, digits: int = DIGITS) -> str:
    """A probability; one that rounds to 1 is written ``1 - 8.4967e-18`` so it never reads as exactly 1."""
    if fmt(p, digits) == "1" and one_minus_p > 0.0:
        return f"1 − {fmt(one_minus_p, digits)}"
    return fmt(p, digits)


def tex_probability(p: float, one_minus_p: float, digits: int = DIGITS) -> str:
    """LaTeX version of :func:`fmt_probability`."""
    if fmt(p, digits) == "1" and one_minus_p > 0.0:
        return f"(1 - {tex(one_minus_p, digits)})"
    return tex(p, digits)


def is_rounding_zero(total: float, terms_scale: float) -> bool:
    """True when ``total`` is zero up to float64 rounding of terms of size ``terms_scale``."""
    return abs(total) <= ROUNDING_ZERO * max(terms_scale, 1e-300)
