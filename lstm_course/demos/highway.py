"""The LSTM's cell state as a gradient highway (notebook 11; the explorer is ``lstm_course.explorers.highway``).

Symbols: B = batch size, T = time steps, D = input size, H = hidden size. Time runs t = 1..T;
index 0 of every (B, T+1, H) array below is the initial state (c_0 or h_0).

3. The LSTM: the cell state as a gradient highway (``cell_gradients``, ``highway_gradients``)
--------------------------------------------------------------------------------------------
Along the cell state alone (the edge c_{t-1} -> c_t of c_t = f_t * c_{t-1} + i_t * g_t) the
derivative is f_t, elementwise, so the direct path from c_T back to c_t contributes

    dL/dc_t (cell path only) = dL/dc_T * f_{t+1} * f_{t+2} * ... * f_T        (``cell_path_gradients``)

The full gradient also flows through the hidden state, because every gate reads h_{t-1}:

    dL/dc_{t-1} = dL/dc_t * f_t  +  dL/dh_{t-1} * o_{t-1} * tanh'(c_{t-1})    (``cell_gradients``)
    dL/dh_{t-1} = W_h^T dz_t  (+ the loss's own dL/dh_{t-1})

where dz_t holds the four gates' pre-activation gradients (``cell.lstm_step_backward``). Here
dL/dc_t is the total derivative: nudge c_t and let h_t = o_t * tanh(c_t) follow. For the Elman
RNN h_t = tanh(W_xh x_t + W_hh h_{t-1} + b) the only path is through h:

    dL/dh_{t-1} = W_hh^T (dL/dh_t * (1 - h_t^2))                                 (``rnn_hidden_gradients``)

The explorer's two networks (``highway_params``) have H = 8 units, D = 2 inputs and the same
fixed random input sequence (``highway_inputs``); their recurrent weights are ``scale`` times
fixed orthogonal matrices, one per gate block, so ``scale`` is exactly how much W_h stretches a
vector. The loss reads the last step through u = [1, ..., 1] / sqrt(H) (so |dL/dc_T| = 1):
L = u . c_T ("c") or L = u . h_T ("h"); the RNN's loss is always u . h_T.
"""


from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from lstm_core import _checks
from lstm_core.params import LSTMParams, RNNParams
from lstm_core.rnn import RNNTrace, rnn_forward
from lstm_core.sequence import LSTMTrace, lstm_forward


__all__ = ["CellGradients", "cell_gradients", "cell_path_gradients", "rnn_hidden_gradients", "steps_above",
           "orthogonal", "highway_params", "highway_inputs", "HighwayResult", "highway_gradients", "HIDDEN",
           "INPUTS", "T_MAX", "THRESHOLD", "Y_LIMITS", "CLIM", "LOSSES"]

# --- 3. the LSTM's gradient highway (notebook 11) --------------------------------------------------

HIDDEN = 8                 # H, hidden units of both networks
INPUTS = 2                 # D, input features
T_MAX = 100                # longest sequence the explorer runs
THRESHOLD = 1e-3           # "the gradient is still alive" in the readout
Y_LIMITS = (1e-16, 1e4)    # fixed limits of the line plot (log scale)
CLIM = (1e-12, 1e2)        # fixed colour limits of the heatmap (log scale)
LOSSES = ("c", "h")


class CellGradients(NamedTuple):
    """Per-step gradients from ``cell_gradients``, each (B, T+1, H); index t is step t, 0 the start.

    dc: total dL/dc_t (for t = 0, dL/dc_0 as ``lstm_backward`` returns it)
    dh: dL/dh_t (for t = 0, dL/dh_0 as ``lstm_backward`` returns it)
    """

    dc: np.ndarray
    dh: np.ndarray


def _check_trace(trace, cls, producer):
    if not isinstance(trace, cls):
        raise TypeError(f"trace must be the {cls.__name__} that {producer} returned; got {_checks.describe(trace)}")
    return trace


def _loss_grads(trace, dh, dc_last):
    B, T, _ = trace.xs.shape
    H = trace.params.hidden_size
    dt = trace.params.dtype
    dh = np.zeros((B, T, H), dt) if dh is None else _checks.array("dh", dh, shape=(B, T, H), dtype=dt)
    dc = np.zeros((B, H), dt) if dc_last is None else _checks.array("dc_last", dc_last, shape=(B, H), dtype=dt)
    return dh, dc


