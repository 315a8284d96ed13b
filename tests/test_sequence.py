"""lstm_forward / lstm_backward: against the plain reference, against stepping lstm_step, and
every gradient against central finite differences (float64, relative error < 1e-6)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_core as L
from lstm_core.gradcheck import numerical_gradient
from reference import lstm_sequence, random_gates

SIZES = [(1, 1, 1, 1), (2, 3, 4, 5), (3, 5, 2, 3), (1, 6, 3, 2)]  # (B, T, D, H)


def test_forward_matches_the_plain_reference(rng):
    B, T, D, H = 3, 6, 4, 5
    Wx, Wh, b = random_gates(rng, D, H)
    p = L.LSTMParams.from_gates(W_x=Wx, W_h=Wh, b=b)
    xs, h0, c0 = rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    tr = L.lstm_forward(p, xs, h0, c0)
    ref = lstm_sequence(Wx, Wh, b, xs, h0, c0)
    for k in "figoch":
        np.testing.assert_allclose(getattr(tr, k), ref[k], rtol=1e-12, atol=1e-14)
        assert getattr(tr, k).shape == (B, T, H)
    np.testing.assert_array_equal(tr.h_last, tr.h[:, -1])
    np.testing.assert_array_equal(tr.c_last, tr.c[:, -1])


def test_forward_equals_stepping_the_cell(rng):
    p = L.LSTMParams.init(3, 4, seed=2)
    xs = rng.normal(size=(2, 5, 3))
    tr = L.lstm_forward(p, xs)
    h = c = np.zeros((2, 4))
    for t in range(5):
        s = L.lstm_step(p, xs[:, t], h, c)
        np.testing.assert_allclose(tr.h[:, t], s.h, rtol=1e-14, atol=1e-15)
        h, c = s.h, s.c


@pytest.mark.parametrize("B,T,D,H", SIZES)
def test_every_gradient_matches_finite_differences(rng, B, T, D, H):
    p = L.LSTMParams.init(D, H, seed=T)
    p.bias[:] = rng.normal(scale=0.5, size=4 * H)
    xs, h0, c0 = rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    dh, dc = rng.normal(size=(B, T, H)), rng.normal(size=(B, H))

    def loss(params=p, xs=xs, h0=h0, c0=c0):
        tr = L.lstm_forward(params, xs, h0, c0)
        return float(np.sum(tr.h * dh) + np.sum(tr.c_last * dc))

    g = L.lstm_backward(L.lstm_forward(p, xs, h0, c0), dh, dc)
    checks = {
        "xs": L.gradcheck(lambda v: loss(xs=v), xs, g.xs),
        "h0": L.gradcheck(lambda v: loss(h0=v), h0, g.h0),
        "c0": L.gradcheck(lambda v: loss(c0=v), c0, g.c0),
    }
    for name in ("weight_x", "weight_h", "bias"):
        def f(v, name=name):
            arrays = p.arrays()
            arrays[name] = v
            return loss(params=L.LSTMParams(**arrays))
        checks[name] = L.gradcheck(f, getattr(p, name), getattr(g.params, name))
    for name, res in checks.items():
        assert res.rel_error < 1e-6, f"{name}: {res}"


def test_backward_without_dc_last_and_loss_on_last_step_only(rng):
    p = L.LSTMParams.init(2, 3, seed=4)
    xs = rng.normal(size=(1, 4, 2))
    dh = np.zeros((1, 4, 3))
    dh[:, -1] = 1.0
    g = L.lstm_backward(L.lstm_forward(p, xs), dh)
    res = L.gradcheck(lambda v: float(L.lstm_forward(p, v).h_last.sum()), xs, g.xs)
    assert res.rel_error < 1e-6


def test_float32_sequences(rng):
    p = L.LSTMParams.init(3, 4, seed=1)
    xs = rng.normal(size=(2, 5, 3))
    tr64 = L.lstm_forward(p, xs)
    tr32 = L.lstm_forward(p.astype(np.float32), xs.astype(np.float32))
    assert tr32.h.dtype == np.float32
    np.testing.assert_allclose(tr32.h, tr64.h, atol=1e-5)
    g32 = L.lstm_backward(tr32, np.ones((2, 5, 4), np.float32))
    g64 = L.lstm_backward(tr64, np.ones((2, 5, 4)))
    assert g32.params.weight_h.dtype == np.float32
    np.testing.assert_allclose(g32.params.weight_h, g64.params.weight_h, atol=1e-4)


@settings(max_examples=30, deadline=None)
@given(B=st.integers(1, 3), T=st.integers(1, 6), D=st.integers(1, 4), H=st.integers(1, 4),
       seed=st.integers(0, 10 ** 6))
def test_shapes_and_bounds(B, T, D, H, seed):
    rng = np.random.default_rng(seed)
    p = L.LSTMParams.init(D, H, seed=seed)
    tr = L.lstm_forward(p, rng.normal(scale=3, size=(B, T, D)))
    for k in "fio":
        v = getattr(tr, k)
        assert v.shape == (B, T, H) and ((v >= 0) & (v <= 1)).all()
    assert (np.abs(tr.h) < 1).all()
    g = L.lstm_backward(tr, rng.normal(size=(B, T, H)))
    assert g.xs.shape == (B, T, D) and g.h0.shape == (B, H) and g.c0.shape == (B, H)
    assert g.params.weight_x.shape == p.weight_x.shape


@pytest.mark.parametrize("B", [1, 3])
def test_forward_and_backward_leave_their_inputs_alone(rng, B):
    p = L.LSTMParams.init(2, 3, seed=9)
    xs, h0, c0 = rng.normal(size=(B, 4, 2)), rng.normal(size=(B, 3)), rng.normal(size=(B, 3))
    dh, dc = rng.normal(size=(B, 4, 3)), rng.normal(size=(B, 3))
    before = [a.copy() for a in (xs, h0, c0, dh, dc, p.weight_x, p.weight_h, p.bias)]
    L.lstm_backward(L.lstm_forward(p, xs, h0, c0), dh, dc)
    for old, new in zip(before, (xs, h0, c0, dh, dc, p.weight_x, p.weight_h, p.bias)):
        np.testing.assert_array_equal(old, new)


# --- the fast paths (one buffer per pass, dxs made on first use, [dW_x | db | dW_h] as one product)

def test_input_gradient_is_made_on_first_use_from_the_weights_of_the_backward_pass(rng):
    p = L.LSTMParams.init(3, 4, seed=5)
    p.bias[:] = rng.normal(size=16)
    xs, dh = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 4))
    g = L.lstm_backward(L.lstm_forward(p, xs), dh)
    assert "not computed yet" in repr(g)
    # the expected dL/dxs by finite differences, with the weights as they were; then change the
    # weights in place (as an optimiser step does) before reading g.xs for the first time
    want = numerical_gradient(lambda v: float(np.sum(L.lstm_forward(p, v).h * dh)), xs.copy())
    p.weight_x[:] += 1.0
    np.testing.assert_allclose(g.xs, want, rtol=1e-6, atol=1e-9)
    assert g.xs is g.xs and g.xs.shape == (2, 5, 3)
    assert "array(2, 5, 3)" in repr(g)


def test_backward_reads_the_trace_without_changing_it(rng):
    p = L.LSTMParams.init(4, 3, seed=6)
    tr = L.lstm_forward(p, rng.normal(size=(3, 7, 4)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3)))
    before = {k: getattr(tr, k).copy() for k in ("f", "i", "g", "o", "c", "h", "h_last", "c_last")}
    dh, dc = rng.normal(size=(3, 7, 3)), rng.normal(size=(3, 3))
    g1 = L.lstm_backward(tr, dh, dc)
    g2 = L.lstm_backward(tr, dh, dc)
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(tr, k), v, err_msg=k)
    for name in ("weight_x", "weight_h", "bias"):
        np.testing.assert_array_equal(getattr(g1.params, name), getattr(g2.params, name))
        assert getattr(g1.params, name).flags.c_contiguous
    np.testing.assert_array_equal(g1.xs, g2.xs)


def test_large_float32_pass_matches_float64(rng):
    # sizes where the one-allocation buffers and the feature-major products matter
    B, T, D, H = 8, 30, 11, 16
    p = L.LSTMParams.init(D, H, seed=3)
    p.bias[:] = rng.normal(scale=0.5, size=4 * H)
    xs, dh = rng.normal(size=(B, T, D)), rng.normal(size=(B, T, H))
    g64 = L.lstm_backward(L.lstm_forward(p, xs), dh)
    g32 = L.lstm_backward(L.lstm_forward(p.astype(np.float32), xs.astype(np.float32)), dh.astype(np.float32))
    for name in ("weight_x", "weight_h", "bias"):
        a, b = getattr(g32.params, name), getattr(g64.params, name)
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-3 * np.abs(b).max())
    np.testing.assert_allclose(g32.xs, g64.xs, rtol=1e-3, atol=1e-4)


def test_adam_with_parameters_of_one_shape_sharing_scratch_space(rng):
    # optim.Adam keeps two scratch arrays per (shape, dtype); parameters of the same shape must
    # still get their own updates: compare with the formulas written out, per parameter
    from lstm_core.optim import Adam
    params = {"a": rng.normal(size=(3, 2)), "b": rng.normal(size=(3, 2)), "c": rng.normal(size=4)}
    w = {k: v.copy() for k, v in params.items()}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v2 = {k: np.zeros_like(v) for k, v in params.items()}
    opt = Adam(params, lr=0.05)
    for t in range(1, 4):
        grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
        opt.step(grads)
        for k, g in grads.items():
            m[k] = 0.9 * m[k] + 0.1 * g
            v2[k] = 0.999 * v2[k] + 0.001 * g * g
            w[k] = w[k] - 0.05 * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v2[k] / (1 - 0.999 ** t)) + 1e-8)
        for k in params:
            np.testing.assert_allclose(params[k], w[k], rtol=1e-13, err_msg=k)


# --- hardening (issue 12) -------------------------------------------------------------------------

def test_backward_is_unchanged_by_changing_the_inputs_and_weights_after_forward(rng):
    p = L.LSTMParams.init(3, 4, seed=2)
    xs, h0, c0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    dh = rng.normal(size=(2, 5, 4))
    want = L.lstm_backward(L.lstm_forward(p.copy(), xs.copy(), h0.copy(), c0.copy()), dh)
    trace = L.lstm_forward(p, xs, h0, c0)
    for a in (xs, h0, c0, *p.arrays().values()):
        a += 1.0                                    # a refilled buffer; an optimiser step
    got = L.lstm_backward(trace, dh)
    for name in ("weight_x", "weight_h", "bias"):
        np.testing.assert_array_equal(getattr(got.params, name), getattr(want.params, name), err_msg=name)
    for name in ("xs", "h0", "c0"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)


def test_an_overflowing_gradient_is_reported_as_such():
    # zero input and bias keep c = h = 0 (tanh' = 1, i = o = 1/2); dz_g = dc / 2 reaches h_{t-1}
    # through W_hg = 8 I, so the gradient grows about 2.5-fold at every step back
    H, T = 2, 1500
    p = L.LSTMParams(np.zeros((4 * H, 1)), np.zeros((4 * H, H)), np.zeros(4 * H))
    p.gate("g").W_h[:] = 8.0 * np.eye(H)
    trace = L.lstm_forward(p, np.zeros((1, T, 1)))
    with np.errstate(over="raise", invalid="raise"):        # no raw numpy warning on the way
        with pytest.raises(FloatingPointError, match="lstm_backward: the gradient overflowed"):
            L.lstm_backward(trace, np.ones((1, T, H)))
