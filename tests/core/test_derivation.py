"""The derivation's numbers: finite differences agree with the algebra, the layer's chain rule holds,
huge logits take the stable form with every number finite and exact in its logarithm."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import cross_entropy
from core.derivation import (
    LN_MAX,
    LN_MIN,
    decimal_exponent,
    default_weights,
    derive,
    finite_difference,
    linear_layer,
    log_number,
    out_of_range,
)
from core.explanation import WORKED_EXAMPLE_Z, State, explain

STATES = [
    State(WORKED_EXAMPLE_Z, 0),
    State((2.0, -1.0), 1),
    State((1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0), 3),
    State((-10.0, 10.0, 0.5, 0.25), 2),
]
HUGE = [
    State((800.0, 790.0, -800.0), 1),  # the "Huge logits" preset: e^800 overflows, e^-1600 underflows
    State((1000.0, -1000.0), 1),  # the true p is e^-2000: 1/p overflows
    State((1000.0, -1000.0, 0.0), 0),  # confident and right: 1 - p is e^-1000
    State((0.0, -800.0, 5.0), 1),  # nothing overflows, but e^-800 underflows
    State((709.0, 709.0, 709.0), 2),  # a tie far out: each e^709 fits in float64, their sum does not
]


def test_finite_difference_of_a_known_function() -> None:
    grad = finite_difference(lambda v: float(np.sum(v**3)), np.array([1.0, -2.0]))
    np.testing.assert_allclose(grad, [3.0, 12.0], rtol=1e-8)


@pytest.mark.parametrize("state", STATES)
def test_derivation_numbers(state: State) -> None:
    d = derive(explain(state))
    z = np.array(state.z)
    k = state.target
    assert not d.stable
    assert d.shift == 0.0
    np.testing.assert_allclose(d.exp_z.value, np.exp(z), rtol=1e-15)
    np.testing.assert_array_equal(d.exp_z.log_abs, z)
    assert d.exp_sum == pytest.approx(math.fsum(np.exp(z)), rel=1e-14)
    assert d.log_exp_sum == pytest.approx(math.log(math.fsum(np.exp(z))), rel=1e-14)
    # dE/dp: only the true class, -1/p_k
    assert d.dE_dp.value[k] == pytest.approx(-1.0 / d.expl.p[k], rel=1e-14)
    assert np.count_nonzero(d.dE_dp.value) == 1
    # the chain-rule terms sum, column by column, to p - y; each is dE/dp_i * dp_i/dz_j
    np.testing.assert_allclose(d.chain_terms.sum(axis=0), d.expl.grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d.chain_terms, d.dE_dp.value[:, None] * d.expl.jacobian, rtol=1e-13, atol=1e-300)
    # finite differences agree with the algebra
    np.testing.assert_allclose(d.fd_grad, d.expl.grad, atol=1e-8)
    assert d.fd_error < 1e-8


@pytest.mark.parametrize("state", STATES)
def test_the_logarithms_are_those_of_the_values(state: State) -> None:
    d = derive(explain(state))
    for numbers in (d.p, d.one_minus_p, d.dE_dp, d.jacobian, d.grad):
        nonzero = numbers.sign != 0
        np.testing.assert_allclose(
            (numbers.sign * np.exp(numbers.log_abs))[nonzero], numbers.value[nonzero], rtol=1e-12
        )
        assert np.all(numbers.value[~nonzero] == 0.0)


def mp_log_p(z: tuple[float, ...]) -> list[mpmath.mpf]:
    """``ln p_i = (z_i - z_m) - log1p(sum_{i != m} e^{z_i - z_m})``: no cancellation of a tiny ``1 - p``."""
    with mpmath.workdps(50):
        x = [mpmath.mpf(v) for v in z]
        m = max(range(len(x)), key=lambda i: x[i])
        rest = mpmath.fsum(mpmath.exp(v - x[m]) for i, v in enumerate(x) if i != m)
        return [(v - x[m]) - mpmath.log1p(rest) for v in x]


@pytest.mark.parametrize("state", HUGE)
def test_huge_logits_take_the_stable_form_and_stay_finite(state: State) -> None:
    d = derive(explain(state))
    z = np.array(state.z)
    k = state.target
    assert d.stable
    assert d.shift == z.max()
    assert np.all(d.exp_z.value <= 1.0)
    assert d.exp_z.value[int(np.argmax(z))] == 1.0  # the largest term is exactly 1: the sum is >= 1
    np.testing.assert_array_equal(d.exp_z.log_abs, z - z.max())
    assert 1.0 <= d.exp_sum <= len(z)
    for numbers in (d.exp_z, d.p, d.one_minus_p, d.dE_dp, d.jacobian, d.grad):
        assert np.all(np.isfinite(numbers.log_abs[numbers.sign != 0]))
    assert np.all(np.isfinite(d.chain_terms))
    np.testing.assert_allclose(d.chain_terms.sum(axis=0), d.expl.grad, rtol=1e-12, atol=1e-300)
    # every logarithm against a 50-digit reference, also where the value is 0 or inf in float64
    with mpmath.workdps(50):
        log_p = mp_log_p(state.z)
        log_one_minus_p = [mpmath.log(mpmath.fsum(mpmath.exp(v) for j, v in enumerate(log_p) if j != i))
                           for i in range(len(z))]  # fmt: skip
        for i in range(len(z)):
            assert float(log_p[i]) == pytest.approx(d.p.log_abs[i], rel=1e-14, abs=1e-300)
            assert float(log_one_minus_p[i]) == pytest.approx(d.one_minus_p.log_abs[i], rel=1e-12, abs=1e-300)
            for j in range(len(z)):
                want = log_p[i] + (log_one_minus_p[i] if i == j else log_p[j])
                assert float(want) == pytest.approx(d.jacobian.log_abs[i, j], rel=1e-12, abs=1e-300)
        assert float(-log_p[k]) == pytest.approx(d.dE_dp.log_abs[k], rel=1e-14)
        assert d.dE_dp.sign[k] == -1.0
        assert float(log_one_minus_p[k]) == pytest.approx(d.grad.log_abs[k], rel=1e-12, abs=1e-300)
        m = int(np.argmax(z))
        rest = mpmath.fsum(mpmath.exp(mpmath.mpf(v) - mpmath.mpf(z[m])) for i, v in enumerate(state.z) if i != m)
        assert float(mpmath.log(rest)) == pytest.approx(d.log_rest, rel=1e-14)
        assert float(mpmath.log1p(rest)) == pytest.approx(d.log_exp_sum, rel=1e-14, abs=1e-300)


def test_the_huge_preset_in_numbers() -> None:
    d = derive(explain(State((800.0, 790.0, -800.0), 1)))
    assert d.too_large
    assert d.too_small
    assert d.exp_z.value[2] == 0.0  # e^-1600 is below float64 ...
    assert d.exp_z.log_abs[2] == -1600.0  # ... but its logarithm is exact
    assert decimal_exponent(-1600.0) == (pytest.approx(1.3453303965, rel=1e-9), -695)
    assert d.exp_sum == pytest.approx(1.0 + math.exp(-10.0), rel=1e-15)
    assert d.expl.p[2] == 0.0
    assert d.p.log_abs[2] == pytest.approx(-1600.0 - math.log1p(math.exp(-10.0)), rel=1e-15)
    assert d.dE_dp.value[1] == pytest.approx(-(1.0 + math.exp(10.0)), rel=1e-14)  # -1/p_2


@pytest.mark.parametrize(
    ("z", "too_large", "too_small"),
    [
        ((0.0, math.log(3.0), 0.0), False, False),
        ((10.0, -10.0, 0.0), False, False),  # every slider without huge
        ((700.0, 0.0, 0.0), False, False),  # e^700 = 1.0e304, p = e^-700 = 9.9e-305: normal float64 numbers
        ((708.0, 708.0, 708.0), False, False),  # 3 e^708 = 9.1e307 still fits
        ((710.0, 0.0, 0.0), True, True),  # e^710 overflows, and p = e^-710 is below the normal range
        ((-709.0, 0.0), False, True),  # e^-709 = 1.2e-308 is subnormal: it has lost digits
        ((-600.0, 0.0, 110.0), False, True),  # every e^z is fine, but p_1 = e^-710 is not
        ((709.0, 709.0, 709.0), True, False),  # each e^709 = 8.2e307 fits, their sum does not
        ((800.0, 790.0, -800.0), True, True),
    ],
)
def test_when_the_stable_form_is_used(z: tuple[float, ...], too_large: bool, too_small: bool) -> None:
    expl = explain(State(z, 0))
    assert out_of_range(expl.z, expl.log_p) == (too_large, too_small)
    d = derive(expl)
    assert d.stable == (too_large or too_small)
    with np.errstate(all="ignore"):  # the textbook lines, computed as written
        exp_z = np.exp(np.array(z))
        textbook = np.concatenate([exp_z, [exp_z.sum()], exp_z / exp_z.sum()])
    # the textbook form is kept exactly while every number in it is a normal, finite float64
    assert d.stable == (not np.all((textbook >= np.finfo(np.float64).tiny) & np.isfinite(textbook)))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=-1000.0, max_value=1000.0), min_size=2, max_size=10),
    st.integers(min_value=0, max_value=9),
)
def test_any_slider_logits_give_finite_numbers(z: list[float], k: int) -> None:
    state = State(tuple(z), k % len(z))
    d = derive(explain(state))
    for numbers in (d.exp_z, d.p, d.one_minus_p, d.dE_dp, d.jacobian, d.grad):
        nonzero = numbers.sign != 0
        assert np.all(np.isfinite(numbers.log_abs[nonzero]))
        assert np.all(np.isfinite(numbers.value[numbers.log_abs < LN_MAX]))
        assert np.all(numbers.value[(numbers.log_abs >= LN_MIN) & (numbers.sign != 0)] != 0.0)
    assert np.all(np.isfinite(d.chain_terms))
    assert math.isfinite(d.exp_sum)
    assert math.isfinite(d.log_rest)
    assert np.all(np.isfinite(d.fd_grad))


@pytest.mark.parametrize(
    ("log_abs", "mantissa", "exponent"),
    [(0.0, 1.0, 0), (math.log(2.0), 2.0, 0), (math.log(1e5), 1.0, 5), (800.0, 2.7263745721, 347),
     (-1600.0, 1.3453303966, -695), (-2000.0 * math.log(10.0), 1.0, -2000)],
)  # fmt: skip
def test_decimal_exponent(log_abs: float, mantissa: float, exponent: int) -> None:
    got_mantissa, got_exponent = decimal_exponent(log_abs)
    assert got_exponent == exponent
    assert got_mantissa == pytest.approx(mantissa, rel=1e-9)
    assert 1.0 <= got_mantissa < 10.0
    with mpmath.workdps(30):
        want = mpmath.exp(mpmath.mpf(log_abs))
        assert float(want / mpmath.mpf(10) ** exponent) == pytest.approx(got_mantissa, rel=1e-12)


def test_decimal_exponent_refuses_an_infinite_logarithm() -> None:
    with pytest.raises(ValueError, match="finite"):
        decimal_exponent(-math.inf)


def test_log_number() -> None:
    assert log_number(-1600.0).value == 0.0
    assert log_number(800.0, -1.0).value == -math.inf
    assert not log_number(800.0).writable
    assert log_number(math.log(0.2)).value == pytest.approx(0.2, rel=1e-15)
    assert log_number(math.log(0.2)).writable
    assert log_number(5.0, 0.0).value == 0.0
    assert (-log_number(1.0)).sign == -1.0


@pytest.mark.parametrize("state", STATES + HUGE)
def test_layer_chain_rule(state: State) -> None:
    expl = explain(state)
    x = (0.5, -1.5, 2.0)
    layer = linear_layer(expl, x)
    np.testing.assert_allclose(layer.z, expl.z, atol=1e-12 * max(1.0, float(np.max(np.abs(expl.z)))))
    delta = expl.grad
    np.testing.assert_allclose(layer.dW, np.outer(delta, x), rtol=1e-15)
    np.testing.assert_array_equal(layer.db, delta)
    np.testing.assert_allclose(layer.dx, layer.W.T @ delta, rtol=1e-15)
    np.testing.assert_allclose(layer.fd_dW, layer.dW, atol=1e-6)
    np.testing.assert_allclose(layer.fd_db, layer.db, atol=1e-6)
    np.testing.assert_allclose(layer.fd_dx, layer.dx, atol=1e-6)
    # and the layer's loss is the page's loss
    assert cross_entropy(layer.W @ layer.x + layer.b, state.target) == pytest.approx(expl.loss, rel=1e-9)


def test_default_weights_are_readable_halves() -> None:
    W = default_weights(4)
    assert W.shape == (4, 3)
    assert set(np.unique(W * 2).astype(int)) <= {-2, -1, 0, 1, 2}
    assert np.linalg.matrix_rank(W) == 3