def cell_gradients(trace: LSTMTrace, dh=None, dc_last=None) -> CellGradients:
    """dL/dc_t and dL/dh_t at every step: the BPTT of ``lstm_backward``, keeping every step.

    trace:   the LSTMTrace from ``lstm_forward`` (B, T steps, H units)
    dh:      (B, T, H)  dL/dh_t as the loss sees each hidden state, or None (zeros)
    dc_last: (B, H)     dL/dc_T as the loss sees the last cell state, or None (zeros)
    Returns CellGradients(dc, dh), each (B, T+1, H). dc[:, 0] and dh[:, 0] equal
    ``lstm_backward(trace, dh, dc_last)``'s c0 and h0; dc[:, t] * f_t is what
    ``lstm_step_backward`` returns as c_prev for step t.
    """
    _check_trace(trace, LSTMTrace, "lstm_forward")
    dh_loss, dc_next = _loss_grads(trace, dh, dc_last)
    p = trace.params
    B, T, H = dh_loss.shape
    tm = lambda a: np.ascontiguousarray(a.transpose(1, 0, 2))       # (B, T, H) -> time-major (T, B, H)
    f, i, g, o, tc = tm(trace.f), tm(trace.i), tm(trace.g), tm(trace.o), tm(trace._tanh_cells.transpose(2, 0, 1))
    c_prev = np.concatenate([trace.c0[None], tm(trace.c)[:-1]])     # (T, B, H): c_0 .. c_(T-1)
    via_h = o * (1.0 - tc * tc)                                     # dh_t -> dc_t, since h_t = o_t * tanh(c_t)
    # d(pre-activation)/d(upstream gradient) of each gate, in the fused order f, i, o, g of weight_h:
    # dz_f = dc * c_prev * f(1-f),  dz_i = dc * g * i(1-i),  dz_o = dh * tanh(c) * o(1-o),  dz_g = dc * i * (1-g^2)
    slope = np.concatenate([c_prev * f * (1 - f), g * i * (1 - i), tc * o * (1 - o), i * (1 - g * g)], axis=-1)
    W_h = p.weight_h                                                # (4H, H)
    dh_tm = tm(dh_loss)
    out_dc = np.empty((T + 1, B, H), p.dtype)
    out_dh = np.empty((T + 1, B, H), p.dtype)
    dh_next = np.zeros((B, H), p.dtype)
    for t in range(T - 1, -1, -1):                                  # array index t is step t + 1
        dh_t = dh_tm[t] + dh_next                                   # the loss at this step and every later one
        dc_t = dc_next + dh_t * via_h[t]                            # total: c_t also reaches L through h_t
        out_dh[t + 1], out_dc[t + 1] = dh_t, dc_t
        dz = slope[t] * np.concatenate([dc_t, dc_t, dh_t, dc_t], axis=-1)   # (B, 4H)
        dh_next = dz @ W_h                                          # through h_(t-1) into all four gates
        dc_next = dc_t * f[t]                                       # along the cell state: times f_t
    out_dc[0], out_dh[0] = dc_next, dh_next
    return CellGradients(out_dc.transpose(1, 0, 2), out_dh.transpose(1, 0, 2))


def cell_path_gradients(trace: LSTMTrace, dc_last) -> np.ndarray:
    """The gradient that reaches each c_t along the cell state alone: dc_last * f_{t+1} * ... * f_T.

    trace:   the LSTMTrace from ``lstm_forward`` (B, T steps, H units)
    dc_last: (B, H)  dL/dc_T, the gradient that sets off from the last cell state
    Returns (B, T+1, H); index T is dc_last itself, index 0 the product of all T forget gates.
    """
    _check_trace(trace, LSTMTrace, "lstm_forward")
    _, dc = _loss_grads(trace, None, dc_last)
    f = trace.f                                                     # (B, T, H)
    B, T, H = f.shape
    prod = np.ones((B, T + 1, H), f.dtype)
    prod[:, :T] = np.cumprod(f[:, ::-1], axis=1)[:, ::-1]           # prod[:, t] = f_{t+1} ... f_T
    return prod * dc[:, None, :]


def rnn_hidden_gradients(trace: RNNTrace, dh) -> np.ndarray:
    """dL/dh_t at every step of an Elman RNN (the BPTT recursion of ``rnn.py``).

    trace: the RNNTrace from ``rnn_forward`` (B, T steps, H units)
    dh:    (B, T, H)  dL/dh_t as the loss sees each hidden state
    Returns (B, T+1, H); index 0 equals ``rnn_backward(trace, dh).h0``.
    """
    _check_trace(trace, RNNTrace, "rnn_forward")
    p = trace.params
    B, T, _ = trace.xs.shape
    H = p.hidden_size
    dh = _checks.array("dh", dh, shape=(B, T, H), dtype=p.dtype)
    out = np.empty((B, T + 1, H), p.dtype)
    hs = trace.h
    dh_next = np.zeros((B, H), p.dtype)
    for t in range(T - 1, -1, -1):
        dh_t = dh[:, t] + dh_next
        out[:, t + 1] = dh_t
        dh_next = (dh_t * (1.0 - hs[:, t] ** 2)) @ p.weight_h       # W_hh^T (dh_t * tanh')
    out[:, 0] = dh_next
    return out


