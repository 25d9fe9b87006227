"""The page's opening line: it names the outputs and true class on screen, never a fixed example."""

from __future__ import annotations

import sys

from components.render.numbers import fmt, fmt_probability
from components.render.text import md
from core.derivation import decimal_exponent
from core.explanation import WORKED_EXAMPLE_TARGET, Explanation

WORKED_EXAMPLE_P = ("0.2", "0.6", "0.2")
LEAD = (
    "Drag a logit, under the probability chart or in the sidebar: every probability, the loss and every "
    "gradient arrow follow at once."
)


def shown_output(p: float, one_minus_p: float, log_p: float) -> str:
    """A probability as text; one below float64's normal range from its logarithm (never a bare 0)."""
    if p >= sys.float_info.min:
        return fmt_probability(p, one_minus_p)
    mantissa, exponent = decimal_exponent(log_p)
    return f"{fmt(mantissa)}e{exponent}"


def shown_outputs(expl: Explanation) -> tuple[str, ...]:
    return tuple(
        shown_output(float(p), float(q), float(lp))
        for p, q, lp in zip(expl.p, expl.one_minus_p, expl.log_p, strict=True)
    )


def true_class_text(expl: Explanation) -> str:
    k = expl.target
    named = k < len(expl.state.names) and expl.state.names[k]
    return md(expl.state.label(k)) if named else str(k + 1)


def intro(expl: Explanation) -> str:
    """The tutorial's worked example when it is what the page shows, else what the page shows now."""
    outputs = shown_outputs(expl)
    if outputs == WORKED_EXAMPLE_P and expl.target == WORKED_EXAMPLE_TARGET:
        named = "" if true_class_text(expl) == "1" else f" ({true_class_text(expl)})"
        return f"{LEAD} This is the tutorial's worked example: outputs **[0.2, 0.6, 0.2]**, true class **1**{named}."
    return (
        f"{LEAD} On screen now: outputs **[{', '.join(outputs)}]**, true class **{true_class_text(expl)}**. "
        "The *Worked example* preset brings back the tutorial's outputs [0.2, 0.6, 0.2] with true class 1."
    )
