"""Batches of sequences of different lengths: padding, and an LSTM layer that ignores the padding.

Symbols: B = batch size, T = padded length (the longest sequence), D = input size, H = hidden size.

A batch is one array, so shorter sequences are padded to T. ``mask`` (B, T) is 1 at real steps
and 0 at padded ones. Left alone, the LSTM reads the padding as input: its state goes on changing
after a sequence's end, the last state is no longer the state at the end, and a loss averaged over
all T steps counts predictions at places with nothing to predict. The masked layer freezes the
state wherever mask = 0:

    h~_t, c~_t = LSTM step(x_t, h_{t-1}, c_{t-1})                  (cell.py)
    k_t = 1 - m_t (1 - z_t)                                        the fraction of the old state kept
    c_t = k_t c_{t-1} + (1 - k_t) c~_t,    h_t = k_t h_{t-1} + (1 - k_t) h~_t

with m_t the mask and z_t an optional zoneout keep mask (``dropout.py``; zero when absent), so a
padded step (m = 0, k = 1) passes the state through unchanged and gets no gradient, and after a
sequence's end h_t stays at its last real value. The same layer takes dropout multipliers for its
input (x_t * x_scale_t) and for the recurrent input (h_{t-1} * h_scale_t), also from ``dropout.py``.

Backward, from t = T-1 down, with dh_next = dc_next = 0 (or dc_last):
    dh = dL/dh_t + dh_next,  dc = dc_next
    dh~ = (1 - k) dh,        dc~ = (1 - k) dc + dh~ o (1 - tanh^2 c~)
    dz  = the gate gradients of cell.py from dh~ and dc~
    dh_next = (W_h^T dz) * h_scale + k dh,   dc_next = f dc~ + k dc

The masked loss is the mean over real steps only: ``masked_mean`` here, or
``softmax_cross_entropy(logits, targets, mask)`` (losses.py), which divides by mask.sum().
This is a plain loop over the steps, like ``loop.py``; ``sequence.py`` is the fast unmasked one
(the two agree when nothing is masked: tests/test_masking.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks
from .cell import check_params
from .params import LSTMGradients, LSTMParams
from .sequence import check_sequence, check_state


def lengths_to_mask(lengths, T=None) -> np.ndarray:
    """A (B, T) float mask, 1 at steps t < lengths[b] and 0 after.

    lengths: (B,) integers >= 1
    T:       the padded length, >= max(lengths) (default: max(lengths))
    """
    n = _checks.as_ndarray("lengths", lengths)
    if n.dtype.kind not in "iu" or n.ndim != 1 or n.size == 0:
        raise ValueError(f"lengths must be a 1-D array of integers (one length per sequence); got {_checks.describe(lengths)}")
    if n.min() < 1:
        raise ValueError(f"lengths must all be >= 1; got {n.min()}")
    T = int(n.max()) if T is None else _checks.positive_int("T", T)
    if n.max() > T:
        raise ValueError(f"T must be at least the longest of lengths ({n.max()}); got {T}")
    return (np.arange(T)[None, :] < n[:, None]).astype(np.float64)


def pad_sequences(seqs, pad=0):
    """Integer sequences of different lengths -> (ids (B, T) int, lengths (B,) int), padded with ``pad``.

    seqs: a list of 1-D integer sequences, each of length >= 1
    """
    if isinstance(seqs, (str, bytes)) or not hasattr(seqs, "__len__") or len(seqs) == 0:
        raise TypeError(f"seqs must be a non-empty list of integer sequences; got {_checks.describe(seqs)}")
    rows = []
    for k, s in enumerate(seqs):
        a = _checks.as_ndarray(f"seqs[{k}]", s)
        if a.dtype.kind not in "iu" or a.ndim != 1 or a.size == 0:
            raise ValueError(f"seqs[{k}] must be a non-empty 1-D sequence of integers; got {_checks.describe(s)}")
        rows.append(a)
    if isinstance(pad, (bool, np.bool_)) or not isinstance(pad, (int, np.integer)):
        raise TypeError(f"pad must be an integer symbol (>= 0); got {_checks.describe(pad)}")
    if pad < 0:
        raise ValueError(f"pad must be a symbol >= 0; got {pad}")
    lengths = np.array([len(r) for r in rows])
    ids = np.full((len(rows), lengths.max()), pad, dtype=np.int64)
    for b, r in enumerate(rows):
        ids[b, :len(r)] = r
    return ids, lengths


def check_mask(mask, B, T, dtype=np.float64) -> np.ndarray:
    """mask as a (B, T) array of 0s and 1s in ``dtype`` (bools accepted)."""
    m = _checks.as_ndarray("mask", mask)
    if m.dtype == bool:
        m = m.astype(dtype)
    m = _checks.array("mask", m, shape=(B, T), dtype=dtype)
    if not np.isin(m, (0.0, 1.0)).all():
        raise ValueError("mask must hold only 0 (padding) and 1 (a real step)")
    return m


def masked_mean(values, mask) -> float:
    """The mean of values (B, T) over the steps where mask (B, T) is 1: padding does not count."""
    v = _checks.array("values", values, ndim=2)
    m = check_mask(mask, *v.shape, dtype=v.dtype)
    if m.sum() == 0:
        raise ValueError("mask must count at least one step; it is all zeros")
    return float((v * m).sum() / m.sum())


def _scale(name, value, shape, dtype):
    """An optional multiplier array of ``shape`` (None stays None), finite and >= 0."""
    if value is None:
        return None
    a = _checks.array(name, value, shape=shape, dtype=dtype)
    if (a < 0).any():
        raise ValueError(f"{name} must be >= 0 (a dropout multiplier or keep fraction)")
    return a


@dataclass
class MaskedTrace:
    """What ``masked_lstm_forward`` computed. ``h`` and ``c`` are (B, T, H) views (at padded
    steps: the state carried from the last real step). The rest is kept, time-major (T, B, .) so
    that every step reads contiguous memory, for the backward pass."""

    params: LSTMParams
    h0: np.ndarray            # (B, H)
    c0: np.ndarray            # (B, H)
    _x: np.ndarray            # (T, B, D) the inputs as the gates saw them (after x_scale)
    _h: np.ndarray            # (T + 1, B, H) h0, h_1 .. h_T
    _c: np.ndarray            # (T + 1, B, H) c0, c_1 .. c_T
    _keep: np.ndarray         # (T, B, H) k_t, the fraction of the old state kept
    _gates: np.ndarray        # (T, B, 4H) activations in GATE_ORDER f, i, o, g
    _h_in: np.ndarray         # (T, B, H) h_{t-1} as the gates saw it (after h_scale)
    _tanh_c: np.ndarray       # (T, B, H) tanh(c~_t) of the fresh candidate state
    _x_scale: np.ndarray = None   # (T, B, D) or None
    _h_scale: np.ndarray = None   # (T, B, H) or None

    h = property(lambda self: self._h[1:].transpose(1, 0, 2), doc="h_1..h_T, (B, T, H)")
    c = property(lambda self: self._c[1:].transpose(1, 0, 2), doc="c_1..c_T, (B, T, H)")
    xs = property(lambda self: self._x.transpose(1, 0, 2), doc="the inputs after x_scale, (B, T, D)")
    keep = property(lambda self: self._keep.transpose(1, 0, 2), doc="k_t, (B, T, H)")

    @property
    def h_last(self):
        """h_T, (B, H): with a mask, each sequence's state at its own last real step."""
        return self._h[-1]

    @property
    def c_last(self):
        """c_T, (B, H)."""
        return self._c[-1]


