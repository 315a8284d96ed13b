"""One LSTM step: the seeds' worked numbers, a plain reference implementation, and the step's
backward pass against finite differences."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_core as L
from reference import lstm_cell, random_gates

# The forget-gate example of source 000/003 (checked by hand in shared/seeds/README.md).
X = [1, 2, 3]
H_PREV = [4, 5, 6]
W_F = np.array([[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]], float)
B_F = [1, 2, 3]


def test_forget_gate_worked_example():
    r = L.gate_value(W_F, X, H_PREV, b=B_F, order="xh")
    # 1*1+2*2+3*3+4*4+5*5+6*6 = 91;  5+12+21+32+45+60 = 175;  3+8+15+24+35+48 = 133; then + b
    np.testing.assert_array_equal(r.z, [92, 177, 136])
    np.testing.assert_array_equal(r.a, [1.0, 1.0, 1.0])            # rounds to exactly 1 in float64
    gap = L.sigmoid(-r.z)                                            # 1 - f, without cancellation
    np.testing.assert_allclose(gap, [math.exp(-92), math.exp(-177), math.exp(-136)], rtol=1e-14)


def test_forget_gate_example_through_the_whole_cell():
    Wc = {g: np.zeros((3, 6)) for g in "figo"}
    Wc["f"] = W_F
    b = {g: np.zeros(3) for g in "figo"}
    b["f"] = np.array(B_F, float)
    p = L.LSTMParams.from_gates(W=Wc, b=b, order="xh")
    s = L.lstm_step(p, X, H_PREV, c_prev=[0.5, -1.0, 2.0])
    np.testing.assert_array_equal(s.f, [1, 1, 1])
    np.testing.assert_array_equal(s.i, [0.5, 0.5, 0.5])              # sigmoid(0)
    # c = f*c_prev + i*tanh(0) = c_prev
    np.testing.assert_array_equal(s.c, [0.5, -1.0, 2.0])
    # the same numbers with the [h, x] order, once W's columns are swapped to follow it
    Wc_hx = {g: np.concatenate([m[:, 3:], m[:, :3]], axis=1) for g, m in Wc.items()}
    p2 = L.LSTMParams.from_gates(W=Wc_hx, b=b, order="hx")
    np.testing.assert_array_equal(L.lstm_step(p2, X, H_PREV).f, s.f)


def test_input_gate_example_and_its_erratum():
    W_i = np.repeat(np.array([[1.0], [2.0], [3.0]]), 6, axis=1)
    r = L.gate_value(W_i, X, H_PREV, b=[1, 1, 1])
    # rows of 1s, 2s, 3s times [1..6] (sum 21) = 21, 42, 63; plus b = 22, 43, 64 (texts print 22, 42, 62)
    np.testing.assert_array_equal(r.z, [22, 43, 64])


def test_output_and_cell_update_examples():
    h = L.hidden_state([0, 0, 1], [0.0, 20.0, 20.0])                 # tanh(c) ~ [0, 1, 1], o = [0, 0, 1]
    np.testing.assert_allclose(h, [0, 0, 1], atol=1e-15)
    c = L.cell_state_update([0.5, 0.8, 0.9], [0, 0, 0], [0, 0, 0], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(c, [0.5, 1.6, 2.7])


@pytest.mark.parametrize("B", [None, 1, 4])
def test_step_matches_the_plain_reference(rng, B):
    D, H = 3, 5
    Wx, Wh, b = random_gates(rng, D, H)
    p = L.LSTMParams.from_gates(W_x=Wx, W_h=Wh, b=b)
    n = 1 if B is None else B
    x, h, c = rng.normal(size=(n, D)), rng.normal(size=(n, H)), rng.normal(size=(n, H))
    if B is None:
        s = L.lstm_step(p, x[0], h[0], c[0])
        ref = lstm_cell(Wx, Wh, b, x[0], h[0], c[0])
        for k in "figoch":
            np.testing.assert_allclose(getattr(s, k), ref[k], rtol=1e-13, atol=1e-15)
            assert getattr(s, k).shape == (H,)
    else:
        s = L.lstm_step(p, x, h, c)
        for row in range(B):
            ref = lstm_cell(Wx, Wh, b, x[row], h[row], c[row])
            for k in "figoch":
                np.testing.assert_allclose(getattr(s, k)[row], ref[k], rtol=1e-13, atol=1e-15)


def test_step_defaults_to_zero_states(rng):
    p = L.LSTMParams.init(2, 3, seed=3)
    x = rng.normal(size=2)
    a, b = L.lstm_step(p, x), L.lstm_step(p, x, np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(a.h, b.h)


@pytest.mark.parametrize("B,D,H", [(1, 1, 1), (2, 3, 4), (3, 2, 5)])
def test_step_backward_matches_finite_differences(rng, B, D, H):
    p = L.LSTMParams.init(D, H, seed=B + D + H)
    p.bias[:] = rng.normal(size=4 * H)
    x, h0, c0 = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    wh, wc = rng.normal(size=(B, H)), rng.normal(size=(B, H))

    def loss(params=p, x=x, h0=h0, c0=c0):
        s = L.lstm_step(params, x, h0, c0)
        return float(np.sum(s.h * wh) + np.sum(s.c * wc))

    s = L.lstm_step(p, x, h0, c0)
    g = L.lstm_step_backward(p, s, wh, wc)
    assert L.gradcheck(lambda v: loss(x=v), x, g.x).rel_error < 1e-6
    assert L.gradcheck(lambda v: loss(h0=v), h0, g.h_prev).rel_error < 1e-6
    assert L.gradcheck(lambda v: loss(c0=v), c0, g.c_prev).rel_error < 1e-6
    for name in ("weight_x", "weight_h", "bias"):
        def f(v, name=name):
            arrays = p.arrays()
            arrays[name] = v
            return loss(params=L.LSTMParams(**arrays))
        assert L.gradcheck(f, getattr(p, name), getattr(g.params, name)).rel_error < 1e-6, name


@settings(max_examples=50, deadline=None)
@given(B=st.integers(1, 4), D=st.integers(1, 5), H=st.integers(1, 5), seed=st.integers(0, 10 ** 6),
       scale=st.floats(0.01, 50))
def test_gates_in_range_and_h_bounded(B, D, H, seed, scale):
    rng = np.random.default_rng(seed)
    p = L.LSTMParams.init(D, H, seed=seed)
    x = rng.normal(scale=scale, size=(B, D))
    s = L.lstm_step(p, x, rng.uniform(-1, 1, (B, H)), rng.normal(size=(B, H)))
    for k in "fio":
        v = getattr(s, k)
        assert v.shape == (B, H) and ((v >= 0) & (v <= 1)).all()
    assert (np.abs(s.g) <= 1).all() and (np.abs(s.h) <= 1).all() and s.h.shape == (B, H)


def test_float32_stays_float32(rng):
    p = L.LSTMParams.init(3, 4, dtype=np.float32)
    s = L.lstm_step(p, rng.normal(size=3))
    assert s.h.dtype == np.float32
    s64 = L.lstm_step(p.astype(np.float64), rng.normal(size=3).astype(np.float32).astype(np.float64))
    assert s64.h.dtype == np.float64


# --- hardening (issue 12) -------------------------------------------------------------------------

def test_step_backward_rejects_a_step_from_other_params(rng):
    p = L.LSTMParams.init(3, 4, seed=0)
    other_input = L.lstm_step(L.LSTMParams.init(5, 4, seed=0), rng.normal(size=5))
    with pytest.raises(ValueError, match="step must come from lstm_step with these params: the step has input size 5"):
        L.lstm_step_backward(p, other_input, np.ones(4))
    other_hidden = L.lstm_step(L.LSTMParams.init(3, 6, seed=0), rng.normal(size=3))
    with pytest.raises(ValueError, match="hidden size 6"):
        L.lstm_step_backward(p, other_hidden, np.ones(6))
    float32 = L.lstm_step(p.astype(np.float32), rng.normal(size=3))
    with pytest.raises(ValueError, match="dtype float32"):
        L.lstm_step_backward(p, float32, np.ones(4))


def test_step_backward_is_unchanged_by_changing_the_inputs_and_weights_after_the_step(rng):
    p = L.LSTMParams.init(3, 4, seed=1)
    x, h, c, dh, dc = (rng.normal(size=s) for s in ((2, 3), (2, 4), (2, 4), (2, 4), (2, 4)))
    want = L.lstm_step_backward(p, L.lstm_step(p.copy(), x.copy(), h.copy(), c.copy()), dh, dc)
    step = L.lstm_step(p, x, h, c)
    for a in (x, h, c, *p.arrays().values()):
        a += 1.0
    got = L.lstm_step_backward(p, step, dh, dc)
    for name in ("weight_x", "weight_h", "bias"):
        np.testing.assert_array_equal(getattr(got.params, name), getattr(want.params, name), err_msg=name)
    for name in ("x", "h_prev", "c_prev"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
