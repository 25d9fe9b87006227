"""Loss and gradient against a 50-digit mpmath reference (the accuracy contract)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import cross_entropy, grad_logits, softmax
from tests.reference import brute_force_loss, reference, within

LOSS_REL = 1e-13
GRAD_REL = 1e-12


def assert_matches_reference(z: list[float] | np.ndarray, k: int, temperature: float = 1.0) -> None:
    z = np.asarray(z, dtype=np.float64)
    want_loss, want_grad, want_p = reference(list(z), k, temperature)
    loss = cross_entropy(z, k, temperature)
    grad = grad_logits(z, k, temperature)
    p = softmax(z, temperature)
    assert np.isfinite(loss)
    assert np.all(np.isfinite(grad))
    assert np.all(np.isfinite(p))
    assert within(loss, want_loss, LOSS_REL), f"loss {loss!r} vs {want_loss!r}"
    bad = ~within(grad, want_grad, GRAD_REL)
    assert not bad.any(), f"gradient at {np.flatnonzero(bad)}: {grad[bad]!r} vs {want_grad[bad]!r}"
    assert within(p, want_p, GRAD_REL).all()


def test_confident_and_right_keeps_its_tiny_loss() -> None:
    z = [40.0, 0.0, 0.0]
    assert cross_entropy(z, 0) == pytest.approx(8.4967e-18, rel=1e-4)
    grad = grad_logits(z, 0)
    assert grad[0] < 0.0
    assert grad[0] == pytest.approx(-8.4967e-18, rel=1e-4)
    assert_matches_reference(z, 0)


@pytest.mark.parametrize(
    ("z", "k"),
    [
        ([0.0, np.log(3.0), 0.0], 0),
        ([40.0, 0.0, 0.0], 0),
        ([40.0, 0.0, 0.0], 1),
        ([1e6, -1e6], 0),
        ([1e6, -1e6], 1),
        ([-1e6, -1e6, -1e6], 2),
        ([700.0, 0.0], 0),
        ([745.0, 0.0, 0.0], 0),  # p of the others is subnormal
        ([800.0, 0.0, 0.0], 0),  # loss below float64's range: 0 within 1e-300
        ([1e6, 1e6 - 700.0, 1e6 - 30.5], 0),
        ([5.0, 5.0, 5.0, 5.0], 3),
        ([3.0, 3.0, -2.0], 0),
        ([1e-300, 0.0], 1),
        ([-0.0, 0.0, 1e-20], 2),
        ([123456.789, 123400.0, -999999.0, 123456.0], 1),
    ],
)
def test_extreme_cases(z: list[float], k: int) -> None:
    assert_matches_reference(z, k)


@pytest.mark.parametrize("n", [2, 3, 10, 100, 10_000])
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e3, 1e6])
def test_random_logits_many_classes(n: int, scale: float) -> None:
    rng = np.random.default_rng(n * 7 + int(np.log10(scale)))
    z = np.clip(rng.normal(0.0, scale, n), -1e6, 1e6)
    for k in {0, n - 1, int(np.argmax(z))}:
        assert_matches_reference(z, k)


@pytest.mark.parametrize("temperature", [1e-3, 0.05, 0.37, 3.0, 100.0, 1e4])
def test_temperatures(temperature: float) -> None:
    rng = np.random.default_rng(int(temperature * 1000))
    for _ in range(5):
        z = rng.normal(0.0, 5.0, 6)
        assert_matches_reference(z, int(rng.integers(6)), temperature)
        assert_matches_reference(z, int(np.argmax(z)), temperature)


def test_soft_target_matches_reference() -> None:
    z = np.array([2.0, -1.0, 0.5, 0.0])
    y = np.array([0.7, 0.1, 0.1, 0.1])
    want_loss, want_grad, _ = reference(list(z), list(y))
    assert within(cross_entropy(z, y), want_loss, LOSS_REL)
    assert within(grad_logits(z, y), want_grad, GRAD_REL).all()


def test_one_hot_soft_target_keeps_tiny_gradient() -> None:
    z = [40.0, 0.0, 0.0]
    grad = grad_logits(z, [1.0, 0.0, 0.0])
    assert grad[0] == pytest.approx(-8.4967e-18, rel=1e-4)
    assert cross_entropy(z, [1.0, 0.0, 0.0]) == pytest.approx(8.4967e-18, rel=1e-4)


finite_logit = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(z=st.lists(finite_logit, min_size=2, max_size=12), data=st.data())
def test_any_finite_logits_match_reference(z: list[float], data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(z) - 1))
    assert_matches_reference(z, k)


@settings(max_examples=200, deadline=None)
@given(
    z=st.lists(st.floats(-50.0, 50.0), min_size=2, max_size=8),
    temperature=st.floats(0.01, 100.0),
    data=st.data(),
)
def test_any_temperature_matches_reference(z: list[float], temperature: float, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(z) - 1))
    assert_matches_reference(z, k, temperature)


@pytest.mark.parametrize(
    ("z", "k"),
    [([40.0, 0.0, 0.0], 0), ([1116.12918493, -1244.17, 779.9], 0), ([0.3, -2.0, 1.5], 1), ([700.0, 0.0], 0)],
)
def test_reference_agrees_with_brute_force_at_1000_digits(z: list[float], k: int) -> None:
    want = brute_force_loss(z, k, digits=1000)
    got, _, _ = reference(z, k)
    assert got == float(want)
