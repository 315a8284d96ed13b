"""Activations against closed forms written with Python's math module, and derivatives against
finite differences."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstm_core as L


def ref_sigmoid(x):
    # two algebraically equal forms, each used where it cannot overflow
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


@pytest.mark.parametrize("x", [-700.0, -92.0, -30.0, -1.5, 0.0, 0.3, 2.0, 36.0, 92.0, 700.0])
def test_sigmoid_matches_closed_form_to_rounding_in_both_tails(x):
    got = L.sigmoid(x)
    want = ref_sigmoid(x)
    assert got == pytest.approx(want, rel=1e-15, abs=0)


def test_sigmoid_far_tail_is_the_forget_gate_gap():
    # 1 - sigmoid(92) = sigmoid(-92) = e^-92 / (1 + e^-92) ~ 1.1e-40 (the seeds' forget-gate example)
    assert L.sigmoid(-92.0) == pytest.approx(math.exp(-92), rel=1e-15)
    assert L.sigmoid(92.0) == 1.0


def test_no_warning_and_in_range_up_to_1e6(strict_warnings):
    x = np.concatenate([-np.logspace(-3, 6, 200), [0.0], np.logspace(-3, 6, 200)])
    for fn in (L.sigmoid, L.dsigmoid, L.tanh, L.dtanh, L.relu, L.drelu):
        y = fn(x)
        assert np.isfinite(y).all()
    s = L.sigmoid(x)
    assert ((s >= 0) & (s <= 1)).all()
    assert L.sigmoid(np.float32(-1e6)) == 0 and L.sigmoid(np.float32(1e6)) == 1


def test_float32_in_float32_out_and_ints_become_float64():
    for fn in (L.sigmoid, L.dsigmoid, L.tanh, L.dtanh, L.relu, L.drelu):
        assert fn(np.ones(3, np.float32)).dtype == np.float32
        assert fn(np.float32(0.5)).dtype == np.float32
        assert fn(np.arange(3)).dtype == np.float64
        assert fn([1, 2]).dtype == np.float64


@pytest.mark.parametrize("fn, dfn", [(L.sigmoid, L.dsigmoid), (L.tanh, L.dtanh), (L.relu, L.drelu)])
def test_derivatives_match_central_differences(fn, dfn):
    x = np.array([-6.0, -2.5, -0.7, -0.1, 0.2, 1.1, 3.0, 8.0])
    eps = 1e-6
    fd = (fn(x + eps) - fn(x - eps)) / (2 * eps)
    np.testing.assert_allclose(dfn(x), fd, rtol=1e-8, atol=1e-10)


def test_derivative_bounds_are_reached_at_zero():
    grid = np.linspace(-20, 20, 400001)
    assert L.dsigmoid(grid).max() == pytest.approx(0.25, abs=1e-15)
    assert L.dtanh(grid).max() == pytest.approx(1.0, abs=1e-15)
    assert L.dsigmoid(0.0) == 0.25 and L.dtanh(0.0) == 1.0
    assert L.drelu(3.0) == 1.0 and L.drelu(-3.0) == 0.0 and L.drelu(0.0) == 0.0


def test_dtanh_keeps_precision_in_the_tail():
    # 1 - tanh(20)^2 rounds to 0 in float64; the true value is 4 e^-40 / (1 + e^-40)^2
    assert L.dtanh(20.0) == pytest.approx(4 * math.exp(-40), rel=1e-14)
    assert L.dsigmoid(40.0) == pytest.approx(math.exp(-40), rel=1e-14)


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_sigmoid_symmetry_and_tanh_relation(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert L.sigmoid(x) + L.sigmoid(-x) == pytest.approx(1.0, abs=1e-15)
        if abs(x) < 300:
            # tanh(x) = 2 sigmoid(2x) - 1
            assert L.tanh(x) == pytest.approx(2 * L.sigmoid(2 * x) - 1, abs=1e-15)
