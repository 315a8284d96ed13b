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


# --- hardening (issue 12) -------------------------------------------------------------------------

def _vanishing_rnn_case(T):
    """dL/dx_1 of L = sum(h_T) for a small RNN: about 1e-5 at T = 15, below 1e-9 at T = 25."""
    p = L.RNNParams.init(2, 3, seed=0)
    xs = np.random.default_rng(T).normal(size=(1, T, 2))

    def fn(x1):
        return float(L.rnn_forward(p, np.concatenate([x1[None, None], xs[:, 1:]], axis=1)).h_last.sum())
    dh = np.zeros((1, T, 3))
    dh[0, -1] = 1.0
    return fn, xs[0, 0], L.rnn_backward(L.rnn_forward(p, xs), dh).xs[0, 0]


def test_a_tiny_correct_gradient_passes_with_the_defaults():
    # before the floor, a right gradient of 1e-5 gave a relative error of 4e-6 (MISMATCH): the
    # finite differences' own rounding noise, about 1e-10, is not small next to it
    fn, x, right = _vanishing_rnn_case(15)
    assert np.abs(right).max() < 1e-4
    res = L.gradcheck(fn, x, right)
    assert res.ok, str(res)
    assert not L.gradcheck(fn, x, right * 1.01), "1% off must still fail"
    assert not L.gradcheck(fn, x, np.zeros_like(right))


def test_a_gradient_below_the_noise_says_it_was_compared_in_absolute_terms():
    fn, x, right = _vanishing_rnn_case(25)
    res = L.gradcheck(fn, x, right)
    assert res.ok and "too small for finite differences" in str(res)
    assert not L.gradcheck(fn, x, right + 1e-6)


@pytest.mark.parametrize("kw, match", [
    (dict(tol=-1), r"tol must lie in \(0, 1\)"),
    (dict(tol=0), r"tol must lie in \(0, 1\)"),
    (dict(tol=1.0), r"tol must lie in \(0, 1\)"),
    (dict(tol=np.nan), "tol must be finite"),
    (dict(eps=-1e-6), "eps must be positive"),
    (dict(eps=np.inf), "eps must be finite"),
    (dict(eps="small"), "eps must be an array of numbers"),
])
def test_tol_and_eps_are_checked(kw, match):
    with pytest.raises((TypeError, ValueError), match=match):
        L.gradcheck(lambda v: float(v.sum()), np.ones(2), np.ones(2), **kw)


def test_a_function_returning_text_is_named():
    with pytest.raises(TypeError, match="fn must return a scalar loss"):
        L.gradcheck(lambda v: "loss", np.ones(2), np.ones(2))
