"""The vanilla RNN (Elman and Jordan), the stateful RNN class, and the output layer."""

import numpy as np
import pytest

import lstm_core as L
from reference import rnn_sequence


def test_forward_matches_reference_and_step(rng):
    p = L.RNNParams.init(3, 4, seed=1)
    xs, h0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4))
    tr = L.rnn_forward(p, xs, h0)
    np.testing.assert_allclose(tr.h, rnn_sequence(p.weight_x, p.weight_h, p.bias, xs, h0), rtol=1e-13)
    np.testing.assert_allclose(L.rnn_step(p, xs[:, 0], h0), tr.h[:, 0], rtol=1e-14)
    np.testing.assert_allclose(L.rnn_step(p, xs[0, 0], h0[0]), tr.h[0, 0], rtol=1e-14)


@pytest.mark.parametrize("B,T,D,H", [(1, 1, 1, 1), (2, 4, 3, 5), (3, 6, 2, 2)])
def test_every_gradient_matches_finite_differences(rng, B, T, D, H):
    p = L.RNNParams.init(D, H, seed=T, scale=0.9)
    xs, h0, dh = rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, T, H))

    def loss(params=p, xs=xs, h0=h0):
        return float(np.sum(L.rnn_forward(params, xs, h0).h * dh))

    g = L.rnn_backward(L.rnn_forward(p, xs, h0), dh)
    assert L.gradcheck(lambda v: loss(xs=v), xs, g.xs).rel_error < 1e-6
    assert L.gradcheck(lambda v: loss(h0=v), h0, g.h0).rel_error < 1e-6
    for name in ("weight_x", "weight_h", "bias"):
        def f(v, name=name):
            arrays = p.arrays()
            arrays[name] = v
            return loss(params=L.RNNParams(**arrays))
        assert L.gradcheck(f, getattr(p, name), getattr(g.params, name)).rel_error < 1e-6, name


def test_stateful_rnn_steps_like_rnn_forward(rng):
    p = L.RNNParams.init(2, 3, seed=0)
    W_hy, b_y = rng.normal(size=(4, 3)), rng.normal(size=4)
    rnn = L.RNN(p, W_hy, b_y)
    xs = rng.normal(size=(5, 2))
    ys = [rnn.step(x) for x in xs]
    tr = L.rnn_forward(p, xs[None])
    np.testing.assert_allclose(np.array(ys), tr.h[0] @ W_hy.T + b_y, rtol=1e-13)
    rnn.reset()
    assert (rnn.h == 0).all()


def test_jordan_feeds_back_the_output(rng):
    D, H, K, T = 2, 3, 2, 4
    W_xh, W_yh, b = rng.normal(size=(H, D)), rng.normal(size=(H, K)), rng.normal(size=H)
    W_hy, b_y = rng.normal(size=(K, H)), rng.normal(size=K)
    xs = rng.normal(size=(1, T, D))
    tr = L.jordan_forward(W_xh, W_yh, b, W_hy, b_y, xs)
    y = np.zeros(K)
    for t in range(T):
        h = np.tanh(W_xh @ xs[0, t] + W_yh @ y + b)
        y = W_hy @ h + b_y
        np.testing.assert_allclose(tr.h[0, t], h, rtol=1e-13)
        np.testing.assert_allclose(tr.y[0, t], y, rtol=1e-13)


def test_projection_softmax_and_their_gradients(rng):
    W, b, h = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(2, 5, 3))
    y = L.project(W, b, h)
    assert y.shape == (2, 5, 4)
    np.testing.assert_allclose(y[1, 2], W @ h[1, 2] + b)
    dy = rng.normal(size=y.shape)
    g = L.project_backward(W, b, h, dy)
    loss = lambda **kw: float(np.sum(L.project(kw.get("W", W), kw.get("b", b), kw.get("h", h)) * dy))
    assert L.gradcheck(lambda v: loss(W=v), W, g.W_hy).ok
    assert L.gradcheck(lambda v: loss(b=v), b, g.b_y).ok
    assert L.gradcheck(lambda v: loss(h=v), h, g.h).ok
    p = L.softmax([1000.0, 1000.0, -1000.0])
    np.testing.assert_allclose(p, [0.5, 0.5, 0.0])
    np.testing.assert_allclose(L.softmax(np.log([[1.0, 3.0]])), [[0.25, 0.75]])


# --- hardening (issue 12) -------------------------------------------------------------------------

def test_backward_is_unchanged_by_refilling_the_inputs_after_forward(rng):
    """A training loop that reuses one batch buffer, or an optimiser step between forward and
    backward, must not change the gradient of the forward pass that was made."""
    p = L.RNNParams.init(3, 4, seed=1)
    xs, h0, dh = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 5, 4))
    want = L.rnn_backward(L.rnn_forward(p.copy(), xs.copy(), h0.copy()), dh)
    trace = L.rnn_forward(p, xs, h0)
    xs[...], h0[...] = rng.normal(size=xs.shape), rng.normal(size=h0.shape)
    for a in p.arrays().values():
        a += 1.0
    got = L.rnn_backward(trace, dh)
    for name in ("weight_x", "weight_h", "bias"):
        np.testing.assert_array_equal(getattr(got.params, name), getattr(want.params, name), err_msg=name)
    np.testing.assert_array_equal(got.xs, want.xs)
    np.testing.assert_array_equal(got.h0, want.h0)


def test_an_overflowing_gradient_is_reported_as_such_without_warnings():
    """W_hh = 2 I keeps h = 0, where tanh' = 1: the gradient doubles at every step back and
    overflows after about 1,000 steps although every parameter and input is finite."""
    p = L.RNNParams(np.zeros((4, 1)), 2.0 * np.eye(4), np.zeros(4))
    T = 1100
    trace = L.rnn_forward(p, np.zeros((1, T, 1)))
    with np.errstate(over="raise", invalid="raise"):        # no raw numpy warning on the way
        with pytest.raises(FloatingPointError, match=r"rnn_backward: the gradient overflowed .* 1100 step\(s\)"):
            L.rnn_backward(trace, np.ones((1, T, 4)))