@dataclass
class MaskedGradients:
    """Gradients from ``masked_lstm_backward``: params (LSTMGradients), xs (B, T, D), h0, c0 (B, H)."""

    params: LSTMGradients
    xs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray


def _time_major(a):
    return None if a is None else np.ascontiguousarray(a.transpose(1, 0, 2))


def masked_lstm_forward(params: LSTMParams, xs, mask=None, h0=None, c0=None, *, x_scale=None,
                        h_scale=None, zoneout=None) -> MaskedTrace:
    """An LSTM over a padded batch, its state frozen wherever mask = 0.

    params:  LSTMParams (D -> H)
    xs:      (B, T, D)  inputs, padded
    mask:    (B, T)     1 at real steps, 0 at padding (None: every step is real)
    h0, c0:  (B, H)     initial states (zeros when None)
    x_scale: (B, T, D)  dropout multipliers on the inputs (None: 1)
    h_scale: (B, T, H)  dropout multipliers on h_{t-1} where the gates read it (None: 1)
    zoneout: (B, T, H)  the fraction of each unit's old state kept at each step, in [0, 1]
             (0/1 draws in training, the probability itself at test; None: 0)
    Returns a MaskedTrace.
    """
    check_params(params)
    params = params.copy()
    dt = params.dtype
    D, H = params.input_size, params.hidden_size
    xs = check_sequence("xs", xs, D, dt)
    B, T, _ = xs.shape
    m = np.ones((B, T), dt) if mask is None else check_mask(mask, B, T, dt)
    h0 = check_state("h0", h0, B, H, dt).copy()
    c0 = check_state("c0", c0, B, H, dt).copy()
    xsc = _time_major(_scale("x_scale", x_scale, (B, T, D), dt))
    hsc = _time_major(_scale("h_scale", h_scale, (B, T, H), dt))
    z = _scale("zoneout", zoneout, (B, T, H), dt)
    if z is not None and (z > 1).any():
        raise ValueError("zoneout must lie in [0, 1] (the fraction of the old state kept)")
    mt = np.ascontiguousarray(m.T)[:, :, None]                         # (T, B, 1)
    keep = np.repeat(1.0 - mt, H, axis=2) if z is None else 1.0 - mt * (1.0 - _time_major(z))   # (T, B, H)
    keep1 = 1.0 - keep
    x = _time_major(xs)
    if xsc is not None:
        x = x * xsc
    hs, cs = np.empty((T + 1, B, H), dt), np.empty((T + 1, B, H), dt)
    hs[0], cs[0] = h0, c0
    h_in = np.empty((T, B, H), dt) if hsc is not None else hs[:T]      # without dropout the gates read h itself
    tcs = np.empty((T, B, H), dt)
    gates = x @ params.weight_x.T                                       # (T, B, 4H): every step at once
    gates += params.bias
    W_hT = np.ascontiguousarray(params.weight_h.T)                      # (H, 4H)
    S = 3 * H
    for t in range(T):
        if hsc is not None:
            np.multiply(hs[t], hsc[t], out=h_in[t])
        a = gates[t]                                                    # (B, 4H): pre-activations, then gates
        a += h_in[t] @ W_hT
        a[:, :S] *= 0.5                                                 # sigmoid(z) = (1 + tanh(z/2)) / 2:
        np.tanh(a, out=a)                                               # one tanh for all four, no overflow
        a[:, :S] += 1.0
        a[:, :S] *= 0.5
        f, i, o, g = a[:, :H], a[:, H:2 * H], a[:, 2 * H:S], a[:, S:]
        c_new = f * cs[t] + i * g                                       # the step as if it were real
        np.tanh(c_new, out=tcs[t])
        h_new = o * tcs[t]
        k, k1 = keep[t], keep1[t]
        np.add(k * cs[t], k1 * c_new, out=cs[t + 1])                    # k c_{t-1} + (1 - k) c~: exactly
        np.add(k * hs[t], k1 * h_new, out=hs[t + 1])                    # c_{t-1} where k = 1 (frozen)
    return MaskedTrace(params, h0, c0, x, hs, cs, keep, gates, h_in, tcs, xsc, hsc)


