"""The peephole LSTM (Gers & Schmidhuber, 2000), forward and backward through time.

Symbols: B = batch size, T = time steps, D = input size, H = hidden size; "*" is the elementwise
product, s() the logistic sigmoid. The gates may look at the cell state itself through diagonal
(one weight per unit) peephole weights p_f, p_i, p_o, each (H,):

    f = s(W_xf x + W_hf h_prev + p_f * c_prev + b_f)
    i = s(W_xi x + W_hi h_prev + p_i * c_prev + b_i)
    g = tanh(W_xg x + W_hg h_prev + b_g)
    c = f * c_prev + i * g
    o = s(W_xo x + W_ho h_prev + p_o * c + b_o)        (o sees the NEW cell state c)
    h = o * tanh(c)

With p_f = p_i = p_o = 0 this is exactly the LSTM of ``sequence.py``.

BPTT, from t = T-1 down, with dh_next = 0 and dc_next = dc_last (or 0):
    dh_t    = dL/dh_t + dh_next
    dz_o    = dh_t * tanh(c_t) * o(1-o)
    dc_t    = dc_next + dh_t * o * (1 - tanh(c_t)^2) + p_o * dz_o     (c_t also feeds o)
    dz_f    = dc_t * c_prev * f(1-f);   dz_i = dc_t * g * i(1-i);   dz_g = dc_t * i * (1-g^2)
    dc_next = f * dc_t + p_f * dz_f + p_i * dz_i                     (three paths to c_{t-1})
    dh_next = W_h^T dz_t
    dp_f = sum over t, batch of dz_f * c_prev;  dp_i likewise;  dp_o = sum of dz_o * c_t
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _checks
from ..activations import sigmoid_
from ._base import VariantGradients, _check_backward, _LSTMLike, _LSTMLikeTrace, _start, _weight_grads


@dataclass(eq=False, repr=False)
class PeepholeParams(_LSTMLike):
    """Weights of a peephole LSTM layer: the LSTM's fused arrays plus three peephole vectors.

    weight_x: (4H, D), weight_h: (4H, H), bias: (4H,)  as in LSTMParams (same block order f, i, o, g,
                                                       so PeepholeParams(**lstm.arrays()) works)
    p_f, p_i, p_o: (H,)  peephole weights from c_prev to f and i, and from c to o (zeros if None)
    """

    weight_x: np.ndarray
    weight_h: np.ndarray
    bias: np.ndarray
    p_f: np.ndarray = None
    p_i: np.ndarray = None
    p_o: np.ndarray = None

    GATE_ORDER: ClassVar[tuple] = ("f", "i", "o", "g")
    KIND: ClassVar[str] = "peephole LSTM"
    GATE_VECTORS: ClassVar[tuple] = ("bias",)
    UNIT_VECTORS: ClassVar[tuple] = ("p_f", "p_i", "p_o")


class PeepholeTrace(_LSTMLikeTrace):
    """``peephole_forward``'s result: f, i, g, o, c, h (B, T, H), h_last, c_last (B, H)."""

    i = property(lambda self: self._gate("i"), doc="input gate, (B, T, H)")


def peephole_forward(params: PeepholeParams, xs, h0=None, c0=None) -> PeepholeTrace:
    """Run a peephole LSTM over sequences (equations in the module docstring).

    params: PeepholeParams (input size D, hidden size H)
    xs:     (B, T, D)  inputs, batch-first
    h0, c0: (B, H)     initial states (zeros when None)
    Returns a PeepholeTrace; .h, .c, .f, .i, .g, .o are (B, T, H).
    """
    params, xs, h0, c0, acts = _start(params, PeepholeParams, xs, h0, c0)
    acts += params.bias                                   # W_x x_t + b for every t
    T, B, _ = acts.shape
    H = params.hidden_size
    cs, tcs, hs = (np.empty((T, B, H), params.dtype) for _ in range(3))
    Wh_T = np.ascontiguousarray(params.weight_h.T)    # (H, 4H): contiguous, far faster than .T
    h, c = h0, c0
    for t in range(T):
        a = acts[t]                                       # (B, 4H): z_t, then the activations
        a += h @ Wh_T
        a[:, :H] += params.p_f * c                        # f and i peek at c_{t-1}
        a[:, H:2 * H] += params.p_i * c
        sigmoid_(a[:, :2 * H], a[:, :2 * H])
        np.tanh(a[:, 3 * H:], out=a[:, 3 * H:])
        f, i, o, g = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
        c = cs[t] = f * c + i * g                         # c_t = f*c_{t-1} + i*g
        o += params.p_o * c                               # o peeks at the new c_t
        sigmoid_(o, o)
        np.tanh(c, out=tcs[t])
        h = hs[t] = o * tcs[t]                            # h_t = o*tanh(c_t)
    return PeepholeTrace(params, xs, h0, c0, acts, cs, tcs, hs)


@np.errstate(over="ignore", invalid="ignore")     # an overflowing gradient is reported in words, below
def peephole_backward(trace: PeepholeTrace, dh, dc_last=None) -> VariantGradients:
    """Backpropagation through time for ``peephole_forward``.

    dh: (B, T, H) dL/dh_t as the loss sees each step; dc_last: (B, H) dL/dc_T or None (zeros).
    Returns VariantGradients(params (PeepholeParams of gradients), xs, h0, c0).
    """
    p, dh, dc_next = _check_backward(trace, PeepholeTrace, "peephole_forward", dh, dc_last)
    H = p.hidden_size
    acts, cs, tcs = trace._acts, trace._c, trace._tanh_c
    c_prev_all = np.concatenate([trace.c0[None], cs[:-1]])   # (T, B, H)
    dz = np.empty_like(acts)
    dh_next = np.zeros_like(dc_next)
    for t in range(acts.shape[0] - 1, -1, -1):
        f, i, o, g = (acts[t][:, k * H:(k + 1) * H] for k in range(4))
        tc, d = tcs[t], dz[t]
        dh_t = dh[t] + dh_next
        d[:, 2 * H:3 * H] = dh_t * tc * o * (1 - o)                    # dz_o
        dc = dc_next + dh_t * o * (1 - tc * tc) + p.p_o * d[:, 2 * H:3 * H]
        d[:, :H] = dc * c_prev_all[t] * f * (1 - f)                    # dz_f
        d[:, H:2 * H] = dc * g * i * (1 - i)                           # dz_i
        d[:, 3 * H:] = dc * i * (1 - g * g)                            # dz_g
        dc_next = dc * f + p.p_f * d[:, :H] + p.p_i * d[:, H:2 * H]    # three paths to c_{t-1}
        dh_next = d @ p.weight_h
    h_prev = np.concatenate([trace.h0[None], trace._h[:-1]])
    dW_x, dW_h, dxs = _weight_grads(p, dz, trace.xs, h_prev)
    _checks.finite_gradients("peephole_backward", acts.shape[0], weight_x=dW_x, weight_h=dW_h, h0=dh_next,
                             c0=dc_next)
    grads = PeepholeParams(dW_x, dW_h, dz.sum(axis=(0, 1)),
                           p_f=np.einsum("tbh,tbh->h", dz[:, :, :H], c_prev_all),
                           p_i=np.einsum("tbh,tbh->h", dz[:, :, H:2 * H], c_prev_all),
                           p_o=np.einsum("tbh,tbh->h", dz[:, :, 2 * H:3 * H], cs))
    return VariantGradients(grads, dxs, dh_next, dc_next)
