"""An LSTM over a whole sequence, forward and backpropagation through time (BPTT).

Symbols: B = batch size, T = time steps, D = input size, H = hidden size. Sequences are
batch-first, (B, T, D), as in Keras and the source texts.

The step equations are those of ``cell.py``. For speed: the input projections of all steps
are computed in one matrix product before the time loop (W_x x_t + b for every t), so each step
costs one (B, H) x (H, 4H) product for all four gates; the sigmoid gates use
sigmoid(z) = (1 + tanh(z/2)) / 2, so one tanh call serves all four gates; the backward
pass collects the
pre-activation gradients dz_t of every step and forms dW_x, dW_h, db and dxs with one product
each after its loop. Internally arrays are time-major so every step reads and writes
contiguous memory, and feature-major (T, ., B) so each gate is a contiguous block of rows and
the step's product is W_h (4H, H) @ h (H, B); the trace exposes batch-first views.

BPTT: going backwards from t = T-1, with dh_next = dc_next = 0 (or dc_last at the end),
    dh_t    = dL/dh_t (given) + dh_next            (the loss at t, and every later step via h_t)
    dc_t    = dc_next + dh_t * o_t * tanh'(c_t)
    dz_t    = gate gradients as in cell.py
    dh_next = W_h^T dz_t,   dc_next = f_t * dc_t
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks
from .activations import sigmoid_
from .cell import check_params
from .params import LSTMGradients, LSTMParams


def check_sequence(name, xs, D, dtype):
    """xs as a (B, T, D) array of ``dtype``."""
    xs = _checks.array(name, xs, ndim=3, dtype=dtype)
    if xs.shape[2] != D:
        raise ValueError(f"{name} must have shape (B, T, {D}) (batch, time, features; D = the params' "
                         f"input_size); got {xs.shape}")
    if xs.shape[0] < 1 or xs.shape[1] < 1:
        raise ValueError(f"{name} must hold at least one sequence of at least one step; got shape {xs.shape}")
    return xs


def check_state(name, v, B, H, dtype):
    """An initial state as (B, H), zeros when None."""
    if v is None:
        return np.zeros((B, H), dtype)
    arr = _checks.array(name, v, dtype=dtype)
    if arr.shape != (B, H):
        raise ValueError(f"{name} must have shape (B, H) = ({B}, {H}); got {arr.shape}")
    return arr


@dataclass
class LSTMTrace:
    """Everything ``lstm_forward`` computed, batch-first: h, c, f, i, g, o are (B, T, H) views.

    Keeps what ``lstm_backward`` needs: the inputs xs (B, T, D), h0 and c0 (B, H), params, and
    time-major, feature-major buffers (T, ., B) of gate activations, cell states and tanh(c).
    """

    params: LSTMParams
    xs: np.ndarray        # (B, T, D)
    h0: np.ndarray        # (B, H)
    c0: np.ndarray        # (B, H)
    _acts: np.ndarray     # (T, 4H, B) gate activations in GATE_ORDER f, i, o, g
    _c: np.ndarray        # (T, H, B)
    _tanh_c: np.ndarray   # (T, H, B)
    _h: np.ndarray        # (T, H, B)

    def _gate(self, k):
        H = self.params.hidden_size
        return self._acts[:, k * H:(k + 1) * H].transpose(2, 0, 1)

    f = property(lambda self: self._gate(0), doc="forget gate, (B, T, H)")
    i = property(lambda self: self._gate(1), doc="input gate, (B, T, H)")
    o = property(lambda self: self._gate(2), doc="output gate, (B, T, H)")
    g = property(lambda self: self._gate(3), doc="candidate C~, (B, T, H)")
    c = property(lambda self: self._c.transpose(2, 0, 1), doc="cell states c_1..c_T, (B, T, H)")
    h = property(lambda self: self._h.transpose(2, 0, 1), doc="hidden states h_1..h_T, (B, T, H)")

    @property
    def h_last(self):
        """h_T, (B, H)."""
        return self._h[-1].T

    @property
    def c_last(self):
        """c_T, (B, H)."""
        return self._c[-1].T


@dataclass
class LSTMSequenceGradients:
    """Gradients from ``lstm_backward``: params (LSTMGradients), xs (B, T, D), h0, c0 (B, H)."""

    params: LSTMGradients
    xs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray


def lstm_forward(params: LSTMParams, xs, h0=None, c0=None) -> LSTMTrace:
    """Run an LSTM over sequences.

    params: LSTMParams (input size D, hidden size H)
    xs:     (B, T, D)  inputs, batch-first
    h0, c0: (B, H)     initial states (zeros when None)
    Returns an LSTMTrace; trace.h and trace.c are (B, T, H).
    """
    check_params(params)
    dt = params.dtype
    D, H = params.input_size, params.hidden_size
    xs = check_sequence("xs", xs, D, dt)
    B, T, _ = xs.shape
    h0 = check_state("h0", h0, B, H, dt)
    c0 = check_state("c0", c0, B, H, dt)

    x_tm = np.ascontiguousarray(xs.transpose(1, 0, 2))            # (T, B, D)
    zx = (x_tm.reshape(T * B, D) @ np.ascontiguousarray(params.weight_x.T)).reshape(T, B, 4 * H)
    acts = np.ascontiguousarray(zx.transpose(0, 2, 1))              # (T, 4H, B)
    acts += params.bias[:, None]                                    # W_x x_t + b, every t at once
    cs = np.empty((T, H, B), dt)
    tcs = np.empty((T, H, B), dt)
    hs = np.empty((T, H, B), dt)
    W_h = params.weight_h                                           # (4H, H)
    rec = np.empty((4 * H, B), dt)
    tmp = np.empty((H, B), dt)
    S = 3 * H                                                       # f, i, o: sigmoid; g: tanh
    h, c = np.ascontiguousarray(h0.T), np.ascontiguousarray(c0.T)  # (H, B)
    for t in range(T):
        a = acts[t]                                                 # (4H, B), becomes activations
        np.matmul(W_h, h, out=rec)
        a += rec                                                    # z_t
        # sigmoid(z) = (1 + tanh(z/2)) / 2: one tanh call covers all four gates (exact to ~1e-16;
        # the public sigmoid() keeps full relative precision in the far tail for teaching)
        sig = a[:S]
        sig *= 0.5
        np.tanh(a, out=a)
        sig *= 0.5
        sig += 0.5
        f, i, o, g = a[:H], a[H:2 * H], a[2 * H:S], a[S:]
        c_t, h_t, tc_t = cs[t], hs[t], tcs[t]
        np.multiply(f, c, out=c_t)
        np.multiply(i, g, out=tmp)
        c_t += tmp                                                  # c_t = f*c_{t-1} + i*g
        np.tanh(c_t, out=tc_t)
        np.multiply(o, tc_t, out=h_t)                               # h_t = o*tanh(c_t)
        h, c = h_t, c_t
    return LSTMTrace(params, xs, h0, c0, acts, cs, tcs, hs)


def lstm_backward(trace: LSTMTrace, dh, dc_last=None) -> LSTMSequenceGradients:
    """Backpropagation through time.

    trace:   the LSTMTrace from ``lstm_forward``
    dh:      (B, T, H)  dL/dh_t as the loss sees each hidden state (zeros where it does not)
    dc_last: (B, H)     dL/dc_T, or None (zeros)
    Returns LSTMSequenceGradients(params, xs, h0, c0).
    """
    if not isinstance(trace, LSTMTrace):
        raise TypeError(f"trace must be the LSTMTrace that lstm_forward returned; got {_checks.describe(trace)}")
    p = trace.params
    dt = p.dtype
    D, H = p.input_size, p.hidden_size
    B, T, _ = trace.xs.shape
    dh = _checks.array("dh", dh, shape=(B, T, H), dtype=dt)
    dc_next = check_state("dc_last", dc_last, B, H, dt)
    dh_fm = np.ascontiguousarray(dh.transpose(1, 2, 0))            # (T, H, B)
    dc_next = np.array(dc_next.T, order="C")                        # (H, B), a copy: written to below
    c0 = np.ascontiguousarray(trace.c0.T)
    acts, cs, tcs = trace._acts, trace._c, trace._tanh_c
    dz = np.empty((T, 4 * H, B), dt)
    dh_next = np.zeros((H, B), dt)
    dh_t = np.empty((H, B), dt)
    dc_t = np.empty((H, B), dt)
    tmp = np.empty((H, B), dt)
    sd = np.empty((3 * H, B), dt)
    Wh_T = np.ascontiguousarray(p.weight_h.T)                       # (H, 4H)
    S = 3 * H
    for t in range(T - 1, -1, -1):
        a = acts[t]
        f, i, g = a[:H], a[H:2 * H], a[S:]
        tc = tcs[t]
        c_prev = cs[t - 1] if t > 0 else c0
        d = dz[t]
        np.add(dh_fm[t], dh_next, out=dh_t)
        # dc_t = dc_next + dh_t * o * (1 - tanh(c)^2)
        np.multiply(tc, tc, out=tmp)
        np.subtract(1.0, tmp, out=tmp)
        tmp *= a[2 * H:S]
        tmp *= dh_t
        np.add(dc_next, tmp, out=dc_t)
        # the sigmoid gates f, i, o at once: dz = (upstream gradient) * a * (1 - a)
        np.subtract(1.0, a[:S], out=sd)
        sd *= a[:S]
        np.multiply(dc_t, c_prev, out=d[:H])                        # dL/df = dc_t * c_prev
        np.multiply(dc_t, g, out=d[H:2 * H])                        # dL/di = dc_t * g
        np.multiply(dh_t, tc, out=d[2 * H:S])                       # dL/do = dh_t * tanh(c)
        d[:S] *= sd
        # dz_g = dc_t * i * (1 - g^2)
        dzg = d[S:]
        np.multiply(g, g, out=dzg)
        np.subtract(1.0, dzg, out=dzg)
        dzg *= i
        dzg *= dc_t
        # to the previous step: through the cell state directly (f), and through h_{t-1}
        np.multiply(dc_t, f, out=dc_next)
        np.matmul(Wh_T, d, out=dh_next)
    dz2 = np.ascontiguousarray(dz.transpose(0, 2, 1)).reshape(T * B, 4 * H)
    x2 = np.ascontiguousarray(trace.xs.transpose(1, 0, 2)).reshape(T * B, D)
    h_prev = np.concatenate([trace.h0[None], trace._h[:-1].transpose(0, 2, 1)]).reshape(T * B, H)
    grads = LSTMGradients(dz2.T @ x2, dz2.T @ h_prev, dz2.sum(axis=0))
    dxs = (dz2 @ p.weight_x).reshape(T, B, D).transpose(1, 0, 2)
    return LSTMSequenceGradients(params=grads, xs=dxs, h0=np.ascontiguousarray(dh_next.T),
                                 c0=np.ascontiguousarray(dc_next.T))
