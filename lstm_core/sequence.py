"""An LSTM over a whole sequence, forward and backpropagation through time (BPTT).

Symbols: B = batch size, T = time steps, D = input size, H = hidden size. Sequences are
batch-first, (B, T, D), as in Keras and the source texts.

The step equations are those of ``cell.py``, and ``loop.py`` runs them as a plain loop over
``lstm_step`` and ``lstm_step_backward``: read that one first; it computes the same numbers
(``tests/test_loop.py``). This file is the fast version. For speed (numbers in benchmarks/bench_core.py):
- the input projections of all steps, W_x x_t + b, are one batch of products before the time
  loop (a row of ones under the inputs carries the bias), so each step costs one W_h (4H, H)
  @ h (H, B) product for all four gates;
- sigmoid(z) = (1 + tanh(z/2)) / 2, so one tanh call serves all four gates; the halving of z is
  folded into the sigmoid gates' weights (exact: scaling by 1/2 only changes the exponent);
- arrays are time-major and feature-major, (T, ., B), so every step reads and writes
  contiguous memory and each gate is a contiguous block of rows; each step's input
  [x_t; 1; h_{t-1}] is kept feature-major, (D + 1 + H, T, B), so that the backward pass forms
  [dW_x | db | dW_h] = sum over t and the batch of dz_t [x_t; 1; h_{t-1}]^T as one product
  after its loop; dxs = W_x^T dz_t is one more product, made only when ``.xs`` is read;
- the buffers of a pass are views into one allocation (first touches of fresh memory cost
  less in one large block than in several small ones).
The trace exposes batch-first (B, T, H) views.

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
    time-major, feature-major buffers (T, ., B) of gate activations, cell states and tanh(c),
    and every step's input [x_t; 1; h_{t-1}] feature-major (D + 1 + H, T + 1, B).
    All of it is the trace's own: params is a copy of the weights, xs, h0 and c0 are views of
    copies, so a caller who changes their arrays after the forward pass (an optimiser step, a
    refilled batch buffer) cannot change what ``lstm_backward`` computes.
    """

    params: LSTMParams
    xs: np.ndarray        # (B, T, D)
    h0: np.ndarray        # (B, H)
    c0: np.ndarray        # (B, H)
    _gates: np.ndarray        # (T, 4H, B) gate activations in GATE_ORDER f, i, o, g
    _cells: np.ndarray       # (T + 1, H, B) c0, c_1 .. c_T (slot 0 holds c0, so c_{t-1} is _cells[t])
    _tanh_cells: np.ndarray   # (T, H, B)
    _step_inputs: np.ndarray  # (D + 1 + H, T + 1, B) each step's input [x_t; 1; h_{t-1}] in slot t
                          # (h_T in slot T): feature-major, so the weight gradients are one product

    _c = property(lambda self: self._cells[1:], doc="c_1..c_T, (T, H, B)")
    _h = property(lambda self: self._step_inputs[self.params.input_size + 1:, 1:].transpose(1, 0, 2),
                  doc="h_1..h_T, (T, H, B)")

    def _gate(self, k):
        H = self.params.hidden_size
        return self._gates[:, k * H:(k + 1) * H].transpose(2, 0, 1)

    f = property(lambda self: self._gate(0), doc="forget gate, (B, T, H)")
    i = property(lambda self: self._gate(1), doc="input gate, (B, T, H)")
    o = property(lambda self: self._gate(2), doc="output gate, (B, T, H)")
    g = property(lambda self: self._gate(3), doc="candidate C~, (B, T, H)")
    c = property(lambda self: self._c.transpose(2, 0, 1), doc="cell states c_1..c_T, (B, T, H)")
    h = property(lambda self: self._h.transpose(2, 0, 1), doc="hidden states h_1..h_T, (B, T, H)")

    @property
    def h_last(self):
        """h_T, (B, H)."""
        return self._step_inputs[self.params.input_size + 1:, -1].T

    @property
    def c_last(self):
        """c_T, (B, H)."""
        return self._cells[-1].T


class LSTMSequenceGradients:
    """Gradients from ``lstm_backward``: params (LSTMGradients), xs (B, T, D), h0, c0 (B, H).

    ``xs`` is computed on first use (one (T*B, 4H) x (4H, D) product): training reads only
    the parameter gradients, so it never pays for it."""

    def __init__(self, params, xs, h0, c0):
        self.params, self._xs, self.h0, self.c0 = params, xs, h0, c0

    @property
    def xs(self) -> np.ndarray:
        if callable(self._xs):
            self._xs = self._xs()
        return self._xs

    def __repr__(self):
        xs = "(not computed yet)" if callable(self._xs) else f"array{self._xs.shape}"
        return f"LSTMSequenceGradients(params={self.params!r}, xs={xs}, h0=array{self.h0.shape}, c0=array{self.c0.shape})"


def _carve(dtype, *shapes):
    """Uninitialised arrays of these shapes, all views into one allocation."""
    sizes = [int(np.prod(sh)) for sh in shapes]
    block = np.empty(sum(sizes), dtype)
    out, start = [], 0
    for sh, n in zip(shapes, sizes):
        out.append(block[start:start + n].reshape(sh))
        start += n
    return out


