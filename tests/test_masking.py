"""Padding and masking (lstm_core/masking.py): the masked layer against the unmasked one, against
the same sequences run one by one without padding, and against finite differences with padding
present; the masked loss against a mean computed by hand over the real steps."""

import numpy as np
import pytest

import lstm_core as L
from lstm_core.masking import lengths_to_mask, masked_lstm_backward, masked_lstm_forward, masked_mean, pad_sequences


def setup(B=3, T=6, D=2, H=3, seed=0, lengths=(6, 2, 4)):
    rng = np.random.default_rng(seed)
    p = L.LSTMParams.init(D, H, seed=seed)
    p.bias[:] = rng.normal(size=p.bias.shape)               # nonzero and random everything
    xs = rng.normal(size=(B, T, D))
    mask = lengths_to_mask(np.array(lengths), T)
    return p, xs, mask, rng


def test_lengths_to_mask_by_hand():
    np.testing.assert_array_equal(lengths_to_mask(np.array([3, 1]), 4), [[1, 1, 1, 0], [1, 0, 0, 0]])


def test_pad_sequences():
    ids, n = pad_sequences([[5, 6, 7], [8]], pad=0)
    np.testing.assert_array_equal(ids, [[5, 6, 7], [8, 0, 0]])
    np.testing.assert_array_equal(n, [3, 1])


def test_no_mask_equals_the_fast_lstm():
    p, xs, _, rng = setup()
    h0, c0 = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    a = masked_lstm_forward(p, xs, None, h0, c0)
    b = L.lstm_forward(p, xs, h0, c0)
    np.testing.assert_allclose(a.h, b.h, rtol=1e-12, atol=1e-14)
    dh = rng.normal(size=a.h.shape)
    ga, gb = masked_lstm_backward(a, dh), L.lstm_backward(b, dh)
    for name in ("weight_x", "weight_h", "bias"):
        np.testing.assert_allclose(getattr(ga.params, name), getattr(gb.params, name), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ga.xs, gb.xs, rtol=1e-10, atol=1e-12)


def test_padded_equals_unpadded_one_by_one():
    p, xs, mask, rng = setup()
    lengths = mask.sum(axis=1).astype(int)
    tr = masked_lstm_forward(p, xs, mask)
    dh = rng.normal(size=tr.h.shape) * mask[:, :, None]     # the loss reads real steps only
    g = masked_lstm_backward(tr, dh)
    total = L.LSTMGradients(*(np.zeros_like(a) for a in (p.weight_x, p.weight_h, p.bias)))
    for b, n in enumerate(lengths):
        alone = L.lstm_forward(p, xs[b:b + 1, :n])
        np.testing.assert_allclose(tr.h[b, :n], alone.h[0], rtol=1e-12, atol=1e-14)
        # frozen after the end: every padded step holds the last real state
        assert np.all(tr.h[b, n:] == tr.h[b, n - 1]) and np.all(tr.c[b, n:] == tr.c[b, n - 1])
        np.testing.assert_allclose(tr.c_last[b], alone.c_last[0], rtol=1e-12, atol=1e-14)
        ga = L.lstm_backward(alone, dh[b:b + 1, :n])
        np.testing.assert_allclose(g.xs[b, :n], ga.xs[0], rtol=1e-10, atol=1e-12)
        for name in ("weight_x", "weight_h", "bias"):
            getattr(total, name)[...] += getattr(ga.params, name)
        assert np.all(g.xs[b, n:] == 0)                       # padding gets no gradient
    for name in ("weight_x", "weight_h", "bias"):
        np.testing.assert_allclose(getattr(g.params, name), getattr(total, name), rtol=1e-10, atol=1e-12)


def test_unmasked_padding_changes_the_last_state():
    p, xs, mask, _ = setup()
    leak = L.lstm_forward(p, xs).h_last[1]                     # sequence 1 is 2 steps long
    right = L.lstm_forward(p, xs[1:2, :2]).h_last[0]
    assert np.abs(leak - right).max() > 1e-3
    np.testing.assert_allclose(masked_lstm_forward(p, xs, mask).h_last[1], right, rtol=1e-12)


@pytest.mark.parametrize("extras", ["none", "dropout", "zoneout"])
def test_gradients_by_finite_differences_with_padding(extras):
    p, xs, mask, rng = setup()
    B, T, D = xs.shape
    H = p.hidden_size
    kw = {}
    if extras == "dropout":
        kw = dict(x_scale=(rng.random((B, T, D)) > 0.3) / 0.7, h_scale=(rng.random((B, T, H)) > 0.3) / 0.7)
    if extras == "zoneout":
        kw = dict(zoneout=(rng.random((B, T, H)) < 0.4).astype(float))
    h0, c0 = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    w = rng.normal(size=(B, T, H))
    wc = rng.normal(size=(B, H))

    def loss(q=p, x=xs, a=h0, b=c0):
        tr = masked_lstm_forward(q, x, mask, a, b, **kw)
        return float((tr.h * w).sum() + (tr.c_last * wc).sum())

    tr = masked_lstm_forward(p, xs, mask, h0, c0, **kw)
    g = masked_lstm_backward(tr, w, wc)
    assert L.gradcheck(lambda v: loss(x=v), xs, g.xs).ok
    assert L.gradcheck(lambda v: loss(a=v), h0, g.h0).ok
    assert L.gradcheck(lambda v: loss(b=v), c0, g.c0).ok
    for name in ("weight_x", "weight_h", "bias"):
        def f(v, name=name):
            arrays = p.arrays()
            arrays[name] = v
            return loss(q=L.LSTMParams(**arrays))
        res = L.gradcheck(f, getattr(p, name), getattr(g.params, name))
        assert res.ok, (name, res)


def test_masked_mean_by_hand():
    v = np.array([[1.0, 2.0, 9.0], [4.0, 9.0, 9.0]])
    m = np.array([[1, 1, 0], [1, 0, 0]])
    assert masked_mean(v, m) == pytest.approx((1 + 2 + 4) / 3)


def test_masked_cross_entropy_ignores_padding():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(2, 3, 4))
    t = rng.integers(0, 4, (2, 3))
    m = np.array([[1, 1, 1], [1, 0, 0]])
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    by_hand = -(logp[0, 0, t[0, 0]] + logp[0, 1, t[0, 1]] + logp[0, 2, t[0, 2]] + logp[1, 0, t[1, 0]]) / 4
    assert L.softmax_cross_entropy(z, t, m).value == pytest.approx(by_hand, rel=1e-12)


def test_float32_accepted():
    p, xs, mask, _ = setup()
    tr = masked_lstm_forward(p.astype(np.float32), xs.astype(np.float32), mask)
    assert tr.h.dtype == np.float32


@pytest.mark.parametrize("bad, word", [
    (dict(mask=np.ones((3, 5))), "mask"), (dict(mask=np.full((3, 6), 0.5)), "mask"),
    (dict(zoneout=np.full((3, 6, 3), 2.0)), "zoneout"), (dict(h_scale=-np.ones((3, 6, 3))), "h_scale"),
])
def test_bad_input_names_the_argument(bad, word):
    p, xs, mask, _ = setup()
    kw = dict(mask=mask)
    kw.update(bad)
    with pytest.raises(ValueError, match=word):
        masked_lstm_forward(p, xs, **kw)


def test_lengths_bad_input():
    with pytest.raises(ValueError, match="lengths"):
        lengths_to_mask(np.array([0, 2]))
    with pytest.raises(ValueError, match="T"):
        lengths_to_mask(np.array([3]), 2)
