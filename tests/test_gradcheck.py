import numpy as np
import pytest

import lstm_core as L


def test_right_gradient_passes_wrong_one_fails():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    fn = lambda v: float(np.sum(np.sin(v) * v))
    right = np.cos(x) * x + np.sin(x)
    res = L.gradcheck(fn, x, right)
    assert res.ok and res.rel_error < 1e-9
    wrong = right.copy()
    wrong[1, 0] += 0.1
    bad = L.gradcheck(fn, x, wrong)
    assert not bad.ok and bad.worst_index == (1, 0)
    assert "MISMATCH" in str(bad) and "(1, 0)" in str(bad)


def test_numerical_gradient_of_a_quadratic_is_exact():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([1.0, -2.0])
    g = L.numerical_gradient(lambda v: 0.5 * v @ A @ v, x)
    np.testing.assert_allclose(g, A @ x, rtol=1e-9)


def test_does_not_modify_its_input():
    x = np.array([1.0, 2.0])
    L.numerical_gradient(lambda v: float(v.sum()), x)
    assert x.tolist() == [1.0, 2.0]


def test_bad_input():
    with pytest.raises(TypeError, match="fn"):
        L.numerical_gradient("not callable", np.ones(2))
    with pytest.raises(ValueError, match="analytic"):
        L.gradcheck(lambda v: v.sum(), np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="scalar"):
        L.gradcheck(lambda v: v, np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="eps"):
        L.numerical_gradient(lambda v: v.sum(), np.ones(2), eps=0)
