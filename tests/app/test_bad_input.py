"""Every way in, tried with values the app cannot use: each gives a working page and one clear notice.

No exception, no traceback, no NaN or infinity among the numbers, nothing interpreted.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from components.params import N_MAX
from tests.app import live
from tests.app.live import charts
from tests.app.test_app import run_app

PARAMS = [
    "n",
    "y",
    "z1",
    "z3",
    "z10",
    "view",
    "step",
    "x1",
    "lr",
    "steps",
    "zi",
    "zj",
    "T",
    "eps",
    "c",
    "huge",
    "present",
]
BAD_VALUES = {
    "garbage": "abc",
    "empty": "",
    "nan": "nan",
    "NaN": "NaN",
    "inf": "inf",
    "minus inf": "-inf",
    "huge": "1e400",
    "minus huge": "-1e400",
    "out of range": "999999",
    "negative out of range": "-999999",
    "hex": "0x10",
    "comma decimal": "1,5",
    "markup": "<script>alert(1)</script>",
    "latex": "$\\frac{1}{0}$",
}
NUMBER = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)


def numbers_on_screen(at: AppTest) -> str:
    """What the page shows as numbers and formulas (the notices quote the bad value; they are left out)."""
    parts = [v for shown in live.headline(at).values() for v in shown if v] + [el.value for el in at.latex]
    for table in at.table:
        parts += [str(v) for v in table.value.to_numpy().ravel()]
    return " ".join(parts)


@pytest.mark.parametrize("label", list(BAD_VALUES))
@pytest.mark.parametrize("param", PARAMS)
def test_a_bad_value_gives_one_notice_naming_it_and_a_working_page(param: str, label: str) -> None:
    at = run_app(**{param: BAD_VALUES[label]})  # run_app asserts that no exception was raised
    notices = [w.value for w in at.warning]
    assert len(notices) == 1, notices
    assert f"`{param}`" in notices[0]
    assert "<script>" not in notices[0].replace("` <script>alert(1)</script> `", "")
    assert len(charts(at)) == 3  # the Explore tab, drawn in full
    assert NUMBER.search(numbers_on_screen(at)) is None


@pytest.mark.parametrize("param", ["n", "z1", "y", "view", "lr", "T", "names"])
def test_a_repeated_parameter_is_named_and_the_default_used(param: str) -> None:
    at = run_app(**{param: ["2", "3"]})
    notices = [w.value for w in at.warning]
    assert any(f"`{param}` was given 2 times" in notice for notice in notices), notices


def test_unknown_parameters_are_listed_as_code() -> None:
    at = run_app(foo="1", **{"<b>x</b>": "2", "z11": "3"})
    notices = [w.value for w in at.warning]
    assert len(notices) == 1
    assert notices[0] == "Unknown link parameters were ignored: ` <b>x</b> `, ` foo `, ` z11 `."


def test_many_bad_parameters_at_once_each_get_their_notice() -> None:
    bad = dict.fromkeys(PARAMS, "abc")
    at = run_app(**bad)
    notices = " ".join(w.value for w in at.warning)
    for param in PARAMS:
        assert f"`{param}`" in notices
    assert len(charts(at)) == 3


@pytest.mark.parametrize("names", ["", ",,,,", " , ", "a" * 5000, ",".join(["x"] * 1000)])
def test_odd_class_names_give_a_working_page(names: str) -> None:
    at = run_app(names=names)
    labels = list(at.table[0].value["class"])
    assert len(labels) == 3
    assert NUMBER.search(numbers_on_screen(at)) is None


def test_typed_class_names_are_checked_like_linked_ones() -> None:
    at = run_app()
    at.text_input[0].set_value(",".join(f"n{k}" for k in range(40)) + ",<script>x</script>").run()
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert notices == [f"41 class names were given; the first {N_MAX} are used, the rest ignored."]
    at.text_input[0].set_value("<img src=x onerror=1>, b").run()
    # Shortened to 20 characters and every Markdown/HTML character escaped: shown as text.
    assert next(iter(at.table[0].value["class"])) == "\\<img src\\=x onerror\\=… (true)"
