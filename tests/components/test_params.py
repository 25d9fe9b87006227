"""The parameter table: one declaration per control, and everything derived from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.controls.url import check_query_params, parse
from components.params import N_MAX, PARAMS, VIEW_NAMES, Param, known_params, param, readme_table
from components.views import VIEWS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_the_one_generated_from_the_declarations() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- parameter table:[^\n]*-->\n(.*?)\n<!-- end of parameter table -->", text, re.S)
    assert found is not None, "README.md has no generated parameter table"
    assert found.group(1) == readme_table()


def test_every_declared_parameter_is_known_and_documented_once() -> None:
    names = [p.name for p in PARAMS]
    assert len(names) == len(set(names))
    assert known_params() == frozenset(names)
    table = readme_table()
    for p in PARAMS:
        assert p.readme_name in table
    assert table.count("`z1` … `z10`") == 1


def test_every_view_name_has_a_module_that_renders_it() -> None:
    assert tuple(name for name, _ in VIEWS) == VIEW_NAMES
    assert all(callable(render) for _, render in VIEWS)


@pytest.mark.parametrize("p", [p for p in PARAMS if p.kind in ("number", "whole")], ids=lambda p: p.name)
def test_a_ranged_parameter_takes_its_ends_and_refuses_just_beyond(p: Param) -> None:
    assert parse(p, [f"{p.low:g}"]) == p.low
    assert parse(p, [f"{p.high:g}"]) == p.high
    assert parse(p, [f"{p.high + 1:g}"]) is None
    assert parse(p, [f"{p.low - 1:g}"]) is None


@pytest.mark.parametrize("p", PARAMS, ids=lambda p: p.name)
def test_each_parameter_notice_names_it_and_says_what_is_shown_instead(p: Param) -> None:
    name = p.name
    query = {name: ["\u2603bad"]} if name != "names" else {name: ["a", "b"]}
    notices = check_query_params({**query, "n": [str(N_MAX)]} if p.class_index is not None else query)
    if name == "names":
        assert notices == ["Link parameter `names` was given 2 times: using the default class names."]
        return
    assert len(notices) == 1
    assert notices[0].startswith(f"Link parameter `{name}` = ` \u2603bad ` cannot be used: ")
    assert notices[0].endswith(param(name).shows_instead())
    assert "Showing" in notices[0] or "off" in notices[0]


def test_generated_wording_of_a_slider_notice() -> None:
    assert check_query_params({"lr": ["9"]}) == [
        "Link parameter `lr` = ` 9 ` cannot be used: the learning rate must be a number from 0.1 to 5. "
        "Showing the default lr = 1."
    ]
    assert check_query_params({"zi": ["4"]}) == [
        "Link parameter `zi` = ` 4 ` cannot be used: an axis of the landscape must be a class number from 1 to 3. "
        "Showing z1."
    ]
    assert check_query_params({"n": ["4"], "z5": ["1"]}) == [
        "Link parameter `z5` was ignored: the link shows only 4 classes."
    ]
