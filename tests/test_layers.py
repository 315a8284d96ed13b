"""Stacked and bidirectional LSTMs (lstm_core/layers.py): against nn.LSTM (stacked, bidirectional,
and bidirectional on a padded batch through pack_padded_sequence) from golden files, against
finite differences, and the TaggerModel's gradient (embedding, two bidirectional layers,
read-out, masked loss) against finite differences."""

from pathlib import Path

import numpy as np
import pytest

import lstm_core as L
from lstm_core.layers import (TaggerModel, bidirectional_backward, bidirectional_forward, init_layers,
                              stacked_backward, stacked_forward)
from lstm_core.masking import lengths_to_mask

GOLDEN = Path(__file__).parent / "golden"
TOL = dict(rtol=1e-10, atol=1e-12)


def torch_layers(g, num_layers, bidirectional):
    """Our layers from the golden file's nn.LSTM weights (l{n} and l{n}_reverse)."""
    def one(suffix):
        return L.LSTMParams.from_torch(g[f"weight_ih_{suffix}"], g[f"weight_hh_{suffix}"], g[f"bias_ih_{suffix}"],
                                       g[f"bias_hh_{suffix}"])
    if bidirectional:
        return [(one(f"l{n}"), one(f"l{n}_reverse")) for n in range(num_layers)]
    return [one(f"l{n}") for n in range(num_layers)]


def grads_in_torch_layout(sg, bidirectional):
    out = {}
    for n, g in enumerate(sg.layers):
        for suffix, gp in ((zip((f"l{n}", f"l{n}_reverse"), g)) if bidirectional else ((f"l{n}", g),)):
            wi, wh, b, _ = L.LSTMParams(gp.weight_x, gp.weight_h, gp.bias).to_torch()
            out[f"weight_ih_{suffix}"], out[f"weight_hh_{suffix}"], out[f"bias_ih_{suffix}"] = wi, wh, b
            out[f"bias_hh_{suffix}"] = b            # PyTorch adds the two biases: equal gradients
    return out


@pytest.mark.parametrize("stem, N, bi", [("layers_stacked_N3", 3, False), ("layers_bidirectional_N2", 2, True),
                                         ("layers_bidirectional_N2_packed", 2, True),
                                         ("layers_stacked_N2_packed", 2, False)])
def test_matches_torch(stem, N, bi):
    g = np.load(GOLDEN / f"{stem}.npz")
    layers = torch_layers(g, N, bi)
    mask = g["mask"]
    tr = stacked_forward(layers, g["xs"], mask, bidirectional=bi)
    # PyTorch writes zeros at padded steps; ours carries the state on: compare the real steps
    np.testing.assert_allclose(tr.h * mask[:, :, None], g["out"], **TOL)
    sg = stacked_backward(tr, g["dh"])
    np.testing.assert_allclose(sg.xs, g["grad_xs"], **TOL)
    mine = grads_in_torch_layout(sg, bi)
    for name, value in mine.items():
        np.testing.assert_allclose(value, g["grad_" + name], err_msg=name, **TOL)


def random_case(bi, N=2, B=3, T=5, D=2, H=3, seed=0):
    rng = np.random.default_rng(seed)
    layers = init_layers(D, H, N, bi, seed=seed)
    for layer in layers:
        for p in (layer if bi else (layer,)):
            p.bias[:] = rng.normal(size=p.bias.shape)
    xs = rng.normal(size=(B, T, D))
    mask = lengths_to_mask(np.array([5, 2, 3]), T)
    w = rng.normal(size=(B, T, H * (2 if bi else 1))) * mask[:, :, None]
    return layers, xs, mask, w


