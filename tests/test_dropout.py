"""Recurrent dropout (lstm_core/dropout.py): which multipliers each kind draws, checked by their
statistics and structure (not by the code's own numbers)."""

import numpy as np
import pytest

import lstm_core as L
from lstm_core.dropout import dropout_mask, dropout_noise


def test_inverted_dropout_keeps_the_mean():
    m = dropout_mask((200, 500), 0.3, np.random.default_rng(0))
    assert set(np.unique(m)) == {0.0, 1 / 0.7}
    assert abs((m == 0).mean() - 0.3) < 0.01                   # 100000 draws: std 0.0015
    assert abs(m.mean() - 1.0) < 0.01


def test_naive_draws_anew_at_every_step_variational_once():
    layers = [L.LSTMParams.init(3, 4)]
    naive = dropout_noise("naive", 0.5, layers, 8, 6, np.random.default_rng(1))[0]
    var = dropout_noise("variational", 0.5, layers, 8, 6, np.random.default_rng(1))[0]
    assert naive["h_scale"].shape == (8, 6, 4) and naive["x_scale"].shape == (8, 6, 3)
    assert not np.all(naive["h_scale"] == naive["h_scale"][:, :1])          # changes along time
    assert np.all(var["h_scale"] == var["h_scale"][:, :1]) and np.all(var["x_scale"] == var["x_scale"][:, :1])
    assert not np.all(var["h_scale"] == var["h_scale"][:1])                 # but differs between sequences


def test_zoneout_train_and_test():
    layers = [(L.LSTMParams.init(3, 4), L.LSTMParams.init(3, 4))]
    z = dropout_noise("zoneout", 0.25, layers, 50, 40, np.random.default_rng(2))[0]["zoneout"]
    assert len(z) == 2 and set(np.unique(z[0])) == {0.0, 1.0} and abs(z[0].mean() - 0.25) < 0.02
    zt = dropout_noise("zoneout", 0.25, layers, 2, 3, np.random.default_rng(2), train=False)[0]["zoneout"]
    assert np.all(zt[0] == 0.25)
    assert dropout_noise("naive", 0.25, layers, 2, 3, np.random.default_rng(2), train=False) == [{}]


def test_zoneout_of_one_freezes_the_state():
    p = L.LSTMParams.init(2, 3, seed=0)
    xs = np.random.default_rng(0).normal(size=(1, 4, 2))
    z = np.zeros((1, 4, 3))
    z[:, 2:] = 1.0                                               # steps 3 and 4 keep everything
    from lstm_core.masking import masked_lstm_forward
    tr = masked_lstm_forward(p, xs, zoneout=z)
    assert np.all(tr.h[0, 3] == tr.h[0, 1]) and np.all(tr.c[0, 3] == tr.c[0, 1])


def test_bad_dropout():
    with pytest.raises(ValueError, match="p"):
        dropout_mask((2,), 1.0, 0)
    with pytest.raises(ValueError, match="dropout kind"):
        dropout_noise("sometimes", 0.1, [L.LSTMParams.init(1, 1)], 1, 1, 0)
