"""Plumbing shared by the variant cells: the fused-parameter base class, the LSTM-like trace, the
gradient container, input checks and the weight-gradient products.

Symbols: B = batch size, T = time steps, D = input size, H = hidden size, G = number of gate
blocks (4 peephole, 3 coupled, 3 GRU). Internally every buffer is time-major, (T, B, .), so that
each step reads and writes contiguous memory; traces expose batch-first (B, T, H) views.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np

from .. import _checks
from ..cell import check_params
from ..params import GateParams, _check_gate, _fits, _rng
from ..sequence import check_sequence, check_state


@dataclass(eq=False, repr=False)
class _FusedParams:
    """Fused weights with G gate blocks: weight_x (G*H, D), weight_h (G*H, H), then (G*H,) bias
    vectors and (H,) per-unit vectors named by the subclass."""

    GATE_ORDER: ClassVar[tuple] = ()
    KIND: ClassVar[str] = ""
    GATE_VECTORS: ClassVar[tuple] = ()   # field names of shape (G*H,)
    UNIT_VECTORS: ClassVar[tuple] = ()   # field names of shape (H,); None means zeros

    def __post_init__(self):
        g = len(self.GATE_ORDER)
        names = [f.name for f in fields(self)]
        dt = _checks.same_dtype_or_default(*(getattr(self, n) for n in names))
        wh = _checks.array("weight_h", self.weight_h, ndim=2, dtype=dt)
        if wh.shape[1] < 1 or wh.shape[0] != g * wh.shape[1]:
            raise ValueError(f"weight_h must have shape ({g}*H, H) for a {self.KIND} with hidden size H; "
                             f"got shape {wh.shape}")
        H = wh.shape[1]
        wx = _checks.array("weight_x", self.weight_x, ndim=2, dtype=dt)
        if wx.shape[0] != g * H or wx.shape[1] < 1:
            raise ValueError(f"weight_x must have shape ({g * H}, D) to match weight_h {wh.shape}; got {wx.shape}")
        checked = {"weight_x": wx, "weight_h": wh}
        for n in self.GATE_VECTORS:
            checked[n] = _checks.array(n, getattr(self, n), shape=(g * H,), dtype=dt)
        for n in self.UNIT_VECTORS:
            v = getattr(self, n)
            checked[n] = np.zeros(H, dt) if v is None else _checks.array(n, v, shape=(H,), dtype=dt)
        for n, v in checked.items():
            object.__setattr__(self, n, np.ascontiguousarray(v))

    input_size = property(lambda self: self.weight_x.shape[1], doc="D")
    hidden_size = property(lambda self: self.weight_h.shape[1], doc="H")
    dtype = property(lambda self: self.weight_x.dtype)

    @property
    def num_params(self) -> int:
        """Number of scalars stored."""
        return sum(a.size for a in self.arrays().values())

    def arrays(self) -> dict:
        """The live arrays by name (an optimiser updates them in place); ``Cls(**p.arrays())``
        rebuilds the same parameters."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def copy(self):
        return type(self)(**{n: a.copy() for n, a in self.arrays().items()})

    def astype(self, dtype):
        """A copy with every array cast to ``dtype`` (float32 or float64)."""
        dt = _checks.float_dtype("dtype", dtype)
        return type(self)(**{n: a.astype(dt) for n, a in self.arrays().items()})

    def __repr__(self):
        return (f"{type(self).__name__}(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"dtype={self.dtype})")

    def _block(self, gate: str) -> slice:
        k = self.GATE_ORDER.index(_check_gate(gate, self.GATE_ORDER))
        H = self.hidden_size
        return slice(k * H, (k + 1) * H)

    @classmethod
    def _draw(cls, input_size, hidden_size, seed, dtype):
        """Arrays uniform in (-1/sqrt(H), 1/sqrt(H)), drawn in the order weight_x, weight_h, the
        gate vectors, the unit vectors (so the LSTM-like ones start from LSTMParams.init's draws)."""
        D = _checks.positive_int("input_size", input_size)
        H = _checks.positive_int("hidden_size", hidden_size)
        dt = _checks.float_dtype("dtype", dtype)
        rng, k, G = _rng(seed), 1.0 / np.sqrt(H), len(cls.GATE_ORDER)
        shapes = [(G * H, D), (G * H, H)] + [G * H] * len(cls.GATE_VECTORS) + [H] * len(cls.UNIT_VECTORS)
        names = ["weight_x", "weight_h", *cls.GATE_VECTORS, *cls.UNIT_VECTORS]
        return cls(**{n: rng.uniform(-k, k, s).astype(dt) for n, s in zip(names, shapes)})


