"""The readable loop (lstm_core.loop) and the fast sequence functions compute the same numbers,
and the loop's gradients agree with central finite differences."""

import numpy as np
import pytest

import lstm_core as L
from lstm_core.loop import lstm_backward_loop, lstm_forward_loop


@pytest.mark.parametrize("B, T, D, H", [(1, 1, 1, 1), (2, 5, 3, 4), (3, 7, 6, 2)])
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_loop_equals_fast_path(B, T, D, H, dtype, tol):
    rng = np.random.default_rng(B * 100 + T)
    p = L.LSTMParams.init(D, H, seed=T, dtype=dtype)
    p.bias[:] = rng.normal(size=4 * H)                  # nonzero everything
    xs = rng.normal(size=(B, T, D)).astype(dtype)
    h0, c0 = rng.normal(size=(B, H)).astype(dtype), rng.normal(size=(B, H)).astype(dtype)
    dh, dc = rng.normal(size=(B, T, H)).astype(dtype), rng.normal(size=(B, H)).astype(dtype)

    steps = lstm_forward_loop(p, xs, h0, c0)
    trace = L.lstm_forward(p, xs, h0, c0)
    np.testing.assert_allclose(np.stack([s.h for s in steps], 1), trace.h, rtol=tol, atol=tol)
    np.testing.assert_allclose(np.stack([s.c for s in steps], 1), trace.c, rtol=tol, atol=tol)

    grads, dxs, dh0, dc0 = lstm_backward_loop(p, steps, dh, dc)
    fast = L.lstm_backward(trace, dh, dc)
    for name in ("weight_x", "weight_h", "bias"):
        np.testing.assert_allclose(getattr(grads, name), getattr(fast.params, name), rtol=tol, atol=tol * 10)
    np.testing.assert_allclose(dxs, fast.xs, rtol=tol, atol=tol * 10)
    np.testing.assert_allclose(dh0, fast.h0, rtol=tol, atol=tol * 10)
    np.testing.assert_allclose(dc0, fast.c0, rtol=tol, atol=tol * 10)
    assert grads.weight_x.dtype == dtype


def test_loop_gradient_by_finite_differences():
    rng = np.random.default_rng(7)
    B, T, D, H = 2, 4, 3, 2
    p = L.LSTMParams.init(D, H, seed=1)
    p.bias[:] = rng.normal(size=4 * H)
    xs = rng.normal(size=(B, T, D))
    w = rng.normal(size=(B, T, H))                       # loss = sum(w * h)

    def loss():
        return float(np.sum(w * np.stack([s.h for s in lstm_forward_loop(p, xs)], 1)))

    grads, *_ = lstm_backward_loop(p, lstm_forward_loop(p, xs), w)
    eps = 1e-6
    for name in ("weight_x", "weight_h", "bias"):
        arr, g = getattr(p, name), getattr(grads, name)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + eps
            up = loss()
            arr[idx] = old - eps
            down = loss()
            arr[idx] = old
            num = (up - down) / (2 * eps)
            assert abs(num - g[idx]) <= 1e-7 * max(1.0, abs(num)), (name, idx, num, g[idx])
