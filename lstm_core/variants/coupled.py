"""The LSTM with a coupled input-forget gate (CIFG), forward and backward through time.

Symbols: B = batch size, T = time steps, D = input size, H = hidden size; "*" is the elementwise
product, s() the logistic sigmoid. One gate decides both how much to keep and how much to write:
the input gate is i = 1 - f, so the new cell state is a weighted average of the old one and the
candidate, and there are no input-gate weights (three blocks f, o, g instead of four):

    f = s(W_xf x + W_hf h_prev + b_f)
    g = tanh(W_xg x + W_hg h_prev + b_g)
    o = s(W_xo x + W_ho h_prev + b_o)
    c = f * c_prev + (1 - f) * g
    h = o * tanh(c)

(Greff et al., "LSTM: A Search Space Odyssey", study this coupling with peepholes as well; here
it comes without them.)

BPTT, from t = T-1 down, with dh_next = 0 and dc_next = dc_last (or 0):
    dh_t    = dL/dh_t + dh_next
    dc_t    = dc_next + dh_t * o * (1 - tanh(c_t)^2)
    dz_f    = dc_t * (c_prev - g) * f(1-f)        (f enters twice: f * c_prev and (1 - f) * g)
    dz_g    = dc_t * (1 - f) * (1 - g^2);   dz_o = dh_t * tanh(c_t) * o(1-o)
    dc_next = f * dc_t;   dh_next = W_h^T dz_t
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _checks
from ..activations import sigmoid_
from ._base import VariantGradients, _check_backward, _LSTMLike, _LSTMLikeTrace, _start, _weight_grads


@dataclass(eq=False, repr=False)
class CoupledParams(_LSTMLike):
    """Weights of an LSTM with a coupled input-forget gate (i = 1 - f): three blocks, no input gate.

    weight_x: (3H, D), weight_h: (3H, H), bias: (3H,); block order f, o, g.
    """

    weight_x: np.ndarray
    weight_h: np.ndarray
    bias: np.ndarray

    GATE_ORDER: ClassVar[tuple] = ("f", "o", "g")
    KIND: ClassVar[str] = "coupled-gate LSTM"
    GATE_VECTORS: ClassVar[tuple] = ("bias",)


class CoupledTrace(_LSTMLikeTrace):
    """``coupled_forward``'s result: f, i (= 1 - f), g, o, c, h (B, T, H), h_last, c_last."""

    i = property(lambda self: 1.0 - self.f, doc="input gate 1 - f (a new array), (B, T, H)")


def coupled_forward(params: CoupledParams, xs, h0=None, c0=None) -> CoupledTrace:
    """Run an LSTM whose input gate is 1 - f (equations in the module docstring).

    params: CoupledParams (input size D, hidden size H)
    xs:     (B, T, D)  inputs, batch-first
    h0, c0: (B, H)     initial states (zeros when None)
    Returns a CoupledTrace; .h, .c, .f, .i (= 1 - f), .g, .o are (B, T, H).
    """
    params, xs, h0, c0, acts = _start(params, CoupledParams, xs, h0, c0)
    acts += params.bias
    T, B, _ = acts.shape
    H = params.hidden_size
    cs, tcs, hs = (np.empty((T, B, H), params.dtype) for _ in range(3))
    Wh_T = np.ascontiguousarray(params.weight_h.T)    # (H, 3H): contiguous, far faster than .T
    h, c = h0, c0
    for t in range(T):
        a = acts[t]                                       # (B, 3H) in order f, o, g
        a += h @ Wh_T
        sigmoid_(a[:, :2 * H], a[:, :2 * H])
        np.tanh(a[:, 2 * H:], out=a[:, 2 * H:])
        f, o, g = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
        c = cs[t] = g + f * (c - g)                       # = f*c_{t-1} + (1 - f)*g
        np.tanh(c, out=tcs[t])
        h = hs[t] = o * tcs[t]
    return CoupledTrace(params, xs, h0, c0, acts, cs, tcs, hs)


@np.errstate(over="ignore", invalid="ignore")     # an overflowing gradient is reported in words, below
def coupled_backward(trace: CoupledTrace, dh, dc_last=None) -> VariantGradients:
    """Backpropagation through time for ``coupled_forward``.

    dh: (B, T, H) dL/dh_t as the loss sees each step; dc_last: (B, H) dL/dc_T or None (zeros).
    Returns VariantGradients(params (CoupledParams of gradients), xs, h0, c0).
    """
    p, dh, dc_next = _check_backward(trace, CoupledTrace, "coupled_forward", dh, dc_last)
    H = p.hidden_size
    acts, cs, tcs = trace._acts, trace._c, trace._tanh_c
    dz = np.empty_like(acts)
    dh_next = np.zeros_like(dc_next)
    for t in range(acts.shape[0] - 1, -1, -1):
        f, o, g = (acts[t][:, k * H:(k + 1) * H] for k in range(3))
        tc, d = tcs[t], dz[t]
        c_prev = cs[t - 1] if t > 0 else trace.c0
        dh_t = dh[t] + dh_next
        dc = dc_next + dh_t * o * (1 - tc * tc)
        d[:, :H] = dc * (c_prev - g) * f * (1 - f)        # f appears twice: f*c_prev and (1-f)*g
        d[:, H:2 * H] = dh_t * tc * o * (1 - o)
        d[:, 2 * H:] = dc * (1 - f) * (1 - g * g)
        dc_next = dc * f
        dh_next = d @ p.weight_h
    h_prev = np.concatenate([trace.h0[None], trace._h[:-1]])
    dW_x, dW_h, dxs = _weight_grads(p, dz, trace.xs, h_prev)
    _checks.finite_gradients("coupled_backward", acts.shape[0], weight_x=dW_x, weight_h=dW_h, h0=dh_next, c0=dc_next)
    grads = CoupledParams(dW_x, dW_h, dz.sum(axis=(0, 1)))
    return VariantGradients(grads, dxs, dh_next, dc_next)