@pytest.mark.parametrize("bi", [False, True])
def test_stacked_gradients_by_finite_differences(bi):
    layers, xs, mask, w = random_case(bi)
    tr = stacked_forward(layers, xs, mask, bidirectional=bi)
    sg = stacked_backward(tr, w)

    def loss(ls=layers, x=xs):
        return float((stacked_forward(ls, x, mask, bidirectional=bi).h * w).sum())

    assert L.gradcheck(lambda v: loss(x=v), xs, sg.xs).ok
    for n in range(len(layers)):
        for d in range(2 if bi else 1):
            for name in ("weight_x", "weight_h", "bias"):
                p = layers[n][d] if bi else layers[n]
                ga = sg.layers[n][d] if bi else sg.layers[n]

                def f(v, n=n, d=d, name=name, p=p):
                    q = L.LSTMParams(**{**p.arrays(), name: v})
                    ls = list(layers)
                    if bi:
                        pair = list(ls[n])
                        pair[d] = q
                        ls[n] = tuple(pair)
                    else:
                        ls[n] = q
                    return loss(ls=ls)
                res = L.gradcheck(f, getattr(p, name), getattr(ga, name))
                assert res.ok, (n, d, name, res)


def test_bidirectional_backward_reader_starts_at_each_end():
    layers, xs, mask, _ = random_case(True, N=1)
    fwd, bwd = layers[0]
    tr = bidirectional_forward(fwd, bwd, xs, mask)
    H = fwd.hidden_size
    for b, n in enumerate([5, 2, 3]):
        alone = L.lstm_forward(bwd, xs[b:b + 1, :n][:, ::-1])        # the sequence alone, read backwards
        np.testing.assert_allclose(tr.h[b, :n, H:], alone.h[0, ::-1], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(tr.h[b, :n, :H], L.lstm_forward(fwd, xs[b:b + 1, :n]).h[0], rtol=1e-12, atol=1e-14)


def test_bidirectional_backward_bad_trace():
    with pytest.raises(TypeError, match="trace"):
        bidirectional_backward("x", np.zeros(1))


@pytest.mark.parametrize("bi, dropout", [(False, None), (True, None), (False, ("variational", 0.3)),
                                         (False, ("naive", 0.3)), (False, ("zoneout", 0.3))])
def test_tagger_gradients_by_finite_differences(bi, dropout):
    rng = np.random.default_rng(5)
    model = TaggerModel(6, 3, 3, 4, num_layers=2, bidirectional=bi, seed=1, dropout=dropout)
    ids = rng.integers(0, 6, (3, 5))
    targets = rng.integers(0, 4, (3, 5))
    mask = lengths_to_mask(np.array([5, 2, 4]), 5)
    state = model.rng.bit_generator.state                        # the same dropout draws every call
    _, grads = model.loss_and_grads(ids, targets, mask)
    for name in ("embedding", "W_hy", "b_y", "layer0.weight_x" if not bi else "layer0.bwd.weight_h"):
        arr = model.params[name]

        def f(v, arr=arr):
            old = arr.copy()
            arr[...] = v
            model.rng.bit_generator.state = state
            value = model.loss_and_grads(ids, targets, mask)[0]
            arr[...] = old
            return value
        res = L.gradcheck(f, arr.copy(), grads[name])
        assert res.ok, (name, res)


def test_tagger_padding_does_not_change_the_loss():
    rng = np.random.default_rng(6)
    model = TaggerModel(5, 2, 3, 3, bidirectional=True, seed=0)
    ids = rng.integers(1, 5, (1, 4))
    t = rng.integers(0, 3, (1, 4))
    padded = np.concatenate([ids, np.zeros((1, 3), int)], axis=1)
    tp = np.concatenate([t, np.zeros((1, 3), int)], axis=1)
    mask = lengths_to_mask(np.array([4]), 7)
    a = model.loss_and_grads(ids, t, train=False)[0]
    b = model.loss_and_grads(padded, tp, mask, train=False)[0]
    assert a == pytest.approx(b, rel=1e-12)


def test_layers_bad_input():
    with pytest.raises(TypeError, match="layers"):
        stacked_forward([], np.zeros((1, 2, 3)))
    ls = init_layers(3, 4, 2)
    ls[1] = L.LSTMParams.init(3, 4)
    with pytest.raises(ValueError, match="layers\\[1\\]"):
        stacked_forward(ls, np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match="dropout kind"):
        TaggerModel(5, 2, 3, 3, dropout=("everywhere", 0.2))