def steps_above(norms, threshold=THRESHOLD) -> int:
    """How many steps back a gradient stays above ``threshold``.

    norms:     (T+1,) gradient sizes, index 0 the last step T, index k the step k steps back
    threshold: a positive number
    Returns the largest k such that norms[0..k] are all above the threshold (T when all are),
    or -1 when even norms[0] is not.
    """
    norms = _checks.array("norms", norms, ndim=1)
    if norms.size < 1:
        raise ValueError("norms must hold at least one value (the gradient at the last step)")
    thr = float(_checks.array("threshold", threshold, ndim=0))
    if not thr > 0:
        raise ValueError(f"threshold must be positive; got {thr}")
    below = np.flatnonzero(norms <= thr)
    return int(below[0]) - 1 if below.size else norms.size - 1


def orthogonal(n: int, seed: int) -> np.ndarray:
    """A fixed random orthogonal (n, n) matrix Q (Q^T Q = I): it turns vectors without stretching.

    n: a positive int; seed: an int. Returns a new array (the QR factorisation is computed once)."""
    return _orthogonal(_checks.positive_int("n", n), int(seed)).copy()


@functools.lru_cache(maxsize=32)
def _orthogonal(n, seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))
    return q * np.sign(np.diag(r))                                  # unique: a positive diagonal of r


def highway_params(forget_bias=1.0, scale=0.6):
    """The explorer's two networks, (LSTMParams, RNNParams), both D = 2 inputs and H = 8 units.

    forget_bias: the forget gate's bias b_f, the same for every unit (a number)
    scale:       s >= 0; each recurrent weight block is s times a fixed orthogonal matrix
    Input weights and the other biases are ``LSTMParams.init`` / ``RNNParams.init`` with seed 0.
    """
    fb = float(_checks.array("forget_bias", forget_bias, ndim=0))
    s = float(_checks.array("scale", scale, ndim=0))
    if s < 0:
        raise ValueError(f"scale must be >= 0; got {s}")
    lstm = LSTMParams.init(INPUTS, HIDDEN, seed=0, forget_bias=fb)
    blocks = {g: orthogonal(HIDDEN, k + 1) for k, g in enumerate("figo")}
    for g in "figo":
        lstm.gate(g).W_h[:] = s * blocks[g]
    rnn = RNNParams.init(INPUTS, HIDDEN, seed=0)
    rnn.weight_h[:] = s * orthogonal(HIDDEN, 5)
    return lstm, rnn


def highway_inputs(T: int) -> np.ndarray:
    """The explorer's inputs x_1..x_T, (1, T, 2): the first T steps of one fixed normal sequence."""
    T = _checks.positive_int("T", T)
    if T > T_MAX:
        raise ValueError(f"T must be at most {T_MAX}; got {T}")
    return np.random.default_rng(0).normal(size=(1, T_MAX, INPUTS))[:, :T]


class HighwayResult(NamedTuple):
    """What the explorer plots, indexed by steps back k = T - t (k = 0..T).

    path, full: (T+1, H) the cell-path-only and the full dL/dc_t of the LSTM, per unit
    rnn:        (T+1, H) the RNN's dL/dh_t
    f:          (T, H)   the forget gates f_1..f_T
    """

    path: np.ndarray
    full: np.ndarray
    rnn: np.ndarray
    f: np.ndarray


def highway_gradients(forget_bias=1.0, T=60, scale=0.6, loss="c") -> HighwayResult:
    """Run both networks of ``highway_params`` on ``highway_inputs(T)`` and backpropagate from step T.

    loss: "c" for L = u . c_T (dL/dc_T = u, no dL/dh), "h" for L = u . h_T; u = ones(H) / sqrt(H).
    The RNN's loss is u . h_T in both cases. Rows of the results run backwards in time.
    """
    _checks.choice("loss", loss, LOSSES)
    lstm, rnn = highway_params(forget_bias, scale)
    xs = highway_inputs(T)
    T = xs.shape[1]
    u = np.full((1, HIDDEN), 1.0 / np.sqrt(HIDDEN))
    dh = np.zeros((1, T, HIDDEN))
    dh[:, -1] = u
    trace = lstm_forward(lstm, xs)
    if loss == "c":
        grads = cell_gradients(trace, dc_last=u)
    else:
        grads = cell_gradients(trace, dh=dh)
    full = grads.dc[0, ::-1]
    path = cell_path_gradients(trace, grads.dc[:, -1])[0, ::-1]     # sets off with the full dL/dc_T
    rnn_dh = rnn_hidden_gradients(rnn_forward(rnn, xs), dh)[0, ::-1]
    return HighwayResult(path=path, full=full, rnn=rnn_dh, f=trace.f[0])