def lstm_forward(params: LSTMParams, xs, h0=None, c0=None) -> LSTMTrace:
    """Run an LSTM over sequences.

    params: LSTMParams (input size D, hidden size H)
    xs:     (B, T, D)  inputs, batch-first
    h0, c0: (B, H)     initial states (zeros when None)
    Returns an LSTMTrace; trace.h and trace.c are (B, T, H).
    """
    check_params(params)
    params = params.copy()                                          # the backward uses these weights
    dt = params.dtype
    D, H = params.input_size, params.hidden_size
    xs = check_sequence("xs", xs, D, dt)
    B, T, _ = xs.shape
    h0 = check_state("h0", h0, B, H, dt)
    c0 = check_state("c0", c0, B, H, dt)
    S = 3 * H                                                       # f, i, o: sigmoid; g: tanh

    # every array the trace keeps lives in one block: first touches of fresh memory (page faults)
    # cost far less in one big allocation, which gets huge pages, than in several small ones
    acts, cs, tcs, u = _carve(dt, (T, 4 * H, B), (T + 1, H, B), (T, H, B), (D + 1 + H, T + 1, B))
    # acts: gate pre-activations, then activations; cs: c0, c_1 .. c_T; tcs: tanh(c_t);
    # u: slot t holds [x_t; 1; h_{t-1}], slot T holds h_T
    u[:D, :T] = xs.transpose(2, 1, 0)
    u[:D, T] = 0.0
    u[D] = 1.0
    u[D + 1:, 0] = h0.T
    hs = u[D + 1:]                                                  # (H, T + 1, B): h0, h_1 .. h_T
    # sigmoid(z) = (1 + tanh(z/2)) / 2, so one tanh call covers all four gates. The halving is
    # folded into the weights of the sigmoid gates (scaling by 1/2 is exact in floating point).
    W1 = np.empty((4 * H, D + 1), dt)                               # [W_x | b]
    W1[:, :D] = params.weight_x
    W1[:, D] = params.bias
    W1[:S] *= 0.5
    W_h = params.weight_h * np.where(np.arange(4 * H) < S, 0.5, 1.0).astype(dt)[:, None]  # (4H, H)
    np.matmul(W1, u[:D + 1, :T].transpose(1, 0, 2), out=acts)       # W_x x_t + b, every t at once
    cs[0] = c0.T
    rec = np.empty((4 * H, B), dt)
    tmp = np.empty((H, B), dt)
    for t in range(T):
        a = acts[t]                                                 # (4H, B), becomes activations
        np.matmul(W_h, hs[:, t], out=rec)
        a += rec                                                    # z_t (halved for f, i, o)
        np.tanh(a, out=a)
        sig = a[:S]
        sig *= 0.5
        sig += 0.5                                                  # (1 + tanh(z/2)) / 2
        f, i, o, g = a[:H], a[H:2 * H], a[2 * H:S], a[S:]
        c_t, tc_t = cs[t + 1], tcs[t]
        np.multiply(f, cs[t], out=c_t)
        np.multiply(i, g, out=tmp)
        c_t += tmp                                                  # c_t = f*c_{t-1} + i*g
        np.tanh(c_t, out=tc_t)
        np.multiply(o, tc_t, out=hs[:, t + 1])                      # h_t = o*tanh(c_t)
    # the trace's xs, h0 and c0 are views of the copies in u and cs, not the caller's arrays
    return LSTMTrace(params, u[:D, :T].transpose(2, 1, 0), u[D + 1:, 0].T, cs[0].T, acts, cs, tcs, u)


@np.errstate(over="ignore", invalid="ignore")     # an overflowing gradient is reported in words, below
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
    dZ, dh_fm = _carve(dt, (4 * H, T, B), (T, H, B))               # dz_t for every t; dh time-major
    dh_fm[...] = dh.transpose(1, 2, 0)
    dc_next = np.array(dc_next.T, order="C")                        # (H, B), a copy: written to below
    acts, cs, tcs = trace._gates, trace._cells, trace._tanh_cells
    d = np.empty((4 * H, B), dt)                                    # this step's dz_t
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
        c_prev = cs[t]                                              # c_{t-1} (c0 when t = 0)
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
        dZ[:, t] = d
        # to the previous step: through the cell state directly (f), and through h_{t-1}
        np.multiply(dc_t, f, out=dc_next)
        np.matmul(Wh_T, d, out=dh_next)
    # the weight gradients sum dz_t [x_t; 1; h_{t-1}]^T over t and the batch: one product
    dZ = dZ.reshape(4 * H, T * B)
    gw = dZ @ trace._step_inputs[:, :T].reshape(D + 1 + H, T * B).T          # (4H, D + 1 + H): [dW_x | db | dW_h]
    _checks.finite_gradients("lstm_backward", T, weights=gw, h0=dh_next, c0=dc_next)
    grads = LSTMGradients(np.ascontiguousarray(gw[:, :D]), np.ascontiguousarray(gw[:, D + 1:]), gw[:, D].copy())
    W_x = p.weight_x                                                # the trace's own copy: nothing changes it

    def dxs():                                                      # dx_t = W_x^T dz_t, (B, T, D)
        return (dZ.T @ W_x).reshape(T, B, D).transpose(1, 0, 2)

    return LSTMSequenceGradients(grads, dxs, np.ascontiguousarray(dh_next.T), np.ascontiguousarray(dc_next.T))
