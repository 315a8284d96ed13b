"""Parameter layouts: per-gate views, the two concatenation orders, PyTorch and Keras layouts.

Layout facts are checked with marker values (each gate's entries hold its own number), so a
swapped block shows up as a wrong number in a known place."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_core as L

MARK = {"i": 1.0, "f": 2.0, "g": 3.0, "o": 4.0}


def marked(D=3, H=2):
    W_x = {g: np.full((H, D), MARK[g]) for g in "figo"}
    W_h = {g: np.full((H, H), 10 * MARK[g]) for g in "figo"}
    b = {g: np.full(H, 100 * MARK[g]) for g in "figo"}
    return L.LSTMParams.from_gates(W_x=W_x, W_h=W_h, b=b)


def test_gate_views_hold_each_gates_values_and_write_through():
    p = marked()
    for g in "figo":
        v = p.gate(g)
        assert (v.W_x == MARK[g]).all() and (v.W_h == 10 * MARK[g]).all() and (v.b == 100 * MARK[g]).all()
        assert v.W_x.shape == (2, 3) and v.W_h.shape == (2, 2) and v.b.shape == (2,)
    p.gate("o").b[:] = -1
    assert (p.gate("o").b == -1).all() and (p.gate("f").b == 200).all()


def test_torch_layout_is_i_f_g_o_rows():
    wi, wh, bi, bh = marked().to_torch()
    assert wi.shape == (8, 3) and wh.shape == (8, 2)
    assert wi[:, 0].tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert wh[:, 0].tolist() == [10, 10, 20, 20, 30, 30, 40, 40]
    assert (bi + bh).tolist() == [100, 100, 200, 200, 300, 300, 400, 400]


def test_keras_layout_is_i_f_c_o_columns():
    k, rk, b = marked().to_keras()
    assert k.shape == (3, 8) and rk.shape == (2, 8) and b.shape == (8,)
    assert k[0].tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert rk[0].tolist() == [10, 10, 20, 20, 30, 30, 40, 40]


def test_from_torch_sums_the_two_biases():
    wi, wh, _, _ = marked().to_torch()
    bi = np.arange(8.0)
    bh = np.full(8, 0.5)
    p = L.LSTMParams.from_torch(wi, wh, bi, bh)
    np.testing.assert_array_equal(p.gate("f").b, [2.5, 3.5])   # rows 2, 3 of each bias


def test_concatenated_orders_agree(rng):
    p = L.LSTMParams.init(3, 4, seed=5)
    W_xh = {g: p.concatenated(g, "xh") for g in "figo"}
    W_hx = {g: p.concatenated(g, "hx") for g in "figo"}
    b = {g: p.gate(g).b for g in "figo"}
    p1 = L.LSTMParams.from_gates(W=W_xh, b=b, order="xh")
    p2 = L.LSTMParams.from_gates(W=W_hx, b=b, order="hx")
    for q in (p1, p2):
        np.testing.assert_array_equal(q.weight_x, p.weight_x)
        np.testing.assert_array_equal(q.weight_h, p.weight_h)
    # an [x, h] matrix read as [h, x] is a different cell: the order matters
    p3 = L.LSTMParams.from_gates(W=W_xh, b=b, order="hx")
    assert not np.array_equal(p3.weight_x, p.weight_x)


def test_init_is_seeded_and_sets_the_forget_bias():
    a = L.LSTMParams.init(3, 4, seed=7, forget_bias=1.5)
    b = L.LSTMParams.init(3, 4, seed=7, forget_bias=1.5)
    np.testing.assert_array_equal(a.weight_x, b.weight_x)
    assert (a.gate("f").b == 1.5).all()
    k = 1 / np.sqrt(4)
    assert np.abs(a.weight_h).max() <= k and np.abs(a.gate("i").b).max() <= k
    assert L.LSTMParams.init(3, 4, dtype=np.float32).dtype == np.float32
    assert not np.array_equal(L.LSTMParams.init(3, 4, seed=8).weight_x, a.weight_x)
    assert a.input_size == 3 and a.hidden_size == 4 and a.num_params == 4 * (4 * 7 + 4)


@settings(max_examples=40, deadline=None)
@given(D=st.integers(1, 6), H=st.integers(1, 6), seed=st.integers(0, 2 ** 31))
def test_round_trips_are_exact(D, H, seed):
    p = L.LSTMParams.init(D, H, seed=seed)
    for q in (L.LSTMParams.from_torch(*p.to_torch()), L.LSTMParams.from_keras(*p.to_keras()),
              L.LSTMParams.from_gates(W_x={g: p.gate(g).W_x for g in "figo"},
                                      W_h={g: p.gate(g).W_h for g in "figo"},
                                      b={g: p.gate(g).b for g in "figo"})):
        np.testing.assert_array_equal(q.weight_x, p.weight_x)
        np.testing.assert_array_equal(q.weight_h, p.weight_h)
        np.testing.assert_array_equal(q.bias, p.bias)
    # and from the frameworks' side: Keras arrays survive exactly
    k, rk, b = p.to_keras()
    k2, rk2, b2 = L.LSTMParams.from_keras(k, rk, b).to_keras()
    np.testing.assert_array_equal(k2, k)
    np.testing.assert_array_equal(rk2, rk)
    r = L.RNNParams.init(D, H, seed=seed)
    r2 = L.RNNParams.from_torch(*r.to_torch())
    np.testing.assert_array_equal(r2.weight_h, r.weight_h)


def test_gradients_to_torch_gives_the_bias_gradient_twice():
    g = L.LSTMGradients(np.ones((8, 3)), np.ones((8, 2)), np.arange(8.0))
    _, _, bi, bh = g.to_torch()
    np.testing.assert_array_equal(bi, bh)


def test_astype_and_copy():
    p = L.LSTMParams.init(2, 3)
    q = p.astype(np.float32)
    assert q.dtype == np.float32 and p.dtype == np.float64
    c = p.copy()
    c.weight_x[0, 0] = 99
    assert p.weight_x[0, 0] != 99
