"""The gated recurrent unit (GRU, Cho et al., 2014), forward and backward through time, in
PyTorch's convention so that it can be checked against torch.nn.GRU.

Symbols: B = batch size, T = time steps, D = input size, H = hidden size; "*" is the elementwise
product, s() the logistic sigmoid. There is no separate cell state:

    r = s(W_ir x + b_ir + W_hr h_prev + b_hr)           reset gate
    z = s(W_iz x + b_iz + W_hz h_prev + b_hz)           update gate
    n = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn))  candidate
    h = (1 - z) * n + z * h_prev

The reset gate multiplies W_hn h_prev + b_hn, so b_hn cannot be merged into b_in: the GRU keeps
two bias vectors, bias_x (PyTorch's bias_ih) and bias_h (bias_hh). For r and z the two only ever
appear as a sum, so their gradients are equal. Keras' default GRU (reset_after=True) computes the
same equations (with its default sigmoid recurrent activation). Keras' reset_after=False, and the
form most textbooks print, apply r to h_prev BEFORE the matrix product, tanh(W_in x + W_hn (r * h_prev)
+ b_n): a slightly different cell, which this module does not implement.

BPTT, from t = T-1 down, with dh_next = 0; a_* are the pre-activations:
    dh_t    = dL/dh_t + dh_next
    da_n    = dh_t * (1 - z) * (1 - n^2)
    da_z    = dh_t * (h_prev - n) * z(1-z)
    da_r    = da_n * (W_hn h_prev + b_hn) * r(1-r)
    the input side gets [da_r, da_z, da_n], the recurrent side [da_r, da_z, r * da_n]
    dh_next = z * dh_t + W_h^T [da_r, da_z, r * da_n]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from .. import _checks
from ..activations import sigmoid_
from ._base import VariantGradients, _bt, _check_backward, _FusedParams, _start, _weight_grads


class GRUGateParams(NamedTuple):
    """One GRU gate's parameters (views into the fused arrays)."""

    W_x: np.ndarray  # (H, D)
    W_h: np.ndarray  # (H, H)
    b_x: np.ndarray  # (H,) the input-side bias (PyTorch's b_i*)
    b_h: np.ndarray  # (H,) the recurrent-side bias (PyTorch's b_h*)