class _LSTMLike(_FusedParams):
    """Shared by the peephole and coupled LSTMs: per-gate views and init with a forget bias."""

    def gate(self, name: str) -> GateParams:
        """Views (W_x (H, D), W_h (H, H), b (H,)) of one gate (see GATE_ORDER for the names)."""
        s = self._block(name)
        return GateParams(self.weight_x[s], self.weight_h[s], self.bias[s])

    @classmethod
    def init(cls, input_size, hidden_size, seed=0, forget_bias=1.0, dtype=np.float64):
        """Random arrays uniform in (-1/sqrt(H), 1/sqrt(H)) (PyTorch's range, peepholes too),
        except the forget gate's bias, ``forget_bias``. seed: an int or a numpy Generator."""
        fb = _fits("forget_bias", forget_bias, _checks.float_dtype("dtype", dtype))
        p = cls._draw(input_size, hidden_size, seed, dtype)
        p.gate("f").b[:] = fb
        return p


# --- traces and gradients -------------------------------------------------------------------------

def _bt(a):
    """(T, B, H) internal buffer -> (B, T, H) view."""
    return a.transpose(1, 0, 2)


@dataclass
class _LSTMLikeTrace:
    """What a peephole/coupled forward computed; f, i, g, o, c, h are (B, T, H) views."""

    params: _LSTMLike
    xs: np.ndarray        # (B, T, D)
    h0: np.ndarray        # (B, H)
    c0: np.ndarray        # (B, H)
    _acts: np.ndarray     # (T, B, G*H) gate activations in params.GATE_ORDER
    _c: np.ndarray        # (T, B, H)
    _tanh_c: np.ndarray   # (T, B, H)
    _h: np.ndarray        # (T, B, H)

    def _gate(self, name):
        return _bt(self._acts[:, :, self.params._block(name)])

    f = property(lambda self: self._gate("f"), doc="forget gate, (B, T, H)")
    o = property(lambda self: self._gate("o"), doc="output gate, (B, T, H)")
    g = property(lambda self: self._gate("g"), doc="candidate C~, (B, T, H)")
    c = property(lambda self: _bt(self._c), doc="cell states c_1..c_T, (B, T, H)")
    h = property(lambda self: _bt(self._h), doc="hidden states h_1..h_T, (B, T, H)")
    h_last = property(lambda self: self._h[-1], doc="h_T, (B, H)")
    c_last = property(lambda self: self._c[-1], doc="c_T, (B, H)")


@dataclass
class VariantGradients:
    """Gradients from a variant's backward: params (the same params class), xs (B, T, D), h0
    (B, H) and, for the LSTM-like cells, c0 (B, H) (None for the GRU)."""

    params: _FusedParams
    xs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray = None


# --- shared plumbing ------------------------------------------------------------------------------

def _start(params, cls, xs, h0, c0=None, with_c=True):
    """Check the inputs; return copies of params, xs (B, T, D), h0, c0 (B, H) for the trace (the
    backward reads them: a caller who changes their arrays afterwards must not change its
    result), and the input projections for every step at once, W_x x_t (T, B, G*H), one product."""
    check_params(params, cls)
    params = params.copy()
    dt, D, H = params.dtype, params.input_size, params.hidden_size
    xs = check_sequence("xs", xs, D, dt)
    B, T, _ = xs.shape
    h0 = check_state("h0", h0, B, H, dt).copy()
    c0 = check_state("c0", c0, B, H, dt).copy() if with_c else None
    x_tm = np.array(xs.transpose(1, 0, 2), order="C")              # (T, B, D), a copy
    zx = (x_tm.reshape(T * B, D) @ np.ascontiguousarray(params.weight_x.T)).reshape(T, B, -1)
    return params, x_tm.transpose(1, 0, 2), h0, c0, zx


def _check_backward(trace, cls, fname, dh, dc_last=None, with_c=True):
    """Check a backward's inputs; return params, dh time-major (T, B, H), and dc_last (B, H) as a
    fresh array (zeros when None; None for the GRU)."""
    if not isinstance(trace, cls):
        raise TypeError(f"trace must be the {cls.__name__} that {fname} returned; got {_checks.describe(trace)}")
    p = trace.params
    B, T, _ = trace.xs.shape
    H, dt = p.hidden_size, p.dtype
    dh = _checks.array("dh", dh, shape=(B, T, H), dtype=dt)
    dc = np.array(check_state("dc_last", dc_last, B, H, dt)) if with_c else None
    return p, dh.transpose(1, 0, 2), dc


def _weight_grads(p, dz, xs, h_prev):
    """dW_x (G*H, D), dW_h (G*H, H) and dxs (B, T, D) from the pre-activation gradients dz (T, B, G*H)
    (the recurrent side's dz may differ: pass (dz_x, dz_h) for the GRU)."""
    dzx, dzh = dz if isinstance(dz, tuple) else (dz, dz)
    T, B, n = dzx.shape
    dzx2, dzh2 = dzx.reshape(T * B, n), dzh.reshape(T * B, n)
    x2 = np.ascontiguousarray(xs.transpose(1, 0, 2)).reshape(T * B, -1)
    dW_x, dW_h = dzx2.T @ x2, dzh2.T @ h_prev.reshape(T * B, -1)
    dxs = (dzx2 @ p.weight_x).reshape(T, B, -1).transpose(1, 0, 2)
    return dW_x, dW_h, dxs
