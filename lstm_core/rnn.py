"""The vanilla recurrent network: Elman (the usual one) and Jordan, forward and backward.

Symbols: B = batch size, T = time steps, D = input size, H = hidden size, K = output size.

Elman (what "RNN" usually means; PyTorch's nn.RNN with tanh):
    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b)
    y_t = W_hy h_t + b_y                       (an output layer, ``output.project``)

Jordan: the previous *output* feeds back instead of the previous hidden state:
    h_t = tanh(W_xh x_t + W_yh y_{t-1} + b),   y_t = W_hy h_t + b_y

BPTT for Elman, from t = T-1 down with dh_next = 0:
    dh_t = dL/dh_t + dh_next;  dz_t = dh_t * (1 - h_t^2);  dh_next = W_hh^T dz_t
    dW_xh = sum_t dz_t x_t^T;  dW_hh = sum_t dz_t h_{t-1}^T;  db = sum_t dz_t;  dx_t = W_xh^T dz_t
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks
from .cell import check_params, check_step_inputs
from .output import project
from .params import RNNGradients, RNNParams
from .sequence import check_sequence, check_state


# --- one step -----------------------------------------------------------------------------------

def rnn_step(params: RNNParams, x, h_prev=None):
    """h = tanh(W_xh x + W_hh h_prev + b).

    x: (D,) or (B, D); h_prev: (H,) or (B, H), zeros when None. Returns h, shaped like h_prev."""
    check_params(params, RNNParams)
    (x2, h2), vector = check_step_inputs(params, x, h_prev=h_prev)
    h = np.tanh(x2 @ params.weight_x.T + h2 @ params.weight_h.T + params.bias)
    return h[0] if vector else h


class RNN:
    """A stateful Elman RNN with an output layer, stepped one input at a time.

    >>> rnn = RNN(RNNParams.init(3, 5), W_hy, b_y)   # W_hy (K, H), b_y (K,)
    >>> y = rnn.step(x)                              # x (D,) -> y (K,); rnn.h is updated
    """

    def __init__(self, params: RNNParams, W_hy=None, b_y=None):
        self.params = check_params(params, RNNParams)
        H = params.hidden_size
        self.W_hy = np.eye(H, dtype=params.dtype) if W_hy is None else _checks.array("W_hy", W_hy, ndim=2)
        if self.W_hy.shape[1] != H:
            raise ValueError(f"W_hy must have shape (K, {H}); got {self.W_hy.shape}")
        K = self.W_hy.shape[0]
        self.b_y = np.zeros(K, params.dtype) if b_y is None else _checks.array("b_y", b_y, shape=(K,))
        self.reset()

    def reset(self):
        """Forget everything: h = 0."""
        self.h = np.zeros(self.params.hidden_size, self.params.dtype)

    def step(self, x):
        """Feed one input (D,), update the hidden state, return the output y (K,)."""
        self.h = rnn_step(self.params, x, self.h)
        return project(self.W_hy, self.b_y, self.h)


# --- a sequence ---------------------------------------------------------------------------------

@dataclass
class RNNTrace:
    """What ``rnn_forward`` computed: h (B, T, H) and the inputs the backward pass needs.

    params, xs and h0 are the trace's own copies, so a caller who changes their arrays after the
    forward pass (an optimiser step, a refilled batch buffer) cannot change ``rnn_backward``'s result."""

    params: RNNParams
    xs: np.ndarray      # (B, T, D)
    h0: np.ndarray      # (B, H)
    _h: np.ndarray      # (T, B, H)

    h = property(lambda self: self._h.transpose(1, 0, 2), doc="hidden states h_1..h_T, (B, T, H)")

    @property
    def h_last(self):
        return self._h[-1]


@dataclass
class RNNSequenceGradients:
    """Gradients from ``rnn_backward``: params (RNNGradients), xs (B, T, D), h0 (B, H)."""

    params: RNNGradients
    xs: np.ndarray
    h0: np.ndarray


