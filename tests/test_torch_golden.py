"""lstm_core against torch.nn.LSTM and nn.RNN (float64): forward and every gradient, from the
golden files written by tools/make_golden.py (torch is not needed to run these tests)."""

from pathlib import Path

import numpy as np
import pytest

import lstm_core as L

GOLDEN = sorted((Path(__file__).parent / "golden").glob("torch_*.npz"))
TOL = dict(rtol=1e-10, atol=1e-12)


def test_golden_files_exist():
    assert len([p for p in GOLDEN if "lstm" in p.name]) >= 3 and len([p for p in GOLDEN if "rnn" in p.name]) >= 3


@pytest.mark.parametrize("path", [p for p in GOLDEN if "_lstm_" in p.name], ids=lambda p: p.stem)
def test_lstm_matches_torch(path):
    g = np.load(path)
    p = L.LSTMParams.from_torch(g["weight_ih"], g["weight_hh"], g["bias_ih"], g["bias_hh"])
    tr = L.lstm_forward(p, g["xs"], g["h0"], g["c0"])
    np.testing.assert_allclose(tr.h, g["h"], **TOL)
    np.testing.assert_allclose(tr.h_last, g["h_last"], **TOL)
    np.testing.assert_allclose(tr.c_last, g["c_last"], **TOL)
    grads = L.lstm_backward(tr, g["dh"], g["dc_last"])
    wi, wh, bi, bh = grads.params.to_torch()
    for mine, name in ((wi, "weight_ih"), (wh, "weight_hh"), (bi, "bias_ih"), (bh, "bias_hh")):
        np.testing.assert_allclose(mine, g[f"grad_{name}"], err_msg=name, **TOL)
    np.testing.assert_allclose(grads.xs, g["grad_xs"], **TOL)
    np.testing.assert_allclose(grads.h0, g["grad_h0"], **TOL)
    np.testing.assert_allclose(grads.c0, g["grad_c0"], **TOL)


@pytest.mark.parametrize("path", [p for p in GOLDEN if "_rnn_" in p.name], ids=lambda p: p.stem)
def test_rnn_matches_torch(path):
    g = np.load(path)
    p = L.RNNParams.from_torch(g["weight_ih"], g["weight_hh"], g["bias_ih"], g["bias_hh"])
    tr = L.rnn_forward(p, g["xs"], g["h0"])
    np.testing.assert_allclose(tr.h, g["h"], **TOL)
    np.testing.assert_allclose(tr.h_last, g["h_last"], **TOL)
    grads = L.rnn_backward(tr, g["dh"])
    wi, wh, bi, bh = grads.params.to_torch()
    for mine, name in ((wi, "weight_ih"), (wh, "weight_hh"), (bi, "bias_ih"), (bh, "bias_hh")):
        np.testing.assert_allclose(mine, g[f"grad_{name}"], err_msg=name, **TOL)
    np.testing.assert_allclose(grads.xs, g["grad_xs"], **TOL)
    np.testing.assert_allclose(grads.h0, g["grad_h0"], **TOL)


@pytest.mark.parametrize("path", [p for p in GOLDEN if "_lstm_" in p.name], ids=lambda p: p.stem)
def test_keras_layout_gives_the_same_cell(path):
    g = np.load(path)
    p = L.LSTMParams.from_torch(g["weight_ih"], g["weight_hh"], g["bias_ih"], g["bias_hh"])
    q = L.LSTMParams.from_keras(*p.to_keras())
    np.testing.assert_allclose(L.lstm_forward(q, g["xs"], g["h0"], g["c0"]).h, g["h"], **TOL)
