"""The RuntimeWarning filter of tests/core is in force: a core test that overflows fails."""

from __future__ import annotations

import numpy as np
import pytest


def test_an_overflow_in_exp_is_an_error_here() -> None:
    with pytest.raises(RuntimeWarning, match="overflow"):
        np.exp(np.array([800.0]))