@dataclass(eq=False, repr=False)
class GRUParams(_FusedParams):
    """Weights of a GRU layer in PyTorch's layout (block order r, z, n, as torch.nn.GRU).

    weight_x: (3H, D) = torch's weight_ih,  weight_h: (3H, H) = weight_hh,
    bias_x: (3H,) = bias_ih,                bias_h: (3H,) = bias_hh.
    num_params = 3 (H D + H H + 2H), PyTorch's count and Keras' (count_params(D, H, "torch" or "keras",
    cell="gru")). Keras' default GRU (reset_after=True) computes the same equations; its arrays are
    kernel (D, 3H), recurrent_kernel (H, 3H), bias (2, 3H) with
    column blocks in order z, r, h (update, reset, candidate): transpose and reorder to convert.
    """

    weight_x: np.ndarray
    weight_h: np.ndarray
    bias_x: np.ndarray
    bias_h: np.ndarray

    GATE_ORDER: ClassVar[tuple] = ("r", "z", "n")
    KIND: ClassVar[str] = "GRU"
    GATE_VECTORS: ClassVar[tuple] = ("bias_x", "bias_h")

    def gate(self, name: str) -> GRUGateParams:
        """Views (W_x (H, D), W_h (H, H), b_x (H,), b_h (H,)) of gate "r", "z" or "n"."""
        s = self._block(name)
        return GRUGateParams(self.weight_x[s], self.weight_h[s], self.bias_x[s], self.bias_h[s])

    @classmethod
    def init(cls, input_size, hidden_size, seed=0, dtype=np.float64):
        """Random arrays uniform in (-1/sqrt(H), 1/sqrt(H)), as PyTorch draws them.
        seed: an int or a numpy Generator."""
        return cls._draw(input_size, hidden_size, seed, dtype)

    @classmethod
    def from_torch(cls, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
        """From torch.nn.GRU's arrays (as numpy): weight_ih (3H, D), weight_hh (3H, H), bias_ih and
        bias_hh (3H,) or None (zeros). Copies; float32 stays float32."""
        dt = _checks.same_dtype_or_default(weight_ih, weight_hh)
        wh = _checks.array("weight_hh", weight_hh, ndim=2, dtype=dt)
        if wh.shape[1] < 1 or wh.shape[0] != 3 * wh.shape[1]:
            raise ValueError(f"weight_hh must have shape (3*H, H); got {wh.shape}")
        n = wh.shape[0]
        wi = _checks.array("weight_ih", weight_ih, ndim=2, shape=(n, None), dtype=dt)
        bs = [np.zeros(n, dt) if b is None else _checks.array(name, b, shape=(n,), dtype=dt)
              for name, b in (("bias_ih", bias_ih), ("bias_hh", bias_hh))]
        return cls(wi.copy(), wh.copy(), bs[0].copy(), bs[1].copy())

    def to_torch(self):
        """(weight_ih, weight_hh, bias_ih, bias_hh) in torch.nn.GRU's layout (new arrays). On a
        gradient returned by ``gru_backward`` this gives PyTorch's four gradients."""
        return self.weight_x.copy(), self.weight_h.copy(), self.bias_x.copy(), self.bias_h.copy()


@dataclass
class GRUTrace:
    """``gru_forward``'s result: r, z, n, h (B, T, H) views and h_last (B, H)."""

    params: GRUParams
    xs: np.ndarray        # (B, T, D)
    h0: np.ndarray        # (B, H)
    _acts: np.ndarray     # (T, B, 3H) r, z, n
    _hn: np.ndarray       # (T, B, H) W_hn h_prev + b_hn, which r multiplies
    _h: np.ndarray        # (T, B, H)

    r = property(lambda self: _bt(self._acts[:, :, self.params._block("r")]), doc="reset gate, (B, T, H)")
    z = property(lambda self: _bt(self._acts[:, :, self.params._block("z")]), doc="update gate, (B, T, H)")
    n = property(lambda self: _bt(self._acts[:, :, self.params._block("n")]), doc="candidate, (B, T, H)")
    h = property(lambda self: _bt(self._h), doc="hidden states h_1..h_T, (B, T, H)")
    h_last = property(lambda self: self._h[-1], doc="h_T, (B, H)")


def gru_forward(params: GRUParams, xs, h0=None) -> GRUTrace:
    """Run a GRU over sequences, exactly as torch.nn.GRU (equations in the module docstring).

    params: GRUParams (input size D, hidden size H)
    xs:     (B, T, D)  inputs, batch-first
    h0:     (B, H)     initial hidden state (zeros when None)
    Returns a GRUTrace; .h, .r, .z, .n are (B, T, H).
    """
    params, xs, h0, _, acts = _start(params, GRUParams, xs, h0, with_c=False)
    acts += params.bias_x                                 # W_i* x_t + b_i* for every t
    T, B, _ = acts.shape
    H = params.hidden_size
    hns, hs = np.empty((T, B, H), params.dtype), np.empty((T, B, H), params.dtype)
    Wh_T = np.ascontiguousarray(params.weight_h.T)    # (H, 3H): contiguous, far faster than .T
    h = h0
    for t in range(T):
        a = acts[t]                                       # (B, 3H) in order r, z, n
        ah = h @ Wh_T + params.bias_h                     # W_h* h_{t-1} + b_h*
        a[:, :2 * H] += ah[:, :2 * H]
        sigmoid_(a[:, :2 * H], a[:, :2 * H])              # r, z
        r, z, n = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
        hns[t] = ah[:, 2 * H:]
        n += r * hns[t]                                   # the reset gate scales W_hn h + b_hn
        np.tanh(n, out=n)
        h = hs[t] = n + z * (h - n)                       # = (1 - z)*n + z*h_{t-1}
    return GRUTrace(params, xs, h0, acts, hns, hs)


@np.errstate(over="ignore", invalid="ignore")     # an overflowing gradient is reported in words, below
def gru_backward(trace: GRUTrace, dh) -> VariantGradients:
    """Backpropagation through time for ``gru_forward``.

    dh: (B, T, H) dL/dh_t as the loss sees each step.
    Returns VariantGradients(params (GRUParams of gradients), xs, h0); c0 is None.
    """
    p, dh, _ = _check_backward(trace, GRUTrace, "gru_forward", dh, with_c=False)
    H = p.hidden_size
    acts, hs = trace._acts, trace._h
    h_prev_all = np.concatenate([trace.h0[None], hs[:-1]])   # (T, B, H)
    dzx = np.empty_like(acts)                             # gradients of the input-side sums
    dzh = np.empty_like(acts)                             # and of the recurrent-side sums
    dh_next = np.zeros_like(trace.h0)
    for t in range(acts.shape[0] - 1, -1, -1):
        r, z, n = (acts[t][:, k * H:(k + 1) * H] for k in range(3))
        dh_t = dh[t] + dh_next
        da_n = dh_t * (1 - z) * (1 - n * n)               # through tanh
        dzx[t, :, H:2 * H] = dh_t * (h_prev_all[t] - n) * z * (1 - z)
        dzx[t, :, :H] = da_n * trace._hn[t] * r * (1 - r)
        dzx[t, :, 2 * H:] = da_n
        dzh[t, :, :2 * H] = dzx[t, :, :2 * H]             # r and z: both sides enter as one sum
        dzh[t, :, 2 * H:] = da_n * r                      # n: the recurrent side is scaled by r
        dh_next = dh_t * z + dzh[t] @ p.weight_h          # directly (z*h) and through the gates
    dW_x, dW_h, dxs = _weight_grads(p, (dzx, dzh), trace.xs, h_prev_all)
    _checks.finite_gradients("gru_backward", acts.shape[0], weight_x=dW_x, weight_h=dW_h, h0=dh_next)
    grads = GRUParams(dW_x, dW_h, dzx.sum(axis=(0, 1)), dzh.sum(axis=(0, 1)))
    return VariantGradients(grads, dxs, dh_next)

# kind -> (params class, forward, backward), for code that builds any cell by name