def rnn_forward(params: RNNParams, xs, h0=None) -> RNNTrace:
    """Run an Elman RNN over sequences xs (B, T, D) from h0 (B, H) (zeros when None)."""
    check_params(params, RNNParams)
    params = params.copy()                                          # the backward uses these weights
    dt = params.dtype
    D, H = params.input_size, params.hidden_size
    xs = check_sequence("xs", xs, D, dt)
    B, T, _ = xs.shape
    h0 = check_state("h0", h0, B, H, dt).copy()
    h = h0
    x_tm = np.array(xs.transpose(1, 0, 2), order="C")               # (T, B, D), a copy the backward reads
    xs = x_tm.transpose(1, 0, 2)
    hs = (x_tm.reshape(T * B, D) @ np.ascontiguousarray(params.weight_x.T)).reshape(T, B, H)
    hs += params.bias
    Wh_T = np.ascontiguousarray(params.weight_h.T)                  # (H, H) contiguous: faster BLAS
    rec = np.empty((B, H), dt)
    for t in range(T):
        np.matmul(h, Wh_T, out=rec)
        hs[t] += rec
        np.tanh(hs[t], out=hs[t])
        h = hs[t]
    return RNNTrace(params, xs, h0, hs)


@np.errstate(over="ignore", invalid="ignore")     # an overflowing gradient is reported in words, below
def rnn_backward(trace: RNNTrace, dh) -> RNNSequenceGradients:
    """BPTT for ``rnn_forward``. dh: (B, T, H), dL/dh_t for each step as the loss sees it."""
    if not isinstance(trace, RNNTrace):
        raise TypeError(f"trace must be the RNNTrace that rnn_forward returned; got {_checks.describe(trace)}")
    p = trace.params
    dt = p.dtype
    D, H = p.input_size, p.hidden_size
    B, T, _ = trace.xs.shape
    dh = _checks.array("dh", dh, shape=(B, T, H), dtype=dt)
    dh_tm = dh.transpose(1, 0, 2)
    hs = trace._h
    dz = np.empty((T, B, H), dt)
    dh_next = np.zeros((B, H), dt)
    W_h = p.weight_h
    for t in range(T - 1, -1, -1):
        d = dz[t]
        np.multiply(hs[t], hs[t], out=d)
        np.subtract(1.0, d, out=d)                 # tanh' = 1 - h_t^2
        d *= dh_tm[t] + dh_next                     # dz_t = dh_t * tanh'
        np.matmul(d, W_h, out=dh_next)
    dz2 = dz.reshape(T * B, H)
    x2 = np.ascontiguousarray(trace.xs.transpose(1, 0, 2)).reshape(T * B, D)
    h_prev = np.concatenate([trace.h0[None], hs[:-1]]).reshape(T * B, H)
    dW_x, dW_h = dz2.T @ x2, dz2.T @ h_prev
    _checks.finite_gradients("rnn_backward", T, weight_x=dW_x, weight_h=dW_h, h0=dh_next)
    grads = RNNGradients(dW_x, dW_h, dz2.sum(axis=0))
    dxs = (dz2 @ p.weight_x).reshape(T, B, D).transpose(1, 0, 2)
    return RNNSequenceGradients(params=grads, xs=dxs, h0=dh_next)


# --- Jordan ---------------------------------------------------------------------------------------

@dataclass
class JordanTrace:
    """h (B, T, H) and y (B, T, K) of a Jordan network."""

    h: np.ndarray
    y: np.ndarray


def jordan_forward(W_xh, W_yh, b, W_hy, b_y, xs, y0=None) -> JordanTrace:
    """A Jordan network: the previous output y_{t-1}, not h_{t-1}, feeds the next step.

    W_xh: (H, D), W_yh: (H, K), b: (H,), W_hy: (K, H), b_y: (K,), xs: (B, T, D), y0: (B, K) or None.
    """
    W_xh = _checks.array("W_xh", W_xh, ndim=2)
    H, D = W_xh.shape
    W_hy = _checks.array("W_hy", W_hy, ndim=2, shape=(None, H))
    K = W_hy.shape[0]
    W_yh = _checks.array("W_yh", W_yh, shape=(H, K))
    b = _checks.array("b", b, shape=(H,))
    b_y = _checks.array("b_y", b_y, shape=(K,))
    xs = check_sequence("xs", xs, D, np.float64)
    B, T, _ = xs.shape
    y = check_state("y0", y0, B, K, np.float64)
    hs, ys = np.empty((B, T, H)), np.empty((B, T, K))
    for t in range(T):
        hs[:, t] = np.tanh(xs[:, t] @ W_xh.T + y @ W_yh.T + b)
        y = ys[:, t] = hs[:, t] @ W_hy.T + b_y
    return JordanTrace(h=hs, y=ys)
