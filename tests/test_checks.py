"""lstm_core._checks.finite_number: the one check of a single finite number that the core and the
course's demonstrations share (optimisers, the epidemic, the long-range task, the gradient flow,
the language model)."""

import numpy as np
import pytest

from lstm_core._checks import finite_number


def test_a_number_in_bounds_comes_back_as_a_float():
    assert finite_number("x", 3) == 3.0 and type(finite_number("x", 3)) is float
    assert finite_number("x", np.float32(0.5), 0, 1) == 0.5
    assert finite_number("x", np.array(2.0), 0) == 2.0          # a 0-d array counts as its number
    assert finite_number("x", 0.0, 0.0) == 0.0                  # a closed bound is allowed
    assert finite_number("x", 1.0, 0, 1) == 1.0


@pytest.mark.parametrize("value", [True, np.bool_(False), "0.5", [0.5], np.array([0.5]), None, 1j])
def test_what_is_not_a_real_number_is_a_type_error(value):
    with pytest.raises(TypeError, match="lr must be a finite number; got"):
        finite_number("lr", value)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, 10 ** 400])
def test_nan_and_inf_are_value_errors(value):
    with pytest.raises(ValueError, match="lr must be a finite number; got"):
        finite_number("lr", value)


@pytest.mark.parametrize("kwargs, value, message", [
    (dict(low=0), -0.5, "x must be >= 0; got -0.5"),
    (dict(low=0, low_open=True), 0.0, "x must be > 0; got 0.0"),
    (dict(high=1.0), 1.5, "x must be <= 1.0; got 1.5"),
    (dict(low=0, high=1, high_open=True), 1, "x must be < 1; got 1.0"),
    (dict(low=-20.0, high=20.0), 100.0, "x must be <= 20.0; got 100.0"),
])
def test_out_of_bounds_names_the_bound_it_breaks(kwargs, value, message):
    with pytest.raises(ValueError, match=f"^{message}$".replace("(", r"\(")):
        finite_number("x", value, **kwargs)
