"""Every test of core/ turns a NumPy RuntimeWarning (overflow in exp, divide by zero, invalid value)
into an error: core computes in float64 without ever producing inf or NaN on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings("error::RuntimeWarning"))
