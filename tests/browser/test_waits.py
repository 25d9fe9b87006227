"""``wait_until``: a predicate that throws while the page is mid-rerun is "not yet", not a failure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.waits import wait_until

HERE = Path(__file__).resolve().parent


@pytest.mark.browser
def test_a_throw_while_the_element_is_missing_is_not_a_failure(page: Page) -> None:
    # the element a test reads arrives 300 ms later, as after a rerun that replaced it
    page.set_content("<script>setTimeout(() => { document.body.innerHTML = '<b id=v>42</b>'; }, 300)</script>")
    wait_until(page, "want => document.querySelector('#v').textContent === want", arg="42", timeout=10_000)
    assert page.inner_text("#v") == "42"


@pytest.mark.browser
def test_a_timeout_reports_the_predicates_last_error(page: Page) -> None:
    page.set_content("<p>never</p>")
    with pytest.raises(AssertionError, match="Cannot read properties of null"):
        wait_until(page, "() => document.querySelector('#v').textContent === '1'", timeout=1_000)


def test_browser_tests_wait_through_wait_until() -> None:
    """A bare ``page.wait_for_function`` fails on the first frame where its element is being replaced."""
    bare = [
        f"{path.name}:{node.lineno}"
        for path in sorted(HERE.glob("*.py"))
        if path.name != "waits.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "wait_for_function"
    ]
    assert bare == []