@np.errstate(over="ignore", invalid="ignore")     # an overflowing gradient is reported in words, below
def masked_lstm_backward(trace: MaskedTrace, dh, dc_last=None) -> MaskedGradients:
    """Backpropagation through time for ``masked_lstm_forward``.

    trace:   the MaskedTrace
    dh:      (B, T, H)  dL/dh_t as the loss sees each output (zeros where it does not)
    dc_last: (B, H)     dL/dc_T, or None
    Returns MaskedGradients(params, xs, h0, c0).
    """
    if not isinstance(trace, MaskedTrace):
        raise TypeError(f"trace must be the MaskedTrace that masked_lstm_forward returned; "
                        f"got {_checks.describe(trace)}")
    p = trace.params
    dt = p.dtype
    H = p.hidden_size
    T, B, D = trace._x.shape
    dh = _time_major(_checks.array("dh", dh, shape=(B, T, H), dtype=dt))
    dc_next = check_state("dc_last", dc_last, B, H, dt).copy()
    dh_next = np.zeros((B, H), dt)
    dZ = np.empty((T, B, 4 * H), dt)
    S = 3 * H
    for t in range(T - 1, -1, -1):
        a, k, tc = trace._gates[t], trace._keep[t], trace._tanh_c[t]
        f, i, o, g = a[:, :H], a[:, H:2 * H], a[:, 2 * H:S], a[:, S:]
        dh_t = dh[t] + dh_next
        dh_new = dh_t - k * dh_t                                        # (1 - k) dh: to the fresh step's output
        dc_new = dc_next - k * dc_next + dh_new * o * (1.0 - tc * tc)
        d = dZ[t]
        np.multiply(dc_new, trace._c[t], out=d[:, :H])                  # forget gate: dc * c_{t-1}
        np.multiply(dc_new, g, out=d[:, H:2 * H])                       # input gate: dc * g
        np.multiply(dh_new, tc, out=d[:, 2 * H:S])                      # output gate: dh * tanh(c)
        d[:, :S] *= a[:, :S] * (1.0 - a[:, :S])                         # through the three sigmoids
        np.multiply(dc_new, i * (1.0 - g * g), out=d[:, S:])            # candidate, through tanh
        dh_in = d @ p.weight_h                                          # (B, H)
        if trace._h_scale is not None:
            dh_in *= trace._h_scale[t]
        dh_next = dh_in + k * dh_t                                      # through the gates, and kept
        dc_next = dc_new * f + k * dc_next
    dz2 = dZ.reshape(T * B, 4 * H)
    grads = LSTMGradients(dz2.T @ trace._x.reshape(T * B, D), dz2.T @ trace._h_in.reshape(T * B, H), dz2.sum(axis=0))
    dxs = dZ @ p.weight_x                                               # (T, B, D)
    if trace._x_scale is not None:
        dxs *= trace._x_scale
    _checks.finite_gradients("masked_lstm_backward", T, weight_x=grads.weight_x, weight_h=grads.weight_h,
                             h0=dh_next, c0=dc_next)
    return MaskedGradients(grads, dxs.transpose(1, 0, 2), dh_next, dc_next)
